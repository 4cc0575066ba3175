// Client policies on the users and on calls of a service graph
// (docs/model.md, 11.12): cases computed by hand, and the server policies the
// graph model still refuses.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "model/graph_solver.h"
#include "scenario/scenario_file.h"
#include "support/run_helpers.h"

namespace sg {
namespace {

using test::window_mean;

/// Users -> server (never short of capacity) -> db, where db is out of
/// service for the whole run behind a queue of 1: its very first attempt
/// takes the one place and stays (served never, dropped never), and every
/// later attempt is rejected and told in the step it is sent. Every user
/// attempt therefore answers with an error as soon as its db job gives up.
Scenario refusing_db(double demand) {
  Scenario s;
  s.duration_s = 300;
  s.demand.base_rate = demand;
  s.demand.surge.reset();
  s.client.timeout_s = 10;
  s.client.max_attempts = 3;
  s.client.backoff = Backoff{0.5, 2, 2, Jitter::None};
  s.server.capacity = 100000;
  Call call;
  call.client.timeout_s = 5;
  call.client.max_attempts = 4;
  call.client.backoff = Backoff{0.2, 2, 1, Jitter::None};
  s.server.calls["db"] = call;
  s.services["db"].capacity = 1000;
  s.services["db"].queue_limit = 1;
  s.services["db"].outage = Outage{0, s.duration_s, 0};
  return s;
}

std::map<std::string, RunResult> solve_by_name(const Scenario& s) {
  validate_scenario(s);
  std::map<std::string, RunResult> runs;
  for (ServiceRun& r : solve_services(s)) runs[r.name] = std::move(r.run);
  return runs;
}

TEST(GraphPolicies, ARetryBudgetOnACallCapsItsRetriesAtItsRatio) {
  // One attempt per user job (100/s), so db's jobs come at a constant
  // 100/s. Without a budget each db job makes all 4 of its attempts (each
  // rejected at once): db is offered 400/s.
  Scenario s = refusing_db(100);
  s.client.max_attempts = 1;
  std::map<std::string, RunResult> plain = solve_by_name(s);
  EXPECT_NEAR(window_mean(plain.at("server"), &Interval::offered, 100, 300), 100, 1e-6);
  EXPECT_NEAR(window_mean(plain.at("db"), &Interval::demand, 100, 300), 100, 1e-6);
  EXPECT_NEAR(window_mean(plain.at("db"), &Interval::offered, 100, 300), 400, 1e-6);

  // A retry budget of 20 % of the jobs started in the last 10 s (Finagle's
  // ratio, no minimum): at a constant 100 jobs/s a window holds 1000 jobs
  // and allows 200 retries, so db's retries can average at most 20/s and it
  // is offered at most 120/s. They fall a little short of it: the clients
  // are identical (docs/model.md 10.0, "Phase"), so the retries granted in a
  // burst leave the window in a burst a window later, and in the step they
  // leave more budget comes free than failures want; each 10 s a dip of
  // about 4 retries/s for one interval remains from the first window. So:
  // between 19.5 and 20 retries/s, never above.
  s.server.calls["db"].client.retry_budget = RetryBudget{true, 0.2, 0, 10};
  std::map<std::string, RunResult> budget = solve_by_name(s);
  const RunResult& db = budget.at("db");
  const double retries = window_mean(db, &Interval::retries, 100, 300);
  EXPECT_GT(retries, 19.5);
  EXPECT_LE(retries, 20 + 1e-9);
  EXPECT_NEAR(window_mean(db, &Interval::demand, 100, 300), 100, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::offered, 100, 300), 100 + retries, 1e-9);
  // Every job fails (db refuses all), each ends denied or out of attempts:
  // almost all are denied a retry once (80 % at their first failure, the
  // rest at their retry's failure).
  EXPECT_NEAR(window_mean(db, &Interval::gave_up, 100, 300), 100, 0.1);
  const double denied = window_mean(db, &Interval::denied, 100, 300);
  EXPECT_GT(denied, 99);
  EXPECT_LE(denied, 100 + 1e-9);
  EXPECT_NEAR(window_mean(db, &Interval::throttled, 100, 300), 0, 1e-12);
  EXPECT_NEAR(window_mean(budget.at("server"), &Interval::denied, 100, 300), 0, 1e-12);
  // 10 s windows of whole intervals never exceed the ratio: retries sent in
  // one are granted at most 0.8 s (the longest backoff) before it, so their
  // number is at most 20 % of the jobs of the 10.8 s before its end.
  for (double t = 20; t + 10 <= 300; t += 1)
    EXPECT_LE(window_mean(db, &Interval::retries, t, t + 10), 0.2 * 100 * 10.8 / 10 + 1e-9) << t;

