#include "analysis/health.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "graph/service_graph.h"
#include "model/collapse_drain.h"

namespace sg {

bool is_healthy(const Interval& i) { return i.demand <= 0 || i.goodput >= 0.95 * i.demand; }

HealthTracker::HealthTracker(const Scenario& scenario) {
  h_.trigger_end_s = trigger_end_s(scenario);
  h_.base_demand = without_trigger(scenario).demand.base_rate;
}

void HealthTracker::add(const Interval& x) {
  const double length = x.t_s - previous_end_;
  served_ += x.served * length;
  wasted_ += x.wasted * length;
  h_.gave_up_jobs += x.gave_up * length;
  h_.throttled += x.throttled * length;
  h_.denied += x.denied * length;
  h_.stopped += x.stopped * length;
  h_.shed += x.shed * length;
  minute_.emplace_back(x.t_s, x.offered * length, x.demand * length);
  minute_offered_ += x.offered * length;
  minute_demand_ += x.demand * length;
  while (x.t_s - std::get<0>(minute_.front()) >= 60) {
    minute_offered_ -= std::get<1>(minute_.front());
    minute_demand_ -= std::get<2>(minute_.front());
    minute_.pop_front();
  }
  if (previous_end_ >= h_.trigger_end_s && x.offered > 1.5 * x.demand && minute_offered_ > 1.5 * minute_demand_)
    h_.flood_end_s = x.t_s;
  if (previous_end_ >= h_.trigger_end_s) h_.gave_up_after_trigger += x.gave_up * length;
  // The first interval at the peak (later ones may differ by rounding only).
  if (x.offered > h_.peak_offered * (1 + 1e-9)) {
    h_.peak_offered = x.offered;
    h_.peak_offered_t_s = x.t_s;
  }
  if (!is_healthy(x)) {
    if (!h_.storm_start_s) {
      h_.storm_start_s = previous_end_;
      h_.storm_first_interval_end_s = x.t_s;
    }
    healthy_from_ = x.t_s;
  }
  h_.healthy_at_end = is_healthy(x);
  h_.goodput_ratio_at_end = x.demand > 0 ? x.goodput / x.demand : 1.0;
  h_.final_queue = x.queue;
  h_.end_s = x.t_s;
  previous_end_ = x.t_s;
  any_ = true;
}

RunHealth HealthTracker::finish(Rest rest) {
  RunHealth h = h_;
  h.wasted_share = served_ > 0 ? wasted_ / served_ : 0;
  // A run stopped once its verdict was certain (SolverOptions::stop_when_decided).
  if (rest == Rest::Healthy) {
    h.healthy_at_end = true;
    h.goodput_ratio_at_end = 1;
  } else if (rest == Rest::Unhealthy) {
    if (!h.storm_start_s) {
      h.storm_start_s = previous_end_;
      h.storm_first_interval_end_s = previous_end_;
    }
    h.healthy_at_end = false;
    h.goodput_ratio_at_end = 0;
  }
  if (!any_) return h;
  h.recovered = h.healthy_at_end;
  if (h.recovered) h.recovery_s = std::max(0.0, healthy_from_ - h.trigger_end_s);
  return h;
}

bool flood_outlasts_recovery(const RunHealth& h) {
  if (!h.storm_start_s || !h.recovered || !h.flood_end_s) return false;
  const double healthy_again_s = h.trigger_end_s + h.recovery_s.value_or(0);
  return *h.flood_end_s > healthy_again_s + 1e-9;
}

RunHealth assess_run(const Scenario& scenario, const RunResult& run) {
  HealthTracker tracker(scenario);
  for (const Interval& x : run.intervals) tracker.add(x);
  RunHealth h = tracker.finish(run.rest);
  const auto& iv = run.intervals;
  if (iv.empty()) return h;
  // How fast the queue moved over the last minute (or tenth) of the run.
  const Interval& last = iv.back();
  double span = std::max(std::min(60.0, 0.1 * last.t_s), last.t_s - (iv.size() > 1 ? iv[iv.size() - 2].t_s : 0));
  for (auto it = iv.rbegin(); it != iv.rend(); ++it)
    if (last.t_s - it->t_s >= span) {
      h.final_queue_trend = (last.queue - it->queue) / (last.t_s - it->t_s);
      break;
    }
  return h;
}

const char* to_string(PointClass c) {
  switch (c) {
    case PointClass::Stable: return "stable";
    case PointClass::Metastable: return "metastable";
    case PointClass::Overloaded: return "overloaded";
  }
  return "stable";
}

namespace {

/// True when every service's capacity is constant and at least the first
/// attempts it receives at constant demand (the users' demand times the
/// fan-outs along every path to it, spec/graph.md): from an empty system
/// every attempt is then served in the step it is sent and every call
/// answers at once, so nothing times out or retries (docs/model.md, 5.6).
bool serves_everything_at_once(const Scenario& s) {
  if (!has_calls(s))  // one service: no graph to build (a map asks at every point)
    return s.demand.base_rate <= s.server.capacity && !s.server.capacity_schedule && !s.server.admission.enabled;
  const ServiceGraph graph(s);
  std::vector<double> load(graph.size(), 0.0);
  load[graph.order().front()] = s.demand.base_rate;
  for (ServiceId v : graph.order()) {
    const Server& server = graph.server(v);
    if (server.capacity_schedule || server.admission.enabled || load[v] > server.capacity) return false;
    for (auto [e, end] = boost::out_edges(v, graph.graph()); e != end; ++e)
      load[boost::target(*e, graph.graph())] += static_cast<double>(graph.graph()[*e].call->fan_out) * load[v];
  }
  return true;
}

/// spec/system.md: the class from the run without trigger and the run with it.
PointVerdict verdict(const Scenario& scenario, const RunHealth& base, const RunHealth& triggered) {
  PointVerdict v;
  v.recovery_s = triggered.recovery_s;
  v.goodput_ratio = triggered.goodput_ratio_at_end;
  if (!base.healthy_at_end)
    v.point_class = PointClass::Overloaded;
  else
    v.point_class = triggered.recovered ? PointClass::Stable : PointClass::Metastable;
  if (v.point_class == PointClass::Metastable) v.drains_at_s = drained_recovery_at_s(scenario, triggered.final_queue, triggered.end_s);
  return v;
}

}  // namespace

PointVerdict classify_point(const Scenario& scenario, const SolverOptions& options) {
  SolverOptions decided = options;
  decided.stop_when_decided = true;  // the verdict only needs the health, not every interval
  Scenario baseline = without_trigger(scenario);
  // Constant demand within constant capacity, from an empty system: every
  // step serves its demand at once, so the run is healthy throughout
  // (docs/model.md, 5.6). No need to solve it. (Not so when capacity follows
  // a schedule, or admission control refuses jobs: docs/model.md, 10.10.)
  // Only the health is needed, not the curves: stream the intervals.
  auto verdict_of = [&decided](const Scenario& s) {
    HealthTracker tracker(s);
    SolverOptions streamed = decided;
    streamed.on_interval = [&tracker](const Interval& x) { tracker.add(x); };
    RunResult r = solve(s, streamed);
    return tracker.finish(r.rest);
  };
  RunHealth base;
  base.recovery_s = 0;
  if (!serves_everything_at_once(baseline)) base = verdict_of(baseline);
  RunHealth triggered = has_trigger(scenario) ? verdict_of(scenario) : base;
  return verdict(scenario, base, triggered);
}

PointVerdict classify_point_fully(const Scenario& scenario, const SolverOptions& options) {
  Scenario baseline = without_trigger(scenario);
  RunHealth base = assess_run(baseline, solve(baseline, options));
  RunHealth triggered = assess_run(scenario, solve(scenario, options));
  return verdict(scenario, base, triggered);
}

std::string describe_run(const Scenario& scenario, const RunHealth& h) {
  char line[256];
  std::string out = "Scenario: " + scenario.name + "\n";
  if (!h.storm_start_s) {
    out += "Healthy throughout: goodput kept up with demand in every interval.\n";
  } else {
    std::snprintf(line, sizeof line, "Storm: goodput fell below 95%% of demand in the interval %g-%g s",
                  *h.storm_start_s, h.storm_first_interval_end_s);
    out += line;
    if (h.trigger_end_s > 0) {
      std::snprintf(line, sizeof line, " (the trigger ends at t = %.0f s).\n", h.trigger_end_s);
      out += line;
    } else {
      out += ".\n";
    }
    if (h.recovered) {
      std::snprintf(line, sizeof line, "Recovered: healthy again %.0f s after the trigger ended, and to the end.\n",
                    h.recovery_s.value_or(0));
      out += line;
      if (h.gave_up_after_trigger >= 1) {
        std::snprintf(line, sizeof line, "After the trigger ended, %.0f more %s up.\n",
                      h.gave_up_after_trigger,
                      std::round(h.gave_up_after_trigger) == 1 ? "job gave" : "jobs gave");
        out += line;
      }
      if (flood_outlasts_recovery(h)) {
        std::snprintf(line, sizeof line,
                      "But retries kept the offered load above 1.5 x demand until t = %.0f s.\n", *h.flood_end_s);
        out += line;
      }
    } else {
      std::snprintf(line, sizeof line,
                    "Not recovered: still unhealthy at the end (t = %g s); goodput is %.0f%% of demand "
                    "(healthy: at least 95%%).\n",
                    scenario.duration_s, 100 * h.goodput_ratio_at_end);
      out += line;
      // Tell a self-sustaining overload from a backlog that only needs time.
      if (h.final_queue_trend > 1e-6 * scenario.server.capacity) {
        std::snprintf(line, sizeof line,
                      "The queue (%.0f attempts) is still growing, by %.0f/s: the overload sustains itself.\n",
                      h.final_queue, h.final_queue_trend);
        out += line;
      } else if (h.final_queue_trend < -1e-6 * scenario.server.capacity) {
        std::snprintf(line, sizeof line,
                      "The queue (%.0f attempts) is draining at %.0f/s: at that pace it empties in about %.0f s; "
                      "a longer duration_s would show whether the run recovers.\n",
                      h.final_queue, -h.final_queue_trend, h.final_queue / -h.final_queue_trend);
        out += line;
      }
    }
  }
  if (h.base_demand > 0) {
    std::snprintf(line, sizeof line, "Peak offered load: %.0f attempts/s at t = %.0f s, %.1f x the base demand of %.0f jobs/s.\n",
                  h.peak_offered, h.peak_offered_t_s, h.peak_offered / h.base_demand, h.base_demand);
    out += line;
  }
  std::snprintf(line, sizeof line, "Server work wasted on timed-out attempts: %.0f%%; jobs that gave up: %.0f.\n",
                100 * h.wasted_share, h.gave_up_jobs);
  out += line;
  // What the policies did, when they did anything.
  std::string policies;
  // A count agrees with its number: "1 retry denied", "2 retries denied".
  auto part = [&](double amount, const char* one, const char* many) {
    if (amount < 0.5) return;
    std::snprintf(line, sizeof line, "%s%.0f %s", policies.empty() ? "" : "; ", amount,
                  std::round(amount) == 1 ? one : many);
    policies += line;
  };
  part(h.throttled, "attempt refused by the clients themselves",
       "attempts refused by the clients themselves");
  part(h.denied, "retry denied by a token bucket, quota or budget",
       "retries denied by a token bucket, quota or budget");
  part(h.stopped, "job stopped by the server's signal", "jobs stopped by the server's signal");
  part(h.shed, "attempt of a job refused by admission control",
       "attempts of jobs refused by admission control");
  if (!policies.empty()) out += "Policies: " + policies + ".\n";
  return out;
}

}  // namespace sg
