/// An event-by-event simulation of the stochastic system of spec/system.md,
/// written from that page alone, to check the fluid model at large scale.
#pragma once

#include <cstdint>

#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg::test {

/// Simulates the scenario with demand, capacity and queue limit multiplied by
/// `scale` (times unchanged) and returns the measures divided by `scale`, in
/// the same intervals as the fluid model.
RunResult simulate(const Scenario& scenario, double scale, std::uint64_t seed);

}  // namespace sg::test
