#include "graph/topology_layout.h"

#include <stdexcept>

#include "graph/graphviz_session.h"

namespace sg {

TopologyLayout lay_out_topology(const std::string& dot) {
  GraphvizSession session;
  if (!session.context()) throw std::runtime_error("Graphviz could not start: " + GraphvizSession::said());
  Agraph_t* g = agmemread(dot.c_str());
  if (!g) throw std::runtime_error("Graphviz could not read the DOT text: " + GraphvizSession::said());
  if (gvLayout(session.context(), g, "dot") != 0) {
    agclose(g);
    throw std::runtime_error("Graphviz's dot layout failed (" + GraphvizSession::said() + ")");
  }
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
  gvFreeLayout(session.context(), g);
  agclose(g);
  return out;
}

}  // namespace sg
