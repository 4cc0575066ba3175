#include "window_placement.h"

#include <QGuiApplication>
#include <QMargins>
#include <QScreen>
#include <QWidget>

#include <algorithm>
#include <limits>

namespace sg::ui {

QRect fitted_frame(const QRect& frame, const QRect& available, const QSize& minimum) {
  if (!available.isValid()) return frame;
  const int width = std::max(std::min(frame.width(), available.width()), minimum.width());
  const int height = std::max(std::min(frame.height(), available.height()), minimum.height());
  // Inside where it fits; against the top left edge where it cannot.
  const int x = std::max(available.left(), std::min(frame.left(), available.right() + 1 - width));
  const int y = std::max(available.top(), std::min(frame.top(), available.bottom() + 1 - height));
  return {x, y, width, height};
}

QScreen* screen_for(const QRect& frame) {
  QScreen* best = nullptr;
  long long most = 0;
  for (QScreen* s : QGuiApplication::screens()) {
    const QRect common = s->geometry().intersected(frame);
    const long long area = common.isEmpty() ? 0 : static_cast<long long>(common.width()) * common.height();
    if (area > most) most = area, best = s;
  }
  if (best) return best;
  long long nearest = std::numeric_limits<long long>::max();
  for (QScreen* s : QGuiApplication::screens()) {
    const QPoint d = s->geometry().center() - frame.center();
    const long long distance = static_cast<long long>(d.x()) * d.x() + static_cast<long long>(d.y()) * d.y();
    if (distance < nearest) nearest = distance, best = s;
  }
  return best ? best : QGuiApplication::primaryScreen();
}

bool fit_window_to_screen(QWidget* window) {
  const Qt::WindowStates state = window->windowState();
  const Qt::WindowStates large = state & (Qt::WindowMaximized | Qt::WindowFullScreen);
  if (large) {
    // The window manager fits a maximized window; what it un-maximizes to is
    // the normal geometry, which only a hidden window lets us set (Qt records
    // it when the state is set again).
    if (window->isVisible()) return false;
    window->setWindowState(state & ~(Qt::WindowMaximized | Qt::WindowFullScreen));
  }
  // Before the first show the decorations are unknown (frame == geometry).
  const QRect frame = window->frameGeometry(), inner = window->geometry();
  const QMargins margins(inner.left() - frame.left(), inner.top() - frame.top(), frame.right() - inner.right(),
                         frame.bottom() - inner.bottom());
  QSize minimum = window->minimumSize().expandedTo(window->minimumSizeHint());
  minimum += QSize(margins.left() + margins.right(), margins.top() + margins.bottom());
  bool changed = false;
  if (QScreen* screen = screen_for(frame)) {
    const QRect fitted = fitted_frame(frame, screen->availableGeometry(), minimum);
    if (fitted != frame) {
      window->resize(fitted.size().shrunkBy(margins));
      window->move(fitted.topLeft());  // a top-level window's position is its frame's
      changed = true;
    }
  }
  if (large) window->setWindowState(state);
  return changed;
}

}  // namespace sg::ui
