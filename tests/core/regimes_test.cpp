// The three regimes of an unbounded queue without drop (docs/model.md, section 4):
// a collapsed state sends M attempts per job, all of which time out, so it
// sustains itself exactly when demand * M > capacity.
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/health.h"
#include "model/fluid_solver.h"
#include "support/run_helpers.h"

namespace sg {
namespace {

using test::at;
using test::window_mean;

constexpr double kCapacity = 1000;

/// Capacity 1000/s, timeout 5 s, M attempts, a surge of +3000/s from 60 s to
/// 180 s: strong enough to tip every demand tested here into collapse.
Scenario tipped(double demand, long long attempts, double horizon) {
  Scenario s;
  s.duration_s = horizon;
  s.demand.base_rate = demand;
  s.demand.surge = Surge{60, 120, 3000, 0};
  s.server.capacity = kCapacity;
  s.client.max_attempts = attempts;
  return s;
}

class Regimes : public ::testing::TestWithParam<long long> {};

TEST_P(Regimes, TheExampleFlowIsHealthyWithoutTrigger) {
  // Any demand below capacity is healthy from an empty system.
  long long m = GetParam();
  RunResult r = solve(without_trigger(tipped(0.9 * kCapacity, m, 600)));
  EXPECT_TRUE(assess_run(without_trigger(tipped(0.9 * kCapacity, m, 600)), r).healthy_at_end);
}

TEST_P(Regimes, BelowCapacityOverMTheBacklogDrainsAndTheRunRecovers) {
  long long m = GetParam();
  const double demand = 0.8 * kCapacity / static_cast<double>(m);
  const double drain = kCapacity - static_cast<double>(m) * demand;  // per second
  const double surge_end = 180;
  // Jobs that arrived late in the surge still send their last attempts for
  // up to (M - 1) timeouts and backoffs after it: from `settled` on, every job
  // is a base-demand job and the collapsed state is pure.
  const double settled = surge_end + static_cast<double>(m) * 10;
  double left = at(solve(tipped(demand, m, settled + 1)), settled).queue;
  ASSERT_GT(left, 5 * kCapacity) << "the surge must have tipped the run";
  // The collapsed state drains at capacity - M * demand until the queue holds
  // less than a timeout's worth of work (5 s * 1000/s); the attempts sent then
  // are served T later, all in time: healthy from then on.
  const double predicted = settled - surge_end + (left - 5 * kCapacity) / drain + 5;
  Scenario s = tipped(demand, m, surge_end + predicted + 600);
  RunResult r = solve(s);
  // While it drains, the queue falls at exactly capacity - M * demand.
  double t0 = settled, t1 = std::floor(surge_end + predicted - 30);
  EXPECT_NEAR((at(r, t1).queue - at(r, t0).queue) / (t1 - t0), -drain, 1e-6 * kCapacity);
  RunHealth h = assess_run(s, r);
  ASSERT_TRUE(h.recovered) << "M = " << m;
  EXPECT_NEAR(*h.recovery_s, predicted, 2) << "M = " << m;
  EXPECT_EQ(classify_point(s).point_class, PointClass::Stable);
  // With a horizon too short for the drain, the same point does not recover.
  Scenario short_run = tipped(demand, m, surge_end + 0.5 * predicted);
  EXPECT_FALSE(assess_run(short_run, solve(short_run)).recovered);
}

// For M = 1 the band [capacity/M, capacity) is empty: only M > 1 has one.
class RegimesWithRetries : public ::testing::TestWithParam<long long> {};

TEST_P(RegimesWithRetries, BetweenCapacityOverMAndCapacityTheCollapseOutlivesTheTrigger) {
  long long m = GetParam();
  const double demand = 0.5 * (kCapacity / static_cast<double>(m) + kCapacity);
  for (double horizon : {1800.0, 7200.0}) {
    Scenario s = tipped(demand, m, horizon);
    RunResult r = solve(s);
    RunHealth h = assess_run(s, r);
    EXPECT_FALSE(h.recovered) << "M = " << m << ", horizon " << horizon;
    EXPECT_NEAR(window_mean(r, &Interval::goodput, horizon - 300, horizon), 0, 1e-6);
    // Each job sends M attempts that all time out: the queue grows at M * demand - capacity.
    double growth = (at(r, horizon).queue - at(r, horizon - 600).queue) / 600;
    EXPECT_NEAR(growth, static_cast<double>(m) * demand - kCapacity, 1e-6 * kCapacity);
    EXPECT_EQ(classify_point(s).point_class, PointClass::Metastable) << "M = " << m;
  }
}

TEST_P(Regimes, TheBoundaryIsExactlyCapacityOverM) {
  // 3 % either side of demand = capacity / M: above, the queue grows at
  // M * demand - capacity = +30/s; below, it drains at -30/s. (For M = 1 the
  // boundary is capacity itself.)
  long long m = GetParam();
  for (double factor : {0.97, 1.03}) {
    const double demand = factor * kCapacity / static_cast<double>(m);
    RunResult r = solve(tipped(demand, m, 3000));
    double slope = (at(r, 2000).queue - at(r, 1000).queue) / 1000;
    EXPECT_NEAR(slope, static_cast<double>(m) * demand - kCapacity, 1e-6 * kCapacity) << factor;
  }
}

TEST_P(Regimes, AboveCapacityEvenTheRunWithoutTriggerIsNotHealthy) {
  long long m = GetParam();
  Scenario s = tipped(1.1 * kCapacity, m, 1800);
  EXPECT_FALSE(assess_run(without_trigger(s), solve(without_trigger(s))).healthy_at_end);
  EXPECT_EQ(classify_point(s).point_class, PointClass::Overloaded);
}

INSTANTIATE_TEST_SUITE_P(MaxAttempts, Regimes, ::testing::Values(1, 2, 3, 5),
                         [](const auto& info) { return "M" + std::to_string(info.param); });
INSTANTIATE_TEST_SUITE_P(MaxAttempts, RegimesWithRetries, ::testing::Values(2, 3, 5),
                         [](const auto& info) { return "M" + std::to_string(info.param); });

TEST(ExampleScenario, HealthyBeforeCollapsedDuringAndNeverRecovers) {
  Scenario s = test::example();
  RunResult r = solve(s);
  // Before the surge: goodput equals demand, 800/s.
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 0, 600), 800, 1e-9);
  // During it: goodput near zero, the server busy with wasted work.
  EXPECT_LT(window_mean(r, &Interval::goodput, 620, 900), 0.01 * 2000);
  EXPECT_NEAR(window_mean(r, &Interval::wasted, 620, 900), 1000, 1e-6);
  // After it: 800 jobs/s send 2400 attempts/s > 1000/s: collapsed to the end.
  RunHealth h = assess_run(s, r);
  EXPECT_FALSE(h.recovered);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 900, 3600), 0, 1e-9);
  EXPECT_NEAR(h.storm_start_s.value(), 600, 1.0);
  EXPECT_EQ(classify_point(s).point_class, PointClass::Metastable);
}

TEST(ExampleScenario, QueueLimitBelowTheTimeoutsWorthRecovers) {
  // K = 2000 is 2 s of work against a 5 s timeout: nothing admitted times out.
  Scenario s = test::example();
  s.server.queue_limit = 2000;
  RunResult r = solve(s);
  RunHealth h = assess_run(s, r);
  EXPECT_TRUE(h.recovered);
  EXPECT_NEAR(window_mean(r, &Interval::wasted, 0, 3600), 0, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 1000, 3600), 800, 1e-6);
  EXPECT_EQ(classify_point(s).point_class, PointClass::Stable);
}

TEST(ExampleScenario, DropExpiredRecovers) {
  Scenario s = test::example();
  s.server.drop_expired = true;
  RunResult r = solve(s);
  EXPECT_TRUE(assess_run(s, r).recovered);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 1000, 3600), 800, 1e-6);
  EXPECT_EQ(classify_point(s).point_class, PointClass::Stable);
}

}  // namespace
}  // namespace sg
