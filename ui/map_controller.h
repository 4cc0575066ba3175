/// Computes stability maps off the UI thread, coarse first; a newer request cancels an older one.
#pragma once

#include <QObject>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "analysis/parameter_map.h"
#include "scenario/scenario.h"

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

  quint64 request(const Scenario& scenario, const MapAxis& x, const MapAxis& y);
  quint64 latest() const { return generation_.load(); }

signals:
  /// A pass of the newest map: coarse (stride > 1) or final (stride 1).
  void pass_ready(std::shared_ptr<const sg::ui::MapOutcome> outcome);
  void failed(quint64 generation, QString message);

private:
  struct Request {
    Scenario scenario;
    MapAxis x, y;
  };
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Request> pending_;
  bool stopping_ = false;
  std::atomic<quint64> generation_{0};
  std::atomic<bool> cancel_{false};
  std::thread worker_;
};

}  // namespace sg::ui

Q_DECLARE_METATYPE(std::shared_ptr<const sg::ui::MapOutcome>)
