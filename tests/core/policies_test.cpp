// The limits of the client and server policies of docs/scenario-extensions.md,
// each against a number worked out by hand (docs/model.md, section 10).
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/parameter_map.h"
#include "model/fluid_solver.h"
#include "scenario/client_policies.h"
#include "support/run_helpers.h"

namespace sg {
namespace {

using test::at;
using test::steady;
using test::window_mean;

/// 800 jobs/s against 1000/s with a full outage over [100, 400): a queue
/// limit of one attempt, so that every attempt in the outage is rejected at
/// once (and is a failure the clients see without delay).
Scenario full_outage(std::optional<long long> max_attempts) {
  Scenario s = steady(800, 1000, 1, 600);
  s.client.max_attempts = max_attempts;
  s.client.backoff = Backoff{0.1, 2, 1, Jitter::Full};
  s.server.queue_limit = 1;
  s.server.outage = Outage{100, 300, 0};
  return s;
}

const Client& preset(const std::string& name) {
  for (const NamedPolicy& p : client_policies())
    if (p.name == name) return p.client;
  throw std::runtime_error("no preset " + name);
}

TEST(Policies, RetryBudgetOfTenPercentKeepsOfferedAtMostTenPercentAboveDemand) {
  // Every attempt fails in the outage and every client wants to retry
  // forever; the budget lets through at most 0.1 x the jobs started in any
  // 10 s window: averaged over any window, offered <= 1.1 x 800 = 880.
  // (Retries falling in the step of their failure get the share the budget
  // can pay for, docs/model.md 10.3: the bound holds at any step.)
  // With no jitter (a 1 s delay) no retry falls in its failure's step.
  Scenario s = full_outage(std::nullopt);
  s.client.retry_budget = RetryBudget{true, 0.1, 0, 10};
  for (auto [step, jitter] : {std::pair{0.0, Jitter::Full}, std::pair{0.05, Jitter::Full}, std::pair{0.0, Jitter::None}}) {
    SolverOptions o;
    o.step_s = step;
    s.client.backoff.jitter = jitter;
    RunResult r = solve(s, o);
    for (double t = 110; t <= 400; t += 1)
      EXPECT_LE(window_mean(r, &Interval::offered, t - 10, t), 880 * (1 + 1e-9)) << t;
    // The clients spend the whole budget: 80 retries/s on average (the
    // budget is spent in a burst each window: 25 whole windows here).
    EXPECT_NEAR(window_mean(r, &Interval::retries, 150, 400), 80, 1e-6);
  }
  // Without the budget the same clients retry without end: far above.
  s.client.retry_budget.enabled = false;
  EXPECT_GT(window_mean(solve(s), &Interval::offered, 150, 400), 5 * 800);
}

TEST(Policies, FinagleMinimumRetriesAddToTheBudget) {
  // Finagle's 20 % plus 10 retries/s per client over 10 s: 10 clients may
  // retry 0.2 x 800 + 10 x 10 = 260 times a second in a full outage.
  Scenario s = full_outage(std::nullopt);
  s.client.instances = 10;
  s.client.retry_budget = RetryBudget{true, 0.2, 10, 10};
  EXPECT_NEAR(window_mean(solve(s), &Interval::retries, 150, 400), 260, 1e-6);
}

/// The outage of full_outage() with rejections reaching the clients 0.5 s
/// later and a constant 1 s backoff: a retry granted at a failure is active
/// (Envoy's count) for its 1 s backoff and its attempt's 0.5 s, 1.5 s in all.
Scenario envoy_outage(ConcurrentRetryBudget budget) {
  Scenario s = full_outage(std::nullopt);
  s.server.reject_latency_s = 0.5;
  s.client.backoff = Backoff{1, 1, 1, Jitter::None};
  s.client.instances = 10;
  s.client.concurrent_retry_budget = budget;
  return s;
}

TEST(Policies, EnvoyStaticRetryLimitAllowsItsActiveRetriesOverTheirLifetime) {
  // Envoy's default circuit breaker, 3 active retries per client, 10
  // clients: at most 30 retries active at once. Each lives 1.5 s (its
  // backoff and its rejected attempt), so by Little's law the clients retry
  // 30 / 1.5 = 20 times a second through the outage, whatever the demand:
  // offered 820/s where, unlimited, it grows without end.
  Scenario s = envoy_outage({true, 0, 3});
  const RunResult r = solve(s);
  EXPECT_NEAR(window_mean(r, &Interval::retries, 150, 390), 20, 0.02 * 20);
  EXPECT_NEAR(window_mean(r, &Interval::offered, 150, 390), 820, 0.02 * 20);
  // Every other failure is denied: the 800 first attempts a second.
  EXPECT_NEAR(window_mean(r, &Interval::denied, 150, 390), 800, 0.02 * 20);
  // As the step shrinks the rate tends to the hand value (the delays are
  // whole steps at 0.1 s and 0.05 s as at 0.2 s).
  for (double h : {0.1, 0.05}) {
    SolverOptions o;
    o.step_s = h;
    EXPECT_NEAR(window_mean(solve(s, o), &Interval::retries, 150, 390), 20, 0.01 * 20) << h;
  }
  s.client.concurrent_retry_budget.enabled = false;
  EXPECT_GT(window_mean(solve(s), &Interval::retries, 150, 390), 10 * 800);
}

TEST(Policies, EnvoyRetryBudgetFollowsTwentyPercentOfTheActiveRequests) {
  // budget_percent 20: active retries R at most 0.2 x the attempts in
  // flight A. With full jitter a retry waits U(0, 1 s), 0.5 s on average,
  // then its attempt's 0.5 s: it is active 1 s, R = 1 x r with r the
  // retries a second (Little). Every attempt is in flight for the 0.5 s its
  // rejection takes: A = 0.5 (800 + r). At the limit r = 0.2 x 0.5 (800 + r):
  // r = 80 / 0.9 = 88.9/s (the minimum of 30 is below it); at every step,
  // the flows being steady (the level in flight is the step's mean, 10.11).
  Scenario s = envoy_outage({true, 20, 3});
  s.client.backoff.jitter = Jitter::Full;
  const double r = 80 / 0.9;
  for (double h : {0.2, 0.05}) {
    SolverOptions o;
    o.step_s = h;
    EXPECT_NEAR(window_mean(solve(s, o), &Interval::retries, 150, 390), r, 1e-3 * r) << h;
  }
  // The static limit with the same jitter: 30 active, 1 s each: 30/s.
  s.client.concurrent_retry_budget.budget_percent = 0;
  EXPECT_NEAR(window_mean(solve(s), &Interval::retries, 150, 390), 30, 1e-3 * 30);
  // Healthy before and after the outage: every first attempt succeeds and
  // no retry is wanted, so nothing is denied.
  s.client.concurrent_retry_budget.budget_percent = 20;
  const RunResult run = solve(s);
  EXPECT_NEAR(window_mean(run, &Interval::denied, 20, 90), 0, 1e-9);
  EXPECT_NEAR(window_mean(run, &Interval::goodput, 450, 600), 800, 1e-6);
}

TEST(Policies, LinkerdPresetIsFinaglesBudgetAtTwentyPercentPlusTenASecond) {
  // Linkerd's retryBudget (0.2, 10/s, 10 s) on 10 clients in a full outage:
  // 0.2 x 800 + 10 x 10 = 260 retries a second, as Finagle's.
  Scenario s = full_outage(std::nullopt);
  s.server.reject_latency_s = 0.5;  // the preset retries at once: a rejection must take time
  s.client = preset("Linkerd retry budget");
  s.client.instances = 10;
  EXPECT_NEAR(window_mean(solve(s), &Interval::retries, 150, 390), 260, 0.01 * 260);
}

TEST(Policies, GrpcTokenBucketStopsRetriesAtHalfItsTokensAndOfferedReturnsToDemand) {
  // 1000 clients with 10 tokens each; every failure takes one, and nothing
  // succeeds. Retries stop once a client is down to 5 tokens: after 5
  // failures per client, 5000 in all. From then on only first attempts are
  // sent: offered = demand = 800, and each failed job is denied its retry.
  Scenario s = full_outage(std::nullopt);
  s.client.instances = 1000;
  s.client.retry_throttling = RetryThrottling{true, 10, 0.1};
  RunResult r = solve(s);
  // The first interval in which every failure is denied its retry; the
  // failures before it (rejections reach the clients at once).
  double failures = 0, stopped_at = -1;
  for (const Interval& i : r.intervals) {
    if (i.t_s <= 100) continue;
    if (i.rejected > 0 && std::fabs(i.denied - i.rejected) < 1e-9 * i.rejected) {
      stopped_at = i.t_s;
      break;
    }
    failures += i.rejected;
  }
  ASSERT_GT(stopped_at, 0);
  // A client stops retrying at 5 tokens: after 5 failures, 5000 in all
  // (plus at most the interval in which the last token went).
  EXPECT_GE(failures, 5000);
  EXPECT_LE(failures, 5000 + at(r, stopped_at - 1).rejected);
  // Retries granted before that have waited at most the 1 s cap.
  EXPECT_NEAR(window_mean(r, &Interval::offered, stopped_at + 1, 400), 800, 1e-9);
  // Every failure is a rejected first attempt, denied its retry; and once
  // the attempt the queue of one holds times out: one more.
  const double span = 399 - (stopped_at + 1);
  EXPECT_NEAR(window_mean(r, &Interval::denied, stopped_at + 1, 399), 800 + 0.5 / span, 0.5 / span);
  // After the outage successes refill the bucket at 0.1 a success: a client
  // (0.8 jobs/s) needs 5 / 0.1 = 50 successes, about 63 s, to retry again.
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 410, 600), 800, 1e-6);
}

