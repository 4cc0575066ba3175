/// A service's autoscaler (docs/scenario-extensions.md, server.autoscaling;
/// docs/model.md, 10.8): capacity added in steps when utilisation stays at
/// the threshold over a window, landing after the provisioning delay, never
/// removed. One per service that has it, single or in a graph (11.15).
#pragma once

#include <vector>

#include "model/rate_schedule.h"
#include "scenario/scenario.h"

namespace sg::fluid {

class Autoscaler {
public:
  /// For `server` (its own autoscaling, schedule and outage), in steps of `h`
  /// seconds, over a run of `run_steps` steps (a window longer than the run
  /// keeps no more slots than the run has steps: it never fills).
  Autoscaler(const Server& server, double h, long run_steps);

  /// The capacity added so far (attempts/s, outage aside).
  double added() const { return added_; }

  /// What the added capacity serves over [t0, t1]: it suffers the outage like the rest.
  double added_mass(double t0, double t1) const { return added_ * outage_factor_.integral(t0, t1); }

  /// Closes step n, in which the service had `capacity` and used `served` of it.
  void end_step(long n, double capacity, double served);

  /// The time at which the service, from `from` on, has served `amount`: at
  /// its scheduled `capacity` (outage included) plus what has been added so far.
  double time_to_serve(const RateSchedule& capacity, double from, double amount) const;

private:
  void land();

  Autoscaling rules_;
  double h_;
  RateSchedule outage_factor_, scheduled_capacity_;  // factor(t), and capacity(t) outage aside
  long window_steps_ = 1, delay_steps_ = 0;
  double added_ = 0, pending_ = 0;
  long lands_at_ = -1, filled_ = 0;
  std::vector<double> served_, capacity_;  // the window's steps, a ring
  double served_sum_ = 0, capacity_sum_ = 0;
};

}  // namespace sg::fluid
