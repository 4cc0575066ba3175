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

/// One header line and one row per output interval; `graph_columns` adds
/// spec/graph.md's failed and waiting after the others (for a scenario with
/// calls: one without keeps the columns it always had).
std::string run_csv(const RunResult& run, bool graph_columns = false);

/// One header line and one row per point, x varying slowest.
std::string map_csv(const ParameterMap& map);

}  // namespace sg
