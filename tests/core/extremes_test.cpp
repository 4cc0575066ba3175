// Every field at its extremes (issue 12, item 3): 0, the smallest and the
// largest value the validator allows and just beyond, "unlimited" and
// "none", every flag and every choice, one field at a time, on a single
// service with every policy switched on and on a three-service chain. Each
// gives finite, non-negative outputs, or a refusal (InputError) that names
// a field and its value.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "model/fluid_solver.h"
#include "model/graph_solver.h"
#include "scenario/input_error.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

const std::string kScenarios = STORMGLASS_SCENARIOS;

/// The texts `--set` is given for a parameter: the edges of every range the
/// validator states (0, 1, 1e6, 1e9, 1e12, 1e15, and past them), tiny and
/// negative values, and the words of whole numbers and choices.
std::vector<std::string> extremes(const ParameterInfo& p) {
  switch (p.kind) {
    case ParameterKind::Flag: return {"true", "false"};
    case ParameterKind::Choice: return p.choices;
    case ParameterKind::Text: return {"", std::string(10000, 'x')};
    default: break;
  }
  std::vector<std::string> v = {"-1", "0", "1", "2", "1000", "1001", "1e6", "1e9", "1000000001", "1e12", "1e15", "1e16"};
  if (p.kind == ParameterKind::Number)
    for (const char* t : {"1e-300", "1e-9", "0.5", "1.000001", "1e12.5", "1e300"}) v.push_back(t);
  if (p.kind == ParameterKind::WholeOrNone) v.push_back("none");
  if (p.kind == ParameterKind::WholeOrUnlimited) v.push_back("unlimited");
  return v;
}

struct Tally {
  int solved = 0, refused = 0;
  std::map<std::string, int> refused_by;  ///< the field a refusal named
};

/// Every rate and level of every service of `s`'s run is finite and not
/// below zero (to rounding, 1e-9 of the run's scale).
void expect_finite(const Scenario& s, const std::string& what) {
  std::vector<ServiceRun> runs;
  if (has_calls(s))
    runs = solve_services(s);
  else
    runs.push_back(ServiceRun{"server", solve(s), {}});
  for (const ServiceRun& r : runs) {
    double scale = 1;
    for (const Interval& i : r.run.intervals) scale = std::max({scale, std::fabs(i.offered), std::fabs(i.queue), i.demand});
    for (const Interval& i : r.run.intervals)
      for (double v : {i.demand, i.offered, i.retries, i.rejected, i.served, i.goodput, i.wasted, i.dropped, i.timeouts,
                       i.gave_up, i.queue, i.wait_s, i.backlog, i.throttled, i.denied, i.stopped, i.shed, i.capacity,
                       i.failed, i.waiting}) {
        ASSERT_TRUE(std::isfinite(v)) << what << ": " << r.name << " at t = " << i.t_s;
        ASSERT_GE(v, -1e-9 * scale) << what << ": " << r.name << " at t = " << i.t_s;
      }
  }
}

/// Sets each parameter of `base` to each of its extremes in turn.
Tally try_every_extreme(const Scenario& base) {
  Tally tally;
  for (const ParameterInfo& p : parameters(base))
    for (const std::string& text : extremes(p)) {
      const std::string what = "--set " + p.path + "=" + text.substr(0, 20);
      Scenario s = base;
      try {
        set_text(s, p.path, text);
        validate_scenario(s);
        expect_finite(s, what);
        ++tally.solved;
      } catch (const InputError& e) {
        // A refusal names a field (the one set, or the one whose rule the
        // value broke, as a run too long for its timeout names the timeout)
        // and, but for an empty text, the value it found there.
        ++tally.refused;
        ++tally.refused_by[e.field() == p.path ? "the field set" : e.field()];
        EXPECT_FALSE(e.field().empty()) << what << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(e.field()), std::string::npos) << what << ": " << e.what();
        if (!text.empty()) {
          EXPECT_FALSE(e.value().empty()) << what << ": " << e.what();
        }
        EXPECT_NO_THROW(describe_parameter(e.field()).value()) << what << ": names no parameter: " << e.what();
      }
      if (::testing::Test::HasFatalFailure()) return tally;
    }
  return tally;
}

void print(const char* name, const Tally& t) {
  std::printf("%s: %d extremes solved to finite numbers, %d refused (", name, t.solved, t.refused);
  for (const auto& [field, n] : t.refused_by) std::printf(" %s: %d", field.c_str(), n);
  std::printf(" )\n");
}

/// `s` with every policy of docs/scenario-extensions.md switched on, at
/// every service and call, so that its fields act (drop_expired and deadline
/// propagation aside: they exclude some policies); returns how many.
int switch_every_policy_on(Scenario& s) {
  int policies = 0;
  for (const ParameterInfo& p : parameters(s)) {
    const bool excluded = p.path.find("drop_expired") != std::string::npos ||
                          p.path.find("propagate_deadline") != std::string::npos;
    if (p.kind == ParameterKind::Flag && !excluded) {
      set_text(s, p.path, "true");
      ++policies;
    }
  }
  return policies;
}

TEST(Extremes, EveryFieldOfASingleServiceWithEveryPolicyOn) {
  Scenario s = load_scenario(kScenarios + "/default.json");
  const int policies = switch_every_policy_on(s);
  ASSERT_NO_THROW(validate_scenario(s));
  ASSERT_GE(policies, 8);
  const Tally t = try_every_extreme(s);
  print("single service", t);
  // Most values are in range somewhere; at least the negative ones are not.
  EXPECT_GT(t.solved, 300);
  EXPECT_GT(t.refused, 100);
}

/// chain-db-outage, a minute long: its 170 fields times 20 values stay
/// within seconds (duration_s itself is among the fields set to its
/// extremes); with `policies`, every policy switched on everywhere first.
void expect_the_chain_at_every_extreme(bool policies) {
  Scenario s = load_scenario(kScenarios + "/graphs/chain-db-outage.json");
  s.duration_s = 60;
  if (policies) {
    ASSERT_GE(switch_every_policy_on(s), 20);
  }
  ASSERT_NO_THROW(validate_scenario(s));
  const Tally t = try_every_extreme(s);
  print(policies ? "chain with every policy on" : "chain", t);
  EXPECT_GT(t.solved, 1000);
  EXPECT_GT(t.refused, 500);
}

TEST(Extremes, EveryFieldOfAThreeServiceChain) { expect_the_chain_at_every_extreme(false); }

TEST(Extremes, EveryFieldOfAThreeServiceChainWithEveryPolicyOn) { expect_the_chain_at_every_extreme(true); }

}  // namespace
}  // namespace sg
