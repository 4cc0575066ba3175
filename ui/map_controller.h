/// Computes stability maps off the UI thread, coarse first; a newer request cancels an older one.
#pragma once

#include <QObject>

#include <memory>

#include "analysis/parameter_map.h"
#include "scenario/scenario.h"
#include "superseding_worker.h"

namespace sg::ui {

struct MapOutcome {
  quint64 generation = 0;
  Scenario scenario;
  ParameterMap map;
  int stride = 1;  ///< 1: every point solved
};

class MapController : public QObject {
  Q_OBJECT

public:
  explicit MapController(QObject* parent = nullptr);
  ~MapController() override;

  quint64 request(const Scenario& scenario, const MapAxis& x, const MapAxis& y) {
    return worker_->submit(Request{scenario, x, y});
  }
  quint64 latest() const { return worker_->latest(); }

signals:
  /// A pass of the newest map: coarse (stride > 1) or final (stride 1).
  void pass_ready(std::shared_ptr<const sg::ui::MapOutcome> outcome);
  void failed(quint64 generation, QString message);
  /// How far the newest map is: `done` of `total` points of pass `pass` of
  /// `passes`. Throttled (a few a second), queued to the receiver's thread.
  void progress(quint64 generation, int done, int total, int pass, int passes);

private:
  struct Request {
    Scenario scenario;
    MapAxis x, y;
  };
  std::unique_ptr<SupersedingWorker<Request>> worker_;
};

}  // namespace sg::ui

Q_DECLARE_METATYPE(std::shared_ptr<const sg::ui::MapOutcome>)
