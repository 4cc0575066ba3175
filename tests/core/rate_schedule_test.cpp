#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "model/rate_schedule.h"

namespace sg {
namespace {

double total(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

TEST(RateSchedule, SurgeWithRampsAddsExtraTimesDurationLessOneRamp) {
  Scenario s;
  s.demand.surge = Surge{100, 60, 500, 10};
  // A trapezoid: 500/s for 60 s less a ramp's worth (two half ramps) = 500 * 50 = 25000 extra jobs.
  std::vector<double> slots(1000, 0.0);  // 300 s in steps of 0.3 s
  demand_schedule(s).add_slot_integrals(0.3, 0, 1000, slots.data());
  EXPECT_NEAR(total(slots), 800 * 300 + 25000, 1e-6);
  EXPECT_NEAR(demand_schedule(s).at(105), 800 + 250, 1e-9);  // halfway up the ramp
  EXPECT_NEAR(demand_schedule(s).at(130), 1300, 1e-9);
}

TEST(RateSchedule, OverlappingRampsMakeATriangleBelowTheExtraRate) {
  Scenario s;
  s.demand.base_rate = 0;
  s.demand.surge = Surge{0, 20, 1000, 20};
  // 2 * ramp > duration: the rate rises at 1000/20 per second for 10 s and
  // peaks at 500 (spec/interfaces.md); area 0.5 * 20 * 500 = 5000.
  RateSchedule d = demand_schedule(s);
  EXPECT_NEAR(d.at(10), 500, 1e-9);
  EXPECT_NEAR(d.integral(0, 20), 5000, 1e-9);
}

TEST(RateSchedule, ProfileIsPiecewiseLinearAndConstantAfterItsLastPoint) {
  Scenario s;
  s.demand.profile = std::vector<std::pair<double, double>>{{10, 100}, {20, 300}};
  RateSchedule d = demand_schedule(s);
  EXPECT_EQ(d.at(0), 100);   // before the first point: its rate
  EXPECT_EQ(d.at(15), 200);  // halfway
  EXPECT_EQ(d.at(99), 300);  // after the last point: its rate
  EXPECT_NEAR(d.integral(0, 30), 100 * 10 + 200 * 10 + 300 * 10, 1e-9);
}

TEST(RateSchedule, OutageScalesCapacityInsideItsWindow) {
  Scenario s;
  s.server.outage = Outage{50, 10, 0.25};
  RateSchedule c = capacity_schedule(s);
  EXPECT_EQ(c.at(49.9), 1000);
  EXPECT_EQ(c.at(55), 250);
  EXPECT_EQ(c.at(60), 1000);
  // 1000 of work from t = 45: 5 s at 1000 give 5000 > 1000, so 1 s.
  EXPECT_NEAR(c.time_to_accumulate(45, 1000), 46, 1e-12);
  // 6000 from t = 45: 5000 by t = 50, then 1000 at 250/s takes 4 s.
  EXPECT_NEAR(c.time_to_accumulate(45, 6000), 54, 1e-12);
  // 10000 from t = 45: 5000 + 2500 by t = 60, then 2.5 s at 1000/s.
  EXPECT_NEAR(c.time_to_accumulate(45, 10000), 62.5, 1e-12);
}

TEST(RateSchedule, ZeroCapacityOutageStopsTheClock) {
  Scenario s;
  s.server.outage = Outage{0, 10, 0.0};
  EXPECT_NEAR(capacity_schedule(s).time_to_accumulate(0, 500), 10.5, 1e-12);
}

}  // namespace
}  // namespace sg
