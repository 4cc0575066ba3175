#include "map_controller.h"

#include <atomic>
#include <chrono>

#include "background_priority.h"
#include "model/fluid_solver.h"

namespace sg::ui {

MapController::MapController(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const MapOutcome>>();
  worker_ = std::make_unique<SupersedingWorker<Request>>(
      [this](Request& request, const JobContext& job) {
        // Background work: its solving threads inherit the lowered priority.
        lower_this_threads_priority();
        // Progress from the solving threads, at most one report per
        // kProgressIntervalMs (a pass's start and end always): enough to
        // follow, never a flood of queued events on the UI thread.
        constexpr qint64 kProgressIntervalMs = 100;
        const auto started = std::chrono::steady_clock::now();
        std::atomic<qint64> last_report_ms{-kProgressIntervalMs};
        auto cell_progress = [&](std::size_t done, std::size_t total, int pass, int passes) {
          if (!job.current()) return;
          const qint64 now_ms =
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
          qint64 last = last_report_ms.load();
          const bool edge = done == 0 || done == total;
          if (!edge && now_ms - last < kProgressIntervalMs) return;
          if (!edge && !last_report_ms.compare_exchange_strong(last, now_ms)) return;  // another thread reports
          if (edge) last_report_ms = now_ms;
          emit progress(job.generation, static_cast<int>(done), static_cast<int>(total), pass, passes);
        };
        try {
          // All cores: the map's points are solved in parallel within each pass.
          // Every thousand steps of every point, the curves' run a user
          // waits for goes first.
          SolverOptions options;
          options.pause_point = [] { yield_to_foreground(); };
          compute_map_progressively(
              request.scenario, request.x, request.y, options, 0,
              [&](const ParameterMap& map, int stride) {
                if (!job.current()) return;
                auto outcome = std::make_shared<MapOutcome>();
                outcome->generation = job.generation;
                outcome->scenario = request.scenario;
                outcome->map = map;
                outcome->stride = stride;
                emit pass_ready(std::move(outcome));
              },
              &job.cancelled, cell_progress);
        } catch (const Cancelled&) {
        } catch (const std::exception& e) {
          if (job.current()) emit failed(job.generation, QString::fromUtf8(e.what()));
        }
      });
}

MapController::~MapController() { worker_.reset(); }

}  // namespace sg::ui
