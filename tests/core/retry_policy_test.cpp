#include <cmath>

#include <gtest/gtest.h>

#include "model/retry_policy.h"

namespace sg {
namespace {

/// Sum of mass and of mass * offset over a kernel.
std::pair<double, double> moments(const DelayKernel& k) {
  double mass = 0, first = 0;
  for (auto [offset, m] : k.explicit_mass) {
    mass += m;
    first += m * offset;
  }
  for (int o = k.run_begin; o < k.run_end; ++o) {
    mass += k.run_mass;
    first += k.run_mass * o;
  }
  return {mass, first};
}

TEST(DelayKernel, MassAddsToOneAndMeanStepEqualsMeanDelay) {
  // A failure uniform in its step plus a delay D lands in step floor(u + D/h):
  // E[floor(u + x)] = x for u ~ U(0, 1), so the mean offset is E[D] / h exactly.
  const double h = 0.2;
  for (auto [lo, hi] : {std::pair{0.0, 0.0}, {0.0, 0.1}, {0.05, 0.05}, {0.3, 0.3}, {0.0, 20.0},
                        {10.0, 20.0}, {0.1, 0.3}, {1.234, 5.678}}) {
    DelayKernel k = make_kernel(lo, hi, h);
    auto [mass, first] = moments(k);
    EXPECT_NEAR(mass, 1.0, 1e-15) << lo << ".." << hi;
    EXPECT_NEAR(first, 0.5 * (lo + hi) / h, 1e-9) << lo << ".." << hi;
  }
}

TEST(DelayKernel, ZeroDelayStaysInTheFailuresOwnStep) {
  DelayKernel k = make_kernel(0, 0, 0.2);
  ASSERT_EQ(k.explicit_mass.size(), 1u);
  EXPECT_EQ(k.explicit_mass[0].first, 0);
  EXPECT_EQ(k.explicit_mass[0].second, 1.0);
}

TEST(DelayKernel, LongUniformDelayUsesAConstantRun) {
  // U(0, 20 s) at h = 0.2: 100 steps wide, interior steps get 1/100 each.
  DelayKernel k = make_kernel(0, 20, 0.2);
  EXPECT_GT(k.run_end - k.run_begin, 90);
  EXPECT_NEAR(k.run_mass, 0.01, 1e-15);
}

TEST(RetryPolicy, FiniteAttemptsGiveOneClassPerAttempt) {
  Client c;  // 3 attempts, full jitter, base 0.1, multiplier 2
  RetryPolicy p = build_retry_policy(c, 0.2);
  ASSERT_EQ(p.classes.size(), 3u);
  EXPECT_FALSE(p.classes[0].last);
  EXPECT_TRUE(p.classes[2].last);
  EXPECT_TRUE(p.classes[2].on_failure.empty());
  EXPECT_FALSE(p.instant);
}

TEST(RetryPolicy, UnlimitedAttemptsLoopOnceTheDelayReachesTheCap) {
  Client c;
  c.max_attempts.reset();
  // d_k = 0.1 * 2^(k-1) reaches the cap of 20 at k = 9 (25.6 > 20).
  RetryPolicy p = build_retry_policy(c, 0.2);
  ASSERT_EQ(p.classes.size(), 9u);
  const AttemptClass& last = p.classes.back();
  ASSERT_EQ(last.on_failure.size(), 1u);
  EXPECT_EQ(p.kernels[static_cast<std::size_t>(last.on_failure[0].kernel)].target, 8);
}

TEST(RetryPolicy, DecorrelatedTransitionsSplitTheUniformOverBins) {
  Client c;
  c.backoff.jitter = Jitter::Decorrelated;
  RetryPolicy p = build_retry_policy(c, 0.2);
  // The first attempt's failure draws U(b, 3b) = U(0.1, 0.3): probabilities add to 1.
  double total = 0;
  for (const Transition& t : p.classes[0].on_failure) total += t.probability;
  EXPECT_NEAR(total, 1.0, 1e-12);
  // A class whose previous delay is the cap draws U(0.1, 60) capped at 20:
  // the atom at the cap holds (60 - 20) / (60 - 0.1).
  for (const AttemptClass& cls : p.classes) {
    if (cls.last || cls.previous_delay != 20) continue;
    double sum = 0;
    for (const Transition& t : cls.on_failure) sum += t.probability;
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_NEAR(cls.on_failure.back().probability, 40 / 59.9, 1e-12);
  }
}

TEST(RetryPolicy, BaseZeroMeansInstantRetries) {
  Client c;
  c.backoff.base_s = 0;
  EXPECT_TRUE(build_retry_policy(c, 0.2).instant);
}

}  // namespace
}  // namespace sg
