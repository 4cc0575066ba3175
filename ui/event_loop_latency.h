/// How late the UI thread serves a 2 ms timer: the longest it was kept from
/// its event loop (issue 12, item 4: a UI that never blocks more than 50 ms).
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace sg::ui {

/// Ticks a 2 ms PreciseTimer on the calling (UI) thread from construction
/// and keeps the longest gap between two ticks; the worst block is that gap
/// less the interval: how long an event had to wait for the thread.
class EventLoopLatency : public QObject {
public:
  explicit EventLoopLatency(QObject* parent = nullptr);

  /// The longest block since construction or the last reset(), in ms.
  double worst_block_ms() const;
  /// Forgets the blocks seen so far (the next gap starts now).
  void reset();

  static constexpr int kIntervalMs = 2;

private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ns_ = -1;
  qint64 worst_ns_ = 0;
};

}  // namespace sg::ui
