// docs/model.md, section 6: the discretisation error, measured.
#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "model/fluid_solver.h"
#include "support/run_helpers.h"

namespace sg {
namespace {

struct Named {
  std::string name;
  Scenario scenario;
};

std::vector<Named> cases() {
  std::vector<Named> v;
  v.push_back({"example", Scenario{}});
  Scenario limited;
  limited.server.queue_limit = 2000;
  v.push_back({"queue limit 2000", limited});
  Scenario dropping;
  dropping.server.drop_expired = true;
  v.push_back({"drop expired", dropping});
  Scenario decorrelated;
  decorrelated.client.backoff.jitter = Jitter::Decorrelated;
  decorrelated.client.max_attempts = 5;
  decorrelated.demand.base_rate = 300;
  v.push_back({"decorrelated, 5 attempts", decorrelated});
  Scenario ramped;
  ramped.demand.surge = Surge{600, 300, 1200, 100};
  ramped.client.backoff.jitter = Jitter::None;
  ramped.demand.base_rate = 450;
  v.push_back({"ramped surge, no jitter", ramped});
  Scenario outage;
  outage.demand.surge.reset();
  outage.server.outage = Outage{300, 30, 0.2};
  outage.client.max_attempts.reset();
  outage.client.backoff.jitter = Jitter::Equal;
  outage.demand.base_rate = 700;
  v.push_back({"outage, unlimited, equal jitter", outage});
  return v;
}

TEST(FluidSolver, RefiningTheStepFourfoldMovesWindowAveragesLessThanOnePercent) {
  // 60 s windows over the whole horizon: goodput and offered within 1 % of
  // capacity, the queue within 1 % of its largest value (its scale).
  for (const Named& c : cases()) {
    const Scenario& s = c.scenario;
    RunResult coarse = solve(s);
    SolverOptions fine;
    fine.step_s = coarse.solver_step_s / 4;
    RunResult refined = solve(s, fine);
    ASSERT_NEAR(refined.solver_step_s * 4, coarse.solver_step_s, 1e-12);
    double queue_scale = 1;
    for (const Interval& i : refined.intervals) queue_scale = std::max(queue_scale, i.queue);
    double worst_rate = 0, worst_queue = 0;
    for (double t = 0; t + 60 <= s.duration_s; t += 60) {
      for (auto field : {&Interval::goodput, &Interval::offered}) {
        double d = std::fabs(test::window_mean(coarse, field, t, t + 60) - test::window_mean(refined, field, t, t + 60));
        worst_rate = std::max(worst_rate, d / s.server.capacity);
      }
      double dq = std::fabs(test::window_mean(coarse, &Interval::queue, t, t + 60) -
                            test::window_mean(refined, &Interval::queue, t, t + 60));
      worst_queue = std::max(worst_queue, dq / queue_scale);
    }
    EXPECT_LT(worst_rate, 0.01) << c.name;
    EXPECT_LT(worst_queue, 0.01) << c.name;
    std::printf("%-34s step %.3f s: worst 60 s window difference %.4f %% of capacity, %.4f %% of queue scale\n",
                c.name.c_str(), coarse.solver_step_s, 100 * worst_rate, 100 * worst_queue);
  }
}

TEST(FluidSolver, ErrorShrinksAsTheStepShrinks) {
  // Against a reference at 1/16 of the default step, the 60 s window error of
  // the ramped case falls as the step is halved (first order: about half).
  Scenario s = cases()[4].scenario;
  double h0 = solve(s).solver_step_s;
  SolverOptions reference_options;
  reference_options.step_s = h0 / 16;
  RunResult reference = solve(s, reference_options);
  double previous = 1e300;
  for (double divisor : {1.0, 2.0, 4.0}) {
    SolverOptions o;
    o.step_s = h0 / divisor;
    RunResult r = solve(s, o);
    double error = 0;
    for (double t = 0; t + 60 <= s.duration_s; t += 60)
      error += std::fabs(test::window_mean(r, &Interval::offered, t, t + 60) -
                         test::window_mean(reference, &Interval::offered, t, t + 60));
    EXPECT_LT(error, previous) << "step " << o.step_s;
    previous = error;
  }
}

}  // namespace
}  // namespace sg
