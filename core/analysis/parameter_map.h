/// A stability map: every point of a grid over two parameter paths, classified.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "analysis/health.h"
#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg {

/// One axis: `count` values from `from` to `to`, evenly spaced, both included
/// (rounded to whole numbers for whole-number parameters).
struct MapAxis {
  std::string path;
  double from = 0, to = 0;
  int count = 1;

  double value(int i) const;
};

/// Parses "PATH=FROM:TO:COUNT" (the argument of --x and --y); PATH may be any
/// numeric parameter of `base`, its services' and calls' included. An axis
/// over a whole-number field whose points are not whole is refused
/// (spec/graph.md, "Command line"). Throws InputError.
MapAxis parse_axis(const std::string& text, const std::string& option, const Scenario& base = Scenario{});

struct MapPoint {
  double x = 0, y = 0;
  PointVerdict verdict;
  /// False while the point only shows its nearest solved neighbour (a coarse pass).
  bool solved = false;
};

/// Points in CSV order: x varies slowest.
struct ParameterMap {
  MapAxis x, y;
  std::vector<MapPoint> points;
};

/// The scenario with the point's two values set. Throws InputError naming the
/// option, the path and the value when the point is not a valid scenario.
Scenario scenario_at(const Scenario& base, const MapAxis& x, double xv, const MapAxis& y, double yv);

/// Classifies every point of the full grid, on `threads` threads (0: all
/// cores). Every point is validated before any is solved.
ParameterMap compute_map(const Scenario& base, const MapAxis& x, const MapAxis& y,
                         const SolverOptions& options = {}, unsigned threads = 0);

/// Called after each pass of a progressive map with the map so far and the
/// pass's stride (1: the last pass, every point solved).
using MapProgress = std::function<void(const ParameterMap& map, int stride)>;

/// Called from the solving threads as a progressive map advances: `done` of
/// the `total` points of pass `pass` (1-based) of `passes` are solved. It is
/// called with done = 0 as each pass starts and after every point; it must
/// be thread-safe and quick (throttle there what reaches a user interface).
using MapCellProgress = std::function<void(std::size_t done, std::size_t total, int pass, int passes)>;

/// The same map, solved coarse to fine: every 8th point of each axis first,
/// then every 4th, 2nd and all, each pass filling the unsolved points from
/// their nearest solved neighbour, so that a first picture comes fast. Every
/// point is solved exactly in the end: the result equals compute_map's.
/// Throws Cancelled when `cancel` is raised. `cell_progress`, when given,
/// follows each pass point by point.
ParameterMap compute_map_progressively(const Scenario& base, const MapAxis& x, const MapAxis& y,
                                       const SolverOptions& options, unsigned threads, const MapProgress& progress,
                                       const std::atomic<bool>* cancel = nullptr,
                                       const MapCellProgress& cell_progress = {});

}  // namespace sg
