// spec/graph.md's books over many random graphs (the checks are in
// graph_solver_test.cpp), and the early healthy stop of maps against the
// complete runs: minutes under the sanitizers, so a target of its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <random>
#include <utility>
#include <string>

#include "model/graph_solver.h"
#include "scenario/input_error.h"
#include "scenario/scenario_file.h"
#include "support/random_graph.h"

namespace sg {
namespace {

TEST(GraphBooks, BalanceOverTwoHundredAndFiftyRandomGraphs) { test::check_graph_books(250, 7); }

TEST(GraphBooks, BalanceOverRandomGraphsWithClientPoliciesOnUsersAndCalls) {
  // docs/model.md 11.12: refused attempts are never sent, denied retries end
  // their jobs; the books of spec/graph.md hold as without the policies.
  test::check_graph_books(150, 11, true);
}

TEST(GraphBooks, BalanceOverRandomGraphsWithDeadlinePropagation) {
  // docs/model.md 11.17: the deadline groups of propagating calls keep the
  // books of spec/graph.md, and every job learns its fate once, whether an
  // attempt times out at its own timeout or at its deadline, a retry is
  // given up at the deadline or a job starts after it.
  test::check_graph_books(80, 17, false, true);
}

TEST(GraphBooks, ARunStoppedOnceHealthyAndSteadyIsTheCompleteRunUpToThenAndSteadyAfter) {
  // docs/model.md 11.9: a run may stop when nothing is queued, awaited, due
  // or on its way back anywhere and every service's first attempts fit from
  // then on. Over random graphs (queue limits, reject latencies, drops with
  // margins, outages, schedules), the stopped run's intervals equal the
  // complete run's at every service, and every later interval of the
  // complete run is quiet: goodput equal to demand, nothing retried, timed
  // out, rejected, dropped, failed, queued or waiting.
  std::mt19937 rng(20261202);
  int stopped = 0;
  long skipped = 0;
  for (int trial = 0; trial < 60; ++trial) {
    Scenario s = test::random_graph(rng);
    s.demand.base_rate *= 0.3;  // lighter loads: more runs recover and stop
    try {
      validate_scenario(s);
    } catch (const InputError&) {
      continue;
    }
    SolverOptions stop;
    stop.stop_when_decided = true;
    const std::vector<ServiceRun> quick = solve_services(s, stop), full = solve_services(s);
    ASSERT_EQ(quick.size(), full.size());
    if (quick.front().run.rest != Rest::Healthy) continue;
    ++stopped;
    for (std::size_t k = 0; k < full.size(); ++k) {
      const auto& a = quick[k].run.intervals;
      const auto& b = full[k].run.intervals;
      ASSERT_LE(a.size(), b.size());
      skipped += quick[k].run.skipped_steps;
      // Quiet stretches skipped (docs/model.md 11.11) sum the same rates in
      // another order: equal to rounding there, to the last bit elsewhere.
      for (std::size_t i = 0; i < a.size(); ++i) {
        const double tolerance = 1e-12 * std::max({1.0, b[i].demand, b[i].capacity});
        EXPECT_NEAR(a[i].goodput, b[i].goodput, tolerance) << "trial " << trial << " " << full[k].name << " interval " << i;
        EXPECT_NEAR(a[i].offered, b[i].offered, tolerance) << "trial " << trial << " " << full[k].name << " interval " << i;
        EXPECT_NEAR(a[i].served, b[i].served, tolerance) << "trial " << trial << " " << full[k].name << " interval " << i;
        EXPECT_NEAR(a[i].capacity, b[i].capacity, tolerance) << "trial " << trial << " " << full[k].name << " interval " << i;
        EXPECT_EQ(a[i].t_s, b[i].t_s) << "trial " << trial << " " << full[k].name << " interval " << i;
        for (double Interval::*f : {&Interval::queue, &Interval::retries, &Interval::timeouts, &Interval::waiting,
                                    &Interval::failed, &Interval::rejected, &Interval::dropped})
          EXPECT_NEAR(a[i].*f, b[i].*f, tolerance) << "trial " << trial << " " << full[k].name << " interval " << i;
      }
      for (std::size_t i = a.size(); i < b.size(); ++i) {
        const Interval& x = b[i];
        const double scale = 1e-9 * std::max(1.0, x.demand);
        for (double v : {x.retries, x.timeouts, x.rejected, x.dropped, x.failed, x.gave_up, x.queue, x.waiting,
                         x.backlog})
          EXPECT_LE(std::fabs(v), scale) << "trial " << trial << " " << full[k].name << " at " << x.t_s;
        EXPECT_NEAR(x.goodput, x.demand, scale) << "trial " << trial << " " << full[k].name << " at " << x.t_s;
      }
    }
  }
  std::printf("%d of 60 random graphs stopped early, %ld service steps skipped as quiet\n", stopped, skipped);
  EXPECT_GT(stopped, 10);  // the stop is taken, not just harmless
  EXPECT_GT(skipped, 0);   // and so is the skip
}

TEST(GraphBooks, TheAllLateShortcutChangesNoNumberOverRandomGraphs) {
  // docs/model.md 11.10: a batch whose every call is proven late is answered
  // from the calls' all-late laws and only at its events. It is the same
  // arithmetic in the same order as following its tags step by step, so
  // every measure of every service at every interval is equal to the last
  // bit, with the shortcut and without it. Heavier loads than the books
  // test, so that callees stay overloaded long enough for the proof.
  std::mt19937 rng(20261203);
  long late = 0;
  int compared = 0;
  for (int trial = 0; trial < 40; ++trial) {
    Scenario s = test::random_graph(rng);
    s.demand.base_rate *= 2;
    try {
      validate_scenario(s);
    } catch (const InputError&) {
      continue;
    }
    SolverOptions plain;
    plain.shortcuts = false;
    const std::vector<ServiceRun> quick = solve_services(s), full = solve_services(s, plain);
    ASSERT_EQ(quick.size(), full.size());
    ++compared;
    for (std::size_t k = 0; k < full.size(); ++k) {
      late += quick[k].run.late_batches;
      EXPECT_EQ(full[k].run.late_batches, 0);
      const auto& a = quick[k].run.intervals;
      const auto& b = full[k].run.intervals;
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t i = 0; i < a.size(); ++i)
        for (auto field : {&Interval::offered, &Interval::retries, &Interval::served, &Interval::goodput,
                           &Interval::wasted, &Interval::timeouts, &Interval::gave_up, &Interval::failed,
                           &Interval::queue, &Interval::waiting, &Interval::backlog, &Interval::rejected,
                           &Interval::dropped, &Interval::wait_s})
          ASSERT_EQ(a[i].*field, b[i].*field) << "trial " << trial << " " << full[k].name << " interval " << i;
    }
  }
  std::printf("%d random graphs compared, %ld batches answered on the all-late law\n", compared, late);
  EXPECT_GT(compared, 20);
  EXPECT_GT(late, 500);  // the shortcut is taken, not just harmless
}

TEST(GraphBooks, ASteadyTailEqualsTheSolvedRunToRoundingOverRandomGraphs) {
  // docs/model.md 11.13: once every service has sent and served the same in
  // each step for longer than any job lives, the rates stay as they are and
  // every queue either stays as it is or serves only late attempts, the
  // rest of the run repeats its last rows (the queue rising as it did). The
  // random graphs' triggers all end by 130 s; run to 300 s, most settle
  // into a storm or back to health, and the rest of those runs is written
  // without solving. Every measure equals the solved run's to rounding
  // (1e-9 of the larger of the value and the largest capacity: a queue of
  // millions summed step by step, or extrapolated).
  std::mt19937 rng(20261202);
  int compared = 0, tails = 0;
  long written = 0, total = 0;
  for (int trial = 0; trial < 60; ++trial) {
    Scenario s = test::random_graph(rng);
    s.duration_s = 300;
    if (trial % 2 == 0) s.demand.base_rate *= 2;
    // A job of unlimited attempts has no longest life: no tail is taken.
    if (!s.client.max_attempts) s.client.max_attempts = 4;
    auto bound = [](Server& v) {
      for (auto& entry : v.calls)
        if (!entry.second.client.max_attempts) entry.second.client.max_attempts = 4;
    };
    bound(s.server);
    for (auto& entry : s.services) bound(entry.second);
    try {
      validate_scenario(s);
    } catch (const InputError&) {
      continue;
    }
    // Storms that never settle (limits, drops and rejections at every
    // layer) at small steps take seconds each and have no tail to check.
    if (default_graph_step(s) < 0.03) continue;
    SolverOptions plain;
    plain.steady_tail = false;
    const std::vector<ServiceRun> quick = solve_services(s);
    ++compared;
    // Without a tail the run took the same steps as without the shortcut.
    if (quick.front().run.steady_steps == 0) continue;
    const std::vector<ServiceRun> full = solve_services(s, plain);
    ASSERT_EQ(quick.size(), full.size());
    double largest = s.server.capacity;
    for (const auto& entry : s.services) largest = std::max(largest, entry.second.capacity);
    ++tails;
    for (std::size_t k = 0; k < full.size(); ++k) {
      written += quick[k].run.steady_steps;
      total += static_cast<long>(std::lround(s.duration_s / quick[k].run.solver_step_s));
      EXPECT_EQ(full[k].run.steady_steps, 0);
      const auto& a = quick[k].run.intervals;
      const auto& b = full[k].run.intervals;
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a[i].t_s, b[i].t_s);
        const std::pair<const char*, double Interval::*> fields[] = {
            {"demand", &Interval::demand},   {"offered", &Interval::offered},   {"retries", &Interval::retries},
            {"served", &Interval::served},   {"goodput", &Interval::goodput},   {"wasted", &Interval::wasted},
            {"timeouts", &Interval::timeouts}, {"gave_up", &Interval::gave_up}, {"failed", &Interval::failed},
            {"queue", &Interval::queue},     {"waiting", &Interval::waiting},   {"backlog", &Interval::backlog},
            {"rejected", &Interval::rejected}, {"dropped", &Interval::dropped}, {"wait_s", &Interval::wait_s},
            {"capacity", &Interval::capacity}};
        for (const auto& [field_name, field] : fields)
          ASSERT_NEAR(a[i].*field, b[i].*field, 1e-9 * std::max({largest, std::fabs(a[i].*field), std::fabs(b[i].*field)}))
              << "trial " << trial << " " << full[k].name << " " << field_name << " interval " << i << " (t = " << a[i].t_s
              << " s; the tail from step " << (s.duration_s / quick[k].run.solver_step_s - quick[k].run.steady_steps) << ")";
      }
    }
  }
  std::printf("%d random graphs compared, %d with a steady tail: %ld of %ld service steps written without solving\n",
              compared, tails, written, total);
  EXPECT_GT(compared, 20);
  EXPECT_GE(tails, 10);              // the shortcut is taken, not just harmless
  EXPECT_GT(written, total / 4);
}

