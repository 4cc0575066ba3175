// One rule for the window title (issue 10, item 9): the document's name (its
// file's name for a file of the user's, the scenario's name for the
// program's own scenarios), "*" while it has unsaved changes, then the program.
#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QWindow>

#include <gtest/gtest.h>

#include "main_window.h"
#include "scenario/scenario_file.h"
#include "window_waits.h"

namespace sg::ui {
namespace {

/// The title as the window system shows it ("[*]" resolved by windowModified).
QString shown_title(MainWindow& w) {
  w.winId();  // the native window carries the shown title
  return w.windowHandle()->title();
}

TEST(WindowTitle, TheDefaultScenarioIsNamedByItsName) {
  MainWindow w(false);
  EXPECT_EQ(shown_title(w), QString::fromUtf8("Surge against a naive client — Stormglass"));
  EXPECT_FALSE(w.isWindowModified());
  EXPECT_TRUE(w.windowFilePath().isEmpty());  // bundled in the program: no file of the user's
}

TEST(WindowTitle, ALearnScenarioIsNamedByItsNameAsTheDefaultIs) {
  MainWindow w(false);
  QAction* lesson = nullptr;
  for (QAction* a : w.teaching_menu()->actions())
    if (a->text() == QLatin1String("Signal, January 2021")) lesson = a;
  ASSERT_NE(lesson, nullptr);
  lesson->trigger();
  // Not its resource's file name (06-signal-2021.json): the program's own scenarios are named alike.
  EXPECT_EQ(shown_title(w), QString::fromUtf8("Signal, January 2021 — Stormglass"));
  EXPECT_TRUE(w.windowFilePath().isEmpty());
  w.set_parameter("server.capacity", "1500");
  EXPECT_EQ(shown_title(w), QString::fromUtf8("Signal, January 2021* — Stormglass"));
  EXPECT_TRUE(w.isWindowModified());
}

TEST(WindowTitle, AnOpenedFileIsNamedByItsFileNameAndEditsMarkIt) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("mine.json"));
  save_scenario(parse_scenario(R"({"name": "Mine"})", "test"), path.toStdString());
  MainWindow w(false);
  ASSERT_TRUE(w.open_file(path).isEmpty());
  EXPECT_EQ(shown_title(w), QString::fromUtf8("mine.json — Stormglass"));
  EXPECT_EQ(w.windowFilePath(), QFileInfo(path).absoluteFilePath());
  EXPECT_FALSE(w.isWindowModified());
  w.set_parameter("server.capacity", "1500");
  EXPECT_EQ(shown_title(w), QString::fromUtf8("mine.json* — Stormglass"));  // an edit: modified
  EXPECT_TRUE(w.isWindowModified());
  w.undo_stack()->undo();  // back to what is saved: no longer modified
  EXPECT_EQ(shown_title(w), QString::fromUtf8("mine.json — Stormglass"));
  w.set_parameter("server.capacity", "1500");
  ASSERT_TRUE(w.save_file(dir.filePath(QStringLiteral("other.json"))).isEmpty());  // saved elsewhere: its new name
  EXPECT_EQ(shown_title(w), QString::fromUtf8("other.json — Stormglass"));
  ASSERT_TRUE(test::wait_for_run(w));
}

}  // namespace
}  // namespace sg::ui
