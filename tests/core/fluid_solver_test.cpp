// Hand-computable cases of the fluid model (docs/model.md, section 7).
#include <cmath>

#include <gtest/gtest.h>

#include <algorithm>

#include "analysis/health.h"
#include "scenario/client_policies.h"
#include "model/fluid_solver.h"
#include "support/run_helpers.h"

namespace sg {
namespace {

using test::at;
using test::steady;
using test::window_mean;

TEST(FluidSolver, APausePointIsCalledEveryThousandStepsAndChangesNoNumber) {
  // The default scenario's 600 s in steps of h: a call at steps 0, 1024,
  // 2048, ...: ceil(steps / 1024) calls, and the same run as without.
  Scenario s;
  const RunResult plain = solve(s);
  SolverOptions o;
  long calls = 0;
  o.pause_point = [&calls] { ++calls; };
  const RunResult paused = solve(s, o);
  const long steps = std::lround(s.duration_s / plain.solver_step_s);
  EXPECT_EQ(calls, (steps + 1023) / 1024);
  ASSERT_EQ(plain.intervals.size(), paused.intervals.size());
  for (std::size_t k = 0; k < plain.intervals.size(); ++k) {
    EXPECT_EQ(plain.intervals[k].goodput, paused.intervals[k].goodput);
    EXPECT_EQ(plain.intervals[k].queue, paused.intervals[k].queue);
  }
}

TEST(FluidSolver, HealthySystemHasAnEmptyQueue) {
  // 800/s against 1000/s: every attempt is served in the step it is sent;
  // the queue is 0, not a step's worth of arrivals.
  RunResult r = solve(steady(800, 1000, 3));
  for (const Interval& i : r.intervals) {
    EXPECT_EQ(i.queue, 0) << i.t_s;
    EXPECT_EQ(i.wait_s, 0) << i.t_s;
    EXPECT_NEAR(i.goodput, 800, 1e-9) << i.t_s;
    EXPECT_EQ(i.retries, 0) << i.t_s;
  }
}

TEST(FluidSolver, NoRetriesAndNoLimitQueueGrowsAtDemandMinusCapacity) {
  // M = 1, 1500/s against 1000/s: the queue grows at 500/s.
  RunResult r = solve(steady(1500, 1000, 1));
  EXPECT_NEAR(at(r, 400).queue - at(r, 100).queue, 500 * 300, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::served, 100, 400), 1000, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::retries, 0, 600), 0, 1e-12);
  // Waits pass 5 s at t = 10 s (5000 queued), so from t = 15 s on every
  // completion is an attempt sent after that: all wasted.
  EXPECT_NEAR(window_mean(r, &Interval::wasted, 20, 600), 1000, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::gave_up, 20, 600), 1500, 1e-9);
}

TEST(FluidSolver, QueueLimitHoldsTheQueueAtKAndRejectsTheExcess) {
  // M = 1, K = 500: the queue sits at 500, 0.5 s of work (below the 5 s
  // timeout, so all served work is goodput), and 1500 - 1000 = 500/s are rejected.
  Scenario s = steady(1500, 1000, 1);
  s.server.queue_limit = 500;
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 300).queue, 500, 1e-9);
  EXPECT_NEAR(at(r, 300).wait_s, 0.5, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::rejected, 10, 600), 500, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 10, 600), 1000, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::wasted, 10, 600), 0, 1e-9);
}

TEST(FluidSolver, TimeoutDecidesByTheQueueAnAttemptMetWhenSent) {
  // M = 1, 800/s plus 1200/s from t = 600 to 900 against 1000/s. The queue
  // grows at 1000/s; an attempt sent at s waits (s - 600) s, so attempts sent
  // after 605 s time out, and they are served from 610 s on: goodput is 1000
  // until 610 s and 0 after. At 900 s the queue holds 300000 and drains at
  // 200/s. An attempt sent at s waits (300000 - 200 (s - 900)) / 1000 s: below
  // the 5 s timeout from s = 2375 s, when it is served at 2380 s. From then the
  // server completes 1000/s of good attempts until the queue empties at 2400 s,
  // then 800/s. Healthy again from 2380 s: 1480 s after the surge.
  Scenario s;
  s.client.max_attempts = 1;
  RunResult r = solve(s);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 600, 609), 1000, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 611, 2378), 0, 1e-9);
  EXPECT_NEAR(at(r, 900).queue, 300000, 1e-6);
  EXPECT_NEAR(at(r, 900).wait_s, 300, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 2381, 2399), 1000, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 2401, 3600), 800, 1e-9);
  RunHealth h = assess_run(s, r);
  ASSERT_TRUE(h.recovered);
  EXPECT_NEAR(*h.recovery_s, 1480, 1.0);
}

