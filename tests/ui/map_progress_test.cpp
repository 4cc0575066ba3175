// The stability map under a user who keeps changing things while it computes:
// it never stays "computing…", and the map on screen is always the current one.
#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QMenu>
#include <QRegularExpression>
#include <QSet>
#include <QImage>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <algorithm>
#include <iostream>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/health.h"
#include "analysis/parameter_map.h"
#include "main_window.h"
#include "map_controller.h"
#include "qcustomplot.h"
#include "scenario/client_policies.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"
#include "stability_map_view.h"
#include "answer_questions.h"

namespace sg::ui {
namespace {

/// The scenario with both axes set to their first value: what a map over
/// those axes depends on (the map does not depend on the axes' own values).
std::string map_identity(Scenario s, const MapAxis& x, const MapAxis& y) {
  try {
    set_number(s, x.path, x.from);
    set_number(s, y.path, y.from);
  } catch (const std::exception&) {
  }
  return scenario_to_json(s);
}

bool same_axis(const MapAxis& a, const MapAxis& b) {
  return a.path == b.path && a.from == b.from && a.to == b.to && a.count == b.count;
}

/// Whether the map on screen was computed for the window's scenario and axes.
bool map_is_current(MainWindow& w) {
  StabilityMapView* view = w.map_view();
  const MapAxis x = view->x_axis(), y = view->y_axis();
  return same_axis(view->map().x, x) && same_axis(view->map().y, y) &&
         map_identity(view->map_scenario(), x, y) == map_identity(w.scenario(), x, y);
}

/// A map on screen that is not the current one says so.
void expect_stale_map_marked(MainWindow& w) {
  if (w.map_view()->map().points.empty() || map_is_current(w)) return;
  EXPECT_TRUE(w.map_view()->status_text().contains(QStringLiteral("stale")))
      << "a map of \"" << w.map_view()->map_scenario().name << "\" over " << w.map_view()->map().x.path << " x "
      << w.map_view()->map().y.path << " is shown for \"" << w.scenario().name << "\" over "
      << w.map_view()->x_axis().path << " x " << w.map_view()->y_axis().path << " as \""
      << w.map_view()->status_text().toStdString() << "\"";
}

/// Waits until the map panel says it is idle (nothing "computing…").
bool wait_until_idle(MainWindow& w, int timeout_ms) {
  QElapsedTimer clock;
  clock.start();
  while (clock.elapsed() < timeout_ms) {
    if (!w.map_view()->is_busy()) return true;
    QTest::qWait(20);
  }
  return false;
}

/// Seconds of random activity: STORMGLASS_MAP_STRESS_S for a long soak,
/// 4 by default (make test runs it in the release build on every change).
int activity_seconds() {
  bool ok = false;
  const int s = qEnvironmentVariableIntValue("STORMGLASS_MAP_STRESS_S", &ok);
  return ok && s > 0 ? s : 4;
}

/// Under the sanitizers the maps of slow scenarios take minutes: the random
/// soak runs in the release build only (unless asked for by its variable).
bool soak_skipped() {
// GCC says __SANITIZE_ADDRESS__; clang answers __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define SG_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SG_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(SG_ADDRESS_SANITIZER)
  return qEnvironmentVariableIsEmpty("STORMGLASS_MAP_STRESS_S");
#else
  return false;
#endif
}

struct Driver {
  explicit Driver(MainWindow& window, unsigned seed) : w(window), rng(seed) {}
  /// A Learn entry with unsaved changes asks first: the changes are dropped, as opening does.
  test::Answerer discard{QMessageBox::Discard};

  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

  QComboBox* combo(int index) {
    // x path, y path and resolution, in the order the view builds them.
    auto all = w.map_view()->findChildren<QComboBox*>(Qt::FindDirectChildrenOnly);
    return index < all.size() ? all[index] : nullptr;
  }

  void change_parameter() {
    struct Knob {
      const char* path;
      double lo, hi;
      bool whole;
    };
    static const Knob knobs[] = {
        {"demand.base_rate", 100, 1500, false},   {"server.capacity", 500, 2000, false},
        {"client.timeout_s", 0.8, 10, false},      {"server.queue_limit", 500, 20000, true},
        {"client.backoff.cap_s", 1, 120, false},   {"demand.surge.extra_rate", 0, 2000, false},
        {"client.max_attempts", 1, 8, true},       {"client.backoff.base_s", 0.1, 5, false},
    };
    const Knob& k = knobs[pick(static_cast<int>(std::size(knobs)))];
    const double v = uniform(k.lo, k.hi);
    w.set_parameter(k.path, k.whole ? std::to_string(std::lround(v)) : std::to_string(v), pick(3) == 0);
  }

