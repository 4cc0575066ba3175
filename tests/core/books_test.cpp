// spec/system.md, "Conservation": the books balance at every step, whatever
// the scenario.
#include <random>

#include <gtest/gtest.h>

#include "model/fluid_solver.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

/// A random but valid scenario that exercises every mechanism.
Scenario random_scenario(std::mt19937& rng) {
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto coin = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  Scenario s;
  s.duration_s = uniform(60, 400);
  s.step_s = coin(0.5) ? 1.0 : 0.5;
  s.demand.base_rate = uniform(0, 1500);
  s.demand.surge = Surge{uniform(0, 100), uniform(0, 100), uniform(0, 3000), uniform(0, 30)};
  if (coin(0.2)) s.demand.profile = std::vector<std::pair<double, double>>{{0, uniform(0, 900)}, {50, uniform(0, 3000)}, {80, uniform(0, 900)}};
  s.server.capacity = uniform(200, 1500);
  if (coin(0.5)) s.server.queue_limit = static_cast<long long>(uniform(1, 5000));
  s.server.drop_expired = coin(0.4);
  s.server.reject_latency_s = coin(0.5) ? 0.0 : uniform(0, 2);
  if (coin(0.4)) s.server.outage = Outage{uniform(0, 100), uniform(0, 60), uniform(0, 1)};
  s.client.timeout_s = uniform(0.5, 8);
  s.client.max_attempts = coin(0.25) ? std::optional<long long>() : std::optional<long long>(1 + rng() % 6);
  s.client.backoff.base_s = coin(0.25) ? 0.0 : uniform(0, 2);
  s.client.backoff.multiplier = uniform(1, 3);
  s.client.backoff.cap_s = uniform(0, 30);
  s.client.backoff.jitter = static_cast<Jitter>(rng() % 5);
  s.client.backoff.spread = uniform(0, 1);
  return s;
}

/// The same, with each policy of docs/scenario-extensions.md switched on at
/// random, with random settings.
Scenario random_scenario_with_policies(std::mt19937& rng) {
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto coin = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  Scenario s = random_scenario(rng);
  Server& v = s.server;
  Client& c = s.client;
  if (coin(0.3)) v.capacity_schedule = std::vector<std::pair<double, double>>{{uniform(0, 100), uniform(0, 2000)}, {uniform(100, 200), uniform(0, 2000)}};
  v.stop_signal = StopSignal{coin(0.4), uniform(0, 1), uniform(0, 1), uniform(0, 100)};
  v.admission = Admission{coin(0.4), uniform(0, 1), uniform(0, 100), coin(0.5) ? 0.0 : uniform(0, 200)};
  v.autoscaling = Autoscaling{coin(0.4), uniform(0.1, 1), uniform(1, 60), uniform(0, 60), uniform(10, 500), uniform(500, 3000)};
  c.instances = uniform(1, 5000);
  c.retry_throttling = RetryThrottling{coin(0.4), uniform(1, 20), uniform(0.01, 1)};
  c.retry_quota = RetryQuota{coin(0.4), uniform(10, 500), uniform(0, 10), uniform(0, 20), uniform(0, 2)};
  c.retry_budget = RetryBudget{coin(0.4), uniform(0, 0.5), uniform(0, 2), uniform(1, 30)};
  c.adaptive_throttling = AdaptiveThrottling{coin(0.4), uniform(1, 3), uniform(1, 120)};
  c.circuit_breaker = CircuitBreaker{coin(0.4), uniform(0.05, 1), uniform(0, 50), uniform(1, 60), uniform(0.5, 30), uniform(1, 10)};
  c.concurrent_retry_budget = ConcurrentRetryBudget{coin(0.4), uniform(0, 100), uniform(0, 10)};
  return s;
}

/// Solves 300 scenarios from `make` with the audit on: every attempt sent is
/// rejected, goodput, wasted, dropped or queued; every job has succeeded,
/// given up, or is in flight: to rounding, at every step.
void expect_exact_books(Scenario (*make)(std::mt19937&), std::uint32_t seed) {
  std::mt19937 rng(seed);
  int solved = 0;
  for (int i = 0; i < 300; ++i) {
    Scenario s = make(rng);
    try {
      validate_scenario(s);
    } catch (const std::exception&) {
      continue;  // the refused instant loop, for instance
    }
    SolverOptions o;
    o.audit = true;
    RunResult r = solve(s, o);
    ++solved;
    EXPECT_LT(r.audit.attempts, 1e-9) << "scenario " << i << "\n" << scenario_to_json(s);
    EXPECT_LT(r.audit.jobs, 1e-9) << "scenario " << i << "\n" << scenario_to_json(s);
    EXPECT_GT(r.audit.steps_checked, 0);
  }
  EXPECT_GT(solved, 250);
}

TEST(FluidSolver, KeepsExactBooksAtEveryStepOverManyScenarios) {
  expect_exact_books(random_scenario, 20210115);  // the week of Signal's outage
}

TEST(FluidSolver, KeepsExactBooksWithEveryPolicyOverManyScenarios) {
  // Jobs refused by the clients' gates, denied a retry, stopped by the
  // server's signal or refused by admission control all end as give-ups;
  // the attempts of refused jobs are rejected. The books still balance.
  expect_exact_books(random_scenario_with_policies, 20210116);  // the day Signal came back
}

TEST(FluidSolver, ExampleScenarioBalancesAtEveryStep) {
  // Millions of attempts, a queue of five million: still balanced to 1e-12.
  SolverOptions o;
  o.audit = true;
  RunResult r = solve(Scenario{}, o);
  EXPECT_EQ(r.audit.steps_checked, 18000);  // 3600 s at 0.2 s
  EXPECT_LT(r.audit.attempts, 1e-12);
  EXPECT_LT(r.audit.jobs, 1e-12);
}

}  // namespace
}  // namespace sg
