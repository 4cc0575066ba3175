/// Random valid service graphs for property tests (spec/graph.md).
#pragma once

#include <random>

#include "scenario/scenario.h"

namespace sg::test {

/// A random valid graph: up to 6 services, random shapes, fan-outs 1-4,
/// random clients on every call and random servers. It may still break a
/// rule of spec/graph.md's "Bad input" (a zero-time retry loop): validate it.
/// With `policies`, every client (the users' and each call's) switches on
/// each client policy of docs/scenario-extensions.md with probability 0.3,
/// with random settings (docs/model.md, 11.12). With `deadlines`, each call
/// without a client policy propagates its deadline with probability 0.6
/// (docs/model.md, 11.17).
Scenario random_graph(std::mt19937& rng, bool policies = false, bool deadlines = false);

/// Solves `trials` random graphs from `seed` and checks the books of
/// spec/graph.md at every service and between services (graph_solver_test.cpp).
void check_graph_books(int trials, unsigned seed, bool policies = false, bool deadlines = false);

}  // namespace sg::test
