/// Solving a scenario and drawing its figure without showing a window.
#pragma once

#include <QString>

#include "figure_export.h"
#include "analysis/parameter_map.h"
#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg::ui {

/// Solves `scenario` and writes its dashboard figure (or only the load curves)
/// to `path`, with the same widgets and code as the window's export. Needs a
/// QApplication. Returns an error message, empty on success.
QString render_scenario_figure(const Scenario& scenario, const SolverOptions& options, const QString& path,
                               FigureSize size, bool curves_only);

/// Draws a computed stability map of `scenario` to `path`, with the same
/// widget as the dashboard's map panel.
QString render_map_figure(const Scenario& scenario, const ParameterMap& map, const QString& path, FigureSize size);

}  // namespace sg::ui
