// The fluid model of a service graph is the large-scale limit of spec/graph.md:
// the independent event-by-event simulation of that page at scale N must agree
// with it (docs/model.md, 11.8).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "model/graph_solver.h"
#include "scenario/scenario_file.h"
#include "support/run_helpers.h"
#include "support/stochastic_simulation.h"

namespace sg {
namespace {

constexpr double kScale = 20;
constexpr double kWindow = 20;

Call call(double timeout_s, long long attempts, Backoff backoff, long long fan_out = 1) {
  Call c;
  c.fan_out = fan_out;
  c.client.timeout_s = timeout_s;
  c.client.max_attempts = attempts;
  c.client.backoff = backoff;
  return c;
}

Scenario base(double demand) {
  Scenario s;
  s.duration_s = 240;
  s.demand.base_rate = demand;
  s.demand.surge.reset();
  return s;
}

struct Case {
  std::string name;
  Scenario scenario;
  /// The largest difference allowed, as a share of the largest capacity or flow.
  double tolerance = 0.02;
  /// The simulation's scale N: the chains in a lasting storm whose server
  /// policies act (autoscaling, admission), graph.md's diamond and the chain
  /// with propagated deadlines hold the most events, and run at N = 10 to
  /// keep make test well inside CI's time (0.37 % and 1.07 % there; 0.18 %
  /// and 0.54 % at N = 20).
  double scale = kScale;
};

std::vector<Case> cases() {
  std::vector<Case> v;
  {
    // A three-service chain whose bottom loses 70 % of its capacity for 30 s.
    Scenario s = base(600);
    s.server.capacity = 1200;
    s.server.calls["mid"] = call(2, 3, Backoff{0.1, 2, 1, Jitter::Full});
    s.services["mid"].capacity = 1500;
    s.services["mid"].queue_limit = 1500;
    s.services["mid"].calls["db"] = call(1, 2, Backoff{0.1, 2, 1, Jitter::Full});
    s.services["db"].capacity = 1000;
    s.services["db"].outage = Outage{60, 30, 0.3};
    v.push_back({"chain, bottom outage", s});
  }
  {
    // spec/graph.md's example, its outage earlier and no surge.
    Scenario s = parse_scenario(R"({
      "duration_s": 240, "demand": {"base_rate": 700, "surge": null},
      "server": {"capacity": 1000, "calls": {
        "auth": {"fan_out": 1, "timeout_s": 2, "max_attempts": 3,
                 "backoff": {"base_s": 0.05, "multiplier": 2, "cap_s": 1, "jitter": "full"}},
        "db": {"fan_out": 2, "timeout_s": 1, "max_attempts": 2}}},
      "services": {
        "auth": {"capacity": 1500, "queue_limit": 3000, "calls": {"db": {"timeout_s": 0.5, "max_attempts": 2}}},
        "db": {"capacity": 4000, "outage": {"start_s": 60, "duration_s": 20, "capacity_factor": 0.3}}}})",
                                "diamond");
    v.push_back({"diamond (graph.md's example)", s, 0.02, 10});
  }
  {
    // A fan-out of 3 into a limited bottom, equal jitter.
    Scenario s = base(500);
    s.server.capacity = 1000;
    s.server.calls["db"] = call(1, 3, Backoff{0.2, 2, 2, Jitter::Equal}, 3);
    s.services["db"].capacity = 2000;
    // 1200 queued: a 0.6 s wait, 1.2 s in the outage (never the timeout
    // itself, where the outcome would turn on the noise).
    s.services["db"].queue_limit = 1200;
    s.services["db"].reject_latency_s = 0.05;
    s.services["db"].outage = Outage{60, 40, 0.5};
    v.push_back({"fan-out 3, equal jitter", s});
  }
  {
    // drop_expired at the middle service, with a margin for its calls.
    Scenario s = base(600);
    s.server.capacity = 3000;
    s.server.calls["mid"] = call(2, 3, Backoff{0.2, 2, 2, Jitter::Full});
    Server& mid = s.services["mid"];
    mid.capacity = 900;
    mid.drop_expired = true;
    mid.drop_margin_s = 0.3;
    mid.calls["db"] = call(0.5, 2, Backoff{0.05, 2, 1, Jitter::Full});
    s.services["db"].capacity = 2000;
    s.services["db"].outage = Outage{60, 30, 0.4};
    v.push_back({"drop expired at the middle", s});
  }
  {
    // Short call timeouts under a long user timeout: orphaned work below.
    Scenario s = base(500);
    s.client.timeout_s = 10;
    s.client.max_attempts = 2;
    s.server.capacity = 2000;
    s.server.calls["db"] = call(0.5, 3, Backoff{0.1, 2, 1, Jitter::Full});
    s.services["db"].capacity = 800;
    s.services["db"].queue_limit = 800;
    s.services["db"].outage = Outage{60, 30, 0.5};
    v.push_back({"short call timeouts", s});
  }
  // docs/model.md 11.12: client policies on calls, each client instance of
  // the simulation with its own tokens, windows and breaker.
  auto chain = [] {
    Scenario s = base(600);
    s.server.capacity = 1200;
    s.server.calls["mid"] = call(2, 4, Backoff{0.1, 2, 1, Jitter::Full});
    s.services["mid"].capacity = 1500;
    // A full queue waits 0.5 s: with db's 1 s call timeout a mid attempt
    // answers by 1.5 s, never at the server's 2 s timeout itself (where the
    // outcome would turn on the noise).
    s.services["mid"].queue_limit = 750;
    s.services["mid"].calls["db"] = call(1, 4, Backoff{0.1, 2, 1, Jitter::Full});
    s.services["db"].capacity = 1000;
    s.services["db"].outage = Outage{60, 30, 0.3};
    return s;
  };
  {
    Scenario s = chain();
    s.services["mid"].calls["db"].client.retry_budget = RetryBudget{true, 0.1, 0, 10};
    s.server.calls["mid"].client.retry_throttling.enabled = true;
    v.push_back({"budget and gRPC tokens on calls", s});
  }
  {
    Scenario s = chain();
    s.services["mid"].calls["db"].client.retry_quota.enabled = true;
    s.client.retry_budget = RetryBudget{true, 0.2, 0, 10};
    v.push_back({"AWS quota on a call, budget users", s});
  }
  {
    // docs/model.md 10.11: Envoy's retry budget on calls, the default static
    // limit on server -> mid and 20 % of the active requests on mid -> db.
    // Backoff from 0.5 s (the chain's 0.1 s lets the retries of the lasting
    // storm move in pulses one timeout apart, whose phases drift apart
    // between fluid and simulation).
    Scenario s = chain();
    for (Client* c : {&s.server.calls["mid"].client, &s.services["mid"].calls["db"].client})
      c->backoff = Backoff{0.5, 2, 4, Jitter::Full};
    s.server.calls["mid"].client.concurrent_retry_budget = ConcurrentRetryBudget{true, 0, 3};
    s.services["mid"].calls["db"].client.concurrent_retry_budget = ConcurrentRetryBudget{true, 20, 3};
    v.push_back({"Envoy retry budgets on calls", s});
  }
  {
    // docs/model.md 11.14: db's rejections (a full queue of 500, a 0.5 s
    // wait under the 1 s call timeout) carry a stop signal to half of the
    // server's db jobs; the server itself limits nothing.
    Scenario s = base(600);
    s.server.capacity = 3000;
    s.server.calls["db"] = call(1, 4, Backoff{0.1, 2, 1, Jitter::Full});
    s.services["db"].capacity = 1000;
    s.services["db"].queue_limit = 500;
    s.services["db"].outage = Outage{60, 30, 0.3};
    s.services["db"].stop_signal = StopSignal{true, 0.5, 0, 0};
    v.push_back({"stop signal at the bottom", s});
  }
  {
    // docs/model.md 11.15: the chain's db scales up in steps of 300/s once
    // it has run at 70 % for 10 s, 10 s after each decision, to 2500/s.
    Scenario s = chain();
    s.services["db"].autoscaling = Autoscaling{true, 0.7, 10, 10, 300, 2500};
    v.push_back({"autoscaling at the bottom", s, 0.02, 10});
  }
  {
    // docs/model.md 11.16: mid admits 70 % of the jobs the server sends it
    // from the outage's start for 40 s; then the refused ones still
    // retrying are admitted.
    Scenario s = chain();
    s.services["mid"].admission = Admission{true, 0.7, 60, 40};
    v.push_back({"admission control in the middle", s, 0.02, 10});
  }
  {
    // docs/model.md 11.17: the users' 1.5 s deadline propagated down a
    // chain whose calls would retry for up to 3 s (mid) and 2.4 s (db):
    // mid's jobs stop at the users' deadline, db's at mid's attempt's.
    Scenario s = base(600);
    s.client.timeout_s = 1.5;
    s.client.max_attempts = 2;
    s.client.backoff = Backoff{0.1, 2, 1, Jitter::Full};
    s.server.capacity = 1200;
    s.server.calls["mid"] = call(1, 3, Backoff{0.1, 2, 1, Jitter::Full});
    s.server.calls["mid"].propagate_deadline = true;
    s.services["mid"].capacity = 1500;
    s.services["mid"].queue_limit = 750;
    s.services["mid"].calls["db"] = call(0.8, 3, Backoff{0.1, 2, 1, Jitter::Full});
    s.services["mid"].calls["db"].propagate_deadline = true;
    s.services["db"].capacity = 1000;
    s.services["db"].outage = Outage{60, 30, 0.3};
    v.push_back({"deadlines down a chain", s, 0.02, 10});
  }
  {
    // docs/model.md 11.17: db drops by the users' propagated 1 s deadline
    // (less its 0.1 s margin), not by the call's own 3 s timeout.
    Scenario s = base(700);
    s.client.timeout_s = 1;
    s.client.max_attempts = 2;
    s.client.backoff = Backoff{0.2, 2, 1, Jitter::Full};
    s.server.capacity = 3000;
    s.server.calls["db"] = call(3, 2, Backoff{0.1, 2, 1, Jitter::Full});
    s.server.calls["db"].propagate_deadline = true;
    s.services["db"].capacity = 1000;
    s.services["db"].drop_expired = true;
    s.services["db"].drop_margin_s = 0.1;
    s.services["db"].outage = Outage{60, 30, 0.5};
    v.push_back({"deadline drops at the bottom", s});
  }
  return v;
}

