#include "offscreen_render.h"

#include "analysis/health.h"
#include "load_curves_view.h"
#include "stability_map_view.h"

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

QString render_map_figure(const Scenario& scenario, const ParameterMap& map, const QString& path, FigureSize size) {
  StabilityMapView view;
  view.resize(size.width, size.height);
  view.show_map(map, 1, scenario);
  return export_plot(*view.plot(), view.caption(), path, size);
}

}  // namespace sg::ui
