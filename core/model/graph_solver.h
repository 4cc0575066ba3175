/// The fluid model of a graph of services that call each other
/// (spec/graph.md; docs/model.md, section 11).
#pragma once

#include <string>
#include <vector>

#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg {

/// The attempts one population of callers sent to a service: the users (to
/// the entry), or the jobs of one call.
struct SenderRun {
  std::string caller;            ///< "users", or the calling service ("server" for the entry)
  std::string path;              ///< "client" for the users, else the call's: "services.auth.calls.db"
  std::vector<double> attempts;  ///< attempts sent per second, one per interval of the service's run
};

/// One service's intervals (spec/graph.md, "What is measured, per service").
struct ServiceRun {
  std::string name;  ///< "server" for the entry
  RunResult run;
  /// Who sent its attempts, interval by interval: in every interval they sum
  /// to the run's `offered` (to rounding). The users first, then its callers
  /// in the order of the graph's solving.
  std::vector<SenderRun> senders;
};

/// Solves every service of a validated scenario, callers before callees (the
/// entry first). A scenario without calls gives one service, solved exactly
/// as solve() solves it. Throws InputError as solve() does.
std::vector<ServiceRun> solve_services(const Scenario& scenario, const SolverOptions& options = {});

/// docs/model.md, 11.17: throws InputError, naming the field, when the
/// deadline propagation of a valid scenario would need more deadline groups
/// or cohort records at solver step h than a run may keep.
void check_deadline_groups(const Scenario& scenario, double h);

/// True when a scenario needs the graph model: it has calls, or its server
/// drops expired attempts with a margin (spec/graph.md: drop_margin_s is a
/// field of every service; the single-service solver carries none).
bool needs_graph_model(const Scenario& scenario);

/// The internal step for a graph: as default_solver_step, for the shortest
/// timeout of the users and every call.
double default_graph_step(const Scenario& scenario);

}  // namespace sg
