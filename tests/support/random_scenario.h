/// Random valid single-service scenarios for property tests (spec/system.md).
#pragma once

#include <random>

#include "scenario/scenario.h"

namespace sg::test {

/// A random scenario that exercises every mechanism of spec/system.md:
/// surges, demand profiles, queue limits, drops, reject latency, outages,
/// every jitter, limited and unlimited attempts. It may still break a rule
/// of "Bad input" (an instant retry loop): validate it.
Scenario random_scenario(std::mt19937& rng);

/// The same, with each policy of docs/scenario-extensions.md switched on at
/// random, with random settings.
Scenario random_scenario_with_policies(std::mt19937& rng);

}  // namespace sg::test