/// One scenario per test, so that CTest spreads them over the cores.
class GraphAgreement : public ::testing::TestWithParam<int> {};

TEST_P(GraphAgreement, EveryServicesWindowsAgreeWithTheSimulation) {
  struct Field {
    const char* name;
    double Interval::*member;
  };
  {
    const Case c = cases()[static_cast<std::size_t>(GetParam())];
    const Scenario& s = c.scenario;
    validate_scenario(s);
    double largest = s.server.capacity;
    for (const auto& entry : s.services) largest = std::max(largest, entry.second.capacity);
    std::map<std::string, RunResult> fluid;
    for (ServiceRun& r : solve_services(s)) fluid[r.name] = std::move(r.run);
    const test::GraphRun sim = test::simulate_graph(s, c.scale, 7);
    double worst = 0;
    std::string where;
    if (const char* dump = std::getenv("SG_AGREEMENT_DUMP"))
      if (c.name.find(dump) != std::string::npos)
        for (const auto& [name, intervals] : sim.services)
          for (std::size_t k = 19; k < intervals.size(); k += 20) {
            const Interval& a = fluid.at(name).intervals[k];
            const Interval& b = intervals[k];
            std::printf("%s t=%g demand %g/%g offered %g/%g rejected %g/%g served %g/%g goodput %g/%g wasted %g/%g timeouts %g/%g gave_up %g/%g failed %g/%g queue %g/%g\n",
                        name.c_str(), a.t_s, a.demand, b.demand, a.offered, b.offered, a.rejected, b.rejected, a.served, b.served,
                        a.goodput, b.goodput, a.wasted, b.wasted, a.timeouts, b.timeouts, a.gave_up, b.gave_up, a.failed, b.failed, a.queue, b.queue);
          }
    for (const auto& [name, intervals] : sim.services) {
      RunResult simulated;
      simulated.intervals = intervals;
      for (double t = 0; t + kWindow <= s.duration_s; t += kWindow)
        for (Field f : {Field{"goodput", &Interval::goodput}, Field{"offered", &Interval::offered},
                        Field{"served", &Interval::served}, Field{"wasted", &Interval::wasted},
                        Field{"rejected", &Interval::rejected}, Field{"dropped", &Interval::dropped},
                        Field{"gave_up", &Interval::gave_up}, Field{"failed", &Interval::failed},
                        Field{"timeouts", &Interval::timeouts}, Field{"demand", &Interval::demand},
                        Field{"throttled", &Interval::throttled}, Field{"denied", &Interval::denied},
                        Field{"stopped", &Interval::stopped}, Field{"shed", &Interval::shed}}) {
          const double expected = test::window_mean(fluid.at(name), f.member, t, t + kWindow);
          const double d = std::fabs(expected - test::window_mean(simulated, f.member, t, t + kWindow)) /
                           std::max(largest, std::fabs(expected));
          if (d > worst) {
            worst = d;
            where = name + " " + f.name + " at t = " + std::to_string(static_cast<int>(t)) + " s: fluid " +
                    std::to_string(expected) + ", simulation " + std::to_string(test::window_mean(simulated, f.member, t, t + kWindow));
          }
        }
    }
    std::printf("%-32s worst %g s window differs by %.2f %% of the largest capacity or flow (%s)\n", c.name.c_str(),
                kWindow, 100 * worst, where.c_str());
    EXPECT_LT(worst, c.tolerance) << c.name << ": " << where;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, GraphAgreement, ::testing::Range(0, 13));

}  // namespace
}  // namespace sg
