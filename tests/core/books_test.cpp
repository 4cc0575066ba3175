// spec/system.md, "Conservation": the books balance at every step, whatever
// the scenario.
#include <random>

#include <gtest/gtest.h>

#include "model/fluid_solver.h"
#include "scenario/scenario_file.h"
#include "support/random_scenario.h"

namespace sg {
namespace {

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
  expect_exact_books(test::random_scenario, 20210115);  // the week of Signal's outage
}

TEST(FluidSolver, KeepsExactBooksWithEveryPolicyOverManyScenarios) {
  // Jobs refused by the clients' gates, denied a retry, stopped by the
  // server's signal or refused by admission control all end as give-ups;
  // the attempts of refused jobs are rejected. The books still balance.
  expect_exact_books(test::random_scenario_with_policies, 20210116);  // the day Signal came back
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
