#include "support/random_scenario.h"

#include <optional>
#include <utility>
#include <vector>

namespace sg::test {

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

}  // namespace sg::test
