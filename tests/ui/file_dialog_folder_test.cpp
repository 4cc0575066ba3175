// The Open and Save dialogs start in the current file's folder, else the last
// one used, else the documents folder: never the working directory (issue 10, item 9).
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "file_dialog_folder.h"
#include "main_window.h"
#include "scenario/scenario_file.h"

namespace sg::ui {
namespace {

QString documents_or_home() {
  const QString d = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  return QDir(d).exists() ? d : QDir::homePath();
}

/// The working directory moved somewhere no dialog should start.
struct FileDialogFolder : ::testing::Test {
  void SetUp() override {
    QSettings().clear();
    saved_cwd = QDir::currentPath();
    ASSERT_TRUE(QDir::setCurrent(cwd.path()));
    ASSERT_TRUE(QDir().mkpath(files.filePath(QStringLiteral("a"))));
    ASSERT_TRUE(QDir().mkpath(files.filePath(QStringLiteral("b"))));
  }
  void TearDown() override {
    QDir::setCurrent(saved_cwd);
    QSettings().clear();
  }
  QString saved_cwd;
  QTemporaryDir cwd, files;
};

TEST_F(FileDialogFolder, TheCurrentFilesFolderComesFirst) {
  EXPECT_EQ(file_dialog_folder(files.filePath("a/x.json"), files.filePath("b")), files.filePath("a"));
}

TEST_F(FileDialogFolder, ABundledScenarioHasNoFolderSoTheLastOneUsedIsNext) {
  EXPECT_EQ(file_dialog_folder(":/scenarios/teaching/06-signal-2021.json", files.filePath("b")), files.filePath("b"));
  EXPECT_EQ(file_dialog_folder(QString(), files.filePath("b")), files.filePath("b"));
}

TEST_F(FileDialogFolder, WithNeitherItIsTheDocumentsFolderNotTheWorkingDirectory) {
  EXPECT_EQ(file_dialog_folder(QString(), QString()), documents_or_home());
  // A last folder deleted since is passed over too.
  EXPECT_EQ(file_dialog_folder(QString(), files.filePath("gone")), documents_or_home());
  EXPECT_NE(file_dialog_folder(QString(), QString()), QDir::currentPath());
}

TEST_F(FileDialogFolder, TheWindowStartsItsDialogsWhereItsFilesAreAndRemembersTheLastFolder) {
  const QString a = files.filePath("a/x.json");
  save_scenario(parse_scenario(R"({"name": "X"})", "test"), a.toStdString());
  {
    MainWindow w(true);
    EXPECT_EQ(w.dialog_folder(), documents_or_home());  // the default scenario, nothing used yet
    ASSERT_TRUE(w.open_file(a).isEmpty());
    EXPECT_EQ(w.dialog_folder(), files.filePath("a"));  // the open file's folder
    ASSERT_TRUE(w.open_file(":/scenarios/teaching/06-signal-2021.json").isEmpty());
    EXPECT_EQ(w.dialog_folder(), files.filePath("a"));  // bundled: the last folder used
    w.close();
  }
  MainWindow next(true);  // the last folder is part of the session
  EXPECT_EQ(next.dialog_folder(), files.filePath("a"));
}

}  // namespace
}  // namespace sg::ui
