#include "run_controller.h"

#include "background_priority.h"

#include <optional>

namespace sg::ui {
namespace {

/// The shape of a call graph: its services and calls (what its layout
/// depends on, numbers aside).
std::string shape_of(const Scenario& s) {
  std::string key = "server";
  for (const auto& [name, service] : s.services) key += "|" + name;
  for (const CallSite& site : call_sites(s)) key += "|" + site.caller + ">" + site.callee;
  return key;
}

}  // namespace

TopologyLayout call_graph_layout(const Scenario& scenario) {
  return lay_out_topology(topology_view_dot(scenario, kGraphTextSize * 1.1));
}

RunController::RunController(QObject* parent, bool background) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const RunOutcome>>();
  worker_ = std::make_unique<SupersedingWorker<Scenario>>(
      [this, background](Scenario& scenario, const JobContext& job) {
        if (background) lower_this_threads_priority();
        // The curves' run: the map yields its cores to it while it is solved.
        std::optional<ForegroundRun> foreground;
        if (!background) foreground.emplace();
        try {
          SolverOptions options;
          options.cancel = &job.cancelled;
          if (background) options.pause_point = [] { yield_to_foreground(); };
          auto outcome = std::make_shared<RunOutcome>();
          outcome->generation = job.generation;
          if (has_calls(scenario)) {
            outcome->services = solve_services(scenario, options);
            outcome->run = outcome->services.front().run;
            // Graphviz lays a shape out once (it takes a tenth of a second):
            // the view draws the numbers of each run on it.
            const std::string shape = shape_of(scenario);
            if (shape != layout_shape_) {
              layout_ = std::make_shared<const TopologyLayout>(call_graph_layout(scenario));
              layout_shape_ = shape;
            }
            outcome->layout = layout_;
          } else {
            outcome->run = solve(scenario, options);
          }
          outcome->health = assess_run(scenario, outcome->run);
          outcome->scenario = std::move(scenario);
          if (job.current()) emit finished(std::move(outcome));
        } catch (const Cancelled&) {
          // superseded: nothing to report
        } catch (const std::exception& e) {
          if (job.current()) emit failed(job.generation, QString::fromUtf8(e.what()));
        }
      });
}

// The worker thread stops before the signals it emits are torn down.
RunController::~RunController() { worker_.reset(); }

}  // namespace sg::ui