  void toggle_policy() {
    static const char* policies[] = {"server.autoscaling", "server.stop_signal", "server.admission",
                                     "client.retry_budget", "client.retry_throttling"};
    w.set_parameter(policies[pick(static_cast<int>(std::size(policies)))], pick(2) ? "true" : "false");
  }

  void change_axes() {
    // By path (the items' data): their texts are labels ("Client: timeout (s)").
    // A graph's service is offered only while a graph is open.
    static const char* paths[] = {"demand.base_rate",        "server.capacity",      "client.timeout_s",
                                  "server.queue_limit",      "demand.surge.extra_rate", "client.backoff.cap_s",
                                  "services.db.capacity",    "server.calls.db.timeout_s"};
    QComboBox* box = combo(pick(2));
    if (!box) return;
    const int index = box->findData(QString::fromUtf8(paths[pick(static_cast<int>(std::size(paths)))]));
    if (index < 0) return;
    ++axis_changes;
    box->setCurrentIndex(index);
    emit box->activated(index);
    // A range now and then, as the spin boxes set it.
    auto spins = w.map_view()->findChildren<QDoubleSpinBox*>(Qt::FindDirectChildrenOnly);
    if (!spins.isEmpty() && pick(2) == 0) {
      QDoubleSpinBox* spin = spins[pick(static_cast<int>(spins.size()))];
      spin->setValue(std::round(spin->value() * uniform(0.6, 1.5)));
    }
  }

  void change_resolution() { w.map_view()->set_resolution(pick(4) == 0 ? 64 : 32); }

  void open_scenario() {
    static const char* files[] = {":/scenarios/teaching/06-signal-2021.json", ":/scenarios/teaching/06-signal-2021.json",
                                  ":/scenarios/teaching/01-backoff-alone.json", ":/scenarios/default.json",
                                  ":/scenarios/teaching/03-queue-limit.json", ":/scenarios/graphs/graph-md-example.json"};
    w.open_file(QString::fromUtf8(files[pick(static_cast<int>(std::size(files)))]));
  }

  void learn() {
    const auto actions = w.teaching_menu()->actions();
    if (!actions.isEmpty()) actions[pick(static_cast<int>(actions.size()))]->trigger();
  }

  void undo_or_redo() { pick(2) ? w.undo_stack()->undo() : w.undo_stack()->redo(); }

  void click_map() {
    const ParameterMap& m = w.map_view()->map();
    if (m.points.empty()) return;
    w.move_operating_point(uniform(std::min(m.x.from, m.x.to), std::max(m.x.from, m.x.to)),
                           uniform(std::min(m.y.from, m.y.to), std::max(m.y.from, m.y.to)));
  }

  void step() {
    ++steps;
    switch (pick(12)) {
      case 0: case 1: case 2: change_parameter(); break;
      case 3: toggle_policy(); break;
      case 4: case 5: change_axes(); break;
      case 6: change_resolution(); break;
      case 7: open_scenario(); break;
      case 8: learn(); break;
      case 9: undo_or_redo(); break;
      case 10: click_map(); break;
      default: w.choose_policy(pick(static_cast<int>(client_policies().size()))); break;
    }
  }

