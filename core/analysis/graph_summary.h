/// What happened across a service graph (spec/graph.md): where the storm
/// began, how it spread, how retries multiplied, who is unhealthy at the end.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/graph_solver.h"
#include "scenario/scenario.h"

namespace sg {

struct ServiceHealth {
  std::string name;
  /// Start of the first interval in which the service's goodput fell below
  /// 95 % of its demand (spec/system.md's health, read at each service).
  std::optional<double> unhealthy_from_s;
  bool healthy_at_end = true;
  double attempts_per_user_job_at_end = 0;  ///< offered here / users' demand, last interval
  double peak_attempts_per_user_job = 0;    ///< the largest of that ratio over the run's intervals
  double peak_t_s = 0;                      ///< end of the interval where it peaks
  double wasted_share = 0;                  ///< wasted / served over the run
};

/// One entry per service, callers before callees.
std::vector<ServiceHealth> assess_services(const std::vector<ServiceRun>& services);

/// The services that went unhealthy, as indices into `services`, in the
/// order they did: earliest first, and at the same time the callee (later in
/// topological order) first. The first is where the storm began.
std::vector<std::size_t> unhealthy_order(const std::vector<ServiceHealth>& services);

/// A few lines for stormglass-cli summary: the order in which services went
/// unhealthy (the first is where the storm began), the amplification per
/// service, and which services are unhealthy at the end.
std::string describe_services(const std::vector<ServiceHealth>& services);

}  // namespace sg
