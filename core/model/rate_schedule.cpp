#include "model/rate_schedule.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sg {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace

void RateSchedule::add(double t0, double t1, double v0, double v1) {
  if (!(t1 > t0) || (v0 == 0 && v1 == 0)) return;
  pieces_.push_back({t0, t1, v0, v1});
}

double RateSchedule::at(double t) const {
  double rate = 0;
  for (const Piece& p : pieces_) {
    if (t < p.t0 || t >= p.t1) continue;
    rate += std::isinf(p.t1) ? p.v0 : p.v0 + (p.v1 - p.v0) * (t - p.t0) / (p.t1 - p.t0);
  }
  return rate;
}

double RateSchedule::piece_integral(const Piece& p, double a, double b) {
  double lo = std::max(a, p.t0), hi = std::min(b, p.t1);
  if (!(hi > lo)) return 0;
  if (std::isinf(p.t1) || p.v0 == p.v1) return p.v0 * (hi - lo);
  double slope = (p.v1 - p.v0) / (p.t1 - p.t0);
  double mid = 0.5 * (lo + hi);
  return (p.v0 + slope * (mid - p.t0)) * (hi - lo);  // the midpoint rule is exact for a linear rate
}

double RateSchedule::integral(double a, double b) const {
  double sum = 0;
  for (const Piece& p : pieces_) sum += piece_integral(p, a, b);
  return sum;
}

std::vector<double> RateSchedule::breakpoints() const {
  std::vector<double> t;
  for (const Piece& p : pieces_) {
    t.push_back(p.t0);
    if (!std::isinf(p.t1)) t.push_back(p.t1);
  }
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

double RateSchedule::before(double t) const {
  double rate = 0;
  for (const Piece& p : pieces_) {
    if (t <= p.t0 || t > p.t1) continue;
    rate += std::isinf(p.t1) ? p.v0 : p.v0 + (p.v1 - p.v0) * (t - p.t0) / (p.t1 - p.t0);
  }
  return rate;
}

void RateSchedule::add_slot_integrals(double h, long first_slot, long count, double* slots) const {
  // Slot n of the run is slots[n - first_slot].
  double* out_base = slots - first_slot;
  const long end_slot = first_slot + count;  // exclusive
  for (const Piece& p : pieces_) {
    long first = std::max(first_slot, static_cast<long>(std::floor(p.t0 / h)));
    long last = std::isinf(p.t1) ? end_slot - 1
                                 : std::min(end_slot - 1, static_cast<long>(std::floor(p.t1 / h)));
    if (first > last) continue;
    double* out = out_base;
    if (std::isinf(p.t1) || p.v0 == p.v1) {
      // A constant piece: whole steps inside it get v0 * h; only its two
      // partial steps need the general integral.
      const double whole = p.v0 * h;
      long inner_first = first, inner_last = last;
      while (inner_first <= inner_last && static_cast<double>(inner_first) * h < p.t0) {
        out[inner_first] += piece_integral(p, inner_first * h, (inner_first + 1) * h);
        ++inner_first;
      }
      while (inner_last >= inner_first && static_cast<double>(inner_last + 1) * h > p.t1) {
        out[inner_last] += piece_integral(p, inner_last * h, (inner_last + 1) * h);
        --inner_last;
      }
      for (long n = inner_first; n <= inner_last; ++n) out[n] += whole;
      continue;
    }
    for (long n = first; n <= last; ++n) out[n] += piece_integral(p, n * h, (n + 1) * h);
  }
}

double RateSchedule::time_to_accumulate(double from, double amount) const {
  double t = from;
  while (amount > 0) {
    // The rate is constant from t to the next breakpoint.
    double next = kInfinity;
    for (const Piece& p : pieces_) {
      if (p.t0 > t) next = std::min(next, p.t0);
      if (p.t1 > t) next = std::min(next, p.t1);
    }
    double rate = at(t);
    if (rate > 0 && t + amount / rate <= next) return t + amount / rate;
    if (std::isinf(next)) return kInfinity;
    amount -= rate * (next - t);
    t = next;
  }
  return t;
}

RateSchedule demand_schedule(const Scenario& s) {
  RateSchedule d;
  if (s.demand.profile) {
    const auto& pts = *s.demand.profile;
    d.add(0, pts.front().first, pts.front().second, pts.front().second);
    for (std::size_t i = 1; i < pts.size(); ++i)
      d.add(pts[i - 1].first, pts[i].first, pts[i - 1].second, pts[i].second);
    d.add(pts.back().first, kInfinity, pts.back().second, pts.back().second);
    return d;
  }
  d.add(0, kInfinity, s.demand.base_rate, s.demand.base_rate);
  if (s.demand.surge && s.demand.surge->extra_rate > 0 && s.demand.surge->duration_s > 0) {
    const Surge& g = *s.demand.surge;
    double start = g.start_s, end = g.start_s + g.duration_s;
    double ramp = std::min(g.ramp_s, 0.5 * g.duration_s);
    // A triangle, when the ramps meet, peaks at extra_rate * (duration/2) / ramp_s.
    double peak = g.ramp_s > 0 ? g.extra_rate * std::min(1.0, ramp / g.ramp_s) : g.extra_rate;
    d.add(start, start + ramp, 0, peak);
    d.add(start + ramp, end - ramp, peak, peak);
    d.add(end - ramp, end, peak, 0);
  }
  return d;
}

RateSchedule capacity_schedule(const Scenario& s) {
  // The base capacity, piecewise constant: `capacity`, then each scheduled step.
  std::vector<std::pair<double, double>> steps = {{0.0, s.server.capacity}};
  if (s.server.capacity_schedule)
    for (auto [t, c] : *s.server.capacity_schedule) steps.emplace_back(t, c);
  RateSchedule c;
  const Outage& o = s.server.outage;
  const bool outage = o.duration_s > 0 && o.capacity_factor != 1.0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const double t0 = steps[i].first, t1 = i + 1 < steps.size() ? steps[i + 1].first : kInfinity;
    if (t1 <= t0) continue;  // replaced by a later point at the same time
    const double base = steps[i].second;
    c.add(t0, t1, base, base);
    // The outage multiplies whatever capacity is scheduled inside it.
    if (outage) {
      const double a = std::max(t0, o.start_s), b = std::min(t1, o.start_s + o.duration_s);
      const double delta = base * (o.capacity_factor - 1.0);
      if (b > a && delta != 0) c.add(a, b, delta, delta);
    }
  }
  return c;
}