  MainWindow& w;
  std::mt19937 rng;
  int steps = 0;         ///< changes made
  int axis_changes = 0;  ///< of which an axis's parameter
};

/// Checks that the map on screen is the one for the window's scenario and
/// axes, fully solved, and that its classes agree with a fresh classification.
void expect_current_map(MainWindow& w, std::mt19937& rng) {
  StabilityMapView* view = w.map_view();
  const ParameterMap& m = view->map();
  const MapAxis x = view->x_axis(), y = view->y_axis();
  if (!w.banner_text().isEmpty() && m.points.empty()) return;  // a refused map says why, shows none
  ASSERT_FALSE(m.points.empty()) << "no map and no message";
  EXPECT_TRUE(same_axis(m.x, x)) << "map over " << m.x.path << " " << m.x.from << ":" << m.x.to << ":" << m.x.count
                                 << ", axes " << x.path << " " << x.from << ":" << x.to << ":" << x.count;
  EXPECT_TRUE(same_axis(m.y, y)) << "map over " << m.y.path << ", axes " << y.path;
  EXPECT_EQ(map_identity(view->map_scenario(), x, y), map_identity(w.scenario(), x, y))
      << "the map on screen was computed for another scenario (\"" << view->map_scenario().name << "\" vs \""
      << w.scenario().name << "\")";
  EXPECT_TRUE(std::all_of(m.points.begin(), m.points.end(), [](const MapPoint& p) { return p.solved; }));
  // The point nearest the operating point, and a few others, as a fresh classification has them.
  auto nearest = [](const MapAxis& a, double v) {
    if (a.count <= 1 || a.to == a.from) return 0;
    return std::clamp(static_cast<int>(std::lround((v - a.from) / (a.to - a.from) * (a.count - 1))), 0, a.count - 1);
  };
  std::vector<std::pair<int, int>> cells;
  const auto ox = get_number(w.scenario(), x.path), oy = get_number(w.scenario(), y.path);
  if (ox && oy) cells.push_back({nearest(m.x, *ox), nearest(m.y, *oy)});
  for (int k = 0; k < 3; ++k)
    cells.push_back({std::uniform_int_distribution<int>(0, m.x.count - 1)(rng),
                     std::uniform_int_distribution<int>(0, m.y.count - 1)(rng)});
  for (auto [i, j] : cells) {
    const MapPoint& p = m.points[static_cast<std::size_t>(i * m.y.count + j)];
    const PointVerdict fresh = classify_point(scenario_at(w.scenario(), m.x, m.x.value(i), m.y, m.y.value(j)));
    EXPECT_EQ(static_cast<int>(p.verdict.point_class), static_cast<int>(fresh.point_class))
        << "at " << m.x.path << "=" << p.x << ", " << m.y.path << "=" << p.y;
  }
}

TEST(MapUnderChanges, RandomChangesWhileSlowMapsComputeNeverLeaveItStuckOrStale) {
  if (soak_skipped()) GTEST_SKIP() << "minutes under the sanitizers; set STORMGLASS_MAP_STRESS_S to run it";
  MainWindow window(false);
  window.resize(1280, 800);
  window.map_view()->set_resolution(32);
  window.open_file(QStringLiteral(":/scenarios/teaching/06-signal-2021.json"));
  Driver driver(window, 20260110u);
  std::mt19937 check_rng(7);
  QElapsedTimer clock;
  clock.start();
  const qint64 activity_ms = 1000LL * activity_seconds();
  int rounds = 0;
  while (clock.elapsed() < activity_ms) {
    // A burst of changes, each a moment after the last, while the maps compute.
    const int burst = 1 + driver.pick(6);
    for (int k = 0; k < burst; ++k) {
      driver.step();
      QTest::qWait(driver.pick(4) == 0 ? 300 + driver.pick(900) : driver.pick(60));
      expect_stale_map_marked(window);
      if (::testing::Test::HasFailure()) return;
    }
    // Now and then the user waits for the map: it must settle, and be the current one.
    if (++rounds % 4 == 0) {
      // A slow scenario's map at 32 x 32 takes seconds; under the sanitizers, minutes.
      ASSERT_TRUE(wait_until_idle(window, 300000)) << "still \"" << window.map_view()->status_text().toStdString()
                                                   << "\" after five minutes";
      expect_current_map(window, check_rng);
      if (::testing::Test::HasFailure()) return;
    }
  }
  ASSERT_TRUE(wait_until_idle(window, 300000)) << window.map_view()->status_text().toStdString();
  expect_current_map(window, check_rng);
  std::cerr << driver.steps << " changes (" << driver.axis_changes << " of an axis) in " << activity_ms / 1000
            << " s, " << rounds / 4 + 1 << " settled maps checked\n";
  // The axes did change: a chooser that matched no path would leave them alone.
  EXPECT_GT(driver.axis_changes, 0);
}

}  // namespace
}  // namespace sg::ui

namespace sg::ui {
namespace {

TEST(MapUnderChanges, AnotherScenarioReplacesAVerySlowMapPromptly) {
  MainWindow window(false);
  window.map_view()->set_resolution(32);
  window.open_file(QStringLiteral(":/scenarios/teaching/06-signal-2021.json"));
  // A 0.02 s timeout: 360,000 solver steps a point, seconds each.
  ASSERT_TRUE(window.set_parameter("client.timeout_s", "0.02").isEmpty());
  QTest::qWait(1500);
  EXPECT_TRUE(window.map_view()->is_busy());
  QElapsedTimer clock;
  clock.start();
  window.open_file(QStringLiteral(":/scenarios/teaching/01-backoff-alone.json"));
  ASSERT_TRUE(wait_until_idle(window, 120000));
  std::cerr << "replaced in " << clock.elapsed() << " ms\n";
  std::mt19937 rng(3);
  expect_current_map(window, rng);
}

}  // namespace
}  // namespace sg::ui

