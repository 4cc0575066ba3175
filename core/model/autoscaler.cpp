#include "model/autoscaler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sg::fluid {

Autoscaler::Autoscaler(const Server& server, double h, long run_steps) : rules_(server.autoscaling), h_(h) {
  // Added capacity suffers the outage like the rest; the maximum bounds
  // the scheduled capacity (outage aside) plus what was added.
  const Outage& o = server.outage;
  outage_factor_.add(0, std::numeric_limits<double>::infinity(), 1, 1);
  if (o.duration_s > 0 && o.capacity_factor != 1.0)
    outage_factor_.add(o.start_s, o.start_s + o.duration_s, o.capacity_factor - 1, o.capacity_factor - 1);
  Scenario without_outage;
  without_outage.server = server;
  without_outage.server.calls.clear();
  without_outage.server.outage = Outage{0, 0, 1.0};
  scheduled_capacity_ = capacity_schedule(without_outage);
  window_steps_ = std::max(1L, std::lround(rules_.window_s / h));
  delay_steps_ = std::max(0L, std::lround(rules_.delay_s / h));
  // Step n of the run uses slot n % window_steps_: with a window longer
  // than the run, n itself (docs/model.md, 5.4: buffers no longer than the run).
  const auto slots = static_cast<std::size_t>(std::min(window_steps_, std::max(1L, run_steps + 1)));
  served_.assign(slots, 0.0);
  capacity_.assign(slots, 0.0);
}

void Autoscaler::end_step(long n, double capacity, double served) {
  if (lands_at_ >= 0 && n + 1 >= lands_at_) {
    land();
    return;
  }
  const std::size_t slot = static_cast<std::size_t>(n % window_steps_);
  served_sum_ += served - served_[slot];
  capacity_sum_ += capacity - capacity_[slot];
  served_[slot] = served;
  capacity_[slot] = capacity;
  filled_ = std::min(filled_ + 1, window_steps_);
  // A window with no capacity (a total outage) says nothing of utilisation.
  const double planned = scheduled_capacity_.before(static_cast<double>(n + 1) * h_) + added_;
  if (lands_at_ < 0 && filled_ == window_steps_ && capacity_sum_ > 0 &&
      served_sum_ >= rules_.threshold * capacity_sum_ * (1 - 1e-12) && planned < rules_.max_capacity) {
    pending_ = std::min(rules_.step, rules_.max_capacity - planned);
    lands_at_ = n + 1 + delay_steps_;
    if (delay_steps_ == 0) land();
  }
}

void Autoscaler::land() {
  added_ += pending_;
  pending_ = 0;
  lands_at_ = -1;
  filled_ = 0;  // the window starts again with the new capacity
  served_sum_ = capacity_sum_ = 0;
  std::fill(served_.begin(), served_.end(), 0.0);
  std::fill(capacity_.begin(), capacity_.end(), 0.0);
}

double Autoscaler::time_to_serve(const RateSchedule& capacity, double from, double amount) const {
  if (added_ <= 0) return capacity.time_to_accumulate(from, amount);
  auto served = [&](double t) { return capacity.integral(from, t) + added_mass(from, t); };
  // Outside an outage at least the added capacity serves: widen until it is enough.
  double lo = from, hi = from + amount / added_;
  while (served(hi) < amount) {
    if (hi - from > 1e12) return std::numeric_limits<double>::infinity();
    lo = hi;
    hi = from + 2 * (hi - from);
  }
  for (int i = 0; i < 200 && hi - lo > 1e-13 * std::max(1.0, hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    (served(mid) < amount ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace sg::fluid
