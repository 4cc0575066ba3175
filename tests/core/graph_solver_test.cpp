// The fluid model of a service graph (spec/graph.md; docs/model.md, section 11):
// its books at every service and between services, and cases computed by hand.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "analysis/graph_summary.h"
#include "model/graph_solver.h"
#include "scenario/input_error.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"
#include "support/random_graph.h"
#include "support/run_helpers.h"

namespace sg {
namespace {

using test::total;
using test::window_mean;

std::map<std::string, RunResult> solve_all(const Scenario& s, const SolverOptions& o = {}) {
  std::map<std::string, RunResult> out;
  for (ServiceRun& r : solve_services(s, o)) out[r.name] = std::move(r.run);
  return out;
}

/// A call with a plain client: `attempts` attempts, timeout `timeout_s`, a
/// fixed delay `delay_s` between them.
Call call(double timeout_s, long long attempts, double delay_s, long long fan_out = 1) {
  Call c;
  c.fan_out = fan_out;
  c.client.timeout_s = timeout_s;
  c.client.max_attempts = attempts;
  c.client.backoff = Backoff{delay_s, 1, delay_s, Jitter::None};
  return c;
}

/// Constant demand, no trigger.
Scenario steady(double demand, double duration_s = 300) {
  Scenario s;
  s.duration_s = duration_s;
  s.demand.base_rate = demand;
  s.demand.surge.reset();
  return s;
}

TEST(GraphSolver, HealthyChainServesEveryLayerAndMultipliesDemandByTheFanOuts) {
  // server -> a (fan-out 2) -> b (fan-out 3), capacities far above the load:
  // every attempt is served in the step it is sent and answers at once, so
  // demand is 800, 1600 and 4800/s, goodput equals it, and nothing queues,
  // waits or retries.
  Scenario s = steady(800);
  s.server.capacity = 10000;
  s.server.calls["a"] = call(2, 3, 0.1, 2);
  s.services["a"].capacity = 10000;
  s.services["a"].calls["b"] = call(1, 3, 0.1, 3);
  s.services["b"].capacity = 10000;
  validate_scenario(s);
  auto runs = solve_all(s);
  const std::map<std::string, double> demand = {{"server", 800}, {"a", 1600}, {"b", 4800}};
  for (const auto& [name, d] : demand) {
    const RunResult& r = runs.at(name);
    EXPECT_NEAR(window_mean(r, &Interval::demand, 0, 300), d, 1e-9 * d) << name;
    EXPECT_NEAR(window_mean(r, &Interval::goodput, 0, 300), d, 1e-9 * d) << name;
    EXPECT_EQ(total(r, &Interval::retries), 0) << name;
    for (const Interval& i : r.intervals) {
      EXPECT_EQ(i.queue, 0) << name;
      EXPECT_EQ(i.waiting, 0) << name;
      EXPECT_EQ(i.failed, 0) << name;
    }
  }
}

TEST(GraphSolver, APausePointIsCalledEveryThousandStepsAndChangesNoNumber) {
  // Background work (a map) waits in SolverOptions::pause_point for the run a
  // user waits for. Without the steady tail every step is solved: 300 s in
  // steps of h, a call at steps 0, 1024, 2048, ...: ceil(steps / 1024) calls.
  Scenario s = steady(800);
  s.server.calls["a"] = call(2, 3, 0.1, 2);
  s.services["a"].capacity = 2000;
  validate_scenario(s);
  SolverOptions plain;
  plain.steady_tail = false;
  SolverOptions paused = plain;
  long calls = 0;
  paused.pause_point = [&calls] { ++calls; };
  const std::vector<ServiceRun> a = solve_services(s, plain), b = solve_services(s, paused);
  const long steps = std::lround(300 / a.front().run.solver_step_s);
  EXPECT_EQ(calls, (steps + 1023) / 1024);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].run.intervals.size(), b[i].run.intervals.size());
    for (std::size_t k = 0; k < a[i].run.intervals.size(); ++k) {
      EXPECT_EQ(a[i].run.intervals[k].goodput, b[i].run.intervals[k].goodput);
      EXPECT_EQ(a[i].run.intervals[k].queue, b[i].run.intervals[k].queue);
    }
  }
}

TEST(GraphSolver, ThreeLayersOfFourAttemptsMake4And16And64AttemptsPerUserJob) {
  // The SRE book's example: users, the front end and the middle layer each
  // make 4 attempts, and the bottom refuses everything (queue limit 1, no
  // capacity at all). Every attempt at the middle fails (its bottom jobs give
  // up), so its callers retry: 4 attempts per user job at server, 4 x 4 = 16
  // at mid, 4 x 16 = 64 at bottom; 2 x 64 = 128 with a fan-out of 2 below.
  for (long long fan : {1LL, 2LL}) {
    Scenario s = steady(100, 120);
    s.client.max_attempts = 4;
    s.client.backoff = Backoff{0.2, 1, 0.2, Jitter::None};
    s.server.capacity = 1e6;
    s.server.calls["mid"] = call(2, 4, 0.2);
    s.services["mid"].capacity = 1e6;
    s.services["mid"].calls["bottom"] = call(1, 4, 0.2, fan);
    Server& bottom = s.services["bottom"];
    bottom.queue_limit = 1;
    bottom.outage = Outage{0, 120, 0};
    validate_scenario(s);
    auto runs = solve_all(s);
    // After the first few seconds every layer is in its steady state.
    const double users = window_mean(runs.at("server"), &Interval::demand, 20, 120);
    EXPECT_NEAR(window_mean(runs.at("server"), &Interval::offered, 20, 120) / users, 4, 1e-9);
    EXPECT_NEAR(window_mean(runs.at("mid"), &Interval::offered, 20, 120) / users, 16, 1e-9);
    EXPECT_NEAR(window_mean(runs.at("bottom"), &Interval::offered, 20, 120) / users, 64.0 * static_cast<double>(fan), 1e-9);
    // The bottom rejects all of it, and every user job gives up.
    EXPECT_NEAR(window_mean(runs.at("bottom"), &Interval::rejected, 20, 120) / users, 64.0 * static_cast<double>(fan), 1e-9);
    EXPECT_NEAR(window_mean(runs.at("server"), &Interval::gave_up, 20, 120), users, 1e-9 * users);
    EXPECT_NEAR(window_mean(runs.at("server"), &Interval::goodput, 20, 120), 0, 1e-9);
  }
}

