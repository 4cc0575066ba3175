#include "model/station.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sg::fluid {

double Station::begin_step(long n, double length) {
  current.clear();
  completed_by_deadline.clear();
  completed = 0;
  double mass = capacity_mass[static_cast<std::size_t>(n)];
  if (autoscaler && autoscaler->added() > 0) {
    const double t0 = static_cast<double>(n) * h;
    mass += autoscaler->added_mass(t0, t0 + length);
  }
  step_capacity = mass;
  sums.capacity += mass;
  return mass;
}

double Station::serve_older(long n, double left) {
  const std::size_t Q = q_count();
  if (drop && left > 0) drop_head(n, 1);
  while (left > 0 && head < n) {
    const long j = head, age = n - j;
    double total = 0;
    // Expired shares behind an unexpired one at the head are discarded as
    // the service front reaches them (a population with a shorter timeout
    // expires first).
    for (std::size_t q = 0; q < Q; ++q) total += drop ? drop_expired_share(j, q, n, 1) : remaining[at(j, q)];
    if (total <= 0) {
      ++head;
      continue;
    }
    const double take = std::min(total, left), part = take / total;
    left -= take;
    queue -= take;
    completed += take;
    for (std::size_t q = 0; q < Q; ++q) {
      double& r = remaining[at(j, q)];
      const double t = take == total ? r : r * part;
      r -= t;
      if (t <= 0) continue;
      const long timeout = timeout_age(q, j);
      if (deadline_reach > 0) completed_by_deadline.push_back({j + timeout, t});
      if (drop || age < timeout) {
        served_in_time(q, j, t, n, age == timeout);
      } else if (age > timeout) {
        sums.wasted += t;  // its sender had timed out: wasted at completion
      } else {
        // Served in the step its sender times out: half in time (docs/model.md, 5.2).
        served_in_time(q, j, 0.5 * t, n, true);
        sums.wasted += 0.5 * t;
        boundary[at(j, q)] += t;
      }
    }
    if (take < total) break;
    ++head;
  }
  if (head == n) queue = 0;
  return left;
}

void Station::time_out(long n) {
  auto expire = [&](std::size_t q, long e) {
    const double late = remaining[at(e, q)] + 0.5 * boundary[at(e, q)] + dropped_early[at(e, q)];
    if (late <= 0) return;
    sums.timeouts += late;
    early[q].push_back({e, late / admitted[at(e, q)]});
  };
  for (std::size_t q = 0; q < q_count(); ++q) {
    const long e = n - timeout_steps[q];
    if (deadline_cycle[q] == 0) {
      if (e >= 0) expire(q, e);
      continue;
    }
    // A deadline group (docs/model.md, 11.17): at one of its deadline steps
    // every cohort of it still out times out; otherwise the cohort one
    // timeout old, unless its deadline came first.
    if (deadline_of(q, n - 1) == n) {
      for (long j = std::max({0L, e, n - deadline_cycle[q] + 1}); j < n; ++j) expire(q, j);
    } else if (e >= 0 && deadline_of(q, e) > n) {
      expire(q, e);
    }
  }
  if (drop && capacity_mass[static_cast<std::size_t>(n)] > 0) drop_head(n, 0);
}

void Station::served_in_time(std::size_t q, long j, double mass, long n, bool at_deadline) {
  if (mass <= 0) return;
  if (calls.empty()) {
    sums.goodput += mass;
    success[q].push_back({j, mass / admitted[at(j, q)]});
    return;
  }
  const long deadline = j + timeout_age(q, j);
  // With deadline propagation the attempts whose deadline binds the jobs
  // they start await in a batch of their deadline (docs/model.md, 11.17).
  const long key = deadline_reach > 0 && deadline - n < deadline_reach ? deadline : -1;
  Batch* batch = nullptr;
  for (Batch* b : current)
    if (b->key == key) batch = b;
  if (!batch) {
    if (spare_batches.empty()) {
      batches.emplace_back();
    } else {
      batches.splice(batches.end(), spare_batches, spare_batches.begin());
      batches.back().awaiting.clear();
      batches.back().success = batches.back().error = 0;
    }
    batch = &batches.back();
    batch->step = n;
    batch->key = key;
    current.push_back(batch);
  }
  batch->awaiting.push_back({static_cast<int>(q), j, mass, deadline, at_deadline});
}

