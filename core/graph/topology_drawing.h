/// A drawing of a scenario's call graph (spec/graph.md) with each service's
/// state and each call's load at the end of a run: DOT text written by
/// Boost.Graph, laid out and rendered by Graphviz's own library (libgvc).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/graph_solver.h"
#include "scenario/scenario.h"

namespace sg {

/// One service in the last output interval of the run.
struct DrawnService {
  std::string name;
  bool healthy_at_end = true;              ///< is_healthy() of its last interval
  std::optional<double> unhealthy_from_s;  ///< start of its first unhealthy interval
  double offered = 0;                      ///< attempts/s
  double attempts_per_user_job = 0;        ///< offered / the users' demand
  double served = 0, capacity = 0;         ///< attempts/s; utilisation = served / capacity
  double queue = 0;                        ///< attempts, at the end
};

/// One call in the last output interval of the run.
struct DrawnCall {
  std::string path;  ///< "services.api.calls.db"
  std::string caller, callee;
  long long fan_out = 1;
  /// Jobs the call starts per second: fan_out x the caller's served rate
  /// (spec/graph.md: the callee's demand is the sum of these).
  double jobs = 0;
  double jobs_per_user_job = 0;
  /// Attempts sent on the call per second, and per user job: the solver's
  /// count for this sender (ServiceRun::senders). Runs without it (made by
  /// hand) give the callee's offered load when this is its only call in, or
  /// the call's jobs when the callee sent no retries; empty otherwise.
  std::optional<double> attempts;
  std::optional<double> attempts_per_user_job;
};

struct TopologyState {
  std::string scenario_name;
  double t_s = 0;           ///< end of the last interval
  double user_demand = 0;   ///< the users' jobs/s in it
  std::vector<DrawnService> services;  ///< callers before callees, the entry first
  std::vector<DrawnCall> calls;
};

/// The state of every service and call at the end of `runs`, the result of
/// solve_services(scenario). Health is graph_summary's (assess_services).
TopologyState topology_state(const Scenario& scenario, const std::vector<ServiceRun>& runs);

/// The DOT text of the drawing, written by boost::write_graphviz_dp: a node
/// per service (label, colours by health), an edge per call (label, penwidth
/// by its attempts/s, or its jobs/s where its attempts are not known), rankdir=LR.
std::string topology_dot(const Scenario& scenario, const TopologyState& state);

/// The format of a drawing's file name: "dot", "svg", "png" or "pdf" (by its
/// extension, in any case), or empty when it is none of them.
std::string topology_format(const std::string& path);

/// Lays `dot` out with Graphviz's dot layout and renders it in `format`
/// ("svg", "png", "pdf"). Throws std::runtime_error with Graphviz's own
/// message when the text does not parse or the format's plugin is missing.
std::string render_dot(const std::string& dot, const std::string& format);

/// Writes the drawing to `path` (atomically), in the format of its
/// extension: the DOT text itself for .dot. Throws std::invalid_argument for
/// an unknown extension, std::runtime_error when rendering or writing fails.
void write_topology(const std::string& path, const std::string& dot);

}  // namespace sg