TEST(GraphSolver, ACalleeThatNeverAnswersMakesEveryAttemptFailAtTheCallTimeout) {
  // server calls db (one attempt, 1 s timeout); db has no capacity at all and
  // no queue limit: every db job times out at 1 s and gives up, so every
  // attempt at server gets an error response 1 s after it was served (at
  // once). The users (3 attempts, 0.1 s apart, 5 s timeout) see 3 errors per
  // job: offered 3 x 800 = 2400/s, failed 2400/s, gave up 800/s, no goodput;
  // waiting holds 1 s of attempts: 2400; db's queue grows by 2400/s and its
  // attempts time out at 2400/s.
  Scenario s = steady(800);
  s.client.backoff = Backoff{0.1, 1, 0.1, Jitter::None};
  s.server.capacity = 1e5;
  s.server.calls["db"] = call(1, 1, 0.1);
  s.services["db"].outage = Outage{0, 300, 0};
  validate_scenario(s);
  auto runs = solve_all(s);
  const RunResult& server = runs.at("server");
  EXPECT_NEAR(window_mean(server, &Interval::offered, 30, 300), 2400, 1e-6);
  EXPECT_NEAR(window_mean(server, &Interval::failed, 30, 300), 2400, 1e-6);
  EXPECT_NEAR(window_mean(server, &Interval::gave_up, 30, 300), 800, 1e-6);
  EXPECT_NEAR(window_mean(server, &Interval::goodput, 30, 300), 0, 1e-9);
  EXPECT_NEAR(window_mean(server, &Interval::timeouts, 30, 300), 0, 1e-9);
  EXPECT_NEAR(test::at(server, 300).waiting, 2400, 1e-6);
  const RunResult& db = runs.at("db");
  EXPECT_NEAR(window_mean(db, &Interval::demand, 30, 300), 2400, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::timeouts, 30, 300), 2400, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::gave_up, 30, 300), 2400, 1e-6);
  EXPECT_NEAR(test::at(db, 300).queue - test::at(db, 299).queue, 2400, 1e-6);
}

TEST(GraphSolver, AShortCallTimeoutUnderALongUserTimeoutLeavesOrphanedWorkAtTheBottom) {
  // Users (10 s timeout, one attempt) call server, which calls db twice per
  // completion (one attempt each, 0.5 s timeout). db holds a full queue of
  // 1000 at capacity 1000/s: a 1 s wait, twice the call's timeout. Every
  // attempt db serves is for a caller that gave up 0.5 s earlier: orphaned
  // work, all of db's capacity, 1000/s wasted; db rejects the other
  // 1600 - 1000 = 600/s. Every attempt at server errors, at the latest 0.5 s
  // after it was served, long before the users' 10 s.
  Scenario s = steady(800);
  s.client.timeout_s = 10;
  s.client.max_attempts = 1;
  s.server.capacity = 1e5;
  s.server.calls["db"] = call(0.5, 1, 0.1, 2);
  s.services["db"].capacity = 1000;
  s.services["db"].queue_limit = 1000;
  validate_scenario(s);
  auto runs = solve_all(s);
  const RunResult& db = runs.at("db");
  EXPECT_NEAR(window_mean(db, &Interval::served, 30, 300), 1000, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::wasted, 30, 300), 1000, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::rejected, 30, 300), 600, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::goodput, 30, 300), 0, 1e-9);
  const RunResult& server = runs.at("server");
  EXPECT_NEAR(window_mean(server, &Interval::failed, 30, 300), 800, 1e-6);
  EXPECT_NEAR(window_mean(server, &Interval::wasted, 30, 300), 0, 1e-9);
  EXPECT_NEAR(window_mean(server, &Interval::gave_up, 30, 300), 800, 1e-6);
}

TEST(GraphSolver, APropagatedDeadlineGivesUpTheRetriesThatWouldGoOutAfterIt) {
  // docs/model.md 11.17. Users (100 jobs/s, one attempt, 1 s timeout) call
  // server, which serves at once and calls db (0.8 s timeout, 3 attempts,
  // 0.1 s apart); db never answers. Without propagation each db job sends
  // at 0, 0.9 and 1.8 s and gives up at 2.6 s: db is offered 300/s and
  // times out 300/s. With the users' deadline propagated (1 s after the
  // job started), the first attempt times out at 0.8 s, the retry at 0.9 s
  // times out at the deadline, 1 s, and the third would go out after it:
  // db is offered 200/s, times out 200/s, and its jobs give up 100/s. The
  // users never hear back in time: server wastes all of its 100/s.
  Scenario s = steady(100, 60);
  s.client.timeout_s = 1;
  s.client.max_attempts = 1;
  s.server.capacity = 1e5;
  s.server.calls["db"] = call(0.8, 3, 0.1);
  s.services["db"].outage = Outage{0, 60, 0};
  validate_scenario(s);
  auto without = solve_all(s);
  EXPECT_NEAR(window_mean(without.at("db"), &Interval::offered, 10, 60), 300, 1e-6);
  EXPECT_NEAR(window_mean(without.at("db"), &Interval::timeouts, 10, 60), 300, 1e-6);
  s.server.calls["db"].propagate_deadline = true;
  validate_scenario(s);
  SolverOptions audited;
  audited.audit = true;
  auto runs = solve_all(s, audited);
  const RunResult& db = runs.at("db");
  EXPECT_NEAR(window_mean(db, &Interval::offered, 10, 60), 200, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::retries, 10, 60), 100, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::timeouts, 10, 60), 200, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::gave_up, 10, 60), 100, 1e-6);
  EXPECT_LT(db.audit.jobs, 1e-9);
  const RunResult& server = runs.at("server");
  EXPECT_NEAR(window_mean(server, &Interval::wasted, 10, 60), 100, 1e-6);
  EXPECT_NEAR(window_mean(server, &Interval::timeouts, 10, 60), 100, 1e-6);
  EXPECT_NEAR(window_mean(server, &Interval::failed, 10, 60), 0, 1e-9);
  // The retry would be due 1.05 s after the job started with a 0.25 s delay:
  // after the deadline, so it never goes out: db is offered 100/s.
  s.server.calls["db"] = call(0.8, 3, 0.25);
  s.server.calls["db"].propagate_deadline = true;
  EXPECT_NEAR(window_mean(solve_all(s).at("db"), &Interval::offered, 10, 60), 100, 1e-6);
}

