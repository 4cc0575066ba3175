// The layout the dashboard's call graph is drawn on: Graphviz's dot, left to
// right, read from the library (core/graph/topology_layout.h).
#include <cmath>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "graph/topology_drawing.h"
#include "graph/topology_layout.h"
#include "model/graph_solver.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

TEST(TopologyLayout, GraphMdsExampleIsLaidOutLeftToRightWithEveryCallBetweenItsServices) {
  // server calls auth and db, auth calls db: three ranks, left to right, so
  // server's centre is left of auth's and auth's left of db's; each call is
  // a curve (a start and three points per cubic piece) that leaves its
  // caller's box at its right side and ends, with its arrowhead, at its
  // callee's left side; its label lies inside the drawing.
  const Scenario s = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/graph-md-example.json");
  const TopologyLayout layout = lay_out_topology(topology_dot(s, topology_state(s, solve_services(s))));
  std::map<std::string, LaidOutService> at;
  for (const LaidOutService& v : layout.services) at[v.name] = v;
  ASSERT_EQ(at.size(), 3u);
  EXPECT_LT(at["server"].centre.x, at["auth"].centre.x);
  EXPECT_LT(at["auth"].centre.x, at["db"].centre.x);
  for (const auto& [name, v] : at) {
    EXPECT_GT(v.width, 0) << name;
    EXPECT_GE(v.centre.x - v.width / 2, -1e-6) << name;
    EXPECT_LE(v.centre.x + v.width / 2, layout.width + 1e-6) << name;
    EXPECT_GE(v.centre.y - v.height / 2, -1e-6) << name;
    EXPECT_LE(v.centre.y + v.height / 2, layout.height + 1e-6) << name;
  }
  ASSERT_EQ(layout.calls.size(), 3u);
  for (const LaidOutCall& c : layout.calls) {
    const LaidOutService &from = at[c.caller], &to = at[c.callee];
    ASSERT_GE(c.curve.size(), 4u) << c.caller << " -> " << c.callee;
    EXPECT_EQ((c.curve.size() - 1) % 3, 0u);
    EXPECT_NEAR(c.curve.front().x, from.centre.x + from.width / 2, 2.0) << c.caller << " -> " << c.callee;
    ASSERT_TRUE(c.has_arrow);
    EXPECT_NEAR(c.arrow_tip.x, to.centre.x - to.width / 2, 2.0) << c.caller << " -> " << c.callee;
    EXPECT_GT(c.label.x, 0);
    EXPECT_LT(c.label.x, layout.width);
    EXPECT_GT(c.label.y, 0);
    EXPECT_LT(c.label.y, layout.height);
  }
}

TEST(TopologyLayout, TextThatIsNotDotIsRefusedWithGraphvizsMessage) {
  try {
    lay_out_topology("digraph { a -> ");
    FAIL() << "laid out";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Graphviz could not read the DOT text"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sg
