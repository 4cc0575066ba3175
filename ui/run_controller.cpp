#include "run_controller.h"

namespace sg::ui {

RunController::RunController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const RunOutcome>>();
  worker_ = std::make_unique<SupersedingWorker<Scenario>>(
      [this](Scenario& scenario, quint64 generation, const std::atomic<bool>& cancelled) {
        try {
          SolverOptions options;
          options.cancel = &cancelled;
          auto outcome = std::make_shared<RunOutcome>();
          outcome->generation = generation;
          outcome->run = solve(scenario, options);
          outcome->health = assess_run(scenario, outcome->run);
          outcome->scenario = std::move(scenario);
          if (generation == latest()) emit finished(std::move(outcome));
        } catch (const Cancelled&) {
          ++cancelled_;
        } catch (const std::exception& e) {
          if (generation == latest()) emit failed(generation, QString::fromUtf8(e.what()));
        }
      });
}

// The worker thread stops before the signals it emits are torn down.
RunController::~RunController() { worker_.reset(); }

}  // namespace sg::ui
