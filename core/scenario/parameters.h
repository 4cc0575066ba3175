/// Parameter paths (spec/interfaces.md): read and set any numeric or choice field by name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace sg {

enum class ParameterKind {
  Number,           ///< a real number
  WholeOrNone,      ///< a whole number, or "none"/"null" (server.queue_limit)
  WholeOrUnlimited, ///< a whole number, or "unlimited" (client.max_attempts)
  Flag,             ///< true or false
  Choice,           ///< one of `choices`
  Text,             ///< free text
  Whole,            ///< a whole number (a call's fan_out)
};

/// What a user interface or a script needs to know of one parameter.
struct ParameterInfo {
  std::string path;
  ParameterKind kind;
  std::string unit;  ///< "jobs/s", "s", ... or empty
  std::string help;  ///< one sentence: what the parameter means
  std::vector<std::string> choices;
};

/// Every settable parameter of the entry and the users' client, in the order
/// of the scenario file.
const std::vector<ParameterInfo>& parameters();

/// Every settable parameter of `scenario`: those above, then every service's
/// and every call's (spec/graph.md, "Parameter paths"): "services.db.capacity",
/// "server.calls.auth.timeout_s", "services.auth.calls.db.fan_out", ...
std::vector<ParameterInfo> parameters(const Scenario& scenario);

/// The parameter of the entry or the users' client named by `path`, or nullptr.
const ParameterInfo* find_parameter(const std::string& path);

/// The parameter named by `path`, graph paths included (by their shape: the
/// service or call need not exist); empty when no scenario could have it.
std::optional<ParameterInfo> describe_parameter(const std::string& path);

/// Graph paths (spec/graph.md) reach services and calls: the functions below
/// take them too, and their errors name them.

/// The value at `path` as a number: flags read 0 or 1, choices their index;
/// empty for "none" and "unlimited". Throws InputError for an unknown path
/// or a text field.
std::optional<double> get_number(const Scenario& scenario, const std::string& path);

/// Sets a numeric field (map axes). Whole-number fields refuse fractions.
/// Throws InputError naming the path and the value; the scenario is not
/// validated here (call validate_scenario once all values are set).
void set_number(Scenario& scenario, const std::string& path, double value);

/// The value at `path` as text, as `set_text` accepts it.
std::string get_text(const Scenario& scenario, const std::string& path);

/// Sets the field at `path` from text, as `--set PATH=VALUE` does: numbers,
/// "none"/"null" for the queue limit, "unlimited" for max attempts,
/// true/false for flags, a choice name for choices. Throws InputError.
void set_text(Scenario& scenario, const std::string& path, const std::string& text);

/// Applies "PATH=VALUE" (the argument of --set). Throws InputError with the
/// option text as the value when it has no '='.
void apply_assignment(Scenario& scenario, const std::string& assignment);

}  // namespace sg
