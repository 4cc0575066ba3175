#include "scenario/scenario.h"

#include <algorithm>

namespace sg {

const char* to_string(Jitter jitter) {
  switch (jitter) {
    case Jitter::None: return "none";
    case Jitter::Full: return "full";
    case Jitter::Equal: return "equal";
    case Jitter::Decorrelated: return "decorrelated";
    case Jitter::Proportional: return "proportional";
  }
  return "none";
}

std::optional<Jitter> jitter_from_string(const std::string& name) {
  for (Jitter j : {Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated, Jitter::Proportional})
    if (name == to_string(j)) return j;
  return std::nullopt;
}

std::string jitter_names() { return "none, full, equal, decorrelated or proportional"; }

namespace {

bool has_surge(const Scenario& s) {
  return !s.demand.profile && s.demand.surge && s.demand.surge->extra_rate > 0 &&
         s.demand.surge->duration_s > 0;
}

bool has_outage(const Server& server) {
  return server.outage.duration_s > 0 && server.outage.capacity_factor != 1.0;
}

double outage_end_s(const Server& server) { return server.outage.start_s + server.outage.duration_s; }

}  // namespace

Scenario service_view(const Scenario& s, const std::string& service) {
  Scenario view = s;
  if (service != "server") {
    view.server = s.services.at(service);
    std::vector<const Call*> into;
    for (const CallSite& site : call_sites(s))
      if (site.callee == service) into.push_back(site.call);
    if (!into.empty() && std::all_of(into.begin(), into.end(), [&](const Call* c) {
          return c->client.timeout_s == into.front()->client.timeout_s;
        }))
      view.client = into.front()->client;
  }
  view.server.calls.clear();
  view.services.clear();
  return view;
}

std::vector<CallSite> call_sites(const Scenario& s) {
  std::vector<CallSite> sites;
  for (const auto& [callee, call] : s.server.calls) sites.push_back({"server", callee, "server.calls." + callee, &call});
  for (const auto& [name, service] : s.services)
    for (const auto& [callee, call] : service.calls)
      sites.push_back({name, callee, "services." + name + ".calls." + callee, &call});
  return sites;
}

void retry_at_one_layer(Scenario& s) {
  for (auto& [callee, call] : s.server.calls) call.client.max_attempts = 1;
  for (auto& [name, service] : s.services)
    for (auto& [callee, call] : service.calls) call.client.max_attempts = 1;
}

bool retries_at_one_layer(const Scenario& s) {
  const std::vector<CallSite> sites = call_sites(s);
  return !sites.empty() && std::all_of(sites.begin(), sites.end(), [](const CallSite& c) {
    return c.call->client.max_attempts && *c.call->client.max_attempts == 1;
  });
}

bool has_calls(const Scenario& s) {
  if (!s.server.calls.empty()) return true;
  for (const auto& entry : s.services)
    if (!entry.second.calls.empty()) return true;
  return false;
}

bool has_trigger(const Scenario& s) {
  if (s.demand.profile || has_surge(s) || has_outage(s.server)) return true;
  for (const auto& entry : s.services)
    if (has_outage(entry.second)) return true;
  return false;
}

double trigger_end_s(const Scenario& s) {
  double end = 0;
  if (s.demand.profile) end = s.demand.profile->back().first;
  if (has_surge(s)) end = s.demand.surge->start_s + s.demand.surge->duration_s;
  if (has_outage(s.server)) end = std::max(end, outage_end_s(s.server));
  for (const auto& entry : s.services)
    if (has_outage(entry.second)) end = std::max(end, outage_end_s(entry.second));
  return end;
}

Scenario without_trigger(const Scenario& s) {
  Scenario base = s;
  if (s.demand.profile) base.demand.base_rate = s.demand.profile->back().second;
  base.demand.profile.reset();
  base.demand.surge.reset();
  base.server.outage = Outage{0, 0, 1.0};
  for (auto& entry : base.services) entry.second.outage = Outage{0, 0, 1.0};
  return base;
}

}  // namespace sg
