// A UI that never blocks, proved (issue 12, item 4): the dashboard driven
// through its slowest work (opening call graphs and long single-service
// runs, graph edits, pins, exports, a dragged slider) while a 2 ms timer
// measures how long the UI thread is kept from its event loop. 50 ms is
// where a user starts to see a stall (a frame at 20 Hz); no activity may
// block longer, at either window size.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "event_loop_latency.h"
#include "figure_export.h"
#include "main_window.h"
#include "window_waits.h"

namespace sg::ui {
namespace {

constexpr double kMostBlockMs = 50;

/// Runs `activity`, then lets the event loop deliver what it set off (runs,
/// map passes, replots) for `settle_ms`: the worst block over both.
double worst_block_ms(const std::function<void()>& activity, int settle_ms) {
  EventLoopLatency latency;
  QTest::qWait(10);
  latency.reset();
  activity();
  QTest::qWait(settle_ms);
  return latency.worst_block_ms();
}

/// Opens a scenario and waits for its run, then for its map's passes a while.
void open_and_settle(MainWindow& w, const QString& path) {
  ASSERT_EQ(w.open_file(path), QString());
  ASSERT_TRUE(test::wait_for_run(w));
}

void drive_dashboard(int width, int height) {
  MainWindow w(false);
  w.resize(1280 + 1600 - width, 800 + 1000 - height);  // the other size first: the resize is measured
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  ASSERT_TRUE(test::wait_for_run(w));
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());

  std::vector<std::pair<std::string, double>> worst;
  auto measure = [&](const std::string& activity, const std::function<void()>& run, int settle_ms) {
    worst.emplace_back(activity, worst_block_ms(run, settle_ms));
  };

  measure("resize the window", [&] { w.resize(width, height); }, 500);
  measure("open chain-db-outage (3 services)", [&] {
    open_and_settle(w, QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  }, 1500);
  measure("open graph-md-example", [&] {
    open_and_settle(w, QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  }, 1500);
  measure("open 06-signal-2021 (7200 s)", [&] {
    open_and_settle(w, QStringLiteral(":/scenarios/teaching/06-signal-2021.json"));
  }, 1000);
  measure("open 02-jitter-herd (0.5 s step)", [&] {
    open_and_settle(w, QStringLiteral(":/scenarios/teaching/02-jitter-herd.json"));
  }, 1000);
  open_and_settle(w, QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  QTest::qWait(500);
  measure("graph edits (add, call, undo, redo, remove)", [&] {
    ASSERT_EQ(w.add_service(QStringLiteral("db")), QString());
    QTest::qWait(200);
    ASSERT_EQ(w.add_call(QStringLiteral("server"), QStringLiteral("service1")), QString());
    QTest::qWait(200);
    w.undo_stack()->undo();
    QTest::qWait(200);
    w.undo_stack()->redo();
    QTest::qWait(200);
    ASSERT_EQ(w.remove_service(QStringLiteral("service1")), QString());
  }, 1000);
  measure("three pins, each then a change, cleared", [&] {
    for (int i = 0; i < 3; ++i) {
      w.pin_current_run();
      ASSERT_EQ(w.set_parameter("demand.base_rate", std::to_string(700 + 50 * i)), QString());
      ASSERT_TRUE(test::wait_for_run(w));
      QTest::qWait(200);
    }
    EXPECT_EQ(w.pinned_count(), 3u);
    w.clear_pins();
  }, 500);
  measure("slider dragged (30 moves, 20 ms apart)", [&] {
    for (int i = 0; i < 30; ++i) {
      ASSERT_EQ(w.set_parameter("demand.base_rate", std::to_string(600 + 10 * i), true), QString());
      QTest::qWait(20);
    }
    w.end_undo_step();
    ASSERT_TRUE(test::wait_for_run(w));
  }, 1000);
  for (const char* format : {"pdf", "svg", "png"}) {
    const QString path = dir.filePath(QStringLiteral("dashboard.%1").arg(QLatin1String(format)));
    // As the dashboard exports (MainWindow::export_figure): at the export
    // dialog's default size, twice the pixels for a PNG, which is rasterised
    // and encoded on a worker thread while the event loop goes on.
    measure(std::string("export the dashboard as ") + format + " (1600 x 1000, PNG at 2x)", [&] {
      const auto shown = w.shown();
      bool finished = false;
      QString outcome = QStringLiteral("not called");
      ASSERT_EQ(export_dashboard(*w.curves(), shown->scenario, shown->health, path, {1600, 1000, 2},
                                 w.topology_view(), [&](const QString& error) {
                                   outcome = error;
                                   finished = true;
                                 }),
                QString());
      ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 20000)) << format;
      EXPECT_EQ(outcome, QString()) << format;
    }, 100);
    EXPECT_GT(QFile(path).size(), 0) << format;
  }

  double overall = 0;
  std::printf("Worst UI-thread block at %d x %d (limit %.0f ms):\n", width, height, kMostBlockMs);
  for (const auto& [activity, ms] : worst) {
    std::printf("  %-46s %6.1f ms\n", activity.c_str(), ms);
    overall = std::max(overall, ms);
    EXPECT_LE(ms, kMostBlockMs) << activity << " at " << width << " x " << height;
  }
  std::printf("  %-46s %6.1f ms\n", "overall", overall);
  std::fflush(stdout);
}

TEST(UiLatency, NeverBlocksOver50msAt1600x1000) { drive_dashboard(1600, 1000); }
TEST(UiLatency, NeverBlocksOver50msAt1280x800) { drive_dashboard(1280, 800); }

}  // namespace
}  // namespace sg::ui
