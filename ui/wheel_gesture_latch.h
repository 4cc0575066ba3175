/// Latches each mouse-wheel gesture to what it started on, so that scrolling
/// never edits a parameter by accident.
#pragma once

#include <QObject>
#include <QPointer>

#include <functional>
#include <utility>

class QWidget;

namespace sg::ui {

/// A wheel gesture is a run of wheel events less than `gap_ms` apart (and,
/// where the platform reports scroll phases, one ends at ScrollEnd). As in a
/// browser, the gesture belongs to what it started on:
///
/// * a control that edits a value with the wheel (combo box, spin box,
///   slider, item view such as the capacity schedule's table, and what is
///   inside them: a spin box's line edit, a table's cell editor) takes the
///   gesture only when the gesture started on it while it had keyboard focus;
/// * any other gesture passes every control by: the control ignores the
///   event, which goes on to its parents, so a gesture that scrolls the
///   panel keeps scrolling it whatever control passes under the pointer.
///
/// Focus left over from an earlier click is not consent: the gesture must
/// start on the control. And the wheel never gives focus: controls that
/// would take focus from it (Qt::WheelFocus, the default of combo and spin
/// boxes) take it from clicks and the keyboard only (Qt::StrongFocus).
///
/// Installed on the application, it acts on the widgets of `window` and of
/// the dialogs it owns; open popups (a combo box's list) are left alone.
class WheelGestureLatch : public QObject {
  Q_OBJECT

public:
  /// Milliseconds on a monotonic clock.
  using Clock = std::function<qint64()>;
  /// A pause longer than this between two wheel events starts a new gesture.
  static constexpr int kGestureGapMs = 500;

  explicit WheelGestureLatch(QWidget* window, int gap_ms = kGestureGapMs);
  ~WheelGestureLatch() override;

  /// Replaces the clock (tests step time instead of sleeping).
  void set_clock(Clock clock) { clock_ = std::move(clock); }
  int gap_ms() const { return gap_ms_; }

  /// The control at or around `widget` that edits a value with the wheel
  /// (the outermost, when one is inside another: a table and its cell
  /// editor), or nullptr (panels, labels, plots, a panel's scroll bars).
  static QWidget* wheel_control(QWidget* widget);

protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

private:
  bool in_scope(const QWidget* widget) const;
  /// Counts the event into the current gesture, or starts a new one on `receiver`.
  void follow_gesture(QWidget* receiver, Qt::ScrollPhase phase);

  QPointer<QWidget> window_;
  int gap_ms_;
  Clock clock_;
  bool in_gesture_ = false;
  bool ending_ = false;  ///< the platform said ScrollEnd: the next event starts a gesture
  qint64 last_ms_ = 0;
  /// The focused control the gesture started on; null when it started on
  /// anything else (the gesture then belongs to no control).
  QPointer<QWidget> owner_;
};

}  // namespace sg::ui
