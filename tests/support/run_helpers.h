/// Helpers the tests share: scenarios by name and averages over time windows.
#pragma once

#include <functional>

#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg::test {

/// The example scenario of spec/interfaces.md (the defaults).
inline Scenario example() { return Scenario{}; }

/// A steady scenario: constant demand, no trigger.
Scenario steady(double demand, double capacity, long long max_attempts, double duration_s = 600);

/// The average of `field` over the output intervals that end in (t0, t1].
double window_mean(const RunResult& run, double Interval::*field, double t0, double t1);

/// A whole run's total of a rate: rate x interval length, summed.
double total(const RunResult& run, double Interval::*field);

/// The interval whose end is t_s (to the nearest interval).
const Interval& at(const RunResult& run, double t_s);

}  // namespace sg::test
