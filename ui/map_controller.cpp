#include "map_controller.h"

#include "model/fluid_solver.h"

namespace sg::ui {

MapController::MapController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const MapOutcome>>();
  worker_ = std::make_unique<SupersedingWorker<Request>>(
      [this](Request& request, quint64 generation, const std::atomic<bool>& cancelled) {
        try {
          // All cores: the map's points are solved in parallel within each pass.
          compute_map_progressively(
              request.scenario, request.x, request.y, {}, 0,
              [&](const ParameterMap& map, int stride) {
                if (generation != latest()) return;
                auto outcome = std::make_shared<MapOutcome>();
                outcome->generation = generation;
                outcome->scenario = request.scenario;
                outcome->map = map;
                outcome->stride = stride;
                emit pass_ready(std::move(outcome));
              },
              &cancelled);
        } catch (const Cancelled&) {
        } catch (const std::exception& e) {
          if (generation == latest()) emit failed(generation, QString::fromUtf8(e.what()));
        }
      });
}

MapController::~MapController() { worker_.reset(); }

}  // namespace sg::ui
