#include "graph/service_graph.h"

#include <algorithm>
#include <iterator>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

#include "scenario/input_error.h"

namespace sg {
namespace {

/// Where the walk found a back edge: the cycle it closes, in order.
struct FoundCycle {
  std::vector<ServiceId> cycle;  ///< from the service the walk reached first back to the one that closes it
  CallGraph::edge_descriptor closing;
};

/// Records the tree edges of a depth-first walk and stops at the first back
/// edge, which closes a cycle through the walk's current path.
class CycleFinder : public boost::default_dfs_visitor {
public:
  explicit CycleFinder(std::vector<ServiceId>& parent) : parent_(&parent) {}

  void tree_edge(CallGraph::edge_descriptor e, const CallGraph& g) const {
    (*parent_)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(CallGraph::edge_descriptor e, const CallGraph& g) const {
    FoundCycle found;
    found.closing = e;
    // The path from the back edge's target down to its source is the walk's current path.
    for (ServiceId v = boost::source(e, g);; v = (*parent_)[v]) {
      found.cycle.push_back(v);
      if (v == boost::target(e, g)) break;
    }
    std::reverse(found.cycle.begin(), found.cycle.end());
    throw found;
  }

private:
  std::vector<ServiceId>* parent_;
};

}  // namespace

ServiceGraph::ServiceGraph(const Scenario& s) {
  boost::add_vertex(ServiceVertex{"server", &s.server}, graph_);
  for (const auto& [name, service] : s.services) boost::add_vertex(ServiceVertex{name, &service}, graph_);
  // Out-edges in the order of the callees' names: the walk below visits them so.
  for (const CallSite& site : call_sites(s)) {
    const ServiceId to = find(site.callee);
    if (to == size()) {
      std::string defined;
      for (const auto& entry : s.services) defined += (defined.empty() ? "" : ", ") + entry.first;
      throw InputError("", site.path, "\"" + site.callee + "\"",
                       "calls a service that services does not define" +
                           (defined.empty() ? std::string(" (it defines none)") : " (defined: " + defined + ")"));
    }
    boost::add_edge(find(site.caller), to, CallEdge{site.path, site.call}, graph_);
  }

  std::vector<ServiceId> parent(size(), size());
  std::vector<boost::default_color_type> colour(size());
  auto colours = boost::make_iterator_property_map(colour.begin(), boost::get(boost::vertex_index, graph_));
  try {
    // From the entry first; the other roots only matter for services it does not reach.
    boost::depth_first_search(graph_, CycleFinder(parent), colours, entry());
  } catch (const FoundCycle& found) {
    std::string named;
    for (ServiceId v : found.cycle) named += name(v) + " -> ";
    named += name(found.cycle.front());
    throw InputError("", graph_[found.closing].path, named, "calls form a cycle; a call graph must have none");
  }

  // Every service a call reaches from the entry (a typo must not be silent).
  std::vector<boost::default_color_type> reached(size(), boost::white_color);
  boost::breadth_first_visit(graph_, entry(),
                             boost::color_map(boost::make_iterator_property_map(
                                 reached.begin(), boost::get(boost::vertex_index, graph_))));
  for (ServiceId v = 0; v < size(); ++v)
    if (reached[v] == boost::white_color)
      throw InputError("", "services." + name(v), "", "no call reaches this service from server");

  boost::topological_sort(graph_, std::back_inserter(order_));
  std::reverse(order_.begin(), order_.end());
}

const Server* ServiceGraph::find_server(const std::string& n) const {
  const ServiceId v = find(n);
  return v == size() ? nullptr : graph_[v].server;
}

ServiceId ServiceGraph::find(const std::string& n) const {
  for (ServiceId v = 0; v < size(); ++v)
    if (graph_[v].name == n) return v;
  return size();
}

}  // namespace sg
