#include "offscreen_render.h"

#include "analysis/health.h"
#include "load_curves_view.h"
#include "run_controller.h"
#include "topology_view.h"
#include "stability_map_view.h"

namespace sg::ui {

QString render_scenario_figure(const Scenario& scenario, const SolverOptions& options, const QString& path,
                               FigureSize size, bool curves_only) {
  auto outcome = std::make_shared<RunOutcome>();
  outcome->scenario = scenario;
  if (has_calls(scenario)) {
    // The call graph above the curves, as the dashboard draws it at the end of the run.
    outcome->services = solve_services(scenario, options);
    outcome->run = outcome->services.front().run;
    outcome->layout = std::make_shared<const TopologyLayout>(call_graph_layout(scenario));
  } else {
    outcome->run = solve(scenario, options);
  }
  outcome->health = assess_run(scenario, outcome->run);
  LoadCurvesView view;
  view.resize(size.width, size.height);
  view.show_run(scenario, outcome->run);
  if (curves_only) return export_curves(view, path, size);
  if (outcome->services.empty()) return export_dashboard(view, scenario, outcome->health, path, size);
  TopologyView graph;
  graph.resize(size.width, size.height / 3);
  graph.show_outcome(outcome);
  return export_dashboard(view, scenario, outcome->health, path, size, &graph);
}

QString render_map_figure(const Scenario& scenario, const ParameterMap& map, const QString& path, FigureSize size) {
  StabilityMapView view;
  view.resize(size.width, size.height);
  view.show_map(map, 1, scenario);
  return export_plot(*view.plot(), view.caption(), path, size);
}

}  // namespace sg::ui