TEST(FluidSolver, CollapsedStateServesOnlyWastedWork) {
  // The example scenario during the surge: every attempt times out, so each
  // job sends its 3 attempts: offered 3 * 2000 = 6000/s, timeouts 6000/s,
  // 2000 jobs/s give up, and the server spends all 1000/s on wasted work.
  RunResult r = solve(test::example());
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 640, 900), 0, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::wasted, 640, 900), 1000, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::offered, 640, 900), 6000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::timeouts, 640, 900), 6000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::gave_up, 640, 900), 2000, 1e-6);
  // After the surge 800 jobs/s still send 2400 attempts/s: the queue grows
  // at 2400 - 1000 = 1400/s.
  EXPECT_NEAR(at(r, 3000).queue - at(r, 2000).queue, 1400 * 1000, 1e-3);
}

TEST(FluidSolver, BacklogObeysLittlesLawForEachJitter) {
  // In the collapsed state 800 jobs/s each wait out D_1 and D_2, so the
  // backlog is 800 * (E[D_1] + E[D_2]) with d_1 = 0.1 s, d_2 = 0.2 s:
  //   full:  E[D_k] = d_k / 2      -> 800 * 0.15 = 120
  //   equal: E[D_k] = 3 d_k / 4    -> 800 * 0.225 = 180
  //   none:  E[D_k] = d_k          -> 800 * 0.3 = 240
  //   decorrelated: E[D_1] = E[U(b, 3b)] = 2b, E[D_2] = (b + 3 E[D_1]) / 2 = 3.5b
  //                 -> 800 * 5.5 * 0.1 = 440 (binned previous delay: within 1 %)
  //   proportional (spread 0.5): E[D_k] = d_k E[U(0.5, 1.5)] = d_k -> 240, as none
  struct Case {
    Jitter jitter;
    double backlog, tolerance;
  };
  for (Case c : {Case{Jitter::Full, 120, 1e-6}, Case{Jitter::Equal, 180, 1e-6}, Case{Jitter::None, 240, 1e-6},
                 Case{Jitter::Decorrelated, 440, 4.4}, Case{Jitter::Proportional, 240, 1e-6}}) {
    Scenario s;
    s.client.backoff.jitter = c.jitter;
    s.client.backoff.spread = 0.5;
    RunResult r = solve(s);
    EXPECT_NEAR(at(r, 3000).backlog, c.backlog, c.tolerance) << to_string(c.jitter);
    EXPECT_NEAR(window_mean(r, &Interval::offered, 1000, 3600), 2400, 1e-6) << to_string(c.jitter);
  }
}

TEST(FluidSolver, ZeroDelayRetriesLeaveAtTheInstantOfTheTimeout) {
  // Base 0: a timed-out attempt is retried at once, so nobody waits in
  // backoff (backlog exactly 0) and each job still sends M = 2 attempts.
  Scenario s;
  s.client.max_attempts = 2;
  s.client.backoff.base_s = 0;
  RunResult r = solve(s);
  for (double t : {700.0, 1500.0, 3000.0}) EXPECT_EQ(at(r, t).backlog, 0) << t;
  EXPECT_NEAR(window_mean(r, &Interval::offered, 1000, 3600), 1600, 1e-6);
}

