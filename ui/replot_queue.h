/// Replots of the dashboard's plots, one per turn of the event loop: each
/// plot's replot coalesced (as QCustomPlot::rpQueuedReplot does), and the
/// plots that want one taken in turn, so that the UI thread is never held
/// for all of them at once (issue 12, item 4: a UI that never blocks).
#pragma once

class QCustomPlot;

namespace sg::ui {

/// Queues a replot of `plot` (once, however often asked before it comes).
/// The queue is served one plot per event-loop turn; a plot deleted
/// meanwhile is skipped.
void queue_replot(QCustomPlot* plot);

/// Makes `plot` queue its replot on a resize instead of replotting at once
/// (QCustomPlot::resizeEvent replots immediately: a window resize replotted
/// every plot in one go).
void replot_queued_on_resize(QCustomPlot* plot);

}  // namespace sg::ui