  // The same budget on the users instead, each with 3 attempts: the
  // server's 100 jobs/s get at most 20 retries/s (120 attempts/s), and each
  // attempt starts a db job of 4 attempts (4 x what the server serves, to
  // 0.1/s: a job's attempts span 1.4 s of backoff across the window's ends).
  s.server.calls["db"].client.retry_budget.enabled = false;
  s.client.max_attempts = 3;
  s.client.retry_budget = RetryBudget{true, 0.2, 0, 10};
  std::map<std::string, RunResult> users = solve_by_name(s);
  const double offered = window_mean(users.at("server"), &Interval::offered, 100, 300);
  EXPECT_GT(offered, 119.5);
  EXPECT_LE(offered, 120 + 1e-9);
  EXPECT_GT(window_mean(users.at("server"), &Interval::denied, 100, 300), 95);
  EXPECT_NEAR(window_mean(users.at("db"), &Interval::demand, 100, 300), offered, 1e-9);
  EXPECT_NEAR(window_mean(users.at("db"), &Interval::offered, 100, 300), 4 * offered, 0.1);
}

TEST(GraphPolicies, EnvoysRetryBudgetOnACallHoldsItsActiveRetriesToItsLimit) {
  // db's rejections reach the server 0.5 s after each attempt and the call
  // waits a constant 1 s before a retry: a retry Envoy grants is active for
  // 1.5 s (its backoff, then its attempt). With the default static limit
  // (3 active retries per client, the call's 10 clients: 30) Little's law
  // gives 30 / 1.5 = 20 retries/s at db, the same number as for one service
  // (Policies.EnvoyStaticRetryLimit...), whatever the demand.
  Scenario s = refusing_db(1000);
  s.client.max_attempts = 1;
  s.services["db"].reject_latency_s = 0.5;
  Client& call = s.server.calls["db"].client;
  call.max_attempts.reset();
  call.backoff = Backoff{1, 1, 1, Jitter::None};
  call.instances = 10;
  call.concurrent_retry_budget = ConcurrentRetryBudget{true, 0, 3};
  std::map<std::string, RunResult> fixed = solve_by_name(s);
  EXPECT_NEAR(window_mean(fixed.at("db"), &Interval::retries, 50, 290), 20, 0.02 * 20);
  EXPECT_NEAR(window_mean(fixed.at("db"), &Interval::demand, 50, 290), 1000, 1e-6);
  // 20 % of the active requests, with full jitter (a retry active 0.5 s in
  // backoff on average, then 0.5 s in flight): every db attempt is in
  // flight 0.5 s, so A = 0.5 (1000 + r), and 1 x r = 0.2 A gives
  // r = 100 / 0.9 = 111.1/s (Policies.EnvoyRetryBudgetFollows...).
  call.concurrent_retry_budget.budget_percent = 20;
  call.backoff.jitter = Jitter::Full;
  std::map<std::string, RunResult> share = solve_by_name(s);
  EXPECT_NEAR(window_mean(share.at("db"), &Interval::retries, 50, 290), 100 / 0.9, 1e-3 * 100 / 0.9);
  // The users never retry and the server has room: its books are untouched.
  EXPECT_NEAR(window_mean(share.at("server"), &Interval::retries, 50, 290), 0, 1e-12);
  EXPECT_NEAR(window_mean(share.at("server"), &Interval::denied, 50, 290), 0, 1e-12);
}

TEST(GraphPolicies, AnOpenBreakerOnACallLetsOnlyItsProbesReachTheCallee) {
  // As Policies.OpenBreakerSendsNothingButProbes for one service, on the
  // server's call to db: no retries anywhere, db refuses everything. The
  // breaker (10 % failures over 30 s, 100 calls per client) opens within the
  // first seconds; from then on db sees only the probes, 10 clients x 1
  // probe per break of 5 s and its probe step (5.2 s at the step of 0.2 s,
  // a 25th of the call's 5 s timeout): about 10 x 290 / 5.2 attempts
  // between 110 s and 400 s, where 800 jobs/s x 290 s would be sent
  // without it. Every db job is sent or refused by its client.
  Scenario s = refusing_db(800);
  s.duration_s = 600;
  s.client.max_attempts = 1;
  s.server.calls["db"].client.max_attempts = 1;
  s.server.calls["db"].client.instances = 10;
  s.server.calls["db"].client.circuit_breaker = CircuitBreaker{true, 0.1, 100, 30, 5, 1};
  s.services["db"].outage = Outage{0, 410, 0};  // out of service until 410 s
  std::map<std::string, RunResult> runs = solve_by_name(s);
  const RunResult& db = runs.at("db");
  EXPECT_DOUBLE_EQ(db.solver_step_s, 0.2);
  double sent = 0;
  int silent = 0;
  for (const Interval& i : db.intervals) {
    if (i.t_s <= 110 || i.t_s > 400) continue;
    sent += i.offered;
    if (i.offered == 0) ++silent;
    EXPECT_NEAR(i.offered + i.throttled, 800, 1e-6) << i.t_s;
  }
  EXPECT_NEAR(sent, 10 * 290 / 5.2, 10 * 4);
  EXPECT_GT(silent, 200);
  // A refused db job fails its server attempt at once: the users' jobs
  // (one attempt each) all give up while the breaker is open...
  EXPECT_NEAR(window_mean(runs.at("server"), &Interval::goodput, 110, 400), 0, 1e-9);
  // ...and once db's capacity is back the next probe succeeds, the breaker
  // closes and every job succeeds.
  EXPECT_NEAR(window_mean(db, &Interval::goodput, 430, 600), 800, 1e-6);
  EXPECT_NEAR(window_mean(runs.at("server"), &Interval::goodput, 430, 600), 800, 1e-6);
}

}  // namespace
}  // namespace sg
