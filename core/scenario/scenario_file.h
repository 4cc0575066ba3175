/// Reading, validating and writing scenario files (spec/interfaces.md, "Scenario file").
#pragma once

#include <string>

#include "scenario/scenario.h"

namespace sg {

/// Parses scenario JSON text. Missing fields take their defaults; unknown
/// fields, wrong types and bad values throw InputError naming `source`.
Scenario parse_scenario(const std::string& json_text, const std::string& source);

/// Reads and parses a scenario file; a missing or unreadable file is an InputError too.
Scenario load_scenario(const std::string& path);

/// Checks every rule of spec/interfaces.md and spec/system.md on a scenario
/// (ranges, whole numbers, the refused instant-retry loop). Throws InputError
/// with an empty source; callers attribute it.
void validate_scenario(const Scenario& scenario);

/// The scenario as JSON text with every field written out.
std::string scenario_to_json(const Scenario& scenario);

/// Writes the scenario atomically: a temporary file beside `path` is written,
/// flushed and renamed over it, so a failure never leaves half a file.
/// Throws std::runtime_error naming the file when it cannot be written.
void save_scenario(const Scenario& scenario, const std::string& path);

}  // namespace sg
