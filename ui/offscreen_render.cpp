#include "offscreen_render.h"

#include "analysis/health.h"
#include "load_curves_view.h"

namespace sg::ui {

QString render_scenario_figure(const Scenario& scenario, const SolverOptions& options, const QString& path,
                               FigureSize size, bool curves_only) {
  RunResult run = solve(scenario, options);
  RunHealth health = assess_run(scenario, run);
  LoadCurvesView view;
  view.resize(size.width, size.height);
  view.show_run(scenario, run);
  return curves_only ? export_curves(view, path, size) : export_dashboard(view, scenario, health, path, size);
}

}  // namespace sg::ui
