#include "analysis/hysteresis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sg {

Scenario hysteresis_scenario(const Scenario& scenario, const HysteresisRamp& ramp) {
  Scenario s = scenario;
  const double half = std::max(1.0, std::fabs(ramp.to_rate - ramp.from_rate) / std::max(ramp.speed, 1e-9));
  s.demand.surge.reset();
  s.server.outage = Outage{0, 0, 1.0};
  s.demand.profile = std::vector<std::pair<double, double>>{{0, ramp.from_rate}, {half, ramp.to_rate}, {2 * half, ramp.from_rate}};
  s.duration_s = 2 * half;
  // About 400 points per branch, on whole seconds when the ramp is long.
  s.step_s = std::max(1.0, std::round(half / 400));
  if (s.step_s > s.duration_s) s.step_s = s.duration_s;
  return s;
}

HysteresisLoop hysteresis_loop(const Scenario& scenario, const RunResult& run) {
  HysteresisLoop loop;
  const double half = scenario.duration_s / 2;
  double previous = 0;
  for (const Interval& i : run.intervals) {
    HysteresisPoint p{i.demand, i.offered, i.goodput};
    (previous < half ? loop.up : loop.down).push_back(p);
    previous = i.t_s;
  }
  // The band: where, at the same demand, the way down serves clearly less
  // than the way up (a state the system got into and cannot leave).
  const double threshold = 0.05 * scenario.server.capacity;
  auto goodput_up_at = [&](double demand) {
    // The up branch's demand rises with time: interpolate in it.
    for (std::size_t k = 1; k < loop.up.size(); ++k) {
      const HysteresisPoint &a = loop.up[k - 1], &b = loop.up[k];
      if ((a.demand - demand) * (b.demand - demand) <= 0 && a.demand != b.demand)
        return a.goodput + (b.goodput - a.goodput) * (demand - a.demand) / (b.demand - a.demand);
    }
    return loop.up.empty() ? 0.0 : loop.up.back().goodput;
  };
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const HysteresisPoint& p : loop.down) {
    if (goodput_up_at(p.demand) - p.goodput > threshold) {
      lo = std::min(lo, p.demand);
      hi = std::max(hi, p.demand);
    }
  }
  if (lo < hi) {
    loop.band_lo = lo;
    loop.band_hi = hi;
    // Within two points of the way down's ends (its outermost points may
    // fall outside the way up's range, where the branches are not compared).
    double lowest = std::numeric_limits<double>::infinity(), highest = -lowest, spacing = 0;
    for (std::size_t k = 0; k < loop.down.size(); ++k) {
      lowest = std::min(lowest, loop.down[k].demand);
      highest = std::max(highest, loop.down[k].demand);
      if (k > 0) spacing = std::max(spacing, std::fabs(loop.down[k].demand - loop.down[k - 1].demand));
    }
    loop.band_reaches_sweep_start = lo <= lowest + 2 * spacing;
    loop.band_reaches_turn = hi >= highest - 2 * spacing;
  }
  return loop;
}

std::string hysteresis_csv(const HysteresisLoop& loop) {
  std::string out = "branch,demand,offered,goodput\n";
  char line[128];
  for (const auto* branch : {&loop.up, &loop.down})
    for (const HysteresisPoint& p : *branch) {
      std::snprintf(line, sizeof line, "%s,%.10g,%.10g,%.10g\n", branch == &loop.up ? "up" : "down", p.demand,
                    p.offered, p.goodput);
      out += line;
    }
  return out;
}

}  // namespace sg