namespace sg::ui {
namespace {

TEST(MapProgress, TheStatusCountsPointsAtEachPassAndNamesTheRun) {
  if (soak_skipped()) GTEST_SKIP() << "a minute and a half under the sanitizers; the release build runs it";
  MainWindow window(false);
  window.map_view()->set_resolution(32);
  QSignalSpy progress(window.maps(), &MapController::progress);
  window.open_file(QStringLiteral(":/scenarios/teaching/06-signal-2021.json"));
  // 32 x 32: 16 points at stride 8, then 48, 192 and 768 (what each pass adds).
  const QRegularExpression counted(QStringLiteral("computing… (\\d+) of (\\d+) points \\(pass (\\d) of 4\\)"));
  QSet<QString> totals_seen;
  QStringList texts;
  QElapsedTimer clock;
  clock.start();
  while (window.map_view()->is_busy() && clock.elapsed() < 300000) {
    const QString text = window.map_view()->status_text();
    const auto m = counted.match(text);
    if (m.hasMatch()) {
      totals_seen.insert(m.captured(3) + "/" + m.captured(2));
      EXPECT_LE(m.captured(1).toInt(), m.captured(2).toInt()) << text.toStdString();
      EXPECT_TRUE(text.contains(QStringLiteral("“Signal, January 2021”"))) << text.toStdString();
    }
    QTest::qWait(10);
  }
  ASSERT_FALSE(window.map_view()->is_busy());
  EXPECT_TRUE(totals_seen.contains(QStringLiteral("1/16"))) << QStringList(totals_seen.values()).join(' ').toStdString();
  EXPECT_TRUE(totals_seen.contains(QStringLiteral("4/768"))) << QStringList(totals_seen.values()).join(' ').toStdString();
  // Throttled to one report a 100 ms, plus each pass's start and end (8):
  // not one per point (1024), however fast or slow the machine.
  EXPECT_GE(progress.count(), 8);
  EXPECT_LE(progress.count(), clock.elapsed() / 100 + 8 + 2);
  EXPECT_EQ(window.map_view()->status_text(), QStringLiteral("“Signal, January 2021”, for the current settings"));
}

TEST(MapProgress, AMapOfEarlierSettingsIsGreyedAndLabelledStaleUntilReplaced) {
  if (soak_skipped()) GTEST_SKIP() << "a minute under the sanitizers; the release build runs it";
  MainWindow window(false);
  window.map_view()->set_resolution(32);
  window.open_file(QStringLiteral(":/scenarios/teaching/03-queue-limit.json"));
  ASSERT_TRUE(wait_until_idle(window, 300000));
  ASSERT_FALSE(window.map_view()->is_stale());
  window.open_file(QStringLiteral(":/scenarios/teaching/06-signal-2021.json"));
  ASSERT_TRUE(window.map_view()->is_busy());
  EXPECT_TRUE(window.map_view()->is_stale());
  EXPECT_TRUE(window.map_view()->status_text().startsWith(QStringLiteral("stale: recomputing for “Signal, January 2021”")))
      << window.map_view()->status_text().toStdString();
  // Every cell of the stale map is grey.
  const QImage image = window.map_view()->plot()->toPixmap(300, 300).toImage();
  QCPAxisRect* rect = window.map_view()->plot()->axisRect();
  int coloured = 0, checked = 0;
  for (int px = rect->left() + 2; px < rect->right() - 2; px += 7)
    for (int py = rect->top() + 2; py < rect->bottom() - 2; py += 7) {
      const QColor c = image.pixelColor(px, py);
      ++checked;
      if (std::abs(c.red() - c.green()) > 12 || std::abs(c.green() - c.blue()) > 12) ++coloured;
    }
  EXPECT_GT(checked, 50);
  EXPECT_LT(coloured, checked / 20) << coloured << " coloured of " << checked;
  // The new map's first pass replaces it: in colour, current.
  ASSERT_TRUE(wait_until_idle(window, 300000));
  EXPECT_FALSE(window.map_view()->is_stale());
  EXPECT_TRUE(map_is_current(window));
}

}  // namespace
}  // namespace sg::ui
