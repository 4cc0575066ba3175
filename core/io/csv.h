/// The CSV files of spec/interfaces.md ("CSV columns").
#pragma once

#include <string>

#include "analysis/parameter_map.h"
#include "model/fluid_solver.h"

namespace sg {

/// The header line of `stormglass-cli run`, without a newline.
extern const char* const kRunCsvHeader;
/// The header line of `stormglass-cli map`, without a newline.
extern const char* const kMapCsvHeader;

/// One header line and one row per output interval.
std::string run_csv(const RunResult& run);

/// One header line and one row per point, x varying slowest.
std::string map_csv(const ParameterMap& map);

}  // namespace sg