TEST(GraphSolver, APropagatedDeadlineLetsADroppingDatabaseServeOnlyWorkSomeoneAwaits) {
  // docs/model.md 11.17: the orphaned work of a long call timeout under a
  // short user one. Users (800 jobs/s, one attempt, 1 s) call server, which
  // serves at once and calls db (one attempt, 5 s timeout); db serves
  // 500/s and drops expired attempts. Without propagation db drops only at
  // the call's 5 s: it serves from the head attempts 5 s old and drops the
  // other 300/s there, so its queue holds the last 5 s of arrivals, 4000;
  // all 500/s it serves are for users who gave up 4 s earlier: the users' goodput is 0, server wastes all 800/s.
  // With the users' deadline propagated db drops at 1 s: it serves 500/s
  // within the deadline, every one a success for a user (goodput 500/s),
  // drops the other 300/s, and its queue holds 1 s of arrivals, 800.
  Scenario s = steady(800, 60);
  s.client.timeout_s = 1;
  s.client.max_attempts = 1;
  s.server.capacity = 1e5;
  s.server.calls["db"] = call(5, 1, 0.1);
  s.services["db"].capacity = 500;
  s.services["db"].drop_expired = true;
  validate_scenario(s);
  auto without = solve_all(s);
  EXPECT_NEAR(window_mean(without.at("server"), &Interval::goodput, 20, 60), 0, 1e-9);
  EXPECT_NEAR(window_mean(without.at("server"), &Interval::wasted, 20, 60), 800, 1e-6);
  EXPECT_NEAR(window_mean(without.at("db"), &Interval::goodput, 20, 60), 500, 1e-6);
  EXPECT_NEAR(test::at(without.at("db"), 60).queue, 4000, 1e-6);
  s.server.calls["db"].propagate_deadline = true;
  auto runs = solve_all(s);
  EXPECT_NEAR(window_mean(runs.at("server"), &Interval::goodput, 20, 60), 500, 1e-6);
  EXPECT_NEAR(window_mean(runs.at("server"), &Interval::wasted, 20, 60), 300, 1e-6);
  EXPECT_NEAR(window_mean(runs.at("db"), &Interval::dropped, 20, 60), 300, 1e-6);
  EXPECT_NEAR(test::at(runs.at("db"), 60).queue, 800, 1e-6);
}

TEST(GraphSolver, AJobStartedAfterItsPropagatedDeadlineSendsNothing) {
  // docs/model.md 11.17: server is slow (capacity 500/s for 800 users/s, a
  // 10 s user timeout, one attempt): its queue grows by 300/s, so its wait
  // (queue / 500) passes 10 s at t = 16.7 s, and from t = 26.7 s on every
  // attempt it serves is past its user's deadline. Its db jobs then start after their deadline: gRPC
  // fails them at once and sends nothing. db's demand is still the
  // server's 500/s completions (the books), all given up, none offered.
  Scenario s = steady(800, 120);
  s.client.timeout_s = 10;
  s.client.max_attempts = 1;
  s.server.capacity = 500;
  s.server.calls["db"] = call(1, 2, 0.1);
  s.server.calls["db"].propagate_deadline = true;
  s.services["db"].capacity = 1e4;
  validate_scenario(s);
  auto runs = solve_all(s);
  const RunResult& db = runs.at("db");
  EXPECT_NEAR(window_mean(db, &Interval::demand, 60, 120), 500, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::gave_up, 60, 120), 500, 1e-6);
  EXPECT_NEAR(window_mean(db, &Interval::offered, 60, 120), 0, 1e-9);
  EXPECT_NEAR(window_mean(runs.at("server"), &Interval::wasted, 60, 120), 500, 1e-6);
}

TEST(GraphSolver, DeadlinePropagationIsACallsFlagReadWrittenAndRefusedWithItsField) {
  // docs/scenario-extensions.md: a call's own field beside fan_out, written
  // only when true; its path is a flag; bad values name the field.
  const std::string text = R"({"server": {"calls": {"db": {"timeout_s": 0.5, "propagate_deadline": true}}},
                               "services": {"db": {}}})";
  Scenario s = parse_scenario(text, "deadline.json");
  EXPECT_TRUE(s.server.calls.at("db").propagate_deadline);
  EXPECT_NE(scenario_to_json(s).find("\"propagate_deadline\": true"), std::string::npos);
  EXPECT_EQ(get_text(s, "server.calls.db.propagate_deadline"), "true");
  set_text(s, "server.calls.db.propagate_deadline", "false");
  EXPECT_FALSE(s.server.calls.at("db").propagate_deadline);
  EXPECT_EQ(scenario_to_json(s).find("propagate_deadline"), std::string::npos);
  try {
    set_text(s, "server.calls.db.propagate_deadline", "maybe");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "server.calls.db.propagate_deadline");
    EXPECT_EQ(e.value(), "'maybe'");
  }
  try {
    parse_scenario(R"({"server": {"calls": {"db": {"propagate_deadline": 1}}}, "services": {"db": {}}})", "bad.json");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "server.calls.db.propagate_deadline");
    EXPECT_EQ(e.problem(), "expected true or false");
  }
  // With a client policy on the same call: refused, naming the field.
  set_text(s, "server.calls.db.propagate_deadline", "true");
  s.server.calls.at("db").client.retry_budget.enabled = true;
  try {
    validate_scenario(s);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "server.calls.db.propagate_deadline");
  }
  // More deadline groups than a run may keep: the users' 30 s over a 0.1 s
  // call of unlimited attempts is 30 / 0.004 + 2 = 7502 groups at the
  // default step (a 25th of 0.1 s).
  Scenario many = steady(100, 60);
  many.client.timeout_s = 30;
  many.server.calls["db"] = call(0.1, 3, 0.1);
  many.server.calls["db"].client.max_attempts.reset();
  many.server.calls["db"].propagate_deadline = true;
  many.services["db"].capacity = 1e4;
  validate_scenario(many);
  try {
    solve_services(many);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "server.calls.db.propagate_deadline");
    EXPECT_NE(std::string(e.problem()).find("needs 7502 deadline groups"), std::string::npos) << e.problem();
  }
}