TEST(Policies, AwsRetryQuotaAllowsCapacityOverCostRetriesPerClient) {
  // 10 clients with 500 tokens; a retry after a rejection costs 5: 100
  // retries per client, 1000 in all, then none until successes refill it.
  Scenario s = full_outage(std::nullopt);
  s.client.instances = 10;
  s.client.retry_quota = RetryQuota{true, 500, 5, 10, 1};
  for (Jitter jitter : {Jitter::Full, Jitter::None}) {  // with and without retries in their failure's step
    s.client.backoff.jitter = jitter;
    RunResult r = solve(s);
    EXPECT_NEAR(window_mean(r, &Interval::retries, 100, 400) * 300, 1000, 1e-6) << to_string(jitter);
  }
  RunResult r = solve(s);
  EXPECT_NEAR(window_mean(r, &Interval::offered, 120, 400), 800, 1e-6);
}

TEST(Policies, AdaptiveThrottlingLetsTheServerSeeKTimesTheAcceptedRequests) {
  // 1500 jobs/s, no retries, against 500/s behind a short queue (1 s of work,
  // below the 5 s timeout): 500/s are accepted. In steady state the clients
  // send (1 - p) x 1500 with p = (R - 2A) / (R + instances) over 120 s:
  // R = 180000, A = 60000, instances 1000: sent = 1500 x 121000 / 181000 =
  // 1002.76, about K = 2 times the 500 accepted.
  Scenario s = steady(1500, 500, 1, 1200);
  s.server.queue_limit = 500;
  s.client.instances = 1000;
  s.client.adaptive_throttling = AdaptiveThrottling{true, 2, 120};
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 1000).offered, 1500.0 * 121000 / 181000, 1e-6);
  EXPECT_NEAR(at(r, 1000).goodput, 500, 1e-9);
  EXPECT_NEAR(at(r, 1000).throttled, 1500 - 1500.0 * 121000 / 181000, 1e-6);
}

