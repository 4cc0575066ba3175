/// The call graph of a scenario (spec/graph.md) on Boost.Graph: one vertex
/// per service, the entry first, one edge per call.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "scenario/scenario.h"

namespace sg {

/// A service: its name ("server" for the entry) and its settings.
struct ServiceVertex {
  std::string name;
  const Server* server = nullptr;
};

/// A call from the source vertex to the target vertex.
struct CallEdge {
  std::string path;  ///< where the call is in the file: "services.auth.calls.db"
  const Call* call = nullptr;
};

using CallGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, ServiceVertex, CallEdge>;
using ServiceId = CallGraph::vertex_descriptor;

/// The graph of a scenario's services and calls. It points into the
/// scenario, which must outlive it. Building it checks the shape rules of
/// spec/graph.md, "Bad input": every callee defined, no cycle (named in
/// order from the first of its services a depth-first walk from the entry
/// reaches), every service reached from the entry; each is an InputError
/// naming the field and the value.
class ServiceGraph {
public:
  explicit ServiceGraph(const Scenario& scenario);

  const CallGraph& graph() const { return graph_; }
  std::size_t size() const { return boost::num_vertices(graph_); }
  /// Callers before callees; the entry is first.
  const std::vector<ServiceId>& order() const { return order_; }
  static constexpr ServiceId entry() { return 0; }

  const std::string& name(ServiceId v) const { return graph_[v].name; }
  const Server& server(ServiceId v) const { return *graph_[v].server; }
  /// The service of that name, or nullptr.
  const Server* find_server(const std::string& name) const;
  /// The vertex of that name; size() when there is none.
  ServiceId find(const std::string& name) const;

private:
  CallGraph graph_;
  std::vector<ServiceId> order_;
};

}  // namespace sg