TEST(GraphSolver, AResponseWaitsForTheSlowestOfItsCalls) {
  // The response law of docs/model.md 11.3 on a two-service chain: server
  // calls db with a fan-out of 2; db answers in time only what it serves
  // within the call's 2 s timeout. db is fed 1600/s against 1000/s: its queue
  // grows by 600/s from an empty start, so a job started at t waits
  // 0.6 t s. Both jobs of an attempt see the same wait, so the attempt
  // answers with success exactly when they do: until 2 s of wait (t = 3.33 s)
  // everything succeeds; after it, nothing does. The users' 5 s timeout is
  // never reached by a success, so the users' goodput is 800/s, then 0.
  Scenario s = steady(800, 20);
  s.client.max_attempts = 1;
  s.server.capacity = 1e5;
  s.server.calls["db"] = call(2, 1, 0.1, 2);
  s.services["db"].capacity = 1000;
  validate_scenario(s);
  SolverOptions o;
  o.step_s = 0.01;
  auto runs = solve_all(s, o);
  const RunResult& server = runs.at("server");
  // Success responses arrive 0.6 t after sending t, for t <= 3.33: in [0, 5.33].
  // Over [0, 3] every attempt sent there succeeds; sent in (3.4, 20] none.
  double good = 0;
  for (const Interval& i : server.intervals) good += i.goodput;  // 1 s intervals
  EXPECT_NEAR(good, 800 * 10.0 / 3.0, 800 * 0.02);
  EXPECT_NEAR(window_mean(server, &Interval::goodput, 6, 20), 0, 1e-9);
  EXPECT_NEAR(window_mean(server, &Interval::failed, 6, 20), 800, 1e-6);
}

TEST(GraphSolver, ExpiredAttemptsBehindLiveOnesAreDroppedWhenServiceReachesThem) {
  // db drops expired attempts (margin 0.2 s) and is fed by two calls, 100/s
  // each: server -> db (1 s timeout, so dropped from 0.8 s old) and server ->
  // a -> db (20 s timeout). db is out for 10 s from t = 20: it queues 1000
  // attempts of each call. When it resumes, the front serves the long call's
  // attempts at 1000/s and meets a short-call attempt sent at 20 + u when
  // 10 + u/10 s have passed since 20, at an age of 10 - 0.9 u >= 1 s: every
  // one of the 1000 has expired and is discarded, at no cost, when the
  // front reaches it (at a rate of 10 cohorts a step, most of them behind
  // the head of the step). Serving them instead would count them in time
  // and tell their senders both a timeout and a success.
  Scenario s = steady(100, 120);
  s.client.timeout_s = 60;
  s.client.max_attempts = 1;
  s.server.capacity = 1e5;
  s.server.calls["db"] = call(1, 1, 0.1);
  s.server.calls["a"] = call(30, 1, 0.1);
  s.services["a"].capacity = 1e5;
  s.services["a"].calls["db"] = call(20, 1, 0.1);
  s.services["db"].capacity = 1000;
  s.services["db"].drop_expired = true;
  s.services["db"].drop_margin_s = 0.2;
  s.services["db"].outage = Outage{20, 10, 0};
  validate_scenario(s);
  SolverOptions o;
  o.audit = true;
  auto runs = solve_all(s, o);
  const RunResult& db = runs.at("db");
  EXPECT_GE(total(db, &Interval::dropped), 1000 * (1 - 1e-9));
  // What was dropped was never served: served = the long call's 100/s for
  // 120 s, plus the short call's attempts outside the outage (at most 110 s).
  EXPECT_LE(total(db, &Interval::served), 100 * 120 + 100 * 110 + 1e-6);
  EXPECT_LT(db.audit.jobs, 1e-9);

  // A positive margin shorter than half a step is one step, not none (a
  // margin of 0 with calls has no fluid limit, spec/graph.md): at h = 0.2 s,
  // 0.01 s drops exactly as 0.2 s does.
  o.step_s = 0.2;
  auto one_step = solve_all(s, o);
  s.services["db"].drop_margin_s = 0.01;
  auto tiny = solve_all(s, o);
  EXPECT_EQ(total(tiny.at("db"), &Interval::dropped), total(one_step.at("db"), &Interval::dropped));
  EXPECT_GT(total(tiny.at("db"), &Interval::dropped), 0);
}

TEST(GraphSolver, OneServiceDropsWithItsMarginToo) {
  // spec/graph.md: drop_margin_s is a field of every service, graphs or not.
  // 100 users/s, one attempt, 5 s timeout; the server (1000/s) is out from
  // t = 20 to 30 s and then holds 1000 attempts sent over those 10 s. With a
  // 1 s margin an attempt is dropped from 4 s old: at t = 30 those sent in
  // [20, 26) are, 600, and the front then serves the rest (0-4 s old) within
  // 0.4 s, in time. Without a margin, the 500 sent in [20, 25).
  Scenario s = steady(100, 120);
  s.client.max_attempts = 1;
  s.server.capacity = 1000;
  s.server.drop_expired = true;
  s.server.outage = Outage{20, 10, 0};
  SolverOptions o;
  o.step_s = 0.05;
  const double no_margin = total(solve(s, o), &Interval::dropped);
  s.server.drop_margin_s = 1;
  validate_scenario(s);
  const RunResult with_margin = solve(s, o);
  EXPECT_NEAR(no_margin, 500, 10);
  EXPECT_NEAR(total(with_margin, &Interval::dropped), 600, 10);
  // Every dropped job is a timeout of its sender at 5 s (it learns nothing).
  EXPECT_NEAR(total(with_margin, &Interval::timeouts), total(with_margin, &Interval::dropped), 1e-6);
  EXPECT_NEAR(total(with_margin, &Interval::goodput), 100 * 120 - total(with_margin, &Interval::dropped), 1e-6);
}

