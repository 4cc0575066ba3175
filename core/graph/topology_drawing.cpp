#include "graph/topology_drawing.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>

#include <boost/graph/graphviz.hpp>
#include <boost/graph/property_maps/constant_property_map.hpp>
#include <boost/property_map/transform_value_property_map.hpp>

#include "analysis/graph_summary.h"
#include "graph/graphviz_session.h"
#include "graph/service_graph.h"
#include "io/atomic_file.h"

namespace sg {
namespace {

/// Four significant digits, whole numbers from 10 000 up (a queue of 5247840
/// attempts, not 5.248e+06).
std::string number(double v) {
  char buf[64];
  if (v == 0) v = 0;  // no "-0"
  std::snprintf(buf, sizeof buf, std::fabs(v) < 1e4 ? "%.4g" : "%.0f", v);
  return buf;
}

/// Three significant digits: 53.3 %, 100 %.
std::string percent(double share) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g %%", 100 * share);
  return buf;
}

std::string per_user_job(const std::optional<double>& v) {
  return v ? number(*v) + " per user job" : std::string("no user jobs");
}

/// Text from the scenario file inside a DOT label: a backslash or a line
/// break would otherwise be read as one of Graphviz's escapes.
std::string label_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c != '\r') out += c;
  }
  return out;
}

const Interval& last_interval(const ServiceRun& run) {
  if (run.run.intervals.empty()) throw std::runtime_error("the run of " + run.name + " has no intervals to draw");
  return run.run.intervals.back();
}

}  // namespace

TopologyState topology_state(const Scenario& scenario, const std::vector<ServiceRun>& runs) {
  if (runs.empty() || runs.front().name != "server") throw std::invalid_argument("topology_state: the runs must start at the entry");
  const ServiceGraph graph(scenario);
  const std::vector<ServiceHealth> health = assess_services(runs);
  std::map<std::string, std::size_t> index;
  for (std::size_t k = 0; k < runs.size(); ++k) index[runs[k].name] = k;
  auto run_of = [&](const std::string& name) -> const ServiceRun& {
    auto it = index.find(name);
    if (it == index.end()) throw std::invalid_argument("topology_state: no run for service " + name);
    return runs[it->second];
  };

  TopologyState state;
  state.scenario_name = scenario.name;
  const Interval& users = last_interval(runs.front());
  state.t_s = users.t_s;
  state.user_demand = users.demand;
  const bool any_users = users.demand > 0;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const Interval& i = last_interval(runs[k]);
    DrawnService d;
    d.name = runs[k].name;
    d.healthy_at_end = health[k].healthy_at_end;
    d.unhealthy_from_s = health[k].unhealthy_from_s;
    d.offered = i.offered;
    if (any_users) d.attempts_per_user_job = health[k].attempts_per_user_job_at_end;
    d.served = i.served;
    d.capacity = i.capacity;
    d.queue = i.queue;
    state.services.push_back(d);
  }

  const CallGraph& g = graph.graph();
  for (const CallSite& site : call_sites(scenario)) {
    const ServiceId callee = graph.find(site.callee);
    const Interval& caller_end = last_interval(run_of(site.caller));
    const Interval& callee_end = last_interval(run_of(site.callee));
    DrawnCall c;
    c.path = site.path;
    c.caller = site.caller;
    c.callee = site.callee;
    c.fan_out = site.call->fan_out;
    c.jobs = static_cast<double>(c.fan_out) * caller_end.served;
    if (any_users) c.jobs_per_user_job = c.jobs / users.demand;
    // The attempts this call sent (its jobs' first attempts and retries),
    // as the solver counted them per sender; a run made without that split
    // falls back on what the callee's totals tell.
    const ServiceRun& callee_run = run_of(site.callee);
    const auto sender = std::find_if(callee_run.senders.begin(), callee_run.senders.end(),
                                     [&](const SenderRun& r) { return r.path == site.path && !r.attempts.empty(); });
    if (sender != callee_run.senders.end()) {
      c.attempts = sender->attempts.back();
    } else if (boost::in_degree(callee, g) == 1) {
      c.attempts = callee_end.offered;
    } else if (callee_end.retries == 0) {
      c.attempts = c.jobs;
    }
    if (c.attempts && any_users) c.attempts_per_user_job = *c.attempts / users.demand;
    state.calls.push_back(c);
  }
  return state;
}