TEST(Policies, OpenBreakerSendsNothingButProbes) {
  // Polly v8's breaker: 10 % failures over 30 s with 100 calls opens it for
  // 5 s, then one probe per client. In the outage every attempt fails: the
  // breaker opens within a few seconds, and then the server sees nothing but
  // the probes: 10 clients x 1 probe, one burst per break.
  Scenario s = full_outage(1);  // no retries: the breaker alone
  s.client.instances = 10;
  s.client.circuit_breaker = CircuitBreaker{true, 0.1, 100, 30, 5, 1};
  RunResult r = solve(s);
  double sent = 0, intervals_silent = 0;
  for (const Interval& i : r.intervals) {
    if (i.t_s <= 110 || i.t_s > 400) continue;
    sent += i.offered;
    if (i.offered == 0) ++intervals_silent;
    EXPECT_NEAR(i.offered + i.throttled, 800, 1e-6) << i.t_s;  // every job is sent or refused
  }
  // 290 s of breaks of 5 s and a probe round (one step) each: about 55
  // rounds of 10 probes.
  EXPECT_NEAR(sent, 10 * 290 / 5.2, 10 * 4);
  EXPECT_GT(intervals_silent, 200);
  // Once capacity is back the next probe succeeds and the breaker closes.
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 420, 600), 800, 1e-6);
}