TEST(FluidSolver, InstantRetriesAfterAnInstantRejectionAreRejectedToo) {
  // 2000 jobs/s, 1000/s capacity, K = 100, M = 3, base 0, reject latency 0.
  // A rejected job retries at the same instant into the same full queue, so
  // it burns all 3 attempts: 1000 jobs/s get in (and succeed: 0.1 s wait),
  // 1000 jobs/s send 3 rejected attempts and give up. Offered 1000 + 3000.
  Scenario s = steady(2000, 1000, 3);
  s.server.queue_limit = 100;
  s.client.backoff.base_s = 0;
  RunResult r = solve(s);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 10, 600), 1000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::offered, 10, 600), 4000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::rejected, 10, 600), 3000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::gave_up, 10, 600), 1000, 1e-6);
  EXPECT_EQ(at(r, 300).backlog, 0);
}

TEST(FluidSolver, DelayedRetriesDrawAFreshChanceAtTheQueue) {
  // Same, but retries wait a positive delay (full jitter, base 0.1 s): each
  // attempt is rejected with the same probability r. With M = 3 a job gives
  // up with probability r^3 and admitted = offered (1 - r) = capacity, where
  // offered = 2000 (1 + r + r^2). So 2000 (1 - r^3) = 1000: r = 0.5^(1/3)
  // and offered = 1000 / (1 - r) = 4847.3/s.
  Scenario s = steady(2000, 1000, 3);
  s.server.queue_limit = 100;
  RunResult r = solve(s);
  const double rej = std::cbrt(0.5);
  EXPECT_NEAR(window_mean(r, &Interval::offered, 60, 600), 1000 / (1 - rej), 1e-3);
  EXPECT_NEAR(window_mean(r, &Interval::gave_up, 60, 600), 1000, 1e-3);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 60, 600), 1000, 1e-6);
}

TEST(FluidSolver, RejectLatencyDelaysTheRetry) {
  // M = 2, base 0, reject latency 1 s: a rejected attempt fails 1 s later and
  // is retried at once, with a fresh chance. 2000 (1 - r^2) = 1000 gives
  // r = sqrt(0.5) and offered = 2000 (1 + r) = 3414.2/s; the rejections on
  // their way back hold 1 s of rejected attempts of first tries: 2000 r.
  Scenario s = steady(2000, 1000, 2);
  s.server.queue_limit = 100;
  s.server.reject_latency_s = 1;
  s.client.backoff.base_s = 0;
  RunResult r = solve(s);
  EXPECT_NEAR(window_mean(r, &Interval::offered, 60, 600), 2000 * (1 + std::sqrt(0.5)), 1);
  EXPECT_NEAR(window_mean(r, &Interval::rejected, 60, 600), 2000 * (1 + std::sqrt(0.5)) - 1000, 1);
}

TEST(FluidSolver, ARejectionSlowerThanTheTimeoutFailsItsJobAtTheTimeout) {
  // spec/system.md: a rejected attempt fails reject_latency_s after sending,
  // or at its timeout if that comes first, and counts as rejected either way.
  // M = 2, base 0, T = 1 s, latency 3 s: the job learns of the rejection at
  // 1 s, so the same balance as with a 1 s latency holds (r = sqrt(0.5),
  // offered 3414.2/s) and nothing counts as a timeout.
  Scenario s = steady(2000, 1000, 2);
  s.server.queue_limit = 100;
  s.server.reject_latency_s = 3;
  s.client.timeout_s = 1;
  s.client.backoff.base_s = 0;
  RunResult r = solve(s);
  EXPECT_NEAR(window_mean(r, &Interval::offered, 60, 600), 2000 * (1 + std::sqrt(0.5)), 1);
  EXPECT_NEAR(window_mean(r, &Interval::rejected, 60, 600), 2000 * (1 + std::sqrt(0.5)) - 1000, 1);
  // The queue of 100 is served in 0.1 s < T: nothing times out.
  EXPECT_NEAR(window_mean(r, &Interval::timeouts, 60, 600), 0, 1e-9);
  // The first retries leave at 1 s, not 3 s: from an empty start the queue is
  // full at 0.1 s and rejects 1000/s, whose retries join the 2000/s of first
  // attempts one timeout later. The whole run is that of a 1 s latency.
  EXPECT_GT(window_mean(r, &Interval::offered, 1.2, 2), 2500);
  Scenario one_second = s;
  one_second.server.reject_latency_s = 1;
  const RunResult same = solve(one_second);
  ASSERT_EQ(r.intervals.size(), same.intervals.size());
  for (std::size_t i = 0; i < r.intervals.size(); ++i) {
    EXPECT_NEAR(r.intervals[i].offered, same.intervals[i].offered, 1e-6 * same.intervals[i].offered) << i;
    EXPECT_NEAR(r.intervals[i].gave_up, same.intervals[i].gave_up, 1e-6 * same.intervals[i].offered) << i;
  }
}

