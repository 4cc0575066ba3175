// Leaving with unsaved changes asks Save / Discard / Cancel, once, whichever
// way the leaving comes (issue 10, item 9).
#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <QWindow>

#include <memory>

#include <gtest/gtest.h>

#include "main_window.h"
#include "scenario/scenario_file.h"
#include "answer_questions.h"
#include "window_waits.h"

namespace sg::ui {
namespace {

using test::Answerer;
using test::wait_for_run;

QAction* action_named(QMenuBar* bar, const QString& text) {
  for (QAction* m : bar->actions())
    if (m->menu())
      for (QAction* a : m->menu()->actions())
        if (a->text() == text) return a;
  return nullptr;
}

const auto kThree = QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel;

struct UnsavedChanges : ::testing::Test {
  void SetUp() override {
    QSettings().clear();
    path = dir.filePath(QStringLiteral("mine.json"));
    Scenario mine = parse_scenario(R"({"name": "Mine", "demand": {"base_rate": 800}, "server": {"capacity": 1000}})", "test");
    save_scenario(mine, path.toStdString());
  }
  void TearDown() override { QSettings().clear(); }
  /// A window on `path`, shown, with the capacity changed to 1500 and not saved.
  std::unique_ptr<MainWindow> edited_window(bool restore_session = false) {
    auto w = std::make_unique<MainWindow>(restore_session);
    EXPECT_TRUE(w->open_file(path).isEmpty());
    EXPECT_TRUE(w->set_parameter("server.capacity", "1500").isEmpty());
    w->show();
    EXPECT_TRUE(QTest::qWaitForWindowActive(w.get()));
    EXPECT_TRUE(w->has_unsaved_changes());
    return w;
  }
  double capacity_on_disk() const { return load_scenario(path.toStdString()).server.capacity; }
  QTemporaryDir dir;
  QString path;
};

TEST_F(UnsavedChanges, CtrlQAsksOnceAndCancelKeepsTheWindowAndTheChange) {
  auto w = edited_window();
  Answerer answer(QMessageBox::Cancel);
  QTest::keyClick(w.get(), Qt::Key_Q, Qt::ControlModifier);
  EXPECT_EQ(answer.asked, 1);           // the shortcut goes through closeEvent's question
  EXPECT_EQ(answer.buttons, kThree);    // Save, Discard, Cancel
  EXPECT_TRUE(answer.text.contains("mine.json")) << answer.text.toStdString();
  EXPECT_TRUE(w->isVisible());          // Cancel: still open
  EXPECT_EQ(w->scenario().server.capacity, 1500);  // nothing lost
  EXPECT_TRUE(w->has_unsaved_changes());
  EXPECT_EQ(w->undo_stack()->count(), 1);
  EXPECT_EQ(capacity_on_disk(), 1000);  // nothing written
}

TEST_F(UnsavedChanges, QuitDiscardClosesWithoutSavingAndTheNextSessionStartsFromTheFile) {
  {
    auto w = edited_window(true);
    Answerer answer(QMessageBox::Discard);
    QAction* quit = action_named(w->menuBar(), QStringLiteral("&Quit"));
    ASSERT_NE(quit, nullptr);
    quit->trigger();
    EXPECT_EQ(answer.asked, 1);
    EXPECT_FALSE(w->isVisible());  // closed
    // The application quitting after its last window closed sends it another
    // close: answered already, nothing asked again.
    w->close();
    EXPECT_EQ(answer.asked, 1);
    EXPECT_EQ(capacity_on_disk(), 1000);  // discarded, not saved
  }
  MainWindow next(true);  // the next session: the file as saved, nothing unsaved
  EXPECT_EQ(next.scenario().server.capacity, 1000);
  EXPECT_FALSE(next.has_unsaved_changes());
  EXPECT_FALSE(next.isWindowModified());
}

TEST_F(UnsavedChanges, TheWindowsCloseButtonWithSaveSavesAtomicallyThenCloses) {
  auto w = edited_window();
  Answerer answer(QMessageBox::Save);
  // What the window manager's close button sends: a close event to the window.
  QCloseEvent close;
  QApplication::sendEvent(w->windowHandle(), &close);
  EXPECT_EQ(answer.asked, 1);
  EXPECT_FALSE(w->isVisible());
  EXPECT_EQ(capacity_on_disk(), 1500);  // saved before closing
  // Written atomically: the file and no temporary beside it.
  EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("mine.json")});
  EXPECT_FALSE(w->has_unsaved_changes());
}

TEST_F(UnsavedChanges, NothingIsAskedWhenEverythingIsSaved) {
  MainWindow w(false);
  ASSERT_TRUE(w.open_file(path).isEmpty());
  w.show();
  Answerer answer(QMessageBox::Cancel);
  EXPECT_TRUE(w.close());
  EXPECT_EQ(answer.asked, 0);
}

TEST_F(UnsavedChanges, LearnsDefaultScenarioAsksThenGoesBackToTheStartingScenario) {
  auto w = edited_window();
  QAction* back = w->teaching_menu()->findChild<QAction*>(QStringLiteral("default_scenario_action"));
  if (!back)
    for (QAction* a : w->teaching_menu()->actions())
      if (a->objectName() == QLatin1String("default_scenario_action")) back = a;
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->text(), "&Default scenario");
  {
    Answerer answer(QMessageBox::Cancel);
    back->trigger();
    EXPECT_EQ(answer.asked, 1);
    EXPECT_EQ(w->scenario().name, "Mine");  // Cancel: the edited scenario stays
    EXPECT_EQ(w->scenario().server.capacity, 1500);
  }
  {
    Answerer answer(QMessageBox::Discard);
    back->trigger();
    EXPECT_EQ(answer.asked, 1);
  }
  // The same scenario as starting without a file, as a fresh document.
  MainWindow fresh(false);
  EXPECT_EQ(scenario_to_json(w->scenario()), scenario_to_json(fresh.scenario()));
  EXPECT_FALSE(w->has_unsaved_changes());
  EXPECT_EQ(w->undo_stack()->count(), 0);
  EXPECT_EQ(w->windowTitle(), fresh.windowTitle());
  EXPECT_EQ(capacity_on_disk(), 1000);
  // Nothing unsaved now: back again asks nothing.
  Answerer none(QMessageBox::Cancel);
  back->trigger();
  EXPECT_EQ(none.asked, 0);
  ASSERT_TRUE(wait_for_run(*w));
}

TEST_F(UnsavedChanges, ALearnScenarioAsksFirstAndCancelKeepsTheChange) {
  auto w = edited_window();
  QAction* lesson = nullptr;
  for (QAction* a : w->teaching_menu()->actions())
    if (!a->isSeparator() && a->objectName().isEmpty()) lesson = a;
  ASSERT_NE(lesson, nullptr);
  Answerer answer(QMessageBox::Cancel);
  lesson->trigger();
  EXPECT_EQ(answer.asked, 1);
  EXPECT_EQ(w->scenario().name, "Mine");
  EXPECT_EQ(w->scenario().server.capacity, 1500);
}

}  // namespace
}  // namespace sg::ui
