// The event-by-event simulation of spec/graph.md (tests/support), checked
// against numbers computed by hand from the spec pages, before it judges the
// fluid model of service graphs.
#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "support/stochastic_simulation.h"

namespace sg {
namespace {

using Intervals = std::vector<Interval>;

/// The whole run's count of a rate, divided by the scale: sum of rate x length.
double total(const Intervals& v, double Interval::*field) {
  double sum = 0, previous = 0;
  for (const Interval& i : v) {
    sum += i.*field * (i.t_s - previous);
    previous = i.t_s;
  }
  return sum;
}

/// The count of a rate over the interval that ends at t_s (per scale).
double in_interval(const Intervals& v, double Interval::*field, std::size_t index) {
  const double start = index == 0 ? 0 : v[index - 1].t_s;
  return v[index].*field * (v[index].t_s - start);
}

double largest(const Intervals& v, double Interval::*field) {
  double m = 0;
  for (const Interval& i : v) m = std::max(m, i.*field);
  return m;
}

Client client(double timeout_s, long long max_attempts, double base_s) {
  Client c;
  c.timeout_s = timeout_s;
  c.max_attempts = max_attempts;
  c.backoff = Backoff{base_s, 2, 1, Jitter::Full};
  return c;
}

Scenario steady(double demand, double duration_s) {
  Scenario s;
  s.duration_s = duration_s;
  s.demand.base_rate = demand;
  s.demand.surge.reset();
  return s;
}

// (a) A scenario without calls: the system of spec/system.md.

TEST(GraphSimulation, SimulateIsTheEntryOfTheOneVertexGraph) {
  Scenario s = steady(800, 120);
  s.demand.surge = Surge{30, 30, 1200, 0};
  s.server.queue_limit = 2000;
  s.server.reject_latency_s = 0.2;
  const RunResult one = test::simulate(s, 2, 5);
  const test::GraphRun graph = test::simulate_graph(s, 2, 5);
  ASSERT_EQ(graph.services.size(), 1u);
  const Intervals& entry = graph.services.at("server");
  ASSERT_EQ(one.intervals.size(), entry.size());
  for (std::size_t k = 0; k < entry.size(); ++k) {
    // Same seed, same engine: the same numbers to the last digit.
    EXPECT_EQ(one.intervals[k].goodput, entry[k].goodput);
    EXPECT_EQ(one.intervals[k].offered, entry[k].offered);
    EXPECT_EQ(one.intervals[k].queue, entry[k].queue);
    // No calls: no error responses and nothing waits on calls (spec/graph.md).
    EXPECT_EQ(entry[k].failed, 0);
    EXPECT_EQ(entry[k].waiting, 0);
  }
  EXPECT_GT(total(entry, &Interval::rejected), 0);  // the surge hits the limit: the case is not empty
}

TEST(GraphSimulation, HealthyServiceServesItsDemand) {
  // 500 jobs/s against 1000/s, 5 s timeout, at N = 20: an M/M/1 queue at
  // utilisation 0.5 holds about 1 attempt (0.05 per N) and answers in about
  // 1/(20000 - 10000) s, far below the timeout: no timeout, no retry,
  // goodput = demand but for the few jobs in flight at the end, queue ~ 0,
  // wait ~ 0; capacity reads 1000 in every interval.
  Scenario s = steady(500, 150);
  s.server.capacity = 1000;
  const RunResult r = test::simulate(s, 20, 3);
  const Intervals& v = r.intervals;
  const double demand = total(v, &Interval::demand);
  EXPECT_NEAR(demand / 150, 500, 5);  // Poisson: 1.5e6 jobs, sd 0.08 %
  EXPECT_NEAR(total(v, &Interval::goodput), demand, 0.5);  // about 1 job (0.05 per N) in flight at the end
  EXPECT_EQ(total(v, &Interval::timeouts), 0);
  EXPECT_EQ(total(v, &Interval::retries), 0);
  EXPECT_EQ(total(v, &Interval::wasted), 0);
  EXPECT_EQ(total(v, &Interval::rejected), 0);
  EXPECT_LT(largest(v, &Interval::queue), 1);         // 20 attempts at N = 20
  EXPECT_LT(largest(v, &Interval::wait_s), 0.01);
  for (const Interval& i : v) EXPECT_EQ(i.capacity, 1000);
}

TEST(GraphSimulation, RejectionSlowerThanTheTimeoutFailsAtTheTimeoutAndCountsRejected) {
  // Capacity 0, queue limit 1: all but the first N attempts (stuck in the
  // queue for ever) are rejected. The rejection takes 2 s, the timeout is
  // 1 s, so the job fails at 1 s (spec/system.md: "or at its timeout if that
  // comes first"), retries at once (base 0) and gives up at 2 s, both
  // failures counted rejected, not timeouts. A job arriving in interval k
  // (of 1 s) therefore retries in interval k + 1 and gives up in k + 2,
  // exactly: at 2 s it would be k + 2 and k + 4. The stuck attempts (10 at
  // N = 10, 1 per N) time out at 1 s and retry at the same moment.
  Scenario s = steady(100, 12);
  s.server.capacity = 0;
  s.server.queue_limit = 1;
  s.server.reject_latency_s = 2;
  s.client = client(1, 2, 0);
  const double n = 10;
  const test::GraphRun g = test::simulate_graph(s, n, 9);
  const Intervals& v = g.services.at("server");
  for (std::size_t k = 0; k < v.size(); ++k) {
    EXPECT_NEAR(in_interval(v, &Interval::retries, k), k >= 1 ? in_interval(v, &Interval::demand, k - 1) : 0, 1e-9)
        << "interval " << k;
    EXPECT_NEAR(in_interval(v, &Interval::gave_up, k), k >= 2 ? in_interval(v, &Interval::demand, k - 2) : 0, 1e-9)
        << "interval " << k;
    EXPECT_EQ(v[k].backlog, 0);
  }
  EXPECT_NEAR(total(v, &Interval::timeouts), 1, 1e-9);  // the N stuck attempts
  EXPECT_NEAR(total(v, &Interval::rejected), total(v, &Interval::offered) - 1, 1e-9);
  EXPECT_NEAR(v.back().queue, 1, 1e-9);
  // In flight at the end: the jobs of the last 2 s, rejections on their way back.
  EXPECT_NEAR(g.end.at("server").jobs_in_flight,
              in_interval(v, &Interval::demand, 10) + in_interval(v, &Interval::demand, 11), 1e-9);
}

TEST(GraphSimulation, DropMarginDropsAttemptsThatWouldExpireWithinIt) {
  // M = 1, 2000 jobs/s against 1000/s, drop_expired, T = 5 s, margin 1 s:
  // the head drops what is older than T - margin = 4 s, so the queue holds
  // the last 4 s of arrivals (8000), every served attempt waits 4 s (< T:
  // goodput 1000/s), 1000/s are dropped, and each dropped attempt's client
  // learns nothing: it times out 1 s after the drop, at age 5 s (timeouts
  // 1000/s in the steady state, never wasted). wait_s = 4 s. From an empty
  // queue, the head at t is the attempt sent at t/2 (2000/s in, 1000/s out):
  // the first drop comes at t = 8 s (age 4; without the margin, 10 s), its
  // timeout at 9 s.
  Scenario s = steady(2000, 60);
  s.server.capacity = 1000;
  s.server.drop_expired = true;
  s.server.drop_margin_s = 1;
  s.client = client(5, 1, 0);
  const test::GraphRun g = test::simulate_graph(s, 10, 4);
  const Intervals& v = g.services.at("server");
  const Interval& last = v.back();
  EXPECT_NEAR(last.queue, 8000, 8000 * 0.02);
  EXPECT_NEAR(last.wait_s, 4, 0.1);
  double goodput = 0, dropped = 0, timeouts = 0;
  for (std::size_t k = 30; k < 60; ++k) {
    goodput += v[k].goodput / 30;
    dropped += v[k].dropped / 30;
    timeouts += v[k].timeouts / 30;
  }
  EXPECT_NEAR(goodput, 1000, 20);
  EXPECT_NEAR(dropped, 1000, 30);
  EXPECT_NEAR(timeouts, 1000, 30);
  EXPECT_EQ(total(v, &Interval::wasted), 0);
  EXPECT_EQ(total(v, &Interval::rejected), 0);
  EXPECT_EQ(in_interval(v, &Interval::dropped, 7), 0);  // (7, 8]: head younger than 4 s
  EXPECT_GT(in_interval(v, &Interval::dropped, 8), 0);  // (8, 9]
  EXPECT_EQ(in_interval(v, &Interval::timeouts, 8), 0);
  EXPECT_GT(in_interval(v, &Interval::timeouts, 9), 0);  // (9, 10]
  // Dropped at the end, timeout still to come: the last second's drops.
  EXPECT_NEAR(g.end.at("server").dropped_pending, 1000, 60);
}

// (b) The books of spec/graph.md at every service, from the run's own tallies.

void expect_books(const Scenario& s, const test::GraphRun& g, bool retry_book) {
  for (const auto& [name, v] : g.services) {
    const test::ServiceEnd& e = g.end.at(name);
    const Interval& last = v.back();
    const double offered = total(v, &Interval::offered), served = total(v, &Interval::served);
    const double tol = 1e-9 * std::max(1.0, offered);
    SCOPED_TRACE(name);
    EXPECT_GT(offered, 0);
    EXPECT_NEAR(offered, total(v, &Interval::rejected) + total(v, &Interval::dropped) + served + last.queue, tol);
    EXPECT_NEAR(served,
                total(v, &Interval::goodput) + total(v, &Interval::wasted) + total(v, &Interval::failed) + last.waiting,
                tol);
    EXPECT_NEAR(total(v, &Interval::timeouts),
                total(v, &Interval::wasted) + total(v, &Interval::dropped) + e.queued_expired - e.dropped_pending, tol);
    if (retry_book) {
      EXPECT_NEAR(total(v, &Interval::rejected) + total(v, &Interval::timeouts) + total(v, &Interval::failed),
                  total(v, &Interval::retries) + last.backlog + total(v, &Interval::gave_up) + e.rejections_pending,
                  tol);
    }
    EXPECT_NEAR(total(v, &Interval::demand),
                total(v, &Interval::goodput) + total(v, &Interval::gave_up) + last.backlog + e.jobs_in_flight, tol);
  }
  // Between services: demand of v = sum over calls u -> v of f x served at u.
  std::map<std::string, double> expected;
  auto add_calls = [&](const std::string& u, const Server& server) {
    for (const auto& [callee, call] : server.calls)
      expected[callee] += static_cast<double>(call.fan_out) * total(g.services.at(u), &Interval::served);
  };
  add_calls("server", s.server);
  for (const auto& [name, server] : s.services) add_calls(name, server);
  for (const auto& [name, demand] : expected) {
    SCOPED_TRACE(name);
    EXPECT_GT(demand, 0);
    EXPECT_NEAR(total(g.services.at(name), &Interval::demand), demand, 1e-9 * demand);
  }
}

/// A diamond (server -> auth, server -> db x 2, auth -> db) under a surge
/// that tips db into a lasting storm, with queue limits, rejection latency,
/// drops with a margin, an outage, and retries on every edge.
Scenario diamond() {
  Scenario s = steady(300, 200);
  s.demand.surge = Surge{50, 40, 500, 5};
  s.client = client(4, 3, 0.2);
  s.server.capacity = 1000;
  s.server.queue_limit = 1500;
  Call auth{1, client(1, 3, 0.1)};
  Call db{2, client(1, 2, 0.05)};
  db.client.backoff.jitter = Jitter::Equal;
  s.server.calls = {{"auth", auth}, {"db", db}};
  Server a;
  a.capacity = 700;
  a.queue_limit = 400;  // a full queue waits 0.57 s: above the 1 s timeout less the margin
  a.reject_latency_s = 0.3;
  a.drop_expired = true;
  a.drop_margin_s = 0.5;
  Call adb{1, client(0.2, 2, 0)};  // gives up fast enough for auth to answer with errors
  adb.client.backoff = Backoff{0.05, 2, 0.4, Jitter::Decorrelated};
  a.calls = {{"db", adb}};
  Server d;
  d.capacity = 2200;  // no drop: served-after-timeout work is wasted here
  d.outage = Outage{120, 20, 0.4};
  s.services = {{"auth", a}, {"db", d}};
  return s;
}

TEST(GraphSimulation, BooksBalanceAtEveryServiceAndBetweenServices) {
  const Scenario s = diamond();
  const test::GraphRun g = test::simulate_graph(s, 2, 21);
  ASSERT_EQ(g.services.size(), 3u);
  expect_books(s, g, true);
  // The case exercises what the books are about.
  for (const char* name : {"server", "auth", "db"}) EXPECT_GT(total(g.services.at(name), &Interval::retries), 0) << name;
  EXPECT_GT(total(g.services.at("auth"), &Interval::timeouts), 0);
  EXPECT_GT(total(g.services.at("db"), &Interval::timeouts), 0);
  EXPECT_GT(total(g.services.at("server"), &Interval::rejected), 0);
  EXPECT_GT(g.end.at("auth").dropped_pending + g.end.at("auth").rejections_pending, 0);
  EXPECT_GT(total(g.services.at("auth"), &Interval::dropped), 0);
  EXPECT_GT(total(g.services.at("auth"), &Interval::rejected), 0);
  EXPECT_GT(total(g.services.at("server"), &Interval::failed), 0);
  EXPECT_GT(total(g.services.at("auth"), &Interval::failed), 0);
  EXPECT_GT(total(g.services.at("db"), &Interval::wasted), 0);
}

TEST(GraphSimulation, BooksBalanceWithClientAndServerPolicies) {
  // Client policies on the calls and the server policies at the services.
  // A throttled first attempt gives its job up without a failure, so the
  // retry book is left out here.
  Scenario s = diamond();
  s.client.retry_budget = RetryBudget{true, 0.2, 1, 10};
  s.server.calls.at("auth").client.circuit_breaker = CircuitBreaker{true, 0.3, 20, 10, 2, 2};
  s.server.calls.at("db").client.retry_throttling = RetryThrottling{true, 10, 0.1};
  s.services.at("auth").calls.at("db").client.adaptive_throttling = AdaptiveThrottling{true, 2, 10};
  s.services.at("auth").calls.at("db").client.retry_quota = RetryQuota{true, 50, 5, 10, 1};
  s.services.at("auth").stop_signal = StopSignal{true, 0.5, 0, 0};
  s.services.at("db").admission = Admission{true, 0.8, 100, 50};
  s.services.at("db").autoscaling = Autoscaling{true, 0.7, 20, 10, 300, 4000};
  const test::GraphRun g = test::simulate_graph(s, 2, 23);
  expect_books(s, g, false);
  EXPECT_GT(total(g.services.at("auth"), &Interval::throttled), 0);
  EXPECT_GT(total(g.services.at("db"), &Interval::shed), 0);
  EXPECT_GT(total(g.services.at("auth"), &Interval::stopped), 0);
  EXPECT_GT(g.services.at("db").back().capacity, 2200);  // autoscaling added some
}

// (c) A healthy chain.

TEST(GraphSimulation, HealthyChainServesEveryLayerAndMultipliesDemandByTheFanOuts) {
  // server -> a (fan-out 2) -> b (fan-out 3), 100 user jobs/s, capacities
  // 5000/s (b's load is 600/s): at N = 5 every attempt is answered in well
  // under a millisecond, far below any timeout: goodput = demand at every
  // service (but for jobs in flight at the end), no rejection, timeout,
  // retry, error or waste, queue ~ 0, waiting ~ 0 (about 100 x 1e-4 s = 0.01
  // attempts per N), demand at a = 2 x 100, at b = 3 x 200 = 600.
  Scenario s = steady(100, 120);
  s.server.capacity = 5000;
  s.server.calls = {{"a", Call{2, client(1, 3, 0.1)}}};
  Server a;
  a.capacity = 5000;
  a.calls = {{"b", Call{3, client(0.5, 3, 0.1)}}};
  Server b;
  b.capacity = 5000;
  s.services = {{"a", a}, {"b", b}};
  const test::GraphRun g = test::simulate_graph(s, 5, 31);
  const double users = total(g.services.at("server"), &Interval::demand);
  EXPECT_NEAR(users / 120, 100, 2);  // Poisson: 60 000 jobs, sd 0.4 %
  const std::map<std::string, double> fan{{"server", 1}, {"a", 2}, {"b", 6}};
  for (const auto& [name, f] : fan) {
    SCOPED_TRACE(name);
    const Intervals& v = g.services.at(name);
    const double demand = total(v, &Interval::demand);
    EXPECT_NEAR(demand, f * users, 0.2 * f);  // exact but for the last instant's jobs
    EXPECT_NEAR(total(v, &Interval::goodput), demand, 0.2 * f);
    for (double Interval::*zero : {&Interval::rejected, &Interval::timeouts, &Interval::retries, &Interval::failed,
                                   &Interval::wasted, &Interval::dropped, &Interval::gave_up})
      EXPECT_EQ(total(v, zero), 0);
    // A fan-out of 3 arrives in bursts of 3: a few attempts queue now and then.
    EXPECT_LT(largest(v, &Interval::queue), 3);  // 15 attempts at N = 5
    EXPECT_LT(total(v, &Interval::queue) / 120, 0.1);  // the mean level
    EXPECT_LT(largest(v, &Interval::waiting), 3);
    EXPECT_LT(total(v, &Interval::waiting) / 120, 0.05);  // the mean level
  }
  expect_books(s, g, true);
}

// (d) Retries multiply from layer to layer.

/// users -> server -> mid -> bottom; every client makes 4 attempts with no
/// delay; the bottom has capacity 0 and a queue limit of 1, so it refuses
/// all but the first N attempts (stuck for ever) at once.
Scenario layers(long long bottom_fan_out) {
  Scenario s = steady(100, 60);
  s.client = client(1, 4, 0);
  s.server.capacity = 2e4;
  s.server.calls = {{"mid", Call{1, client(0.5, 4, 0)}}};
  Server mid;
  mid.capacity = 2e4;
  mid.calls = {{"bottom", Call{bottom_fan_out, client(0.25, 4, 0)}}};
  Server bottom;
  bottom.capacity = 0;
  bottom.queue_limit = 1;
  s.services = {{"mid", mid}, {"bottom", bottom}};
  return s;
}

TEST(GraphSimulation, ThreeLayersOfFourAttemptsMake4And16And64AttemptsPerUserJob) {
  // Each bottom job makes 4 attempts, all refused (the stuck attempt times
  // out at 0.25 s instead), and gives up: the mid attempt that started it
  // answers with an error; the server's job at mid fails 4 times and gives
  // up, so each server attempt errors, and each user job makes 4 of them and
  // gives up. Per user job: 4 attempts at server, 4 x 4 = 16 at mid,
  // 16 x 4 = 64 at the bottom; nothing succeeds anywhere. A user job takes
  // about 20 services of 5e-5 s: only the last instant's jobs are in flight.
  const test::GraphRun g = test::simulate_graph(layers(1), 1, 41);
  const Intervals& server = g.services.at("server");
  const Intervals &mid = g.services.at("mid"), &bottom = g.services.at("bottom");
  const double users = total(server, &Interval::demand);
  EXPECT_NEAR(users / 60, 100, 5);
  EXPECT_NEAR(total(server, &Interval::offered) / users, 4, 4e-3);
  EXPECT_NEAR(total(mid, &Interval::offered) / users, 16, 16e-3);
  EXPECT_NEAR(total(bottom, &Interval::offered) / users, 64, 64e-3);
  EXPECT_NEAR(total(server, &Interval::gave_up), users, 2);  // every user job fails
  EXPECT_NEAR(total(server, &Interval::failed), total(server, &Interval::offered), 2);
  EXPECT_NEAR(total(mid, &Interval::failed), total(mid, &Interval::offered), 2);
  EXPECT_NEAR(total(bottom, &Interval::rejected), total(bottom, &Interval::offered) - 1, 1e-9);
  EXPECT_NEAR(total(bottom, &Interval::timeouts), 1, 1e-9);  // the stuck attempt
  for (const auto& [name, v] : g.services) EXPECT_EQ(total(v, &Interval::goodput), 0) << name;
  expect_books(layers(1), g, true);
}

TEST(GraphSimulation, FanOutTwoAtTheBottomMakes128AttemptsPerUserJob) {
  // As above, with each mid attempt starting 2 bottom jobs: the first to give
  // up errors the mid attempt, the other is not cancelled and makes its 4
  // attempts too: 16 x 2 x 4 = 128 per user job; the bottom's demand is
  // 2 x what mid served.
  const test::GraphRun g = test::simulate_graph(layers(2), 1, 43);
  const Intervals& server = g.services.at("server");
  const double users = total(server, &Interval::demand);
  EXPECT_NEAR(total(server, &Interval::offered) / users, 4, 4e-3);
  EXPECT_NEAR(total(g.services.at("mid"), &Interval::offered) / users, 16, 16e-3);
  EXPECT_NEAR(total(g.services.at("bottom"), &Interval::offered) / users, 128, 128e-3);
  EXPECT_NEAR(total(g.services.at("bottom"), &Interval::demand),
              2 * total(g.services.at("mid"), &Interval::served), 1e-9);
  expect_books(layers(2), g, true);
}

// (e) A short call timeout under a long user timeout.

TEST(GraphSimulation, ShortCallTimeoutLeavesWastedWorkAtTheBottom) {
  // users (T = 10 s, 1 attempt) -> server (2000/s) -> bottom (1000/s, 1
  // attempt, T = 0.5 s), 500 jobs/s; the bottom's capacity is 0 over
  // [100, 102). Fluid reading: 1000 attempts queue up and drain at
  // 1000 - 500 = 500/s, empty at 104 s. An attempt sent at s in [100, 102)
  // is served at 102 + (s - 100) / 2, after 1 to 2 s; one sent at s in
  // [102, 104) waits q/1000 = 1 - (s - 102) / 2 s, above 0.5 s while s < 103.
  // So the attempts sent over [100, 103), 1500, time out at the bottom and
  // are served later: wasted 1500 at the bottom. Each of their jobs gives
  // up at the timeout, 0.5 s after it started, and its server attempt
  // answers with an error well within the users' 10 s: failed 1500 at the
  // server, and 1500 user jobs give up; nothing is wasted at the server.
  // At t = 101 s the server attempts served over the last 0.5 s (500/s)
  // wait on their calls: waiting 250.
  Scenario s = steady(500, 120);
  s.client = client(10, 1, 0);
  s.server.capacity = 2000;
  s.server.calls = {{"bottom", Call{1, client(0.5, 1, 0)}}};
  Server bottom;
  bottom.capacity = 1000;
  bottom.outage = Outage{100, 2, 0};
  s.services = {{"bottom", bottom}};
  const test::GraphRun g = test::simulate_graph(s, 20, 51);
  const Intervals &server = g.services.at("server"), &b = g.services.at("bottom");
  EXPECT_NEAR(total(b, &Interval::wasted), 1500, 45);
  EXPECT_NEAR(total(b, &Interval::timeouts), 1500, 45);
  EXPECT_NEAR(total(b, &Interval::gave_up), 1500, 45);
  EXPECT_EQ(total(b, &Interval::failed), 0);
  EXPECT_NEAR(total(server, &Interval::failed), 1500, 45);
  EXPECT_NEAR(total(server, &Interval::gave_up), 1500, 45);
  EXPECT_EQ(total(server, &Interval::wasted), 0);
  EXPECT_EQ(total(server, &Interval::timeouts), 0);
  EXPECT_NEAR(server[100].waiting, 250, 15);  // the interval ending at 101 s
  EXPECT_LT(server[110].waiting, 1);
  EXPECT_NEAR(b[100].capacity, 0, 1e-12);
  EXPECT_NEAR(b[100].wait_s, 1 + 0.5, 0.05);  // at 101 s: 1 s of outage, then 500 at 1000/s
  expect_books(s, g, true);
}

}  // namespace
}  // namespace sg
