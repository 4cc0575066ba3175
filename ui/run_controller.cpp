#include "run_controller.h"

namespace sg::ui {

RunController::RunController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const RunOutcome>>();
  worker_ = std::thread([this] { work(); });
}

RunController::~RunController() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    cancel_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

quint64 RunController::request(const Scenario& scenario) {
  quint64 generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = scenario;
    generation = ++generation_;
    cancel_ = true;  // the run in progress, if any, is now stale
  }
  wake_.notify_one();
  return generation;
}

void RunController::work() {
  for (;;) {
    Scenario scenario;
    quint64 generation;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      scenario = std::move(*pending_);
      pending_.reset();
      generation = generation_.load();
      cancel_ = false;
    }
    try {
      SolverOptions options;
      options.cancel = &cancel_;
      auto outcome = std::make_shared<RunOutcome>();
      outcome->generation = generation;
      outcome->run = solve(scenario, options);
      outcome->health = assess_run(scenario, outcome->run);
      outcome->scenario = std::move(scenario);
      if (generation == generation_.load()) emit finished(std::move(outcome));
    } catch (const Cancelled&) {
      ++cancelled_;
    } catch (const std::exception& e) {
      if (generation == generation_.load()) emit failed(generation, QString::fromUtf8(e.what()));
    }
  }
}

}  // namespace sg::ui
