// GoogleTest main for the widget tests: a QApplication on the offscreen platform.
#include <QApplication>
#include <QStandardPaths>

#include <gtest/gtest.h>

#include "resources_init.h"

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("StormglassTests"));
  QStandardPaths::setTestModeEnabled(true);  // settings go to a test folder, never the user's
  sg::ui::init_resources();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
