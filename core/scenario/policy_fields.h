/// The server and client policies beyond spec/system.md, as one table: their
/// JSON objects, fields, bounds and meanings (docs/scenario-extensions.md).
/// Scenario files, parameter paths and the dashboard all read them from here.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace sg {

/// One numeric field of a policy object.
struct PolicyField {
  const char* key;   ///< the JSON key inside the object ("ratio")
  double low, high;  ///< the allowed range
  bool low_open;     ///< the value must exceed `low` (not merely reach it)
  const char* unit;  ///< "s", "attempts/s", ... or ""
  const char* help;  ///< one sentence
  double* (*value)(Scenario&);
};

/// A policy: an object at `path` that is null (off) or gives its fields.
struct PolicyObject {
  const char* path;   ///< "client.retry_budget"
  const char* title;  ///< "Retry budget"
  const char* help;   ///< one sentence: what switching it on does
  bool* (*enabled)(Scenario&);
  std::vector<PolicyField> fields;
};

/// Every policy object, server ones first, in the order of the file.
const std::vector<PolicyObject>& policy_objects();

/// The policy object whose path is `path`, or nullptr.
const PolicyObject* find_policy(const std::string& path);

/// The full path of a field: "client.retry_budget.ratio".
std::string field_path(const PolicyObject& policy, const PolicyField& field);

/// Throws InputError naming the field when a value is out of its range.
void validate_policy_field(const PolicyField& field, const std::string& path, double value);

}  // namespace sg