TEST(Policies, JitterNoneKeepsRetryWavesSynchronisedAndFullJitterSpreadsThem) {
  // One second of outage rejects 799 jobs (the queue of one holds the
  // 800th); each retries after d = 4 s. With no jitter they all come back
  // within one interval: offered peaks at 800 + 799 = 1599. With full
  // jitter they come back spread over 4 s: 800 + 799 / 4.
  Scenario s = steady(800, 1000, 2, 200);
  s.server.queue_limit = 1;
  s.server.outage = Outage{100, 1, 0};
  s.client.backoff = Backoff{4, 2, 20, Jitter::None};
  RunResult none = solve(s);
  s.client.backoff.jitter = Jitter::Full;
  RunResult full = solve(s);
  auto peak = [](const RunResult& r) {
    double p = 0;
    for (const Interval& i : r.intervals)
      if (i.t_s > 101) p = std::max(p, i.offered);
    return p;
  };
  EXPECT_NEAR(peak(none), 1599, 1e-6);
  EXPECT_NEAR(at(none, 105).offered, 1599, 1e-6);  // the wave, 4 s after the outage
  EXPECT_NEAR(peak(full), 800 + 799.0 / 4, 0.01);  // 0.01: the edges of a uniform delay over solver steps
}

TEST(Policies, StopSignalEndsEveryRejectedJobAndIgnoringClientsRetry) {
  // 1500 jobs/s against 1000/s behind a queue of 1 s (below the 5 s
  // timeout): 1000/s are served and nothing times out. With the signal on
  // every rejection, the rejected 500/s give up at once: offered = 1500.
  Scenario s = steady(1500, 1000, 1, 600);
  s.client.max_attempts = std::nullopt;
  s.server.queue_limit = 1000;
  s.server.stop_signal = StopSignal{true, 1, 0, 0};
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 500).offered, 1500, 1e-6);
  EXPECT_NEAR(at(r, 500).stopped, 500, 1e-6);
  // Half the clients ignore it: offered x = 1500 + 0.5 (x - 1000), so
  // x = 2000: 1000 rejected, 500 stopped, 500 retried.
  s.server.stop_signal.ignored_share = 0.5;
  r = solve(s);
  EXPECT_NEAR(at(r, 500).offered, 2000, 1e-3);
  EXPECT_NEAR(at(r, 500).stopped, 500, 1e-3);
  EXPECT_NEAR(at(r, 500).retries, 500, 1e-3);
}