TEST(FluidSolver, DropExpiredHoldsWaitsAtTheTimeout) {
  // M = 1, 2000/s against 1000/s with drop_expired: no attempt is served
  // before it reaches the head, at age T, so the queue holds everything sent
  // in the last T seconds, 2000 * 5 = 10000; the server completes 1000/s, all
  // in time, and the other 1000/s are dropped at no cost as they expire. A new
  // attempt will be served (not dropped) exactly when it is T old: wait_s = 5.
  Scenario s = steady(2000, 1000, 1);
  s.server.drop_expired = true;
  RunResult r = solve(s);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 60, 600), 1000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::dropped, 60, 600), 1000, 1e-6);
  EXPECT_NEAR(window_mean(r, &Interval::wasted, 60, 600), 0, 1e-9);
  EXPECT_NEAR(at(r, 300).queue, 10000, 1e-6);
  EXPECT_NEAR(at(r, 300).wait_s, 5, r.solver_step_s);
}

TEST(FluidSolver, OutageBuildsAQueueThatDrainsAtTheSpareCapacity) {
  // 500/s against 1000/s; capacity 0 from t = 100 to 102: 1000 queue up, then
  // drain at 500/s, empty at 104 s. The longest wait is 2 s < 5 s: no timeouts.
  Scenario s = steady(500, 1000, 3, 200);
  s.server.outage = Outage{100, 2, 0.0};
  RunResult r = solve(s);
  EXPECT_NEAR(at(r, 101).queue, 500, 1e-9);
  // At 101 s: 1 s more of outage, then 500 at 1000/s: 1.5 s.
  EXPECT_NEAR(at(r, 101).wait_s, 1.5, 1e-9);
  EXPECT_NEAR(at(r, 102).queue, 1000, 1e-9);
  EXPECT_NEAR(at(r, 103).queue, 500, 1e-9);
  EXPECT_NEAR(at(r, 104).queue, 0, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::goodput, 100, 110), 500, 1e-9);
  EXPECT_NEAR(window_mean(r, &Interval::timeouts, 0, 200), 0, 1e-12);
}

TEST(FluidSolver, RejectLatencyThatIsNotAWholeNumberOfStepsKeepsItsMean) {
  // Unlimited attempts, base 0, K = 100, reject latency 0.3 s: a rejected job
  // retries every 0.3 s, so how many attempts it sends depends on that
  // latency exactly. The surge's peak offered load must not move with the
  // step (0.3 s is 1.5 steps of 0.2 s, 3 of 0.1 s, 6 of 0.05 s).
  Scenario s;
  s.duration_s = 120;
  s.demand.surge = Surge{10, 20, 1200, 0};
  s.server.queue_limit = 100;
  s.server.reject_latency_s = 0.3;
  s.client.max_attempts.reset();
  s.client.backoff.base_s = 0;
  auto peak = [&](double step) {
    SolverOptions o;
    o.step_s = step;
    double p = 0;
    for (const Interval& i : solve(s, o).intervals) p = std::max(p, i.offered);
    return p;
  };
  double reference = peak(0.05);
  EXPECT_NEAR(peak(0.2), reference, 0.001 * reference);
  EXPECT_NEAR(peak(0.1), reference, 0.001 * reference);
}

