#include "analysis/graph_summary.h"

#include <algorithm>
#include <cstdio>

#include "analysis/health.h"

namespace sg {

std::vector<ServiceHealth> assess_services(const std::vector<ServiceRun>& services) {
  std::vector<ServiceHealth> out;
  if (services.empty()) return out;
  const std::vector<Interval>& users = services.front().run.intervals;  // the entry's demand is the users'
  for (const ServiceRun& service : services) {
    ServiceHealth h;
    h.name = service.name;
    double served = 0, wasted = 0, start = 0;
    const std::vector<Interval>& v = service.run.intervals;
    for (std::size_t k = 0; k < v.size(); ++k) {
      const Interval& i = v[k];
      if (!is_healthy(i) && !h.unhealthy_from_s) h.unhealthy_from_s = start;
      served += i.served * (i.t_s - start);
      wasted += i.wasted * (i.t_s - start);
      start = i.t_s;
      if (k < users.size() && users[k].demand > 0) {
        const double per_job = i.offered / users[k].demand;
        if (per_job > h.peak_attempts_per_user_job * (1 + 1e-9)) {
          h.peak_attempts_per_user_job = per_job;
          h.peak_t_s = i.t_s;
        }
      }
    }
    if (!v.empty()) {
      h.healthy_at_end = is_healthy(v.back());
      if (!users.empty() && users.back().demand > 0) h.attempts_per_user_job_at_end = v.back().offered / users.back().demand;
    }
    h.wasted_share = served > 0 ? wasted / served : 0;
    out.push_back(h);
  }
  return out;
}

std::vector<std::size_t> unhealthy_order(const std::vector<ServiceHealth>& services) {
  std::vector<std::size_t> fell;
  for (std::size_t i = 0; i < services.size(); ++i)
    if (services[i].unhealthy_from_s) fell.push_back(i);
  std::stable_sort(fell.begin(), fell.end(), [&](std::size_t a, std::size_t b) {
    if (*services[a].unhealthy_from_s != *services[b].unhealthy_from_s)
      return *services[a].unhealthy_from_s < *services[b].unhealthy_from_s;
    return a > b;
  });
  return fell;
}

std::string describe_services(const std::vector<ServiceHealth>& services) {
  char line[512];
  std::string text;
  std::vector<const ServiceHealth*> fell;
  for (std::size_t i : unhealthy_order(services)) fell.push_back(&services[i]);
  if (fell.empty()) {
    text += "Services: every service stayed healthy.\n";
  } else {
    std::snprintf(line, sizeof line, "Storm began at %s (t = %g s)", fell.front()->name.c_str(), *fell.front()->unhealthy_from_s);
    text += line;
    for (std::size_t i = 1; i < fell.size(); ++i) {
      std::snprintf(line, sizeof line, "%s %s (t = %g s)", i == 1 ? "; then" : ",", fell[i]->name.c_str(),
                    *fell[i]->unhealthy_from_s);
      text += line;
    }
    text += ".\n";
  }
  text += "Attempts per user job (amplification), at the end and at the peak:\n";
  for (const ServiceHealth& h : services) {
    std::snprintf(line, sizeof line, "  %-12s %8.3g at the end, %8.3g at t = %g s; wasted %.0f %% of its work%s\n",
                  h.name.c_str(), h.attempts_per_user_job_at_end, h.peak_attempts_per_user_job, h.peak_t_s,
                  100 * h.wasted_share, h.healthy_at_end ? "" : "; unhealthy at the end");
    text += line;
  }
  std::string sick;
  for (const ServiceHealth& h : services)
    if (!h.healthy_at_end) sick += (sick.empty() ? "" : ", ") + h.name;
  text += sick.empty() ? "Every service is healthy at the end.\n" : "Unhealthy at the end: " + sick + ".\n";
  return text;
}

}  // namespace sg