TEST(GraphBooks, TheBundledGraphsWriteTheirSteadyStormsWithoutSolvingThem) {
  // The chain (a lasting storm from 330 s, its queues growing) and graph.md's
  // example (auth's queue full at its limit, db's growing): an hour each.
  for (const char* name : {"chain-db-outage.json", "graph-md-example.json"}) {
    Scenario s = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/" + name);
    s.duration_s = 3600;
    SolverOptions plain;
    plain.steady_tail = false;
    const std::vector<ServiceRun> quick = solve_services(s), full = solve_services(s, plain);
    for (std::size_t k = 0; k < full.size(); ++k) {
      const RunResult& a = quick[k].run;
      const RunResult& b = full[k].run;
      // Most of the hour: the storm is steady within a minute of the
      // trigger's end (900 s at the example, 330 s at the chain).
      EXPECT_GT(a.steady_steps, static_cast<long>(0.7 * 3600 / a.solver_step_s)) << name << " " << quick[k].name;
      ASSERT_EQ(a.intervals.size(), b.intervals.size());
      for (std::size_t i = 0; i < a.intervals.size(); ++i)
        for (auto field : {&Interval::offered, &Interval::served, &Interval::goodput, &Interval::wasted,
                           &Interval::timeouts, &Interval::gave_up, &Interval::queue, &Interval::waiting,
                           &Interval::wait_s, &Interval::rejected})
          ASSERT_NEAR(a.intervals[i].*field, b.intervals[i].*field, 1e-9 * std::max(1e4, std::fabs(b.intervals[i].*field)))
              << name << " " << quick[k].name << " t = " << a.intervals[i].t_s;
    }
  }
}

}  // namespace
}  // namespace sg
