#include <gtest/gtest.h>

#include "analysis/condition.h"
#include "analysis/health.h"

namespace sg {
namespace {

Interval interval(double t, double demand, double goodput) {
  Interval i;
  i.t_s = t;
  i.demand = demand;
  i.goodput = goodput;
  i.served = goodput;
  return i;
}

TEST(Health, HealthyMeansGoodputAtLeast95PercentOfDemand) {
  EXPECT_TRUE(is_healthy(interval(1, 100, 95)));
  EXPECT_FALSE(is_healthy(interval(1, 100, 94.9)));
  EXPECT_TRUE(is_healthy(interval(1, 0, 0)));  // no demand is healthy
}

TEST(Health, RecoveryCountsFromTheTriggerEndToTheLastHealthyStretch) {
  Scenario s;  // surge ends at 900 s
  RunResult r;
  // Healthy to 600, unhealthy to 1000, then healthy: the stretch that lasts
  // to the end starts at 1000 s, 100 s after the trigger.
  for (int t = 100; t <= 600; t += 100) r.intervals.push_back(interval(t, 800, 800));
  for (int t = 700; t <= 1000; t += 100) r.intervals.push_back(interval(t, 800, 10));
  for (int t = 1100; t <= 3600; t += 100) r.intervals.push_back(interval(t, 800, 800));
  RunHealth h = assess_run(s, r);
  EXPECT_TRUE(h.recovered);
  EXPECT_DOUBLE_EQ(h.storm_start_s.value(), 600);
  EXPECT_DOUBLE_EQ(h.recovery_s.value(), 100);
}

TEST(Health, RecoveryBeforeTheTriggerEndsCountsAsZero) {
  Scenario s;  // trigger ends at 900 s
  RunResult r;
  for (int t = 100; t <= 700; t += 100) r.intervals.push_back(interval(t, 800, t == 700 ? 0 : 800));
  for (int t = 800; t <= 3600; t += 100) r.intervals.push_back(interval(t, 800, 800));
  EXPECT_DOUBLE_EQ(assess_run(s, r).recovery_s.value(), 0);
}

TEST(Health, UnhealthyLastIntervalMeansNoRecovery) {
  Scenario s;
  RunResult r;
  r.intervals.push_back(interval(1000, 800, 800));
  r.intervals.push_back(interval(3600, 800, 0));
  RunHealth h = assess_run(s, r);
  EXPECT_FALSE(h.recovered);
  EXPECT_FALSE(h.recovery_s.has_value());
  EXPECT_DOUBLE_EQ(h.goodput_ratio_at_end, 0);
}

TEST(Health, TriggerEndIsTheLaterOfSurgeAndOutage) {
  Scenario s;
  s.server.outage = Outage{1000, 50, 0.5};
  EXPECT_DOUBLE_EQ(trigger_end_s(s), 1050);
  s.server.outage = Outage{100, 50, 0.5};
  EXPECT_DOUBLE_EQ(trigger_end_s(s), 900);
  s.demand.profile = std::vector<std::pair<double, double>>{{0, 100}, {1200, 800}};
  EXPECT_DOUBLE_EQ(trigger_end_s(s), 1200);  // a profile replaces the surge
  EXPECT_DOUBLE_EQ(without_trigger(s).demand.base_rate, 800);  // its last rate
}

}  // namespace
}  // namespace sg

