/// A service's condition in one output interval, as the call graph colours
/// it: healthy, at risk, or in a storm (docs/scenario-extensions.md, "The
/// call graph in the dashboard").
#pragma once

#include "model/fluid_solver.h"

namespace sg {

enum class Condition {
  Healthy,  ///< goodput at least 95 % of demand, and neither threshold below reached
  AtRisk,   ///< healthy, but serving at least kBusyUtilisation of its capacity, or retrying above kRetryShare of its demand
  Storm,    ///< goodput below 95 % of demand (is_healthy is false)
};

/// Utilisation from which a healthy service is at risk: queues grow with
/// little more load (an M/M/1 queue at 90 % waits 9 service times).
constexpr double kBusyUtilisation = 0.9;
/// Retries, as a share of first attempts, from which a healthy service is at
/// risk: its callers are already amplifying its load.
constexpr double kRetryShare = 0.05;

Condition condition_of(const Interval& interval);

/// "healthy", "at risk", "in a storm".
const char* to_string(Condition c);

}  // namespace sg
