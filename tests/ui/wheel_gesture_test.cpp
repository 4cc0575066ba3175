// The mouse wheel never changes a parameter by accident: a wheel gesture
// belongs to what it started on, and a control takes it only when the
// gesture started on it while it had the focus (WheelGestureLatch).
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>
#include <QWheelEvent>
#include <QtTest/qtestspontaneevent.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capacity_schedule_editor.h"
#include "main_window.h"
#include "window_waits.h"
#include "parameter_control.h"
#include "scenario/parameters.h"
#include "stability_map_view.h"
#include "wheel_gesture_latch.h"

namespace sg::ui {
namespace {

using test::wait_for_run;

/// The widget the platform would deliver a wheel event at `global` to.
QWidget* under_pointer(QWidget* window, QPoint global) {
  QWidget* w = window->childAt(window->mapFromGlobal(global));
  return w ? w : window;
}

/// Turns the wheel at `global` as the platform does: a spontaneous event to
/// the window, which gives it to the deepest widget under the pointer
/// (QWidgetWindow); QApplication then offers it to the widget's parents while
/// it is ignored, gives focus to a Qt::WheelFocus widget, and follows scroll
/// phases, as with a real mouse. (QApplication::sendEvent would clear the
/// spontaneous flag, and a sent wheel event goes to one widget only.)
void turn_wheel(QWidget* window, QPoint global, int delta_y, Qt::ScrollPhase phase = Qt::NoScrollPhase) {
  QWheelEvent wheel(QPointF(window->mapFromGlobal(global)), QPointF(global), QPoint(), QPoint(0, delta_y),
                    Qt::NoButton, Qt::NoModifier, phase, false);
  QSpontaneKeyEvent::setSpontaneous(&wheel);
  QApplication::instance()->notify(window->windowHandle(), &wheel);
}

QPoint centre(const QWidget* w) { return w->mapToGlobal(w->rect().center()); }

bool focus_within(const QWidget* w) {
  const QWidget* focus = QApplication::focusWidget();
  return focus && (focus == w || w->isAncestorOf(focus));
}

/// The pointer is over `control` (or over a widget inside it).
bool over(QWidget* window, QPoint global, const QWidget* control) {
  QWidget* w = under_pointer(window, global);
  return w == control || control->isAncestorOf(w);
}

QLabel* label_with_text(QWidget* root, const QString& text) {
  for (QLabel* l : root->findChildren<QLabel*>())
    if (l->text() == text) return l;
  return nullptr;
}

struct WheelGestureTest : ::testing::Test {
  void SetUp() override {
    window = std::make_unique<MainWindow>(false);
    window->resize(1280, 800);
    window->show();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window.get()));
    ASSERT_TRUE(wait_for_run(*window));
    latch = window->findChild<WheelGestureLatch*>();
    ASSERT_NE(latch, nullptr);
    latch->set_clock([this] { return now_ms; });
    panel = window->findChild<QScrollArea*>(QStringLiteral("controls_scroll"));
    jitter = window->findChild<QComboBox*>(QStringLiteral("jitter_chooser"));
    ASSERT_NE(panel, nullptr);
    ASSERT_NE(jitter, nullptr);
    ASSERT_GT(panel->verticalScrollBar()->maximum(), 200);  // the panel has somewhere to scroll
    ASSERT_EQ(jitter->currentText(), "full");
  }
  /// Longer than a gesture's gap: the next wheel event starts a new gesture.
  void pause() { now_ms += latch->gap_ms() + 1; }
  int panel_offset() const { return panel->verticalScrollBar()->value(); }
  std::string jitter_in_force() const { return get_text(window->scenario(), "client.backoff.jitter"); }

  std::unique_ptr<MainWindow> window;
  WheelGestureLatch* latch = nullptr;
  QScrollArea* panel = nullptr;
  QComboBox* jitter = nullptr;
  qint64 now_ms = 1000;
};