namespace sg {
namespace {

TEST(Health, ARetryFloodAfterRecoveryIsReportedWithWhatThePoliciesDid) {
  // Healthy again at once after the surge (goodput keeps up with demand),
  // but offered stays at 3 x demand until 1500 s: the summary says so.
  Scenario s;  // surge ends at 900 s
  RunResult r;
  for (int t = 100; t <= 3600; t += 100) {
    Interval i;
    i.t_s = t;
    i.demand = 800;
    i.goodput = i.served = t > 600 && t <= 900 ? 10 : 800;
    i.offered = t > 600 && t <= 1500 ? 2400 : 800;
    i.stopped = t > 600 && t <= 900 ? 2 : 0;  // 2 jobs/s over 300 s
    r.intervals.push_back(i);
  }
  RunHealth h = assess_run(s, r);
  ASSERT_TRUE(h.recovered);
  ASSERT_TRUE(h.flood_end_s.has_value());
  EXPECT_EQ(*h.flood_end_s, 1500);
  EXPECT_NEAR(h.stopped, 600, 1e-9);
  std::string text = describe_run(s, h);
  EXPECT_NE(text.find("But retries kept the offered load above 1.5 x demand until t = 1500 s."), std::string::npos)
      << text;
  EXPECT_NE(text.find("Policies: 600 jobs stopped by the server's signal."), std::string::npos) << text;
  // Issue 10, item 7: a flood over before the run was healthy again is no news.
  h.flood_end_s = h.trigger_end_s + h.recovery_s.value_or(0);
  EXPECT_FALSE(flood_outlasts_recovery(h));
  EXPECT_EQ(describe_run(s, h).find("But retries"), std::string::npos) << describe_run(s, h);
  h.flood_end_s = *h.flood_end_s + 1;
  EXPECT_TRUE(flood_outlasts_recovery(h));
}

}  // namespace
}  // namespace sg

namespace sg {
namespace {

TEST(Health, BriefBurstsOfABudgetAreNotAFlood) {
  // After the surge, one interval in ten sends 1600/s and the others 800/s:
  // a minute averages 1.1 x demand, below the 1.5 x of a flood.
  Scenario s;  // surge ends at 900 s
  RunResult r;
  for (int t = 1; t <= 3600; ++t) {
    Interval i;
    i.t_s = t;
    i.demand = i.goodput = i.served = 800;
    i.offered = t > 900 && t % 10 == 0 ? 1600 : 800;
    r.intervals.push_back(i);
  }
  EXPECT_FALSE(assess_run(s, r).flood_end_s.has_value());
}

TEST(Health, AGraphWhoseDatabaseCannotCarryTheDemandIsOverloadedWhateverTheEntrysCapacity) {
  // The entry has room for its 800 users/s, but every completion there
  // starts 2 db jobs: 1600/s against db's 1000/s. The run without trigger
  // collapses at db, so the point is overloaded; the entry's capacity alone
  // must not let the classification skip that run.
  Scenario s;
  s.duration_s = 600;
  s.demand.base_rate = 800;
  s.server.capacity = 2000;
  Call call;
  call.fan_out = 2;
  call.client.timeout_s = 1;
  call.client.max_attempts = 2;
  s.server.calls["db"] = call;
  s.services["db"].capacity = 1000;
  const PointVerdict quick = classify_point(s), full = classify_point_fully(s);
  EXPECT_EQ(full.point_class, PointClass::Overloaded);
  EXPECT_EQ(quick.point_class, PointClass::Overloaded);
  // With db at 1600/s exactly, every attempt is served at once: no need to
  // solve the baseline, and the point is what its triggered run says.
  s.services["db"].capacity = 1600;
  EXPECT_EQ(classify_point(s).point_class, classify_point_fully(s).point_class);
}

TEST(Condition, AServiceIsAtRiskWhenBusyOrRetryingAndInAStormWhenItsGoodputFalls) {
  // 800 jobs/s served in full at a capacity of 1000: 80 % busy, no retries.
  Interval i;
  i.demand = i.offered = i.served = i.goodput = 800;
  i.capacity = 1000;
  EXPECT_EQ(condition_of(i), Condition::Healthy);
  // 900 of 1000 is the 90 % threshold: at risk though every job succeeds.
  i.demand = i.offered = i.served = i.goodput = 900;
  EXPECT_EQ(condition_of(i), Condition::AtRisk);
  // 800 jobs/s with 41 retries/s (above 5 % of 800 = 40): at risk.
  i.demand = i.goodput = 800;
  i.retries = 41;
  i.offered = i.served = 841;
  EXPECT_EQ(condition_of(i), Condition::AtRisk);
  i.retries = 40;
  i.offered = i.served = 840;
  EXPECT_EQ(condition_of(i), Condition::Healthy);
  // Goodput 759 of 800 (below 95 % = 760): in a storm, whatever else.
  i.goodput = 759;
  EXPECT_EQ(condition_of(i), Condition::Storm);
  EXPECT_STREQ(to_string(Condition::Storm), "in a storm");
}

}  // namespace
}  // namespace sg