/// Every service's senders add up to its offered load in every interval, one
/// value per interval of its run.
void expect_senders_sum_to_offered(const std::vector<ServiceRun>& runs, const std::string& what) {
  for (const ServiceRun& r : runs) {
    ASSERT_FALSE(r.senders.empty()) << what << ": " << r.name;
    for (const SenderRun& sender : r.senders)
      ASSERT_EQ(sender.attempts.size(), r.run.intervals.size()) << what << ": " << r.name << " <- " << sender.path;
    for (std::size_t k = 0; k < r.run.intervals.size(); ++k) {
      double sum = 0;
      for (const SenderRun& sender : r.senders) sum += sender.attempts[k];
      const double offered = r.run.intervals[k].offered;
      ASSERT_NEAR(sum, offered, 1e-9 * std::max(1.0, offered))
          << what << ": " << r.name << " at t = " << r.run.intervals[k].t_s;
    }
  }
}

TEST(GraphSolver, EachCallsAttemptsAreCountedApartWhereTwoCallsFeedOneService) {
  // spec/graph.md's example: db is called by server (2 jobs per completion)
  // and by auth (1). Healthy, before the surge at 600 s, nothing retries:
  // server serves the users' 800/s, so its call sends 2 x 800 = 1600/s to db;
  // auth serves server's 800/s, so its call sends 800/s. In the storm both
  // calls retry; db's totals alone could not tell whose retries they are
  // (the drawing said "not split by call"), the solver's count per sender does.
  const Scenario s = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/graph-md-example.json");
  const std::vector<ServiceRun> runs = solve_services(s);
  expect_senders_sum_to_offered(runs, "graph-md-example");
  std::map<std::string, const ServiceRun*> by;
  for (const ServiceRun& r : runs) by[r.name] = &r;
  const ServiceRun& db = *by.at("db");
  ASSERT_EQ(db.senders.size(), 2u);
  std::map<std::string, const SenderRun*> into_db;
  for (const SenderRun& x : db.senders) into_db[x.path] = &x;
  const SenderRun& from_server = *into_db.at("server.calls.db");
  const SenderRun& from_auth = *into_db.at("services.auth.calls.db");
  EXPECT_EQ(from_server.caller, "server");
  EXPECT_EQ(from_auth.caller, "auth");
  EXPECT_EQ(by.at("server")->senders.front().caller, "users");
  EXPECT_EQ(by.at("server")->senders.front().path, "client");
  const std::size_t before = 299;  // the interval ending at 300 s
  ASSERT_NEAR(db.run.intervals[before].t_s, 300, 1e-9);
  EXPECT_NEAR(from_server.attempts[before], 1600, 1e-6);
  EXPECT_NEAR(from_auth.attempts[before], 800, 1e-6);
  EXPECT_NEAR(by.at("auth")->senders.front().attempts[before], 800, 1e-6);
  // At the end both calls retry: each sends more than its jobs.
  const double server_served = by.at("server")->run.intervals.back().served;
  const double auth_served = by.at("auth")->run.intervals.back().served;
  EXPECT_GT(from_server.attempts.back(), 2 * server_served + 1);
  EXPECT_GT(from_auth.attempts.back(), auth_served + 1);
  // The same with the verdict's shortcuts (a quiet stretch skipped, an
  // early stop) and with the steady tail: one value per interval, summing.
  SolverOptions decided;
  decided.stop_when_decided = true;
  expect_senders_sum_to_offered(solve_services(s, decided), "stop_when_decided");
  Scenario calm = s;
  calm.demand.surge.reset();
  calm.services.at("db").outage = {};
  const std::vector<ServiceRun> quiet = solve_services(calm, decided);
  EXPECT_TRUE(quiet.front().run.skipped_steps > 0 || quiet.front().run.rest == Rest::Healthy);
  expect_senders_sum_to_offered(quiet, "calm, stop_when_decided");
  const std::vector<ServiceRun> tail = solve_services(s);
  EXPECT_GT(tail.front().run.steady_steps, 0);  // the storm's rows after its steady point are the tail's
  // One service: the users are its only sender.
  const std::vector<ServiceRun> one = solve_services(Scenario{});
  ASSERT_EQ(one.size(), 1u);
  expect_senders_sum_to_offered(one, "one service");
  EXPECT_EQ(one.front().senders.size(), 1u);
}

/// The entry of `one` with a call into a callee that answers every attempt
/// at once (capacity 10^7, one attempt, the users' timeout): its run must be
/// one's single-service run to `tolerance` of each measure.
void expect_entry_is_the_single_service(const Scenario& one, double tolerance) {
  Scenario graph = one;
  graph.server.calls["cache"] = call(one.client.timeout_s, 1, 0);
  graph.services["cache"].capacity = 1e7;
  validate_scenario(graph);
  const RunResult alone = solve(one), entry = solve_services(graph).front().run;
  ASSERT_EQ(alone.intervals.size(), entry.intervals.size());
  for (std::size_t k = 0; k < alone.intervals.size(); ++k) {
    const Interval &a = alone.intervals[k], &b = entry.intervals[k];
    for (auto m : {&Interval::offered, &Interval::retries, &Interval::rejected, &Interval::goodput, &Interval::gave_up,
                   &Interval::queue, &Interval::backlog, &Interval::stopped, &Interval::shed, &Interval::capacity,
                   &Interval::denied, &Interval::throttled})
      ASSERT_NEAR(a.*m, b.*m, tolerance * std::max(1.0, std::fabs(a.*m))) << "t = " << a.t_s;
  }
}

