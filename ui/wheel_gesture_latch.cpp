#include "wheel_gesture_latch.h"

#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QEvent>
#include <QScrollBar>
#include <QWheelEvent>
#include <QWidget>

#include <memory>

namespace sg::ui {
namespace {

/// Edits a value (or, for an item view, scrolls its own rows) when the wheel turns over it.
bool takes_the_wheel(const QWidget* w) {
  if (qobject_cast<const QScrollBar*>(w)) return false;  // scrolling machinery, not a value
  return qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractSpinBox*>(w) ||
         qobject_cast<const QAbstractSlider*>(w) || qobject_cast<const QAbstractItemView*>(w);
}

/// The keyboard focus is on `control` or on a widget inside it (a spin box's
/// line edit, a table's cell editor).
bool has_focus_within(const QWidget* control) {
  const QWidget* focus = QApplication::focusWidget();
  return focus && (focus == control || control->isAncestorOf(focus));
}

}  // namespace

WheelGestureLatch::WheelGestureLatch(QWidget* window, int gap_ms)
    : QObject(window), window_(window), gap_ms_(gap_ms) {
  auto timer = std::make_shared<QElapsedTimer>();
  timer->start();
  clock_ = [timer] { return timer->elapsed(); };
  qApp->installEventFilter(this);
}

WheelGestureLatch::~WheelGestureLatch() {
  if (qApp) qApp->removeEventFilter(this);
}

QWidget* WheelGestureLatch::wheel_control(QWidget* widget) {
  // The outermost: a table with its header and its cell editor is one control.
  QWidget* control = nullptr;
  for (QWidget* w = widget; w; w = w->parentWidget()) {
    if (takes_the_wheel(w)) control = w;
    if (w->isWindow()) break;
  }
  return control;
}

bool WheelGestureLatch::in_scope(const QWidget* widget) const {
  const QWidget* top = widget->window();
  if (top->windowType() == Qt::Popup) return false;  // an open list is the user's to scroll
  for (; top; top = top->parentWidget() ? top->parentWidget()->window() : nullptr)
    if (top == window_) return true;
  return false;
}

void WheelGestureLatch::follow_gesture(QWidget* receiver, Qt::ScrollPhase phase) {
  // The first event of a gesture is seen first at the widget under the
  // pointer (QApplication offers it to the parents only after), so that is
  // where the gesture starts. Its later events, and the same event offered
  // to the parents, come within the gap. Momentum after the fingers lift is
  // still the gesture they started.
  const qint64 now = clock_();
  const bool starts = !in_gesture_ || now - last_ms_ > gap_ms_ ||
                      (ending_ && phase != Qt::ScrollEnd && phase != Qt::ScrollMomentum);
  if (starts) {
    QWidget* control = wheel_control(receiver);
    owner_ = control && has_focus_within(control) ? control : nullptr;
    in_gesture_ = true;
    ending_ = false;
  }
  if (phase == Qt::ScrollEnd) ending_ = true;
  last_ms_ = now;
}

bool WheelGestureLatch::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::Polish) {
    // Focus comes from a click or the keyboard, never from the wheel.
    auto* widget = qobject_cast<QWidget*>(watched);
    if (widget && widget->focusPolicy() == Qt::WheelFocus && takes_the_wheel(widget) && in_scope(widget))
      widget->setFocusPolicy(Qt::StrongFocus);
    return false;
  }
  if (event->type() != QEvent::Wheel) return false;
  auto* widget = qobject_cast<QWidget*>(watched);  // not the QWindow the platform delivers to first
  if (!widget || !in_scope(widget)) return false;
  follow_gesture(widget, static_cast<QWheelEvent*>(event)->phase());
  QWidget* control = wheel_control(widget);
  if (!control || (control == owner_ && has_focus_within(control))) return false;
  // Not this control's gesture: ignored here, QApplication offers it to the
  // parents, and the scroll area around the control scrolls.
  event->ignore();
  return true;
}

}  // namespace sg::ui
