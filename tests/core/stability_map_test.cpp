// Stability maps (issue 4): the progressive engine against a full grid of
// independent full runs, and the example's three classes.
#include <gtest/gtest.h>

#include "analysis/parameter_map.h"
#include "model/fluid_solver.h"

namespace sg {
namespace {


void expect_equal_to_full_grid(const Scenario& base, const MapAxis& x, const MapAxis& y) {
  int passes = 0;
  ParameterMap fast = compute_map_progressively(base, x, y, {}, 0, [&](const ParameterMap&, int) { ++passes; });
  EXPECT_EQ(passes, 4);  // strides 8, 4, 2, 1
  ASSERT_EQ(fast.points.size(), static_cast<std::size_t>(x.count * y.count));
  for (const MapPoint& p : fast.points) {
    ASSERT_TRUE(p.solved);
    PointVerdict full = classify_point_fully(scenario_at(base, x, p.x, y, p.y));
    ASSERT_EQ(p.verdict.point_class, full.point_class) << x.path << "=" << p.x << " " << y.path << "=" << p.y;
    ASSERT_EQ(p.verdict.recovery_s, full.recovery_s) << x.path << "=" << p.x << " " << y.path << "=" << p.y;
    ASSERT_EQ(p.verdict.goodput_ratio, full.goodput_ratio) << x.path << "=" << p.x << " " << y.path << "=" << p.y;
  }
}

const MapAxis kDemand{"demand.base_rate", 100, 1500, 16};
const MapAxis kCapacity{"server.capacity", 500, 2000, 16};

TEST(StabilityMap, ExampleEqualsTheFullGridCellForCell) { expect_equal_to_full_grid(Scenario{}, kDemand, kCapacity); }

TEST(StabilityMap, QueueLimitBelowTheTimeoutEqualsTheFullGrid) {
  Scenario s;
  s.server.queue_limit = 2000;
  expect_equal_to_full_grid(s, kDemand, kCapacity);
}

TEST(StabilityMap, TimeoutByQueueLimitEqualsTheFullGrid) {
  expect_equal_to_full_grid(Scenario{}, MapAxis{"client.timeout_s", 1, 10, 12},
                            MapAxis{"server.queue_limit", 500, 20000, 12});
}

TEST(StabilityMap, UnlimitedAttemptsEqualTheFullGrid) {
  Scenario s;
  s.client.max_attempts.reset();
  expect_equal_to_full_grid(s, kDemand, kCapacity);
}

TEST(StabilityMap, ExampleShowsTheMetastableBandBetweenCapacityOverThreeAndCapacity) {
  // M = 3, unbounded queue, no drop (docs/model.md, 7.5): above capacity the
  // point is overloaded; between capacity/3 and capacity a surge that pushes
  // demand past capacity tips it into a storm that lasts (metastable). 3 %
  // margins keep the test off the boundaries.
  ParameterMap map = compute_map(Scenario{}, MapAxis{"demand.base_rate", 100, 1500, 29},
                                 MapAxis{"server.capacity", 500, 2000, 31});
  int counts[3] = {0, 0, 0};
  for (const MapPoint& p : map.points) {
    const double demand = p.x, capacity = p.y;
    ++counts[static_cast<int>(p.verdict.point_class)];
    if (demand > 1.03 * capacity) {
      EXPECT_EQ(p.verdict.point_class, PointClass::Overloaded) << demand << " " << capacity;
    }
    if (demand < 0.97 * capacity && demand > 1.03 * capacity / 3 && demand + 1200 > 1.03 * capacity) {
      EXPECT_EQ(p.verdict.point_class, PointClass::Metastable) << demand << " " << capacity;
    }
    if (demand < 0.97 * capacity && demand + 1200 < 0.97 * capacity) {
      EXPECT_EQ(p.verdict.point_class, PointClass::Stable) << demand << " " << capacity;  // never tipped
    }
  }
  EXPECT_GT(counts[0], 0);
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[2], 0);

  // With drop_expired the server always does useful work: no band at all.
  Scenario dropping;
  dropping.server.drop_expired = true;
  ParameterMap fixed = compute_map(dropping, MapAxis{"demand.base_rate", 100, 1500, 15},
                                   MapAxis{"server.capacity", 500, 2000, 16});
  for (const MapPoint& p : fixed.points)
    EXPECT_NE(p.verdict.point_class, PointClass::Metastable) << p.x << " " << p.y;
}

TEST(StabilityMap, CoarsePassesFillFromTheirNearestSolvedCorner) {
  std::vector<int> strides;
  compute_map_progressively(Scenario{}, kDemand, kCapacity, {}, 1, [&](const ParameterMap& m, int stride) {
    strides.push_back(stride);
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 16; ++j) {
        const MapPoint& p = m.points[static_cast<std::size_t>(i * 16 + j)];
        const MapPoint& corner = m.points[static_cast<std::size_t>((i - i % stride) * 16 + (j - j % stride))];
        EXPECT_TRUE(corner.solved);
        EXPECT_EQ(p.verdict.point_class, corner.verdict.point_class);
      }
  });
  EXPECT_EQ(strides, (std::vector<int>{8, 4, 2, 1}));
}

TEST(StabilityMap, ACancelledMapStops) {
  std::atomic<bool> cancel{true};
  EXPECT_THROW(compute_map_progressively(Scenario{}, kDemand, kCapacity, {}, 2, [](const ParameterMap&, int) {}, &cancel),
               Cancelled);
}

}  // namespace
}  // namespace sg
