#include "map_controller.h"

#include "model/fluid_solver.h"

namespace sg::ui {

MapController::MapController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const MapOutcome>>();
  worker_ = std::make_unique<SupersedingWorker<Request>>(
      [this](Request& request, const JobContext& job) {
        try {
          // All cores: the map's points are solved in parallel within each pass.
          compute_map_progressively(
              request.scenario, request.x, request.y, {}, 0,
              [&](const ParameterMap& map, int stride) {
                if (!job.current()) return;
                auto outcome = std::make_shared<MapOutcome>();
                outcome->generation = job.generation;
                outcome->scenario = request.scenario;
                outcome->map = map;
                outcome->stride = stride;
                emit pass_ready(std::move(outcome));
              },
              &job.cancelled);
        } catch (const Cancelled&) {
        } catch (const std::exception& e) {
          if (job.current()) emit failed(job.generation, QString::fromUtf8(e.what()));
        }
      });
}

MapController::~MapController() { worker_.reset(); }

}  // namespace sg::ui
