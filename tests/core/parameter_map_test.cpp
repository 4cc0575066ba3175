#include <gtest/gtest.h>

#include "analysis/parameter_map.h"
#include "io/csv.h"
#include "model/fluid_solver.h"
#include "scenario/input_error.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

TEST(ParameterMap, AxisParsesPathRangeAndCount) {
  MapAxis a = parse_axis("server.capacity=500:2000:4", "--y");
  EXPECT_EQ(a.path, "server.capacity");
  EXPECT_EQ(a.count, 4);
  EXPECT_DOUBLE_EQ(a.value(0), 500);
  EXPECT_DOUBLE_EQ(a.value(1), 1000);
  EXPECT_DOUBLE_EQ(a.value(3), 2000);
}

TEST(ParameterMap, MalformedAxesAreRefusedNamingTheOption) {
  for (const char* bad : {"server.capacity", "server.capacity=1:2", "server.capacity=a:2:3",
                          "server.capacity=1:2:0", "server.capacity=1:2:2.5", "nope=1:2:3", "name=1:2:3"}) {
    try {
      parse_axis(bad, "--x");
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.source(), "--x") << bad;
    }
  }
}

TEST(ParameterMap, ExamplePointsFallInTheirThreeClasses) {
  // Capacity 1000/s, 3 attempts: 800/s is metastable (800 < 1000 < 2400),
  // 200/s is stable (3 * 200 < 1000: the backlog drains), 1200/s overloaded.
  Scenario s;
  MapAxis x = parse_axis("demand.base_rate=200:1200:3", "--x");
  MapAxis y = parse_axis("server.capacity=1000:1000:1", "--y");
  ParameterMap map = compute_map(s, x, y);
  ASSERT_EQ(map.points.size(), 3u);
  EXPECT_EQ(map.points[0].verdict.point_class, PointClass::Stable);
  EXPECT_EQ(map.points[1].x, 700);
  EXPECT_EQ(map.points[2].verdict.point_class, PointClass::Overloaded);
  ParameterMap at800 = compute_map(s, parse_axis("demand.base_rate=800:800:1", "--x"), y);
  EXPECT_EQ(at800.points[0].verdict.point_class, PointClass::Metastable);
  EXPECT_FALSE(at800.points[0].verdict.recovery_s.has_value());
}


TEST(ParameterMap, StoppingRunsOnceDecidedChangesNoVerdict) {
  // docs/model.md 5.6: a run stops at a healthy steady state or in a collapse
  // too deep to drain; class, recovery time and goodput ratio stay exactly
  // those of the full runs, over the example's plane and variants of it.
  std::vector<Scenario> bases(4);
  bases[1].server.queue_limit = 2000;
  bases[2].server.drop_expired = true;
  bases[3].client.max_attempts.reset();
  bases[3].server.outage = Outage{700, 100, 0.5};
  int stopped_early = 0;
  for (const Scenario& base : bases) {
    for (int i = 0; i < 9; ++i)
      for (int j = 0; j < 9; ++j) {
        Scenario s = base;
        s.demand.base_rate = 100 + 1400 * i / 8.0;
        s.server.capacity = 500 + 1500 * j / 8.0;
        PointVerdict fast = classify_point(s), full = classify_point_fully(s);
        ASSERT_EQ(fast.point_class, full.point_class) << s.demand.base_rate << " " << s.server.capacity;
        ASSERT_EQ(fast.recovery_s, full.recovery_s) << s.demand.base_rate << " " << s.server.capacity;
        ASSERT_EQ(fast.goodput_ratio, full.goodput_ratio) << s.demand.base_rate << " " << s.server.capacity;
        SolverOptions o;
        o.stop_when_decided = true;
        if (solve(s, o).rest != Rest::Computed) ++stopped_early;
      }
  }
  EXPECT_GT(stopped_early, 150);  // the shortcut is taken, not just harmless
}

TEST(ParameterMap, GraphRunsStoppedOnceHealthyAndSteadyChangeNoVerdict) {
  // docs/model.md 11.8: a graph's run stops when nothing is queued, awaited
  // or due anywhere and every service's first attempts fit from then on.
  // Over users' demand x db's capacity for server -> db (fan-out 2, two
  // attempts) with a 10 s db outage at t = 60 s, class, recovery time and
  // goodput ratio equal those of the complete runs to the last bit.
  Scenario base;
  base.duration_s = 180;
  base.demand.surge.reset();
  base.server.capacity = 3000;
  Call call;
  call.fan_out = 2;
  call.client.timeout_s = 1;
  call.client.max_attempts = 2;
  call.client.backoff = Backoff{0.1, 2, 1, Jitter::Full};
  base.server.calls["db"] = call;
  base.services["db"].outage = Outage{60, 10, 0.5};
  int stopped_early = 0;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      Scenario s = base;
      s.demand.base_rate = 200 + 800 * i / 3.0;
      s.services["db"].capacity = 1000 + 2000 * j / 3.0;
      PointVerdict fast = classify_point(s), full = classify_point_fully(s);
      ASSERT_EQ(fast.point_class, full.point_class) << s.demand.base_rate << " " << s.services["db"].capacity;
      ASSERT_EQ(fast.recovery_s, full.recovery_s) << s.demand.base_rate << " " << s.services["db"].capacity;
      ASSERT_EQ(fast.goodput_ratio, full.goodput_ratio) << s.demand.base_rate << " " << s.services["db"].capacity;
      SolverOptions o;
      o.stop_when_decided = true;
      if (solve(s, o).rest != Rest::Computed) ++stopped_early;
    }
  EXPECT_GE(stopped_early, 8);  // the 8 stable points stop: the shortcut is taken, not just harmless
}