double last_overload_s(const RateSchedule& load, double factor, const RateSchedule& capacity, double duration_s) {
  std::vector<double> cuts = load.breakpoints();
  for (double t : capacity.breakpoints()) cuts.push_back(t);
  cuts.push_back(0);
  cuts.push_back(duration_s);
  std::sort(cuts.begin(), cuts.end());
  double last = -1;
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const double t = cuts[i];
    if (t < 0 || t > duration_s) continue;
    // Overload just after t lasts at most to the next cut.
    if (factor * load.at(t) >= capacity.at(t)) last = i + 1 < cuts.size() ? std::min(cuts[i + 1], duration_s) : duration_s;
    if (t > 0 && factor * load.before(t) >= capacity.before(t)) last = std::max(last, t);
  }
  return last;
}

double first_overload_s(const RateSchedule& load, double factor, const RateSchedule& capacity, double from,
                        double duration_s) {
  std::vector<double> cuts = load.breakpoints();
  for (double t : capacity.breakpoints()) cuts.push_back(t);
  cuts.push_back(from);
  cuts.push_back(duration_s);
  std::sort(cuts.begin(), cuts.end());
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const double t = cuts[i];
    if (t < from || t > duration_s) continue;
    const double next = i + 1 < cuts.size() ? std::min(cuts[i + 1], duration_s) : duration_s;
    if (factor * load.at(t) >= capacity.at(t)) return t;
    if (next > t && factor * load.before(next) >= capacity.before(next)) return t;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace sg