TEST(Policies, AdmissionControlRefusesItsShareOfJobsAtEveryAttempt) {
  // Half of 1500 jobs/s admitted: 750/s are all served (capacity 1000). The
  // other 750/s are rejected at each of their 3 attempts: 2250 attempts/s,
  // so offered = 750 + 2250 = 3000, goodput 750, 750 jobs/s give up.
  Scenario s = steady(1500, 1000, 3, 600);
  s.client.backoff = Backoff{0.1, 2, 20, Jitter::Full};
  s.server.queue_limit = 1000;
  s.server.admission = Admission{true, 0.5, 0};
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 500).goodput, 750, 1e-6);
  EXPECT_NEAR(at(r, 500).offered, 3000, 1e-6);
  EXPECT_NEAR(at(r, 500).shed, 2250, 1e-6);
  EXPECT_NEAR(at(r, 500).gave_up, 750, 1e-6);
  // With the stop signal too, the refused jobs stop at their first attempt.
  s.server.stop_signal = StopSignal{true, 1, 0, 0};
  r = solve(s);
  EXPECT_NEAR(at(r, 500).offered, 1500, 1e-6);
  EXPECT_NEAR(at(r, 500).stopped, 750, 1e-6);
}

TEST(Policies, AdmissionFromAStartTimeLeavesEarlierJobsAlone) {
  Scenario s = steady(1500, 1000, 1, 600);
  s.server.queue_limit = 1000;
  s.server.admission = Admission{true, 0.6, 300};
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 200).shed, 0, 1e-12);
  EXPECT_NEAR(at(r, 400).shed, 1500 * 0.4, 1e-6);
}

TEST(Policies, WhenAdmissionControlEndsTheRefusedJobsStillRetryingAreAdmitted) {
  // 800 jobs/s against 1000/s; half the jobs arriving in [100, 300) are
  // refused, and retry without end, 1 s apart: at 200 s, 400 x 100 = 40000
  // refused jobs each send an attempt a second. At 300 s the 80000 refused
  // jobs join the admitted ones; the 200/s of spare capacity serves them
  // by 300 + 80000 / 200 = 700 s, at full capacity until then.
  Scenario s = steady(800, 1000, 1, 1000);
  s.client.max_attempts = std::nullopt;
  s.client.backoff = Backoff{1, 1, 1, Jitter::None};
  s.server.queue_limit = 1000;
  s.server.admission = Admission{true, 0.5, 100, 200};
  SolverOptions o;
  o.audit = true;
  RunResult r = solve(s, o);
  EXPECT_NEAR(at(r, 200).shed, 40000, 1e-6);
  EXPECT_NEAR(at(r, 200).goodput, 400, 1e-6);
  EXPECT_NEAR(at(r, 200).backlog, 40000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::shed, 301, 1000), 0, 1e-12);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 310, 690), 1000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 710, 1000), 800, 1e-6);
  EXPECT_LT(r.audit.jobs, 1e-12);
}

TEST(Policies, CapacityScheduleSetsCapacityFromEachPoint) {
  Scenario s = steady(800, 1000, 1, 600);
  s.server.capacity_schedule = std::vector<std::pair<double, double>>{{200, 600}, {400, 1200}};
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 100).capacity, 1000, 1e-9);
  EXPECT_NEAR(at(r, 300).capacity, 600, 1e-9);
  EXPECT_NEAR(at(r, 500).capacity, 1200, 1e-9);
  EXPECT_NEAR(at(r, 300).served, 600, 1e-9);
}