TEST(ParameterMap, GraphRunsStoppedInACollapseChangeNoVerdict) {
  // docs/model.md 11.11: a graph's run stops once the entry is proven to
  // have no goodput in the last interval: some service on every path of its
  // answers holds a queue that its capacity cannot serve before the end.
  // The bundled chain (server -> api -> db, a db outage at 100 s) over
  // three planes, the third with a queue limit at api so that api is dead
  // only through its call into db: class, recovery time and goodput ratio
  // equal those of the complete runs to the last bit, and the stop is
  // taken.
  Scenario chain = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/chain-db-outage.json");
  chain.duration_s = 300;
  chain.services.at("db").outage.start_s = 100;
  Scenario limited = chain;
  limited.services.at("api").queue_limit = 1000;
  struct Plane {
    const Scenario* base;
    const char *x, *y;
    double x0, x1, y0, y1;
  };
  const Plane planes[] = {{&chain, "demand.base_rate", "services.db.capacity", 100, 1500, 500, 3000},
                          {&limited, "demand.base_rate", "services.db.capacity", 100, 1500, 500, 3000}};
  int collapsed = 0, collapsed_limited = 0, skipped = 0;
  for (const Plane& plane : planes)
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        const MapAxis x{plane.x, plane.x0, plane.x1, 4}, y{plane.y, plane.y0, plane.y1, 4};
        const Scenario s = scenario_at(*plane.base, x, x.value(i), y, y.value(j));
        const PointVerdict fast = classify_point(s), full = classify_point_fully(s);
        const std::string at = std::string(plane.x) + "=" + std::to_string(x.value(i)) + " " + plane.y + "=" +
                               std::to_string(y.value(j));
        ASSERT_EQ(fast.point_class, full.point_class) << at;
        ASSERT_EQ(fast.recovery_s, full.recovery_s) << at;
        ASSERT_EQ(fast.goodput_ratio, full.goodput_ratio) << at;
        SolverOptions o;
        o.stop_when_decided = true;
        const RunResult quick = solve(s, o);
        if (quick.rest == Rest::Unhealthy) (plane.base == &limited ? collapsed_limited : collapsed) += 1;
        if (quick.skipped_steps > 0) ++skipped;  // the quiet stretch before the outage
      }
  EXPECT_GE(skipped, 16);
  EXPECT_GE(collapsed, 5);
  EXPECT_GE(collapsed_limited, 4);
}

TEST(ParameterMap, AGraphCollapseIsNotCalledWhileItsQueueCanStillDrain) {
  // docs/model.md 11.11: the stop needs a queue longer than all the capacity
  // left to the end. A 3 s surge at 200 s tips the chain (api with room to
  // spare) into a storm whose db queue drains at about 730/s once the surge
  // is over (10 users/s, 27 db attempts each, against 1000/s): runs ending
  // soon after it are still in the storm at the end, later ones recover.
  // Over horizons 220-320 s, class, recovery and goodput ratio equal the
  // complete runs'; a bound of half the capacity left would call four of
  // these collapsed that recover (it was tried).
  Scenario chain = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/chain-db-outage.json");
  chain.services.at("db").outage = {};
  chain.services.at("api").capacity = 20000;
  chain.demand.base_rate = 10;
  chain.demand.surge = Surge{200, 3, 1500, 0};
  int collapsed = 0, stable = 0;
  for (double end = 220; end <= 320; end += 4) {
    Scenario s = chain;
    s.duration_s = end;
    const PointVerdict fast = classify_point(s), full = classify_point_fully(s);
    ASSERT_EQ(fast.point_class, full.point_class) << "duration " << end;
    ASSERT_EQ(fast.recovery_s, full.recovery_s) << "duration " << end;
    ASSERT_EQ(fast.goodput_ratio, full.goodput_ratio) << "duration " << end;
    SolverOptions o;
    o.stop_when_decided = true;
    if (solve(s, o).rest == Rest::Unhealthy) ++collapsed;
    if (full.point_class == PointClass::Stable) ++stable;
  }
  EXPECT_GE(collapsed, 5);  // short horizons stop in the storm
  EXPECT_GE(stable, 10);    // long ones recover
}

