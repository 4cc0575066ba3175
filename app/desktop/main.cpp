// stormglass: the desktop dashboard. Without a display it writes the
// dashboard figure to files instead, and says so.

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QIcon>
#include <QTimer>

#include <cstdio>

#include "figure_export.h"
#include "headless.h"
#include "help.h"
#include "main_window.h"
#include "resources_init.h"
#include "theme.h"

int main(int argc, char** argv) {
  const bool no_display = sg::ui::prepare_for_missing_display();
  QApplication app(argc, argv);
  sg::ui::init_resources();
  QApplication::setOrganizationName(QStringLiteral("Stormglass"));
  QApplication::setApplicationName(QStringLiteral("Stormglass"));
  QApplication::setApplicationVersion(sg::ui::stormglass_version());
  QApplication::setDesktopFileName(QStringLiteral("org.stormglass.Stormglass"));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/stormglass.svg")));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("See retry storms coming: a live dashboard of a service under client retries."));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("light, dark or system (default)."),
                           QStringLiteral("name"), QStringLiteral("system"));
  parser.addOption(theme);
  parser.addPositionalArgument(QStringLiteral("scenario"), QStringLiteral("A scenario file to open (JSON)."), QStringLiteral("[scenario]"));
  parser.process(app);
  const QString file = parser.positionalArguments().value(0);
  if (!sg::ui::apply_theme(parser.value(theme))) {
    std::fprintf(stderr, "stormglass: --theme: value '%s': expected light, dark or system\n", qPrintable(parser.value(theme)));
    return 2;
  }

  if (no_display) {
    sg::ui::MainWindow window(false);
    if (!file.isEmpty()) {
      QString error = window.open_file(file);
      if (!error.isEmpty()) {
        std::fprintf(stderr, "stormglass: %s\n", qPrintable(error));
        return 2;
      }
    }
    QEventLoop loop;
    QObject::connect(&window, &sg::ui::MainWindow::run_shown, &loop, &QEventLoop::quit);
    QObject::connect(window.runs(), &sg::ui::RunController::failed, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    if (!window.shown()) loop.exec();
    if (!window.shown()) {
      std::fprintf(stderr, "stormglass: no display, and the scenario could not be solved: %s\n", qPrintable(window.banner_text()));
      return 1;
    }
    const auto& outcome = *window.shown();
    QStringList written;
    for (const char* suffix : {"png", "pdf"}) {
      QString path = QDir::current().filePath(QStringLiteral("stormglass-dashboard.%1").arg(QLatin1String(suffix)));
      const sg::ui::TopologyView* graph = sg::has_calls(outcome.scenario) ? window.topology_view() : nullptr;
      QString error = sg::ui::export_dashboard(*window.curves(), outcome.scenario, outcome.health, path, {1600, 1000, 1}, graph);
      if (!error.isEmpty()) {
        std::fprintf(stderr, "stormglass: %s\n", qPrintable(error));
        return 1;
      }
      written << path;
    }
    std::printf("No display found: wrote the dashboard of \"%s\" to %s and %s instead.\n",
                outcome.scenario.name.c_str(), qPrintable(written[0]), qPrintable(written[1]));
    return 0;
  }

  sg::ui::MainWindow window;
  if (!file.isEmpty()) window.open_file(file);
  window.show();
  return app.exec();
}
