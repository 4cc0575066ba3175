#include "map_controller.h"

#include "model/fluid_solver.h"

namespace sg::ui {

MapController::MapController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const MapOutcome>>();
  worker_ = std::thread([this] { work(); });
}

MapController::~MapController() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    cancel_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

quint64 MapController::request(const Scenario& scenario, const MapAxis& x, const MapAxis& y) {
  quint64 generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = Request{scenario, x, y};
    generation = ++generation_;
    cancel_ = true;
  }
  wake_.notify_one();
  return generation;
}

void MapController::work() {
  for (;;) {
    Request request;
    quint64 generation;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      request = std::move(*pending_);
      pending_.reset();
      generation = generation_.load();
      cancel_ = false;
    }
    try {
      // All cores: the map's points are solved in parallel within each pass.
      compute_map_progressively(
          request.scenario, request.x, request.y, {}, 0,
          [&](const ParameterMap& map, int stride) {
            if (generation != generation_.load()) return;
            auto outcome = std::make_shared<MapOutcome>();
            outcome->generation = generation;
            outcome->scenario = request.scenario;
            outcome->map = map;
            outcome->stride = stride;
            emit pass_ready(std::move(outcome));
          },
          &cancel_);
    } catch (const Cancelled&) {
    } catch (const std::exception& e) {
      if (generation == generation_.load()) emit failed(generation, QString::fromUtf8(e.what()));
    }
  }
}

}  // namespace sg::ui
