/// An event-by-event simulation of the stochastic system of spec/system.md
/// and its extension to service graphs, spec/graph.md, written from those
/// pages alone (never from core/model), to check the fluid model at large
/// scale. One engine: a scenario without calls is the graph with one vertex.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg::test {

/// What the intervals cannot say: the terms of spec/graph.md's books that
/// are not measures, at the end of the run, divided by the scale like the
/// levels.
struct ServiceEnd {
  double queued_expired = 0;      ///< queued attempts past their sender's timeout
  double dropped_pending = 0;     ///< dropped attempts whose sender's timeout has not come yet
  double rejections_pending = 0;  ///< rejections on their way back whose job has not failed yet
  /// Jobs at the service neither finished nor in backoff: their current
  /// attempt is queued or waiting within its timeout, dropped before its
  /// timeout, or its rejection is on its way back.
  double jobs_in_flight = 0;
};

struct GraphRun {
  /// Every service's intervals by name, "server" for the entry.
  std::map<std::string, std::vector<Interval>> services;
  std::map<std::string, ServiceEnd> end;
};

/// Simulates the scenario's service graph with every demand, capacity and
/// queue limit (and client instances) multiplied by `scale` (fan-outs, times,
/// timeouts and delays unchanged) and returns every service's measures
/// divided by `scale`, in the same intervals as the fluid model.
GraphRun simulate_graph(const Scenario& scenario, double scale, std::uint64_t seed);

/// The entry service's measures of simulate_graph(): for a scenario without
/// calls, the system of spec/system.md.
RunResult simulate(const Scenario& scenario, double scale, std::uint64_t seed);

}  // namespace sg::test