// The report: click the jitter chooser (its list opens), Escape, move the
// pointer above it and scroll the panel down. The chooser, which kept the
// focus, passed under the pointer, took the wheel and set the jitter to none.
TEST_F(WheelGestureTest, ScrollingThePanelPastTheFocusedJitterChooserLeavesTheJitter) {
  QTest::mouseClick(jitter, Qt::LeftButton);
  QWidget* list = QApplication::activePopupWidget();
  ASSERT_NE(list, nullptr);
  QTest::keyClick(list, Qt::Key_Escape);
  ASSERT_EQ(QApplication::activePopupWidget(), nullptr);
  ASSERT_TRUE(jitter->hasFocus());
  const int steps = window->undo_stack()->count();
  const int start = panel_offset();

  // Just above the chooser: the panel itself, no control.
  const QPoint pointer = jitter->mapToGlobal(QPoint(jitter->width() / 2, -3));
  ASSERT_EQ(WheelGestureLatch::wheel_control(under_pointer(window.get(), pointer)), nullptr);
  bool passed_under = false;
  int turns = 0;
  for (; turns < 60 && jitter->mapToGlobal(QPoint(0, jitter->height())).y() >= pointer.y() - 20; ++turns) {
    passed_under = passed_under || over(window.get(), pointer, jitter);
    turn_wheel(window.get(), pointer, -24);  // a fifth of a notch, as a fine-grained wheel sends
  }
  EXPECT_TRUE(passed_under);
  EXPECT_LT(turns, 60) << "the panel stopped scrolling under the chooser";
  EXPECT_EQ(jitter->currentText(), "full");
  EXPECT_EQ(jitter_in_force(), "full");
  EXPECT_EQ(window->undo_stack()->count(), steps) << window->undo_stack()->undoText().toStdString();
  EXPECT_GT(panel_offset(), start + jitter->height());
  EXPECT_TRUE(jitter->hasFocus());
}

/// A control the wheel could change, a place off it where a gesture can
/// start, and what the wheel would change.
struct WheelCase {
  std::string name;
  QWidget* control = nullptr;
  QWidget* elsewhere = nullptr;
  std::function<std::string()> value;
  bool in_panel = true;     ///< in the scrolling controls panel (else in the map's)
  bool checked_on = false;  ///< one of the cases where a gesture started on it must change it
  /// Where the pointer goes on the control (its centre unless set).
  std::function<QPoint()> aim = nullptr;
  QPoint target() const { return aim ? aim() : centre(control); }
};

struct EveryControlKind : WheelGestureTest {
  void SetUp() override {
    WheelGestureTest::SetUp();
    if (HasFatalFailure()) return;
    // A policy's fields show once it is on; the schedule's table once it is
    // on, and with more steps than it has rows it scrolls by itself.
    window->policy_box("client.retry_budget")->click();
    ASSERT_TRUE(window->set_capacity_schedule(std::vector<std::pair<double, double>>{
                                                  {100, 900}, {200, 1100}, {300, 900}, {400, 1100},
                                                  {500, 900}, {600, 1100}, {700, 900}})
                    .isEmpty());
    QApplication::processEvents();
    table = window->capacity_schedule_editor()->table();
    ASSERT_TRUE(table->isVisible());
    ASSERT_GT(table->verticalScrollBar()->maximum(), 0);
    map = window->map_view();
  }