TEST(GraphSolver, AStopSignalAtTheEntryActsAsItDoesOnOneService) {
  // The stop-signal lesson (teaching/05): from the signal's start every
  // rejection tells its client to give up. The entry of a graph carries it
  // as one service does (docs/model.md, 11.14), to rounding.
  const Scenario one = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/teaching/05-stop-signal.json");
  ASSERT_TRUE(one.server.stop_signal.enabled);
  expect_entry_is_the_single_service(one, 1e-7);
  EXPECT_GT(total(solve(one), &Interval::stopped), 1000);  // the signal does end jobs in this lesson
}

TEST(GraphSolver, ADatabasesStopSignalEndsItsCallersJobsAtTheirFirstRejection) {
  // server calls db (3 attempts, 0.1 s apart); db refuses everything (queue
  // limit 1, no capacity) and every rejection carries its stop signal. A db
  // job then makes one attempt and stops: db is offered one attempt per
  // server attempt, not three, and every one of them is stopped. Each server
  // attempt errors at once; the users (3 attempts) give up after three, so
  // server is offered 3 x 100 = 300/s and db 300/s, all stopped. With a
  // quarter of the callers ignoring the signal a db job makes
  // 1 + 1/4 + 1/16 = 1.3125 attempts: db offered 393.75/s, of which
  // 300 x (3/4 + 1/4 x 3/4) = 281.25/s stopped and 300/16 = 18.75/s give up
  // after their third rejection.
  for (double ignored : {0.0, 0.25}) {
    Scenario s = steady(100, 120);
    s.client.backoff = Backoff{0.2, 1, 0.2, Jitter::None};
    s.server.capacity = 1e6;
    s.server.calls["db"] = call(1, 3, 0.1);
    Server& db = s.services["db"];
    db.queue_limit = 1;
    db.outage = Outage{0, 120, 0};
    db.stop_signal.enabled = true;
    db.stop_signal.share = 1;
    db.stop_signal.ignored_share = ignored;
    validate_scenario(s);
    auto runs = solve_all(s);
    const RunResult &server = runs.at("server"), &d = runs.at("db");
    EXPECT_NEAR(window_mean(server, &Interval::offered, 20, 120), 300, 1e-9 * 300) << ignored;
    EXPECT_NEAR(window_mean(server, &Interval::failed, 20, 120), 300, 1e-9 * 300) << ignored;
    EXPECT_NEAR(window_mean(server, &Interval::gave_up, 20, 120), 100, 1e-9 * 100) << ignored;
    const double attempts = ignored == 0 ? 300 : 393.75, stopped = ignored == 0 ? 300 : 281.25;
    EXPECT_NEAR(window_mean(d, &Interval::offered, 20, 120), attempts, 1e-9 * attempts) << ignored;
    EXPECT_NEAR(window_mean(d, &Interval::rejected, 20, 120), attempts, 1e-9 * attempts) << ignored;
    EXPECT_NEAR(window_mean(d, &Interval::stopped, 20, 120), stopped, 1e-9 * stopped) << ignored;
    EXPECT_NEAR(window_mean(d, &Interval::gave_up, 20, 120), 300, 1e-9 * 300) << ignored;
    EXPECT_NEAR(window_mean(server, &Interval::stopped, 20, 120), 0, 1e-12) << ignored;  // the users are not told
  }
}

TEST(GraphSolver, AnAutoscalerAtTheEntryActsAsItDoesOnOneService) {
  // The default scenario runs at 80 % of its capacity, the autoscaler's
  // threshold: it scales up after its first 60 s window and again in the
  // surge. The entry of a graph scales as one service does (11.15).
  Scenario one;
  one.server.autoscaling.enabled = true;
  validate_scenario(one);
  expect_entry_is_the_single_service(one, 1e-7);
  EXPECT_GT(solve(one).intervals.back().capacity, 1000);
}

TEST(GraphSolver, ADatabasesAutoscalerAddsItsStepOnceTheWindowIsFullAndTheDelayHasPassed) {
  // server calls db at 900/s against db's 1000/s: utilisation 0.9, above the
  // threshold 0.8. After the first full 10 s window db orders 250/s more,
  // which serves from 10 + 5 = 15 s on: capacity 1000 in the interval ending
  // at 15 s, 1250 from the next. Then 900/1250 = 0.72 stays below 0.8 and
  // nothing more is added. Every attempt is served at once throughout.
  Scenario s = steady(900, 60);
  s.server.capacity = 1e5;
  s.server.calls["db"] = call(1, 3, 0.1);
  Server& db = s.services["db"];
  db.capacity = 1000;
  db.autoscaling = Autoscaling{true, 0.8, 10, 5, 250, 1500};
  validate_scenario(s);
  const RunResult d = solve_all(s).at("db");
  EXPECT_DOUBLE_EQ(test::at(d, 15).capacity, 1000);
  EXPECT_NEAR(test::at(d, 16).capacity, 1250, 1e-9);
  EXPECT_NEAR(d.intervals.back().capacity, 1250, 1e-9);
  EXPECT_NEAR(window_mean(d, &Interval::goodput, 0, 60), 900, 1e-9 * 900);
}

TEST(GraphSolver, AdmissionControlAtTheEntryActsAsItDoesOnOneService) {
  // The hand cases of docs/model.md 10.7 as the entry of a graph (11.16):
  // 1500 jobs/s, half refused, 3 attempts (offered 3000/s); with the stop
  // signal too (offered 1500/s); and admission lifted at 300 s with the
  // refused jobs retrying every second without end (they join the admitted
  // ones, and the spare 200/s serves them by 700 s).
  Scenario refusing = steady(1500, 600);
  refusing.server.capacity = 1000;
  refusing.server.queue_limit = 1000;
  refusing.client.backoff = Backoff{0.1, 2, 20, Jitter::Full};
  refusing.server.admission = Admission{true, 0.5, 0};
  Scenario stopping = refusing;
  stopping.server.stop_signal = StopSignal{true, 1, 0, 0};
  Scenario lifted = steady(800, 1000);
  lifted.server.capacity = 1000;
  lifted.server.queue_limit = 1000;
  lifted.client.max_attempts = std::nullopt;
  lifted.client.backoff = Backoff{1, 1, 1, Jitter::None};
  lifted.server.admission = Admission{true, 0.5, 100, 200};
  for (const Scenario* one : {&refusing, &stopping, &lifted}) {
    validate_scenario(*one);
    expect_entry_is_the_single_service(*one, 1e-7);
  }
  EXPECT_NEAR(test::at(solve(refusing), 500).offered, 3000, 1e-6);
  EXPECT_NEAR(test::at(solve(stopping), 500).offered, 1500, 1e-6);
  EXPECT_NEAR(test::at(solve(lifted), 200).shed, 40000, 1e-6);
}

