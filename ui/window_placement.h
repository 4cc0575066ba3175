/// A restored window fits the screen it comes back on: a layout saved on a
/// large monitor and restored on a laptop is made smaller and moved inside.
#pragma once

#include <QRect>
#include <QSize>

class QScreen;
class QWidget;

namespace sg::ui {

/// `frame` (window and decorations) made to fit `available`: no larger than
/// it, but not below `minimum` (the frame's minimum size), then moved inside.
/// A frame whose minimum is larger than the screen goes to the screen's top
/// left, so that its title bar and what is on its left stay reachable.
QRect fitted_frame(const QRect& frame, const QRect& available, const QSize& minimum);

/// The screen `frame` lands on: the one holding most of it, else the one
/// nearest to its centre, else the primary screen.
QScreen* screen_for(const QRect& frame);

/// Fits a top-level window into the available geometry of the screen it
/// lands on (after restoreGeometry, before or after it is shown). A maximized
/// or full-screen window keeps its state; the size it un-maximizes to is
/// fitted, when it is not shown yet. Returns whether anything changed.
bool fit_window_to_screen(QWidget* window);

}  // namespace sg::ui