TEST(FluidSolver, HorizonInsideAStepEndsTheLastIntervalThere) {
  // M = 1, 1500/s against 1000/s, T = 25 s (nothing times out), 10.05 s: the
  // last row ends at 10.05 s with a queue of 500 * 10.05 = 5025, and every
  // attempt sent is served or queued.
  Scenario s = steady(1500, 1000, 1, 10.05);
  s.client.timeout_s = 25;
  SolverOptions o;
  o.step_s = 1;
  RunResult r = solve(s, o);
  ASSERT_EQ(r.intervals.size(), 11u);
  EXPECT_DOUBLE_EQ(r.intervals.back().t_s, 10.05);
  EXPECT_NEAR(r.intervals.back().queue, 5025, 1e-9);
  double sent = 0, served = 0, previous = 0;
  for (const Interval& i : r.intervals) {
    sent += i.offered * (i.t_s - previous);
    served += i.served * (i.t_s - previous);
    previous = i.t_s;
  }
  EXPECT_NEAR(sent, served + r.intervals.back().queue, 1e-9);
}

TEST(FluidSolver, HugeTimeoutsAndLatenciesNeedNoMoreMemoryThanTheRun) {
  // Buffers reach no further than the horizon: a 1e9 s timeout or reject
  // latency on a 30 s run must not try to allocate billions of slots.
  Scenario s = steady(800, 1000, 3, 30);
  s.client.timeout_s = 1e9;
  s.server.reject_latency_s = 1e9;
  s.server.queue_limit = 10;
  s.client.backoff = Backoff{1e5, 2, 1e6, Jitter::Decorrelated};
  SolverOptions o;
  o.step_s = 1;
  o.audit = true;
  RunResult r = solve(s, o);
  EXPECT_EQ(r.intervals.size(), 30u);
  EXPECT_LT(r.audit.jobs, 1e-12);
}

TEST(FluidSolver, DefaultStepDividesTheTimeoutWhenItCan) {
  Scenario s = steady(800, 1000, 3, 10);
  s.client.timeout_s = 5.1;  // 5.1 / 25 = 0.204: 0.2 would round T to 5.2 s; 0.1 divides both
  EXPECT_DOUBLE_EQ(default_solver_step(s), 0.1);
}

TEST(FluidSolver, ClientsThatNeverGiveUpKeepAmplifyingTheStorm) {
  // The "Signal Android 2021" client (unlimited attempts, min(2^n s, 60 s) x
  // U(0.75, 1.25)) in the example's storm: no job ever gives up, so the jobs
  // alive pile up at 800/s and, once their delays sit at the cap, each sends
  // one attempt per timeout plus about 60 s: offered load keeps growing.
  const auto& policies = client_policies();
  auto signal = std::find_if(policies.begin(), policies.end(),
                             [](const NamedPolicy& p) { return p.name == "Signal Android 2021"; });
  ASSERT_NE(signal, policies.end());
  Scenario s;
  s.client = signal->client;
  EXPECT_EQ(matching_policy(s.client), static_cast<std::size_t>(signal - policies.begin()));
  RunResult r = solve(s);
  EXPECT_NEAR(window_mean(r, &Interval::gave_up, 0, 3600), 0, 1e-12);
  double early = window_mean(r, &Interval::offered, 1900, 2000), late = window_mean(r, &Interval::offered, 3500, 3600);
  EXPECT_GT(early, 10 * 800);
  // Between the two windows 1600 s x 800 jobs/s more jobs are alive, each
  // sending about one attempt per (5 + 60) s: about 1600 x 800 / 65 = 19700/s more.
  EXPECT_NEAR(late - early, 1600.0 * 800 / 65, 0.15 * 1600.0 * 800 / 65);
}

TEST(FluidSolver, SolverStepIsRoundedToDivideTheOutputInterval) {
  SolverOptions o;
  o.step_s = 0.3;  // 1 s / 0.3 is not whole: 1/4 s is used
  EXPECT_DOUBLE_EQ(solve(steady(800, 1000, 3, 10), o).solver_step_s, 0.25);
  EXPECT_DOUBLE_EQ(solve(steady(800, 1000, 3, 10)).solver_step_s, 0.2);  // T / 25
}

}  // namespace
}  // namespace sg