TEST(GraphSolver, ADatabasesAdmissionControlRefusesHalfOfItsCallersJobsAtEveryAttempt) {
  // server calls db (3 attempts, 0.1 s apart); db admits half of the jobs
  // sent to it and has capacity to spare. A server attempt succeeds when its
  // db job is admitted (1/2), so a user job (3 attempts) fails with
  // probability 1/8: server goodput 100 x 7/8 = 87.5/s, offered
  // 100 x (1 + 1/2 + 1/4) = 175/s, failed 87.5/s, gave up 12.5/s. db: 175
  // jobs/s, 87.5/s admitted and served, 87.5/s refused at each of their 3
  // attempts (shed 262.5/s, given up 87.5/s): offered 350/s.
  Scenario s = steady(100, 120);
  s.client.backoff = Backoff{0.2, 1, 0.2, Jitter::None};
  s.server.capacity = 1e6;
  s.server.calls["db"] = call(1, 3, 0.1);
  s.services["db"].capacity = 1e6;
  s.services["db"].admission = Admission{true, 0.5, 0};
  validate_scenario(s);
  auto runs = solve_all(s);
  const RunResult &server = runs.at("server"), &db = runs.at("db");
  EXPECT_NEAR(window_mean(server, &Interval::goodput, 20, 120), 87.5, 1e-9 * 87.5);
  EXPECT_NEAR(window_mean(server, &Interval::offered, 20, 120), 175, 1e-9 * 175);
  EXPECT_NEAR(window_mean(server, &Interval::failed, 20, 120), 87.5, 1e-9 * 87.5);
  EXPECT_NEAR(window_mean(server, &Interval::gave_up, 20, 120), 12.5, 1e-9 * 12.5);
  EXPECT_NEAR(window_mean(db, &Interval::demand, 20, 120), 175, 1e-9 * 175);
  EXPECT_NEAR(window_mean(db, &Interval::goodput, 20, 120), 87.5, 1e-9 * 87.5);
  EXPECT_NEAR(window_mean(db, &Interval::shed, 20, 120), 262.5, 1e-9 * 262.5);
  EXPECT_NEAR(window_mean(db, &Interval::rejected, 20, 120), 262.5, 1e-9 * 262.5);
  EXPECT_NEAR(window_mean(db, &Interval::offered, 20, 120), 350, 1e-9 * 350);
  EXPECT_NEAR(window_mean(db, &Interval::gave_up, 20, 120), 87.5, 1e-9 * 87.5);
}

TEST(GraphSolver, RejectionsAtAFullQueueRetryWithinTheirStepAsOneServiceDoes) {
  // The queue-limit lesson (teaching/03): a limit of 2000 at 1000/s, a 5 s
  // timeout, so the default step is 0.2 s, and backoff delays of 0 to 0.1 s
  // and 0 to 0.2 s (full jitter): most retries of a rejected attempt fall in
  // the step it was rejected in, and meet the same full queue
  // (docs/model.md 5.1, step 6). The graph model deferred them a step: in
  // the storm its backlog was the retries x one step, 2847/s x 0.2 s = 569
  // jobs, against 205 by Little's law on the real delays, and it gave up
  // 439 jobs/s where one service gives up 795 in the storm's first second.
  // Now it solves the same fixed point (11.5): with a callee that answers
  // every attempt at once (capacity 10^7, one attempt), the entry's run is
  // the single-service run to rounding.
  const Scenario one = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/teaching/03-queue-limit.json");
  expect_entry_is_the_single_service(one, 1e-7);
  const RunResult alone = solve(one);
  double worst_gave_up = 0;
  for (const Interval& a : alone.intervals) worst_gave_up = std::max(worst_gave_up, a.gave_up);
  // And the storm is the one described above.
  EXPECT_NEAR(test::at(alone, 700).backlog, 205.36, 0.01);
  EXPECT_NEAR(test::at(alone, 700).retries, 2847.32, 0.01);
  EXPECT_GT(worst_gave_up, 990);
}

TEST(GraphSolver, RetryingAtTheTopLayerOnlyRecoversFromTheOutageThatTipsAChainRetryingEverywhere) {
  // The bundled chain (users -> server -> api -> db, three attempts at every
  // layer) at 300 users/s: db runs at 30 % of its 1000/s until it loses 80 %
  // of it for 30 s. Retrying at every layer, one user job can become
  // 3 x 3 x 3 = 27 db attempts, 8100/s against 1000/s: db's queue never
  // drains, and the storm holds every layer to the end. With one attempt per
  // call below the users, a user job is at most 3 db attempts, 900/s < 1000/s:
  // the backlog of the outage (at most 30 s x (900 - 200)/s = 21000) drains
  // at 100/s or more, within 210 s, and every service is healthy again.
  Scenario s = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/chain-db-outage.json");
  s.duration_s = 900;
  s.demand.base_rate = 300;
  auto everywhere = assess_services(solve_services(s));
  for (const ServiceHealth& h : everywhere) {
    EXPECT_FALSE(h.healthy_at_end) << h.name;
    EXPECT_TRUE(h.unhealthy_from_s.has_value()) << h.name;
  }
  EXPECT_GT(everywhere.back().peak_attempts_per_user_job, 9);  // db: beyond 3 x 3
  // The dashboard's Retry at One Layer Only (core's retry_at_one_layer):
  // both calls one attempt, the users' three kept.
  retry_at_one_layer(s);
  EXPECT_EQ(s.server.calls.at("api").client.max_attempts, 1);
  EXPECT_EQ(s.services.at("api").calls.at("db").client.max_attempts, 1);
  EXPECT_EQ(s.client.max_attempts, 3);
  EXPECT_TRUE(retries_at_one_layer(s));
  validate_scenario(s);
  const auto top_only_runs = solve_services(s);
  for (const ServiceHealth& h : assess_services(top_only_runs)) {
    EXPECT_TRUE(h.healthy_at_end) << h.name;
    EXPECT_LE(h.peak_attempts_per_user_job, 3 + 1e-9) << h.name;
  }
  const RunResult& db = top_only_runs.back().run;
  EXPECT_EQ(top_only_runs.back().name, "db");
  EXPECT_NEAR(test::at(db, 900).queue, 0, 1e-9);
  EXPECT_NEAR(window_mean(top_only_runs.front().run, &Interval::goodput, 600, 900), 300, 1e-6);
}

