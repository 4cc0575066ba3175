#include "graph/topology_layout.h"

#include <sstream>
#include <stdexcept>

#include <boost/graph/graphviz.hpp>
#include <boost/graph/property_maps/constant_property_map.hpp>

#include "graph/graphviz_session.h"
#include "graph/service_graph.h"

namespace sg {

std::string topology_view_dot(const Scenario& scenario, double font_pt) {
  const ServiceGraph graph(scenario);
  const CallGraph& g = graph.graph();
  std::vector<std::string> id(graph.size()), label(graph.size());
  for (ServiceId v = 0; v < graph.size(); ++v) {
    id[v] = graph.name(v);
    // The widest texts the view writes in a box (TopologyView::service_text).
    label[v] = graph.name(v) + "\\nin a storm\\n12345 attempts/s\\n12.34 per user job\\nbusy 100 %\\nqueue 12345";
  }
  const std::string font = "Helvetica,Arial,sans-serif", size = std::to_string(font_pt);
  boost::dynamic_properties dp;
  dp.property("node_id", boost::make_iterator_property_map(id.begin(), boost::get(boost::vertex_index, g)));
  dp.property("label", boost::make_iterator_property_map(label.begin(), boost::get(boost::vertex_index, g)));
  dp.property("shape", boost::make_constant_property<ServiceId>(std::string("box")));
  dp.property("fontname", boost::make_constant_property<ServiceId>(font));
  dp.property("fontsize", boost::make_constant_property<ServiceId>(size));
  // The widest call label (TopologyView::call_label).
  dp.property("label", boost::make_constant_property<CallGraph::edge_descriptor>(
                           std::string("12345 attempts/s\\n12.34 per user job\\nrejected 100 %\\ntimed out 100 %")));
  dp.property("fontname", boost::make_constant_property<CallGraph::edge_descriptor>(font));
  dp.property("fontsize", boost::make_constant_property<CallGraph::edge_descriptor>(size));
  dp.property("rankdir", boost::make_constant_property<CallGraph*>(std::string("LR")));
  std::ostringstream out;
  boost::write_graphviz_dp(out, g, dp, "node_id");
  return out.str();
}

TopologyLayout lay_out_topology(const std::string& dot) {
  GraphvizSession session;
  Agraph_t* g = session.lay_out(dot);
  TopologyLayout out;
  const boxf bb = GD_bb(g);
  out.width = bb.UR.x - bb.LL.x;
  out.height = bb.UR.y - bb.LL.y;
  // Graphviz measures y upwards from the bottom; views draw downwards.
  auto at = [&](pointf p) { return LayoutPoint{p.x - bb.LL.x, bb.UR.y - p.y}; };
  for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n)) {
    out.services.push_back({agnameof(n), at(ND_coord(n)), ND_width(n) * 72, ND_height(n) * 72});
    for (Agedge_t* e = agfstout(g, n); e; e = agnxtout(g, e)) {
      LaidOutCall c;
      c.caller = agnameof(agtail(e));
      c.callee = agnameof(aghead(e));
      if (const splines* spl = ED_spl(e); spl && spl->size > 0) {
        const bezier& b = spl->list[0];
        for (int i = 0; i < b.size; ++i) c.curve.push_back(at(b.list[i]));
        if (b.eflag) {
          c.has_arrow = true;
          c.arrow_tip = at(b.ep);
        }
      }
      if (const textlabel_t* l = ED_label(e)) c.label = at(l->pos);
      out.calls.push_back(std::move(c));
    }
  }
  session.close(g);
  return out;
}

}  // namespace sg