  std::string undo_and(const std::string& value) const {
    return value + " (undo steps: " + std::to_string(window->undo_stack()->count()) + ")";
  }
  std::string parameter(const char* path) const { return undo_and(get_text(window->scenario(), path)); }
  std::string schedule() const {
    std::string text;
    for (auto [t, c] : window->scenario().server.capacity_schedule.value_or(std::vector<std::pair<double, double>>{}))
      text += std::to_string(t) + ":" + std::to_string(c) + " ";
    return undo_and(text + "rows scrolled to " + std::to_string(table->verticalScrollBar()->value()));
  }
  /// The middle of the table's second row, in view.
  QPoint second_row() const {
    return table->viewport()->mapToGlobal(table->visualRect(table->model()->index(1, 1)).center());
  }
  WheelCase parameter_case(const std::string& name, QWidget* control, const char* path, bool checked_on = false) {
    auto* owner = qobject_cast<ParameterControl*>(control->parentWidget());
    WheelCase c{name, control, owner ? owner->findChild<QLabel*>() : nullptr, [this, path] { return parameter(path); }};
    c.checked_on = checked_on;
    return c;
  }
  WheelCase map_case(const std::string& name, const char* object_name, bool checked_on = false) {
    WheelCase c{name, map->findChild<QWidget*>(QString::fromLatin1(object_name)), label_with_text(map, QStringLiteral("x")),
                [this] {
                  MapAxis x = map->x_axis(), y = map->y_axis();
                  return x.path + " " + std::to_string(x.from) + "-" + std::to_string(x.to) + " " +
                         std::to_string(x.count) + " / " + y.path + " " + std::to_string(y.from) + "-" +
                         std::to_string(y.to);
                }};
    c.in_panel = false;
    c.checked_on = checked_on;
    return c;
  }
  std::vector<WheelCase> cases() {
    QWidget* controls = panel->widget();
    WheelCase jitter_case{"jitter chooser", jitter, label_with_text(controls, QStringLiteral("Jitter")),
                          [this] { return undo_and(jitter->currentText().toStdString() + " " + jitter_in_force()); }};
    jitter_case.checked_on = true;
    WheelCase table_case{"capacity schedule table", table, window->capacity_schedule_box(), [this] { return schedule(); }};
    table_case.checked_on = true;
    table_case.aim = [this] { return second_row(); };
    return {
        jitter_case,
        {"client policy chooser", window->policy_chooser(), window->control("client.timeout_s")->findChild<QLabel*>(),
         [this] { return undo_and(window->policy_chooser()->currentText().toStdString()); }},
        parameter_case("capacity spin box", window->control("server.capacity")->spin_box(), "server.capacity", true),
        parameter_case("capacity slider", window->control("server.capacity")->slider(), "server.capacity"),
        parameter_case("retry budget ratio spin box (policy field)",
                       window->control("client.retry_budget.ratio")->spin_box(), "client.retry_budget.ratio"),
        parameter_case("retry budget ratio slider (policy field)",
                       window->control("client.retry_budget.ratio")->slider(), "client.retry_budget.ratio", true),
        table_case,
        map_case("map x axis chooser", "map_x_path", true),
        map_case("map y axis chooser", "map_y_path"),
        map_case("map resolution chooser", "map_resolution"),
        map_case("map x range box", "map_x_from"),
    };
  }
  /// Scrolls the panel from the top just enough to show `global` (a point of
  /// a control, with the place off it just above), so that the panel has
  /// room to scroll down further.
  void bring_into_view(const std::function<QPoint()>& global) {
    QApplication::processEvents();  // the layout settled
    panel->verticalScrollBar()->setValue(0);
    const QPoint p = panel->widget()->mapFromGlobal(global());
    panel->ensureVisible(p.x(), p.y(), 50, 30);
    QApplication::processEvents();
  }
  void bring_into_view(const WheelCase& c) {
    if (c.in_panel) bring_into_view([&c] { return c.target(); });
  }

  QTableWidget* table = nullptr;
  StabilityMapView* map = nullptr;
};

TEST_F(EveryControlKind, AGestureStartedOffAFocusedControlPassesItBy) {
  for (const WheelCase& c : cases()) {
    SCOPED_TRACE(c.name);
    ASSERT_NE(c.control, nullptr);
    ASSERT_NE(c.elsewhere, nullptr);
    bring_into_view(c);
    c.control->setFocus(Qt::MouseFocusReason);  // as a click earlier left it
    ASSERT_TRUE(focus_within(c.control));
    const std::string before = c.value();
    const int start = panel_offset();
    pause();
    // The gesture starts off the control, then the pointer reaches it (it
    // moved there, or the scrolled panel brought the control under it).
    ASSERT_EQ(WheelGestureLatch::wheel_control(under_pointer(window.get(), centre(c.elsewhere))), nullptr);
    turn_wheel(window.get(), centre(c.elsewhere), -40);
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(over(window.get(), c.target(), c.control));
      turn_wheel(window.get(), c.target(), -40);
    }
    EXPECT_EQ(c.value(), before);
    if (c.in_panel) {
      EXPECT_GT(panel_offset(), start + 30) << "the panel scrolls to " << panel->verticalScrollBar()->maximum();
    }
    EXPECT_TRUE(focus_within(c.control));
  }
}

TEST_F(EveryControlKind, AGestureOnAControlWithoutFocusNeitherChangesNorFocusesIt) {
  for (const WheelCase& c : cases()) {
    SCOPED_TRACE(c.name);
    ASSERT_NE(c.control, nullptr);
    bring_into_view(c);
    window->policy_box("client.retry_quota")->setFocus(Qt::MouseFocusReason);  // the focus is elsewhere
    ASSERT_FALSE(focus_within(c.control));
    const std::string before = c.value();
    pause();
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(over(window.get(), c.target(), c.control));
      turn_wheel(window.get(), c.target(), -40);
    }
    EXPECT_EQ(c.value(), before);
    EXPECT_FALSE(focus_within(c.control));  // the wheel gives no focus
  }
}