void Station::drop_head(long n, long extra) {
  while (head < n) {
    const long j = head;
    double left = 0;
    for (std::size_t q = 0; q < q_count(); ++q) left += drop_expired_share(j, q, n, extra);
    if (left > 0) break;
    ++head;
  }
  if (head == n) queue = 0;
}

double Station::drop_expired_share(long j, std::size_t q, long n, long extra) {
  double& r = remaining[at(j, q)];
  const long age = n - j;
  if (r > 0 && age >= drop_age(q, j) + extra) {
    sums.dropped += r;
    queue -= r;
    // Its sender has not timed out yet: it will, learning nothing.
    const long timeout = timeout_age(q, j);
    if (extra == 1 ? age <= timeout : age < timeout) dropped_early[at(j, q)] += r;
    r = 0;
  }
  return r;
}

Interval Station::close_interval(long n, double length, double end_s) {
  Interval out;
  out.t_s = end_s;
  out.demand = sums.demand / length;
  out.offered = sums.offered / length;
  out.retries = sums.retries / length;
  out.rejected = sums.rejected / length;
  out.served = sums.served / length;
  out.goodput = sums.goodput / length;
  out.wasted = sums.wasted / length;
  out.dropped = sums.dropped / length;
  out.timeouts = sums.timeouts / length;
  out.gave_up = sums.gave_up / length;
  out.failed = sums.failed / length;
  out.throttled = sums.throttled / length;
  out.denied = sums.denied / length;
  out.stopped = sums.stopped / length;
  out.shed = sums.shed / length;
  out.capacity = sums.capacity / length;
  out.queue = std::max(0.0, queue);
  double awaiting_mass = 0;
  for (const std::list<Batch>* list : {&batches, &late_batches})
    for (const Batch& b : *list)
      for (const Awaiting& a : b.awaiting) awaiting_mass += a.mass > 0 ? a.mass - a.good - a.bad : 0;
  out.waiting = awaiting_mass;
  out.wait_s = wait_at_end_of(n);
  sums = Sums{};
  return out;
}

double Station::wait_at_end_of(long n) const {
  const double now = static_cast<double>(n + 1) * h;
  if (!drop) return time_to_serve(now, std::max(0.0, queue)) - now;
  double t = now;
  for (long j = head; j <= n; ++j)
    for (std::size_t q = 0; q < q_count(); ++q) {
      const double r = remaining[at(j, q)];
      if (r <= 0) continue;
      const long reached = static_cast<long>(std::floor(t / h + 1e-9));
      if (reached - j > drop_age(q, j)) continue;
      t = time_to_serve(t, r);
    }
  return t - now;
}

bool Station::serves_only_late_until(long n, long last, long late, double arrivals) const {
  if (drop || !(arrivals >= 0)) return false;
  long j = head;
  auto cohort_mass = [&](long k) {
    if (k > n) return arrivals;  // the steady cohorts after step n
    double m = 0;
    for (std::size_t q = 0; q < q_count(); ++q) m += remaining[at(k, q)];
    return m;
  };
  double mass = cohort_mass(j);  // what is left of cohort j
  for (long m = n + 1; m <= last; ++m) {
    double left = capacity_mass[static_cast<std::size_t>(m)];
    while (left > 0) {
      while (mass <= 0) {
        // Nothing more arrives: the queue empties and later attempts are
        // served in their own step.
        if (j > n && arrivals <= 0) return false;
        mass = cohort_mass(++j);
      }
      if (j >= m || m - j <= late) return false;
      const double take = std::min(mass, left);
      mass -= take;
      left -= take;
    }
  }
  return true;
}

double Station::admission_end_s() const {
  const Admission& a = server->admission;
  return a.duration_s > 0 ? a.start_s + a.duration_s : std::numeric_limits<double>::infinity();
}

double Station::shed_share(long n) const {
  if (!admission || admission_lifted) return 0;
  const double t0 = static_cast<double>(n) * h;
  const double inside = std::min(t0 + h, admission_end_s()) - std::max(t0, server->admission.start_s);
  return std::clamp(inside / h, 0.0, 1.0) * (1.0 - server->admission.share);
}

double Station::stop_share(long n) const {
  const StopSignal& signal = server->stop_signal;
  if (!signal.enabled) return 0;
  const double after = std::clamp((static_cast<double>(n + 1) * h - signal.start_s) / h, 0.0, 1.0);
  return after * signal.share * (1.0 - signal.ignored_share);
}

}  // namespace sg::fluid