TEST(Policies, AutoscalingAddsAStepAfterEachFullWindowPlusTheDelay) {
  // 1500/s against 1000/s, utilisation 1 >= 0.8: the first window closes at
  // 60 s, the capacity lands 120 s later (180 s); the window starts again:
  // 1500 at 360 s, 1750 at 540 s (1500/1500 is still >= 0.8), 2000 at
  // 720 s (1500/1750 = 0.86), then the maximum.
  Scenario s = steady(1500, 1000, 1, 900);
  s.server.queue_limit = 1000;
  s.server.autoscaling = Autoscaling{true, 0.8, 60, 120, 250, 2000};
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 179).capacity, 1000, 1e-9);
  EXPECT_NEAR(at(r, 181).capacity, 1250, 1e-9);
  EXPECT_NEAR(at(r, 359).capacity, 1250, 1e-9);
  EXPECT_NEAR(at(r, 361).capacity, 1500, 1e-9);
  EXPECT_NEAR(at(r, 541).capacity, 1750, 1e-9);
  EXPECT_NEAR(at(r, 721).capacity, 2000, 1e-9);
  EXPECT_NEAR(at(r, 900).capacity, 2000, 1e-9);
  EXPECT_NEAR(at(r, 900).goodput, 1500, 1e-9);
  EXPECT_NEAR(at(r, 300).wait_s, 1000.0 / 1250, 1e-9);  // the queue of 1000 at the new capacity
}

TEST(Policies, AutoscalingCapacitySuffersTheOutageAndStopsAtItsMaximum) {
  // A total outage over [100, 500): the added capacity serves nothing either,
  // and a window with no capacity orders none. After it, the scheduled
  // 1000/s plus what was added stays within the maximum of 1250/s.
  Scenario s = steady(1200, 1000, 1, 900);
  s.server.queue_limit = 1000;
  s.server.outage = Outage{100, 400, 0};
  s.server.autoscaling = Autoscaling{true, 0.9, 60, 30, 250, 1250};
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 91).capacity, 1250, 1e-9);  // ordered at 60 s, serving from 90 s
  for (double t = 101; t <= 500; t += 1) EXPECT_EQ(at(r, t).capacity, 0) << t;
  for (double t = 501; t <= 900; t += 1) EXPECT_NEAR(at(r, t).capacity, 1250, 1e-9) << t;
}

TEST(Policies, MapsEqualFullRunsWithAdmissionControlAndACapacitySchedule) {
  // The shortcut "demand within capacity needs no run" does not hold when
  // admission control refuses half the jobs (never healthy) or capacity
  // drops below demand on a schedule: such points are overloaded.
  for (int variant = 0; variant < 2; ++variant) {
    Scenario s = test::example();
    if (variant == 0) s.server.admission = Admission{true, 0.5, 0, 0};
    if (variant == 1) s.server.capacity_schedule = std::vector<std::pair<double, double>>{{0, 500}};
    EXPECT_EQ(classify_point(s).point_class, PointClass::Overloaded) << variant;
    EXPECT_EQ(classify_point(s).point_class, classify_point_fully(s).point_class) << variant;
  }
}

TEST(Policies, SrePresetRemovesTheMetastableBandOfTheExample) {
  // The example over demand x capacity: with its naive client a wide band is
  // metastable; the SRE book's client (budget + adaptive throttling) drains
  // every surge, so only demand above capacity stays unhealthy.
  MapAxis x{"demand.base_rate", 100, 1400, 14}, y{"server.capacity", 500, 2000, 16};
  auto count = [&](const Scenario& s, PointClass c) {
    ParameterMap m = compute_map(s, x, y);
    return std::count_if(m.points.begin(), m.points.end(), [&](const MapPoint& p) { return p.verdict.point_class == c; });
  };
  Scenario naive = test::example();
  Scenario sre = naive;
  apply_policy(NamedPolicy{"", "", preset("SRE book")}, sre.client);
  EXPECT_GT(count(naive, PointClass::Metastable), 50);
  EXPECT_EQ(count(sre, PointClass::Metastable), 0);
  EXPECT_EQ(count(sre, PointClass::Overloaded), count(naive, PointClass::Overloaded));
}

}  // namespace
}  // namespace sg