TEST(GraphSolver, BooksBalanceAtEveryServiceAndBetweenServicesOverRandomGraphs) {
  // 10 random graphs here (the sanitizer build runs them too);
  // graph_books_tests runs 250 more.
  test::check_graph_books(10, 20261201);
}

}  // namespace
}  // namespace sg

namespace sg {
namespace {

TEST(GraphSolver, ASteadyTailIsTakenOnlyOnceAGrowingQueueServesNothingInTime) {
  // docs/model.md 11.13. The entry is offered 600/s against 500/s from the
  // start: its queue grows by 100/s, an attempt sent at t waits 100 t / 500
  // = t / 5 seconds, within the users' 60 s timeout until t = 300 s, and
  // its call into db answers at once. Until then every row is the same (the
  // entry serves 500/s in time, all goodput) with only the queue rising,
  // yet the run is not steady: the attempts sent from 300 s on are served
  // after 360 s, all late, and the goodput falls to 0 then. A tail taken
  // from the rows before that would keep the goodput at 500 to the end.
  Scenario s = steady(600, 600);
  s.client.timeout_s = 60;
  s.client.max_attempts = 1;
  s.server.capacity = 500;
  s.server.calls["db"] = call(10, 1, 0.1);
  s.services["db"].capacity = 10000;
  validate_scenario(s);
  SolverOptions solved;
  solved.steady_tail = false;
  const std::map<std::string, RunResult> quick = solve_all(s), full = solve_all(s, solved);
  const RunResult& entry = quick.at("server");
  EXPECT_NEAR(window_mean(entry, &Interval::goodput, 100, 350), 500, 1e-6);
  EXPECT_NEAR(window_mean(entry, &Interval::goodput, 370, 600), 0, 1e-6);
  EXPECT_NEAR(entry.intervals.back().queue, 100.0 * 600, 1e-6);
  // The tail is taken, after the fall (and its memory, the 60 s timeout).
  EXPECT_GT(entry.steady_steps, 0);
  EXPECT_LT(static_cast<double>(entry.steady_steps) * entry.solver_step_s, 600 - 360);
  for (const auto& [name, run] : full)
    for (std::size_t i = 0; i < run.intervals.size(); ++i) {
      const Interval& a = quick.at(name).intervals[i];
      const Interval& b = run.intervals[i];
      ASSERT_NEAR(a.goodput, b.goodput, 1e-9) << name << " t = " << b.t_s;
      ASSERT_NEAR(a.timeouts, b.timeouts, 1e-9) << name << " t = " << b.t_s;
      ASSERT_NEAR(a.queue, b.queue, 1e-9 * std::max(1.0, b.queue)) << name << " t = " << b.t_s;
      ASSERT_NEAR(a.wait_s, b.wait_s, 1e-9 * std::max(1.0, b.wait_s)) << name << " t = " << b.t_s;
    }
}

TEST(GraphSolver, ASteadyTailWaitsOutTheLongestLifeOfAJob) {
  // docs/model.md 11.13. A 10 s surge of 1000 jobs/s over the 500/s base at
  // an entry of capacity 1000 and a queue of 50: 500 attempts/s are
  // rejected at once, and each job retries once, 100 s later. From 25 s to
  // 110 s every row is the same as a healthy one, but the run is not
  // steady: 500 retries a second come back between 110 s and 120 s. A job
  // lives up to 2 x (5 s + 100 s), so no tail is taken before that has
  // passed, and the retries are in the rows.
  Scenario s = steady(500, 700);
  s.demand.surge = Surge{10, 10, 1000, 0};
  s.client.timeout_s = 5;
  s.client.max_attempts = 2;
  s.client.backoff = Backoff{100, 1, 100, Jitter::None};
  s.server.capacity = 1000;
  s.server.queue_limit = 50;
  s.server.calls["db"] = call(1, 1, 0.1);
  s.services["db"].capacity = 10000;
  validate_scenario(s);
  SolverOptions solved;
  solved.steady_tail = false;
  const std::map<std::string, RunResult> quick = solve_all(s), full = solve_all(s, solved);
  const RunResult& entry = quick.at("server");
  EXPECT_NEAR(window_mean(entry, &Interval::offered, 40, 100), 500, 1e-6);
  EXPECT_NEAR(window_mean(entry, &Interval::rejected, 12, 18), 500, 1);
  EXPECT_NEAR(window_mean(entry, &Interval::retries, 112, 118), 500, 1);
  EXPECT_NEAR(window_mean(entry, &Interval::goodput, 112, 118), 1000, 1);
  EXPECT_GT(entry.steady_steps, 0);
  EXPECT_LT(static_cast<double>(entry.steady_steps) * entry.solver_step_s, 700 - 220);
  for (const auto& [name, run] : full)
    for (std::size_t i = 0; i < run.intervals.size(); ++i) {
      const Interval& a = quick.at(name).intervals[i];
      const Interval& b = run.intervals[i];
      ASSERT_NEAR(a.offered, b.offered, 1e-9) << name << " t = " << b.t_s;
      ASSERT_NEAR(a.goodput, b.goodput, 1e-9) << name << " t = " << b.t_s;
    }
}

}  // namespace
}  // namespace sg
