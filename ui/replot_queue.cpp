#include "replot_queue.h"

#include <QEvent>
#include <QMetaObject>
#include <QPointer>
#include <QTimer>

#include <algorithm>
#include <deque>

#include "qcustomplot.h"

namespace sg::ui {
namespace {

/// The UI thread's queue of plots waiting for their replot.
class ReplotQueue : public QObject {
public:
  static ReplotQueue& instance() {
    static ReplotQueue* queue = new ReplotQueue;  // lives as long as the application's event loop
    return *queue;
  }

  void add(QCustomPlot* plot) {
    if (std::any_of(waiting_.begin(), waiting_.end(), [plot](const QPointer<QCustomPlot>& p) { return p == plot; }))
      return;
    waiting_.emplace_back(plot);
    schedule();
  }

  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Resize) {
      // What QCustomPlot::resizeEvent does, with the replot queued.
      auto* plot = static_cast<QCustomPlot*>(watched);
      plot->setViewport(plot->rect());
      add(plot);
      return true;
    }
    return false;
  }

private:
  void schedule() {
    if (scheduled_ || waiting_.empty()) return;
    scheduled_ = true;
    // A posted call: the event loop runs what was posted before it and its
    // timers first, and a call posted while it runs waits for the next turn.
    QMetaObject::invokeMethod(this, [this] { serve_one(); }, Qt::QueuedConnection);
  }

  void serve_one() {
    scheduled_ = false;
    while (!waiting_.empty()) {
      QPointer<QCustomPlot> plot = waiting_.front();
      waiting_.pop_front();
      if (!plot) continue;
      plot->replot(QCustomPlot::rpRefreshHint);
      break;
    }
    schedule();
  }

  std::deque<QPointer<QCustomPlot>> waiting_;
  bool scheduled_ = false;
};

}  // namespace

void queue_replot(QCustomPlot* plot) {
  if (plot) ReplotQueue::instance().add(plot);
}

void replot_queued_on_resize(QCustomPlot* plot) { plot->installEventFilter(&ReplotQueue::instance()); }

}  // namespace sg::ui
