/// The fluid model of a graph of services that call each other
/// (spec/graph.md; docs/model.md, section 11).
#pragma once

#include <string>
#include <vector>

#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg {

/// One service's intervals (spec/graph.md, "What is measured, per service").
struct ServiceRun {
  std::string name;  ///< "server" for the entry
  RunResult run;
};

/// Solves every service of a validated scenario, callers before callees (the
/// entry first). A scenario without calls gives one service, solved exactly
/// as solve() solves it. Throws InputError as solve() does, and
/// std::runtime_error naming the policy when a graph switches on a policy the
/// graph model does not carry yet.
std::vector<ServiceRun> solve_services(const Scenario& scenario, const SolverOptions& options = {});

/// True when a scenario needs the graph model: it has calls, or its server
/// drops expired attempts with a margin (spec/graph.md: drop_margin_s is a
/// field of every service; the single-service solver carries none).
bool needs_graph_model(const Scenario& scenario);

/// The internal step for a graph: as default_solver_step, for the shortest
/// timeout of the users and every call.
double default_graph_step(const Scenario& scenario);

}  // namespace sg
