/// Solving a scenario and drawing its figure without showing a window.
#pragma once

#include <QString>

#include "figure_export.h"
#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg::ui {

/// Solves `scenario` and writes its dashboard figure (or only the load curves)
/// to `path`, with the same widgets and code as the window's export. Needs a
/// QApplication. Returns an error message, empty on success.
QString render_scenario_figure(const Scenario& scenario, const SolverOptions& options, const QString& path,
                               FigureSize size, bool curves_only);

}  // namespace sg::ui
