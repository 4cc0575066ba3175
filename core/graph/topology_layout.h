/// Where Graphviz's `dot` layout (left to right) puts a drawing's services
/// and calls, for views that draw the graph themselves (the dashboard's call
/// graph): the same layout as `stormglass-cli graph`, read from the library.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace sg {

struct LayoutPoint {
  double x = 0, y = 0;  ///< points, y down from the top of the drawing
};

struct LaidOutService {
  std::string name;
  LayoutPoint centre;
  double width = 0, height = 0;  ///< points
};

struct LaidOutCall {
  std::string caller, callee;
  /// The edge's cubic Bézier pieces: a start and then three points per piece.
  std::vector<LayoutPoint> curve;
  /// Where its arrowhead points (the callee's border), when it has one.
  bool has_arrow = false;
  LayoutPoint arrow_tip;
  LayoutPoint label;  ///< centre of its label
};

struct TopologyLayout {
  double width = 0, height = 0;  ///< the drawing's bounding box, points
  std::vector<LaidOutService> services;
  std::vector<LaidOutCall> calls;
};

/// A DOT text of the scenario's call graph for views that draw their own
/// labels: boxes and labels sized for the dashboard's texts at their widest
/// (six short lines a service, four a call, at `font_pt`), left to right, as
/// topology_dot without its numbers.
std::string topology_view_dot(const Scenario& scenario, double font_pt);

/// Lays `dot` out with Graphviz's dot layout (topology_dot's text). Throws
/// std::runtime_error with Graphviz's own message when the text does not
/// parse or the layout fails.
TopologyLayout lay_out_topology(const std::string& dot);

}  // namespace sg
