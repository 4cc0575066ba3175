// The Help menu: About, Documentation, Keyboard shortcuts, About Qt (issue 10, item 9).
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QTableWidget>
#include <QUrl>

#include <gtest/gtest.h>

#include "help.h"
#include "main_window.h"

namespace sg::ui {
namespace {

QAction* in_menu(QMenu* menu, const char* name) {
  for (QAction* a : menu->actions())
    if (a->objectName() == QLatin1String(name)) return a;
  return nullptr;
}

bool has_entry(const std::vector<ShortcutEntry>& entries, const QString& menu, const QString& action, const QString& keys) {
  for (const ShortcutEntry& e : entries)
    if (e.menu == menu && e.action == action && e.keys.split(QStringLiteral(", ")).contains(keys)) return true;
  return false;
}

TEST(HelpMenu, IsTheLastMenuWithAboutDocumentationShortcutsAndAboutQt) {
  MainWindow w(false);
  ASSERT_NE(w.help_menu(), nullptr);
  EXPECT_EQ(w.menuBar()->actions().last()->menu(), w.help_menu());  // Help last, as on every desktop
  for (const char* name : {"about_action", "documentation_action", "shortcuts_action", "about_qt_action"})
    EXPECT_NE(in_menu(w.help_menu(), name), nullptr) << name;
  EXPECT_EQ(in_menu(w.help_menu(), "about_action")->text(), "&About Stormglass");
  EXPECT_EQ(in_menu(w.help_menu(), "about_qt_action")->text(), "About &Qt");
}

TEST(HelpMenu, AboutGivesTheProjectsVersionAndWhatItIs) {
  EXPECT_EQ(stormglass_version(), "0.1.0");  // CMakeLists.txt: project(Stormglass VERSION 0.1.0)
  EXPECT_TRUE(about_text().contains("Stormglass 0.1.0")) << about_text().toStdString();
  EXPECT_TRUE(about_text().contains("retry storms")) << about_text().toStdString();
}

TEST(HelpMenu, DocumentationOpensAReadmeThatExists) {
  MainWindow w(false);
  QAction* docs = in_menu(w.help_menu(), "documentation_action");
  ASSERT_NE(docs, nullptr);
  EXPECT_TRUE(docs->isEnabled());
  const QUrl url = docs->data().toUrl();  // what the action hands QDesktopServices::openUrl
  ASSERT_TRUE(url.isLocalFile()) << url.toString().toStdString();
  EXPECT_TRUE(QFileInfo(url.toLocalFile()).isFile()) << url.toString().toStdString();
  EXPECT_EQ(QFileInfo(url.toLocalFile()).fileName(), "README.md");
  EXPECT_EQ(docs->shortcut(), QKeySequence(QKeySequence::HelpContents));
}

TEST(HelpMenu, TheShortcutsListIsReadFromTheActions) {
  MainWindow w(false);
  std::vector<ShortcutEntry> entries = shortcut_entries(w.menuBar());
  EXPECT_TRUE(has_entry(entries, "File", "Quit", "Ctrl+Q"));
  EXPECT_TRUE(has_entry(entries, "File", "Open…", "Ctrl+O"));
  EXPECT_TRUE(has_entry(entries, "File", "Save As…", "Ctrl+Shift+S"));
  EXPECT_TRUE(has_entry(entries, "Edit", "Undo", "Ctrl+Z"));
  EXPECT_TRUE(has_entry(entries, "Edit", "Redo", "Ctrl+Y"));  // every shortcut of an action, once
  for (const ShortcutEntry& e : entries)
    if (e.action == "Redo") {
      EXPECT_EQ(e.keys.count("Ctrl+Y"), 1) << e.keys.toStdString();
    }
  EXPECT_TRUE(has_entry(entries, "View", "Pin Current Run", "Ctrl+P"));
  // Actions without a shortcut are not listed (Export Load Curves has none).
  for (const ShortcutEntry& e : entries) EXPECT_FALSE(e.keys.isEmpty()) << e.action.toStdString();
  // A new action with a shortcut is listed with no list to update by hand.
  w.menuBar()->actions().first()->menu()->addAction(QStringLiteral("&Something"))->setShortcut(QKeySequence("Ctrl+Shift+K"));
  EXPECT_TRUE(has_entry(shortcut_entries(w.menuBar()), "File", "Something", "Ctrl+Shift+K"));
  EXPECT_EQ(shortcut_entries(w.menuBar()).size(), entries.size() + 1);
}

TEST(HelpMenu, KeyboardShortcutsShowsTheListInADialog) {
  MainWindow w(false);
  in_menu(w.help_menu(), "shortcuts_action")->trigger();
  auto* dialog = w.findChild<QDialog*>(QStringLiteral("shortcuts_dialog"));
  ASSERT_NE(dialog, nullptr);
  EXPECT_TRUE(dialog->isVisible());
  auto* table = dialog->findChild<QTableWidget*>();
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(static_cast<std::size_t>(table->rowCount()), shortcut_entries(w.menuBar()).size());
  QStringList rows;
  for (int r = 0; r < table->rowCount(); ++r)
    rows << table->item(r, 1)->text() + " " + table->item(r, 2)->text();
  EXPECT_TRUE(rows.contains("Quit Ctrl+Q")) << rows.join("; ").toStdString();
  EXPECT_TRUE(rows.contains("Undo Ctrl+Z")) << rows.join("; ").toStdString();
  dialog->close();
}

}  // namespace
}  // namespace sg::ui