std::string topology_dot(const Scenario& scenario, const TopologyState& state) {
  const ServiceGraph graph(scenario);
  const CallGraph& g = graph.graph();
  const bool any_users = state.user_demand > 0;

  // Vertex attributes, by vertex index.
  std::vector<std::string> id(graph.size()), label(graph.size()), fill(graph.size()), border(graph.size());
  for (ServiceId v = 0; v < graph.size(); ++v) id[v] = graph.name(v);
  for (const DrawnService& d : state.services) {
    const ServiceId v = graph.find(d.name);
    if (v == graph.size()) throw std::invalid_argument("topology_dot: no service " + d.name + " in the scenario");
    std::string text = d.name + (d.healthy_at_end ? "\\nhealthy at the end" : "\\nUNHEALTHY at the end");
    if (d.unhealthy_from_s) text += "\\nfirst unhealthy at t = " + number(*d.unhealthy_from_s) + " s";
    text += "\\noffered " + number(d.offered) + " attempts/s, " +
            per_user_job(any_users ? std::optional<double>(d.attempts_per_user_job) : std::nullopt);
    text += d.capacity > 0 ? "\\nutilisation " + percent(d.served / d.capacity) + ": served " + number(d.served) +
                                 " of " + number(d.capacity) + "/s"
                           : "\\nserved " + number(d.served) + "/s, capacity 0";
    text += "\\nqueue " + number(d.queue) + " attempts";
    label[v] = text;
    fill[v] = d.healthy_at_end ? "#c8e6c9" : "#ffcdd2";
    border[v] = d.healthy_at_end ? "#2e7d32" : "#c62828";
  }

  // Edge attributes, by the call's path (unique per call).
  std::map<std::string, std::string> edge_label, edge_width, edge_colour;
  double widest = 0;
  for (const DrawnCall& c : state.calls) widest = std::max(widest, c.attempts.value_or(c.jobs));
  for (const DrawnCall& c : state.calls) {
    std::string text = "fan-out " + std::to_string(c.fan_out) + ": " + number(c.jobs) + " jobs/s, " +
                       per_user_job(any_users ? std::optional<double>(c.jobs_per_user_job) : std::nullopt);
    if (c.attempts)
      text += "\\nattempts " + number(*c.attempts) + "/s, " + per_user_job(c.attempts_per_user_job);
    else
      text += "\\nattempts: " + c.callee + "'s retries are not split by call";
    edge_label[c.path] = text;
    const double rate = c.attempts.value_or(c.jobs);
    char width[32];
    std::snprintf(width, sizeof width, "%.2f", widest > 0 ? 1 + 5 * rate / widest : 1.0);
    edge_width[c.path] = width;
    bool callee_healthy = true;
    for (const DrawnService& d : state.services)
      if (d.name == c.callee) callee_healthy = d.healthy_at_end;
    edge_colour[c.path] = callee_healthy ? "#4d4d4d" : "#c62828";
  }
  auto by_path = [&g](const std::map<std::string, std::string>& m) {
    return boost::make_transform_value_property_map(
        [&m](const std::string& path) {
          auto it = m.find(path);
          return it == m.end() ? std::string() : it->second;
        },
        boost::get(&CallEdge::path, g));
  };
  auto by_vertex = [&g](std::vector<std::string>& values) {
    return boost::make_iterator_property_map(values.begin(), boost::get(boost::vertex_index, g));
  };

  const std::string font = "Helvetica,Arial,sans-serif";
  std::string title = label_text(state.scenario_name) + "\\nstate at the end of the run, t = " + number(state.t_s) +
                      " s; users: " + number(state.user_demand) + " jobs/s";
  boost::dynamic_properties dp;
  dp.property("node_id", by_vertex(id));
  dp.property("label", by_vertex(label));
  dp.property("fillcolor", by_vertex(fill));
  dp.property("color", by_vertex(border));
  dp.property("shape", boost::make_constant_property<ServiceId>(std::string("box")));
  dp.property("style", boost::make_constant_property<ServiceId>(std::string("rounded,filled")));
  dp.property("fontname", boost::make_constant_property<ServiceId>(font));
  dp.property("label", by_path(edge_label));
  dp.property("penwidth", by_path(edge_width));
  dp.property("color", by_path(edge_colour));
  dp.property("fontname", boost::make_constant_property<CallGraph::edge_descriptor>(font));
  dp.property("fontsize", boost::make_constant_property<CallGraph::edge_descriptor>(std::string("11")));
  dp.property("rankdir", boost::make_constant_property<CallGraph*>(std::string("LR")));
  dp.property("label", boost::make_constant_property<CallGraph*>(title));
  dp.property("labelloc", boost::make_constant_property<CallGraph*>(std::string("t")));
  dp.property("fontname", boost::make_constant_property<CallGraph*>(font));
  std::ostringstream out;
  boost::write_graphviz_dp(out, g, dp, "node_id");
  return out.str();
}

std::string topology_format(const std::string& path) {
  const auto dot = path.find_last_of('.');
  const auto slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string suffix = path.substr(dot + 1);
  for (char& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return suffix == "dot" || suffix == "svg" || suffix == "png" || suffix == "pdf" ? suffix : std::string();
}


std::string render_dot(const std::string& dot, const std::string& format) {
  GraphvizSession session;
  Agraph_t* g = session.lay_out(dot);
  char* data = nullptr;
  unsigned int length = 0;
  const int status = gvRenderData(session.context(), g, format.c_str(), &data, &length);
  std::string out;
  if (status == 0 && data) out.assign(data, length);
  if (data) gvFreeRenderData(data);
  session.close(g);
  // A format without its plugin fails here ("renderer for png is unavailable").
  if (status != 0 || out.empty())
    throw std::runtime_error("Graphviz could not render " + format + " (" + GraphvizSession::said() +
                             "; its cairo plugin from the graphviz package draws png and pdf, and `dot -c` as root "
                             "registers the installed plugins)");
  return out;
}

void write_topology(const std::string& path, const std::string& dot) {
  const std::string format = topology_format(path);
  if (format.empty()) throw std::invalid_argument(path + ": expected a file name ending in .dot, .svg, .png or .pdf");
  try {
    write_file_atomically(path, format == "dot" ? dot : render_dot(dot, format));
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    if (what.rfind(path + ":", 0) == 0) throw;  // write_file_atomically's, which names the file
    throw std::runtime_error(path + ": " + what);
  }
}

}  // namespace sg
