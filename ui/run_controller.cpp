#include "run_controller.h"

namespace sg::ui {

RunController::RunController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const RunOutcome>>();
  worker_ = std::make_unique<SupersedingWorker<Scenario>>(
      [this](Scenario& scenario, const JobContext& job) {
        try {
          SolverOptions options;
          options.cancel = &job.cancelled;
          auto outcome = std::make_shared<RunOutcome>();
          outcome->generation = job.generation;
          outcome->run = solve(scenario, options);
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
