#include "event_loop_latency.h"

#include <algorithm>

namespace sg::ui {

EventLoopLatency::EventLoopLatency(QObject* parent) : QObject(parent) {
  timer_.setInterval(kIntervalMs);
  timer_.setTimerType(Qt::PreciseTimer);
  connect(&timer_, &QTimer::timeout, this, [this] {
    const qint64 now = clock_.nsecsElapsed();
    if (last_ns_ >= 0) worst_ns_ = std::max(worst_ns_, now - last_ns_);
    last_ns_ = now;
  });
  clock_.start();
  timer_.start();
}

double EventLoopLatency::worst_block_ms() const {
  // The gap still open counts too: a block in progress is a block.
  qint64 worst = worst_ns_;
  if (last_ns_ >= 0) worst = std::max(worst, clock_.nsecsElapsed() - last_ns_);
  return std::max(0.0, static_cast<double>(worst) * 1e-6 - kIntervalMs);
}

void EventLoopLatency::reset() {
  worst_ns_ = 0;
  last_ns_ = clock_.nsecsElapsed();
}

}  // namespace sg::ui