TEST_F(EveryControlKind, AGestureStartedOffTheFocusedCellEditorLeavesTheScheduleAndScrollsThePanel) {
  bring_into_view([this] { return second_row(); });
  table->setCurrentCell(1, 1);
  table->editItem(table->item(1, 1));
  QWidget* editor = QApplication::focusWidget();
  ASSERT_NE(editor, nullptr);
  ASSERT_TRUE(table->isAncestorOf(editor));
  const std::string before = schedule();
  const int start = panel_offset();
  pause();
  turn_wheel(window.get(), centre(window->capacity_schedule_box()), -40);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(over(window.get(), centre(editor), editor));
    turn_wheel(window.get(), centre(editor), -40);
  }
  EXPECT_EQ(schedule(), before);
  EXPECT_GT(panel_offset(), start + 30) << "the panel scrolls to " << panel->verticalScrollBar()->maximum();
  EXPECT_EQ(QApplication::focusWidget(), editor);
}

// The fix does not simply switch the wheel off: a gesture that starts on the
// control the user clicked into edits it (the table scrolls its rows).
TEST_F(EveryControlKind, AGestureStartedOnTheFocusedControlChangesIt) {
  for (const WheelCase& c : cases()) {
    if (!c.checked_on) continue;
    SCOPED_TRACE(c.name);
    bring_into_view(c);
    c.control->setFocus(Qt::MouseFocusReason);
    const std::string before = c.value();
    const int start = panel_offset();
    pause();
    ASSERT_TRUE(over(window.get(), c.target(), c.control));
    turn_wheel(window.get(), c.target(), -120);
    EXPECT_NE(c.value(), before);
    EXPECT_EQ(panel_offset(), start);  // the control took it: the panel stayed
  }
}

TEST_F(WheelGestureTest, AfterAPauseAGestureStartedOnTheFocusedChooserChangesIt) {
  jitter->setFocus(Qt::MouseFocusReason);
  QLabel* label = label_with_text(panel->widget(), QStringLiteral("Jitter"));
  ASSERT_NE(label, nullptr);
  const int steps = window->undo_stack()->count();
  pause();
  turn_wheel(window.get(), centre(label), -24);   // starts on the panel
  turn_wheel(window.get(), centre(jitter), -24);  // within the gap: still the panel's gesture
  EXPECT_EQ(jitter_in_force(), "full");
  now_ms += latch->gap_ms() / 2;
  turn_wheel(window.get(), centre(jitter), -24);  // a pause shorter than the gap: the same gesture
  EXPECT_EQ(jitter_in_force(), "full");
  pause();
  turn_wheel(window.get(), centre(jitter), -120);  // a new gesture, on the focused chooser
  EXPECT_EQ(jitter->currentText(), "equal");
  EXPECT_EQ(jitter_in_force(), "equal");
  EXPECT_EQ(window->undo_stack()->count(), steps + 1);
}

// Where the platform reports scroll phases (trackpads), ScrollEnd ends the
// gesture: the next one may start on the chooser at once.
TEST_F(WheelGestureTest, ScrollPhasesDelimitGesturesWithoutAPause) {
  jitter->setFocus(Qt::MouseFocusReason);
  QLabel* label = label_with_text(panel->widget(), QStringLiteral("Jitter"));
  ASSERT_NE(label, nullptr);
  const int start = panel_offset();
  turn_wheel(window.get(), centre(label), -24, Qt::ScrollBegin);
  turn_wheel(window.get(), centre(jitter), -24, Qt::ScrollUpdate);
  turn_wheel(window.get(), centre(jitter), 0, Qt::ScrollEnd);
  EXPECT_EQ(jitter_in_force(), "full");
  EXPECT_GT(panel_offset(), start);
  turn_wheel(window.get(), centre(jitter), -120, Qt::ScrollBegin);
  turn_wheel(window.get(), centre(jitter), 0, Qt::ScrollEnd);
  EXPECT_EQ(jitter_in_force(), "equal");
}

}  // namespace
}  // namespace sg::ui