TEST(ParameterMap, DemandEqualToCapacityDuringTheSurgeKeepsTheExactRatio) {
  // Found by a review: base 8 + surge 217 = capacity 225 exactly. The step
  // masses of the two pieces can add to one rounding error more than the
  // capacity's, leaving a tiny queue; the early stop must not call the end
  // "exactly healthy" then.
  Scenario s;
  s.duration_s = 600;
  s.demand.base_rate = 8;
  s.demand.surge = Surge{100, 600, 217, 0};
  s.server.capacity = 225;
  s.client.timeout_s = 1.3;
  PointVerdict fast = classify_point(s), full = classify_point_fully(s);
  EXPECT_EQ(fast.point_class, full.point_class);
  EXPECT_EQ(fast.recovery_s, full.recovery_s);
  EXPECT_EQ(fast.goodput_ratio, full.goodput_ratio);
}

TEST(ParameterMap, ADrainingPointSaysWhenItsRunWouldRecoverAndARunThatLongRecoversThen) {
  // docs/model.md 7.5: the default scenario (M = 3, c = 1000/s, T = 5 s, a
  // surge to 900 s, one hour) below lambda = c/M = 333/s ends in a storm
  // whose queue falls at c - 3 lambda, so the point is metastable only
  // because the run ends first. drains_at_s = 3600 + (Q_end - cT)/(c - 3
  // lambda) + T must be when a longer run recovers (to its 1 s intervals;
  // 7.5's own check is 2 s). A map's run may stop once the collapse is
  // certain and its flows steady (the queue then falls at exactly
  // c - 3 lambda): the time from there equals the complete run's to
  // rounding.
  const Scenario base = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/default.json");
  int stopped = 0;
  for (double lambda : {225.0, 250.0, 300.0}) {
    Scenario s = base;
    s.demand.base_rate = lambda;
    const PointVerdict fast = classify_point(s), full = classify_point_fully(s);
    ASSERT_EQ(full.point_class, PointClass::Metastable) << lambda;
    ASSERT_TRUE(full.drains_at_s) << lambda;
    ASSERT_TRUE(fast.drains_at_s) << lambda;
    EXPECT_NEAR(*fast.drains_at_s, *full.drains_at_s, 1e-6 * *full.drains_at_s) << lambda;
    EXPECT_EQ(fast.point_class, full.point_class) << lambda;
    SolverOptions o;
    o.stop_when_decided = true;
    if (solve(s, o).rest == Rest::Unhealthy) ++stopped;
    EXPECT_GT(*full.drains_at_s, s.duration_s) << lambda;
    Scenario longer = s;
    longer.duration_s = *full.drains_at_s + 200;
    const PointVerdict later = classify_point_fully(longer);
    ASSERT_EQ(later.point_class, PointClass::Stable) << lambda;
    ASSERT_TRUE(later.recovery_s) << lambda;
    EXPECT_NEAR(trigger_end_s(s) + *later.recovery_s, *full.drains_at_s, 2.0) << lambda;
  }
  EXPECT_GE(stopped, 1);  // the stop is taken where the collapse is deep
  // Above c/M the collapse sustains itself: metastable, and nothing drains.
  Scenario sustained = base;
  sustained.demand.base_rate = 350;
  EXPECT_EQ(classify_point(sustained).point_class, PointClass::Metastable);
  EXPECT_FALSE(classify_point(sustained).drains_at_s);
  // A client policy breaks the 7.5 law (refusals change M): no claim.
  Scenario budget = base;
  budget.demand.base_rate = 250;
  budget.client.retry_budget.enabled = true;
  EXPECT_FALSE(classify_point(budget).drains_at_s);
}

TEST(ParameterMap, CsvListsXSlowest) {
  Scenario s;
  s.duration_s = 60;
  s.demand.surge.reset();
  ParameterMap map = compute_map(s, parse_axis("demand.base_rate=100:200:2", "--x"),
                                 parse_axis("server.capacity=1000:3000:3", "--y"), {}, 2);
  EXPECT_EQ(map_csv(map),
            "x,y,class,recovery_s,goodput_ratio,drains_at_s\n"
            "100,1000,stable,0,1,\n100,2000,stable,0,1,\n100,3000,stable,0,1,\n"
            "200,1000,stable,0,1,\n200,2000,stable,0,1,\n200,3000,stable,0,1,\n");
}

TEST(ParameterMap, InvalidPointIsRefusedBeforeAnyRun) {
  Scenario s;
  try {
    compute_map(s, parse_axis("server.capacity=-100:100:3", "--x"), parse_axis("demand.base_rate=1:2:2", "--y"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.source(), "--x");
    EXPECT_EQ(e.field(), "server.capacity");
  }
}

}  // namespace
}  // namespace sg
