#include "support/run_helpers.h"

#include <cmath>
#include <stdexcept>

namespace sg::test {

Scenario steady(double demand, double capacity, long long max_attempts, double duration_s) {
  Scenario s;
  s.duration_s = duration_s;
  s.demand.base_rate = demand;
  s.demand.surge.reset();
  s.server.capacity = capacity;
  s.client.max_attempts = max_attempts;
  return s;
}

double window_mean(const RunResult& run, double Interval::*field, double t0, double t1) {
  double sum = 0, length = 0, previous = 0;
  for (const Interval& i : run.intervals) {
    if (i.t_s > t0 + 1e-9 && i.t_s <= t1 + 1e-9) {
      sum += i.*field * (i.t_s - previous);
      length += i.t_s - previous;
    }
    previous = i.t_s;
  }
  if (length <= 0) throw std::invalid_argument("empty window");
  return sum / length;
}

double total(const RunResult& run, double Interval::*field) {
  double sum = 0, previous = 0;
  for (const Interval& i : run.intervals) {
    sum += i.*field * (i.t_s - previous);
    previous = i.t_s;
  }
  return sum;
}

const Interval& at(const RunResult& run, double t_s) {
  const Interval* best = &run.intervals.front();
  for (const Interval& i : run.intervals)
    if (std::fabs(i.t_s - t_s) < std::fabs(best->t_s - t_s)) best = &i;
  return *best;
}

}  // namespace sg::test
