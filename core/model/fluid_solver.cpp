#include "model/fluid_solver.h"

#include <algorithm>
#include <memory>
#include <cmath>
#include <limits>
#include <string>

#include "model/autoscaler.h"
#include "model/client_gates.h"
#include "model/collapse_drain.h"
#include "model/graph_solver.h"
#include "model/rate_schedule.h"
#include "model/retry_policy.h"
#include "scenario/input_error.h"
#include "scenario/number_text.h"

namespace sg {
namespace {

/// Step masses are computed this many steps at a time.
constexpr long kMassChunk = 2048;

/// Steps per timeout the solver aims for by default (docs/model.md, section 6).
constexpr double kStepsPerTimeout = 25;
/// The most steps one run may take.
constexpr double kMaxSteps = 1e7;

/// How many steps after its sending a rejection fails its job: the reject
/// latency, or the (discretised) timeout when that comes first
/// (spec/system.md, "The client"; docs/model.md, 5.1).
double reject_delay_steps(const Scenario& s, double h) {
  const double timeout_steps = static_cast<double>(std::max(1L, std::lround(s.client.timeout_s / h)));
  return std::min(s.server.reject_latency_s / h, timeout_steps);
}

/// Rates summed over the steps of the current output interval.
struct Sums {
  double demand = 0, offered = 0, retries = 0, rejected = 0, goodput = 0, wasted = 0, dropped = 0,
         timeouts = 0, gave_up = 0;
  double throttled = 0, denied = 0, stopped = 0, shed = 0, capacity = 0;

  void add(const Sums& o) {
    throttled += o.throttled;
    denied += o.denied;
    stopped += o.stopped;
    shed += o.shed;
    capacity += o.capacity;
    demand += o.demand;
    offered += o.offered;
    retries += o.retries;
    rejected += o.rejected;
    goodput += o.goodput;
    wasted += o.wasted;
    dropped += o.dropped;
    timeouts += o.timeouts;
    gave_up += o.gave_up;
  }
};

/// One run of the fluid model on a grid of step h (docs/model.md, section 5).
/// Step n covers [n h, (n+1) h). Attempts sent in step n form cohort n; the
/// queue is the list of cohorts still holding mass, oldest first. Without
/// `Policies` the policies of docs/model.md section 10 are compiled out:
/// spec/system.md's model runs as fast as it did before they existed.
template <bool Policies>
class FluidRun {
  static constexpr bool P = Policies;

public:
  FluidRun(const FluidRun&) = delete;  // its client gates watch its own step sums
  FluidRun& operator=(const FluidRun&) = delete;
  FluidRun(const Scenario& s, double h, const SolverOptions& options)
      : s_(s),
        h_(h),
        // A horizon that is not a whole number of steps ends inside the last one.
        steps_(std::max(1L, static_cast<long>(std::ceil(s.duration_s / h - 1e-9)))),
        steps_per_interval_(std::max(1L, std::lround(s.step_s / h))),
        timeout_steps_(std::max(1L, std::lround(s.client.timeout_s / h))),
        // A rejection reaches its client L/h steps later: floor(L/h) steps for a
        // share 1 - frac, one more for the rest (a point delay, docs/model.md 5.3);
        // its job fails at the timeout if that comes first (spec/system.md).
        reject_steps_(static_cast<long>(std::floor(reject_delay_steps(s, h)))),
        reject_late_share_(reject_delay_steps(s, h) - std::floor(reject_delay_steps(s, h))),
        limited_(s.server.queue_limit.has_value()),
        limit_(limited_ ? static_cast<double>(*s.server.queue_limit) : 0),
        drop_(s.server.drop_expired),
        audit_(options.audit),
        cancel_(options.cancel),
        pause_point_(options.pause_point),
        stop_when_decided_(options.stop_when_decided),
        on_interval_(options.on_interval),
        capacity_(capacity_schedule(s)),
        demand_(demand_schedule(s)),
        policy_(build_retry_policy(s.client, h)),
        gates_(s.client, h, std::lround(s.duration_s / h) + 1),
        gates_on_(gates_.active()),
        admission_on_(s.server.admission.enabled && s.server.admission.share < 1),
        autoscaling_on_(s.server.autoscaling.enabled) {
    if (admission_on_) add_shed_lane(policy_);
    gates_.watch(&step_);
    lane_classes_ = static_cast<std::size_t>(policy_.lane_classes);
    if (autoscaling_on_) autoscaler_ = std::make_unique<fluid::Autoscaler>(s.server, h, std::lround(s.duration_s / h) + 1);
    // Step masses are filled in chunks as the run reaches them (fill_masses):
    // a run that stops early never computes the rest.
    demand_mass_.reset(new double[static_cast<std::size_t>(steps_)]);
    capacity_mass_.reset(new double[static_cast<std::size_t>(steps_)]);
    // The last step ends at the horizon, however short it is.
    last_step_s_ = s.duration_s - static_cast<double>(steps_ - 1) * h;
    if (stop_when_decided_) {
      // Bounds on what the rest of the run can do (decided_rest), from the
      // rates themselves: both are piecewise linear, so their extremes and
      // crossings are at the breakpoints. The last step during which demand
      // may exceed capacity; the most the queue can fall in one step; the
      // most capacity of a step. Overestimates only delay an early stop.
      std::vector<double> cuts = demand_.breakpoints();
      for (double t : capacity_.breakpoints()) cuts.push_back(t);
      cuts.push_back(0);
      cuts.push_back(s.duration_s);
      std::sort(cuts.begin(), cuts.end());
      for (std::size_t i = 0; i < cuts.size(); ++i) {
        const double t = cuts[i];
        if (t < 0 || t > s.duration_s) continue;
        // The rates just after t, and (for t > 0) just before it.
        std::vector<std::pair<double, double>> sides = {{demand_.at(t), capacity_.at(t)}};
        if (t > 0) sides.push_back({demand_.before(t), capacity_.before(t)});
        for (auto [d, c] : sides) {
          most_drain_per_step_ = std::max(most_drain_per_step_, (c - d) * h);
          most_capacity_per_step_ = std::max(most_capacity_per_step_, c * h);
        }
      }
      const double overload_s = last_overload_s(demand_, 1.0, capacity_, s.duration_s);
      if (overload_s >= 0) last_overload_step_ = static_cast<long>(std::floor(overload_s / h)) + 1;
      last_step_demand_ = demand_.integral(s.duration_s - last_step_s_, s.duration_s);
      // The trigger's last jobs are done M timeouts and backoffs after its end.
      if (collapse_drain_rate(s))
        steady_collapse_from_ = static_cast<long>(std::ceil(
            (trigger_end_s(s) + static_cast<double>(*s.client.max_attempts) *
                                    (s.client.timeout_s + static_cast<double>(policy_.max_offset + 2) * h)) / h));
    }
    classes_ = policy_.classes.size();
    // Written at each step before anything reads them: no need to clear.
    admitted_.reset(new double[static_cast<std::size_t>(steps_)]);
    remaining_.reset(new double[static_cast<std::size_t>(steps_)]);
    // Buffers need not reach past the horizon: nothing due after it is ever read.
    composition_slots_ = std::min(timeout_steps_, steps_) + 1;
    composition_.assign(static_cast<std::size_t>(composition_slots_) * classes_, 0.0);
    ring_size_ = 2;
    while (ring_size_ < std::min<long>(policy_.max_offset, steps_) + 2) ring_size_ *= 2;
    ring_mask_ = ring_size_ - 1;
    ring_explicit_.assign(static_cast<std::size_t>(ring_size_) * classes_, 0.0);
    ring_diff_.assign(static_cast<std::size_t>(ring_size_) * classes_, 0.0);
    ring_rate_.assign(classes_, 0.0);
    ring_run_until_.assign(classes_, 0);
    pending_slots_ = std::min(reject_steps_, steps_) + 2;
    pending_.assign(static_cast<std::size_t>(pending_slots_) * classes_, 0.0);
    // The share of rejections that reach the client within their own step.
    instant_reject_share_ = reject_steps_ == 0 ? 1.0 - reject_late_share_ : 0.0;
    failed_.assign(classes_, 0.0);
    failed_reject_.assign(classes_, 0.0);
    split_failures_ = gates_on_ || s.server.stop_signal.enabled;
    rejections_ = split_failures_ ? failed_reject_.data() : failed_.data();
    before_admission_.assign(classes_, 0.0);
    sent_.assign(classes_, 0.0);
    scheduled_.assign(classes_, 0.0);
    same_step_in_.assign(classes_, {});
    for (std::size_t c = 0; c < classes_; ++c) {
      for (const Transition& t : policy_.classes[c].on_failure) {
        const DelayKernel& k = policy_.kernels[static_cast<std::size_t>(t.kernel)];
        for (auto [offset, share] : k.explicit_mass)
          if (offset == 0 && share > 0 && instant_reject_share_ > 0) {
            same_step_in_[static_cast<std::size_t>(k.target)].push_back(
                {c, instant_reject_share_ * t.probability * share});
            has_same_step_retries_ = true;
          }
      }
    }
    kernel_mass_.assign(policy_.kernels.size(), 0.0);
    for (const DelayKernel& k : policy_.kernels) kernel_reach_.push_back(k.max_offset());
  }

  // Which policies are on; always false when they are compiled out.
  bool gates_on() const { return P && gates_on_; }
  bool admission_on() const { return P && admission_on_; }
  bool autoscaling_on() const { return P && autoscaling_on_; }
  bool split_failures() const { return P && split_failures_; }

  RunResult run() {
    RunResult result;
    result.solver_step_s = h_;
    if (!on_interval_)
      result.intervals.reserve(static_cast<std::size_t>((steps_ + steps_per_interval_ - 1) / steps_per_interval_));
    Sums interval;
    long interval_steps = 0;
    for (long n = 0; n < steps_; ++n) {
      if ((n & 1023) == 0) {
        if (pause_point_) pause_point_();
        if (cancel_ && cancel_->load(std::memory_order_relaxed)) throw Cancelled();
      }
      // The audit needs the step's own sums; otherwise they go straight
      // into the interval's.
      if (audit_) {
        Sums step;
        advance(n, step);
        interval.add(step);
        check_books(n, step, result.audit);
      } else {
        advance(n, interval);
      }
      ++interval_steps;
      if (interval_steps == steps_per_interval_ || n == steps_ - 1) {
        double length = static_cast<double>(interval_steps) * h_;
        if (n == steps_ - 1) length += last_step_s_ - h_;
        if (on_interval_)
          on_interval_(close_interval(n, interval, length));
        else
          result.intervals.push_back(close_interval(n, interval, length));
        interval = Sums{};
        interval_steps = 0;
        if (stop_when_decided_ && n < steps_ - 1) {
          result.rest = decided_rest(n);
          if (result.rest != Rest::Computed) break;
        }
      }
    }
    return result;
  }

private:
  /// docs/model.md, 5.6: whether the health of the rest of the run is
  /// already certain at the end of step n.
  Rest decided_rest(long n) {
    // Nothing queued, waiting out a backoff or on its way back, and every
    // later step's demand fits in its capacity: every later step serves all
    // its demand at once, and nothing ever queues again.
    if (head_ == n + 1 && n >= last_overload_step_ && n > busy_until_ && gates_.settled() &&
        !(admission_on() && !admission_lifted_))
      return Rest::Healthy;
    // Policies that refuse jobs (or add capacity) break the argument below.
    if (gates_on() || admission_on() || autoscaling_on()) return Rest::Computed;
    // A collapse too deep to drain: without a limit or drops, each step
    // admits at least its demand and serves at most its capacity, so the
    // queue falls by at most (capacity - demand) a step. If it still holds
    // more than T + 2 steps of the most capacity at the horizon, every attempt
    // sent from now on, and every one served in the last interval, is late.
    // Where a collapse drains (docs/model.md, 7.5), only once its flows are
    // steady: the verdict then says when it would recover, from the queue at
    // the stop, and the queue falls at exactly c - M lambda from there on.
    if (!limited_ && !drop_ && last_step_demand_ > 0 && n >= steady_collapse_from_ &&
        steps_ - 1 - n > steps_per_interval_ + timeout_steps_ + 2) {
      double lowest = queue_ - static_cast<double>(steps_ - 1 - n) * most_drain_per_step_;
      if (lowest > most_capacity_per_step_ * static_cast<double>(timeout_steps_ + 2)) return Rest::Unhealthy;
    }
    return Rest::Computed;
  }

  /// docs/model.md, section 5.1: the order of events within one step.
  /// Computes the step masses of demand and capacity from step `from` on, a chunk at a time.
  void fill_masses(long from) {
    const long count = std::min(kMassChunk, steps_ - from);
    std::fill(demand_mass_.get() + from, demand_mass_.get() + from + count, 0.0);
    std::fill(capacity_mass_.get() + from, capacity_mass_.get() + from + count, 0.0);
    demand_.add_slot_integrals(h_, from, count, demand_mass_.get() + from);
    capacity_.add_slot_integrals(h_, from, count, capacity_mass_.get() + from);
    if (from + count == steps_) {
      const double end = s_.duration_s, start = end - last_step_s_;
      demand_mass_[static_cast<std::size_t>(steps_ - 1)] = demand_.integral(start, end);
      capacity_mass_[static_cast<std::size_t>(steps_ - 1)] = capacity_.integral(start, end);
    }
    filled_to_ = from + count;
  }

  void advance(long n, Sums& out) {
    const std::size_t un = static_cast<std::size_t>(n);
    if (n >= filled_to_) fill_masses(n);
    if (admission_on() && !admission_lifted_ && static_cast<double>(n) * h_ >= admission_end_s()) lift_admission();
    const double t0 = static_cast<double>(n) * h_;
    const double step_capacity = autoscaling_on() && autoscaler_->added() > 0
                                     ? capacity_mass_[un] + autoscaler_->added_mass(t0, t0 + step_length(n))
                                     : capacity_mass_[un];
    double capacity_left = step_capacity;
    out.capacity += step_capacity;
    if (gates_on()) step_ = GateStep{};

    // A quiet step (docs/model.md, 5.1): nothing queued, nothing in backoff or
    // on its way back, and demand within capacity. All of it is served at
    // once; the general step below would compute exactly this, more slowly.
    if (n > busy_until_ && head_ == n && demand_mass_[un] <= capacity_left && (!gates_on() || gates_.settled()) &&
        (!admission_on() || shed_share(n) == 0)) {
      const double fresh = demand_mass_[un];
      admitted_[un] = fresh;
      remaining_[un] = 0;
      head_ = n + 1;
      out.demand += fresh;
      out.offered += fresh;
      out.goodput += fresh;
      if (gates_on() || autoscaling_on()) end_step(n, step_capacity, fresh, GateStep{fresh, fresh, fresh, fresh, 0, 0});
      return;
    }

    // Older cohorts are ahead of this step's arrivals: serve them first.
    // (Expired cohorts still at the head after an outage go first, at no cost.)
    if (drop_ && capacity_left > 0) drop_expired(n, timeout_steps_ + 1, out);
    const long expiring = n - timeout_steps_;
    double served_at_timeout = 0;  // of the expiring cohort, in this step
    while (capacity_left > 0 && head_ < n) {
      double& r = remaining_[static_cast<std::size_t>(head_)];
      double take = std::min(r, capacity_left);
      r -= take;
      capacity_left -= take;
      queue_ -= take;
      if (head_ > expiring) {
        out.goodput += take;
        count_success(head_, take);
      } else if (head_ < expiring) {
        out.wasted += take;
      } else if (drop_) {
        out.goodput += take;  // the server drops the expired part instead of serving it
        count_success(head_, take);
      } else {
        // The cohort's age reaches the timeout within this step: half of what
        // is served now completes in time (docs/model.md, 5.2).
        served_at_timeout = take;
        out.goodput += 0.5 * take;
        out.wasted += 0.5 * take;
        count_success(head_, 0.5 * take);
      }
      if (r > 0) break;
      ++head_;
    }
    if (head_ == n) queue_ = 0;  // the old queue is empty: drop rounding residue

    // The cohort sent one timeout ago times out for what was not served in time.
    if (expiring >= 0) {
      const std::size_t ue = static_cast<std::size_t>(expiring);
      double late = remaining_[ue] + 0.5 * served_at_timeout;
      if (late > 0) {
        double share = late / admitted_[ue];
        const double* mix = &composition_[static_cast<std::size_t>(expiring % composition_slots_) * classes_];
        for (std::size_t c = 0; c < classes_; ++c) failed_[c] += mix[c] * share;
        out.timeouts += late;
      }
      // With drop_expired the server discards it as soon as it is at the head.
      if (drop_ && capacity_mass_[un] > 0) drop_expired(n, timeout_steps_, out);
    }
    // Rejections sent reject_latency_s ago reach their clients now.
    {
      double* p = &pending_[static_cast<std::size_t>(n % pending_slots_) * classes_];
      for (std::size_t c = 0; c < classes_; ++c) {
        rejections_[c] += p[c];
        p[c] = 0;
      }
    }
    handle_failures(n, false, out);

    // What is sent now: new jobs' first attempts and the retries due now,
    // those of failures in this very step included.
    const double fresh = demand_mass_[un];
    double retries = 0;
    for (std::size_t c = 0; c < classes_; ++c) {
      sent_[c] = take_due(c, n);
      retries += sent_[c];
    }
    backlog_ -= retries;
    // Admission control splits the jobs arriving now into admitted and
    // refused ones (docs/model.md, 10.7).
    const double refused_jobs = fresh * shed_share(n);
    sent_[static_cast<std::size_t>(policy_.first_class)] += fresh - refused_jobs;
    if (refused_jobs > 0) sent_[static_cast<std::size_t>(policy_.shed_first_class)] += refused_jobs;
    // The clients' own gates: attempts refused here are never sent, and their jobs fail.
    send_share_ = 1;
    if (gates_on()) {
      step_.requested += fresh + retries;
      step_.first_requested += fresh;
      send_share_ = gates_.send_share(fresh + retries);
      if (send_share_ < 1) {
        const double refused = (fresh + retries) * (1.0 - send_share_);
        for (double& a : sent_) a *= send_share_;
        out.throttled += refused;
        out.gave_up += refused;
        step_.refused += refused;
        step_.first_refused += fresh * (1.0 - send_share_);
      }
    }
    const double fresh_sent = fresh * send_share_;

    // Admission against the queue limit (docs/model.md, 5.1): the queue may
    // hold K, and capacity left over in this step frees room as it serves.
    // Attempts of refused jobs never reach the queue.
    const double room = limited_ ? std::max(0.0, limit_ - queue_ + capacity_left) : 1e300;
    const bool burn = policy_.instant && s_.server.reject_latency_s == 0;
    double offered = 0, shed = 0, admitted = 0, rejected_share = 0;
    auto admit = [&](double share) {
      same_step_share_ = share;
      same_step_factor_ = share * (1.0 - stop_share(n)) * send_share_;
      offered = shed = 0;
      for (std::size_t c = 0; c < lane_classes_; ++c) offered += sent_[c];
      for (std::size_t c = lane_classes_; c < classes_; ++c) shed += sent_[c];
      admitted = std::min(offered, room);
      rejected_share = offered > room ? 1.0 - room / offered : 0.0;
      // Rejected attempts that fail at once and retry within this step take
      // another chance at the same room (docs/model.md, 5.1); those of
      // refused jobs are rejected again.
      if (!burn && has_same_step_retries_ && (offered > room || shed > 0)) {
        if (offered > room) {
          rejected_share = solve_same_step_retries(room);
        } else {
          std::copy(sent_.begin(), sent_.end(), scheduled_.begin());
          sweep_same_step(0);
        }
        offered = shed = 0;
        for (std::size_t c = 0; c < lane_classes_; ++c) offered += sent_[c];
        for (std::size_t c = lane_classes_; c < classes_; ++c) shed += sent_[c];
        admitted = offered * (1.0 - rejected_share);
      }
    };
    const double most = P ? gates_.retry_share_ceiling() : 1.0;
    if (!P || !gates_.limits_by_count() || burn || !has_same_step_retries_) {
      admit(most);
    } else {
      // A budget or quota grants a share that depends on how many fail now,
      // and that depends on the share retried within the step: the largest
      // share it can pay for, by bisection (docs/model.md, 10.3).
      std::copy(sent_.begin(), sent_.end(), before_admission_.begin());
      auto affordable = [&](double share) {
        std::copy(before_admission_.begin(), before_admission_.end(), sent_.begin());
        admit(share);
        return share <= gates_.preview_share(0, failing_now(n, rejected_share)) * (1 + 1e-12);
      };
      if (!affordable(most)) {
        double lo = 0, hi = most;
        for (int i = 0; i < 50 && hi - lo > 1e-10; ++i) {
          const double mid = 0.5 * (lo + hi);
          (affordable(mid) ? lo : hi) = mid;
        }
        affordable(lo);
      }
    }
    const double rejected = offered - admitted + shed;
    out.demand += fresh;
    out.offered += offered + shed;
    out.retries += offered + shed - fresh_sent;
    out.shed += shed;
    if (gates_on()) step_.requested += (offered + shed - fresh_sent - retries * send_share_) / std::max(send_share_, 1e-300);

    admitted_[un] = admitted;
    double* mix = &composition_[static_cast<std::size_t>(n % composition_slots_) * classes_];
    for (std::size_t c = 0; c < lane_classes_; ++c) mix[c] = sent_[c] * (1.0 - rejected_share);
    for (std::size_t c = lane_classes_; c < classes_; ++c) mix[c] = 0;
    double served_now = std::min(capacity_left, admitted);
    out.goodput += served_now;
    if (served_now > 0) count_success(n, served_now);
    capacity_left -= served_now;
    remaining_[un] = admitted - served_now;
    queue_ += remaining_[un];
    if (head_ == n && remaining_[un] == 0) head_ = n + 1;

    if (rejected > 0) {
      out.rejected += rejected;
      auto share_of = [&](std::size_t c) { return c < lane_classes_ ? rejected_share : 1.0; };
      if (burn) {
        burn_instant_retries(n, share_of, out);
      } else {
        // Rejections travel back for reject_latency_s: some arrive within
        // this step (their retries in it were sent above), the rest later.
        const double now = instant_reject_share_;
        for (std::size_t c = 0; c < classes_; ++c) {
          double r = sent_[c] * share_of(c);
          rejections_[c] += now * r;
          hold_rejection(c, r * (1.0 - now - reject_late_share_), n + std::max(1L, reject_steps_));
          if (reject_late_share_ > 0) hold_rejection(c, r * reject_late_share_, n + reject_steps_ + 1);
        }
        if (now > 0) handle_failures(n, true, out);
      }
    }
    if (gates_on() || autoscaling_on()) end_step(n, step_capacity, step_capacity - capacity_left, step_);
  }

  /// The failures that reach clients within step n from its rejections and
  /// want a retry (not stopped, not on their last attempt).
  double failing_now(long n, double rejected_share) const {
    double f = 0;
    for (std::size_t c = 0; c < classes_; ++c)
      if (!policy_.classes[c].last) f += sent_[c] * (c < lane_classes_ ? rejected_share : 1.0);
    return f * instant_reject_share_ * (1.0 - stop_share(n));
  }

  /// The length of step n in seconds (the last one may be shorter).
  double step_length(long n) const { return n == steps_ - 1 ? last_step_s_ : h_; }

  long admission_start_step() const {
    return static_cast<long>(std::floor(s_.server.admission.start_s / h_));
  }

  /// When admission control ends (infinite when it lasts to the end).
  double admission_end_s() const {
    const Admission& a = s_.server.admission;
    return a.duration_s > 0 ? a.start_s + a.duration_s : std::numeric_limits<double>::infinity();
  }

  /// The share of the jobs arriving in step n that admission control refuses:
  /// the part of the step inside [start, end), times the refused share.
  double shed_share(long n) const {
    if (!admission_on() || admission_lifted_) return 0;
    const double t0 = static_cast<double>(n) * h_;
    const double inside = std::min(t0 + h_, admission_end_s()) - std::max(t0, s_.server.admission.start_s);
    return std::clamp(inside / h_, 0.0, 1.0) * (1.0 - s_.server.admission.share);
  }

  /// Admission control has ended: the refused jobs still retrying join the
  /// admitted ones, class for class (every state of the lanes is linear in
  /// its masses, so adding them is exact).
  void lift_admission() {
    admission_lifted_ = true;
    merge_refused_lane(ring_explicit_, ring_diff_, ring_rate_, ring_run_until_, static_cast<std::size_t>(ring_size_),
                       lane_classes_);
    // And the rejections on their way back.
    for (std::size_t c = 0; c < lane_classes_; ++c) {
      const std::size_t from = c + lane_classes_;
      for (long slot = 0; slot < pending_slots_; ++slot) {
        double* p = &pending_[static_cast<std::size_t>(slot) * classes_];
        p[c] += p[from];
        p[from] = 0;
      }
    }
  }

  /// The share of rejections reaching clients in step n that make the job
  /// give up: those with the stop signal, to clients that honour it.
  double stop_share(long n) const {
    const StopSignal& st = s_.server.stop_signal;
    if (!P || !st.enabled) return 0;
    // Of the step containing start_s, the part after it.
    const double after = std::clamp((static_cast<double>(n + 1) * h_ - st.start_s) / h_, 0.0, 1.0);
    return after * st.share * (1.0 - st.ignored_share);
  }

  /// Goodput of cohort j, for the client gates (successes, and how many were first tries).
  void count_success(long j, double mass) {
    if (!gates_on()) return;
    step_.successes += mass;
    if (gates_.counts_first_attempts() && admitted_[static_cast<std::size_t>(j)] > 0) {
      const double* mix = &composition_[static_cast<std::size_t>(j % composition_slots_) * classes_];
      step_.first_successes +=
          mass * mix[static_cast<std::size_t>(policy_.first_class)] / admitted_[static_cast<std::size_t>(j)];
    }
  }

  /// Closes step n for the client gates and the autoscaler.
  void end_step(long n, double capacity, double served, const GateStep& gate_step) {
    if (gates_on()) gates_.end_step(gate_step);
    if (autoscaling_on()) autoscaler_->end_step(n, capacity, served);
  }

  /// The sends of this step, sent_ (initially those due before admission),
  /// grow by the retries of rejected attempts that fall in this same step:
  /// A = S + r P'A, with P the same-step share of each class's retries. The
  /// rejected share r makes (1 - r) sum(A) equal the room. Solves for r by
  /// regula falsi (Illinois); leaves A in sent_.
  double solve_same_step_retries(double room) {
    std::copy(sent_.begin(), sent_.end(), scheduled_.begin());
    auto admitted_minus_room = [&](double r) {
      sweep_same_step(r);
      double total = 0;
      for (std::size_t c = 0; c < lane_classes_; ++c) total += sent_[c];
      return (1.0 - r) * total - room;
    };
    double lo = 0, hi = 1;  // f(lo) > 0 >= f(hi)
    double f_lo = admitted_minus_room(lo), f_hi = -room;
    double r = 0;
    int side = 0;
    for (int i = 0; i < 100 && hi - lo > 1e-15; ++i) {
      r = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
      double f = admitted_minus_room(r);
      if (std::fabs(f) <= 1e-13 * std::max(1.0, room)) break;
      if (f > 0) {
        lo = r;
        f_lo = f;
        if (side == 1) f_hi *= 0.5;
        side = 1;
      } else {
        hi = r;
        f_hi = f;
        if (side == -1) f_lo *= 0.5;
        side = -1;
      }
    }
    sweep_same_step(r);
    return r;
  }

  /// sent_ = scheduled_ + r P' sent_, by Gauss-Seidel sweeps in class order
  /// (exact in one sweep when retries only go to later classes or to their
  /// own class). P holds the shares that retry within the step, times what
  /// the gates and the stop signal let through (same_step_factor_); the
  /// classes of refused jobs are rejected whatever r is.
  void sweep_same_step(double r_admitted) {
    for (int sweep = 0; sweep < 200; ++sweep) {
      double change = 0, total = 0;
      for (std::size_t t = 0; t < classes_; ++t) {
        const double r = (t < lane_classes_ ? r_admitted : 1.0) * same_step_factor_;
        double in = scheduled_[t], self = 0;
        for (auto [source, share] : same_step_in_[t]) {
          if (source == t)
            self += share;
          else
            in += r * share * sent_[source];
        }
        double a = self * r < 1 ? in / (1.0 - r * self) : in;
        change += std::fabs(a - sent_[t]);
        total += a;
        sent_[t] = a;
      }
      if (change <= 1e-15 * total) break;
    }
  }

  /// Keeps a rejection of class c until it reaches its client in step `due`.
  void hold_rejection(std::size_t c, double mass, long due) {
    if (mass <= 0) return;
    busy_until_ = std::max(busy_until_, due);
    if (due >= steps_) {  // after the horizon: stays on its way
      pending_beyond_horizon_ += mass;
      return;
    }
    pending_[static_cast<std::size_t>(due % pending_slots_) * classes_ + c] += mass;
  }

  /// Discards, at no cost, the cohorts at the head at least `min_age` steps old.
  void drop_expired(long n, long min_age, Sums& out) {
    while (head_ < n && n - head_ >= min_age) {
      double& r = remaining_[static_cast<std::size_t>(head_)];
      out.dropped += r;
      queue_ -= r;
      r = 0;
      ++head_;
    }
    if (head_ == n) queue_ = 0;
  }

  /// A job rejected with no latency whose next delays are all zero retries at
  /// the same instant, into the same full queue (or, refused by admission
  /// control, is refused again): every attempt it has left is rejected at
  /// once and it gives up (docs/model.md, 4.4), unless the stop signal or a
  /// client gate ends it sooner (docs/model.md, 10).
  template <class ShareOf>
  void burn_instant_retries(long n, ShareOf share_of, Sums& out) {
    const long max_attempts = *s_.client.max_attempts;  // unlimited is refused by validation
    const double stop = stop_share(n);
    for (std::size_t c = 0; c < classes_; ++c) {
      double jobs = sent_[c] * share_of(c);
      if (jobs <= 0) continue;
      const long left = max_attempts - policy_.classes[c].attempt;
      const bool first = policy_.classes[c].attempt == 1;
      for (long j = 0; j < left && jobs > 0; ++j) {
        // `jobs` were just rejected and fail now.
        step_.failures += jobs;
        if (first && j == 0) step_.first_failures += jobs;
        const double stopped = jobs * stop;
        out.stopped += stopped;
        out.gave_up += stopped;
        jobs -= stopped;
        double g = gates_on() ? gates_.retry_share(0, jobs) : 1.0;
        out.denied += jobs * (1 - g);
        out.gave_up += jobs * (1 - g);
        jobs *= g;
        if (gates_on()) step_.requested += jobs;
        const double refused = jobs * (1 - send_share_);
        out.throttled += refused;
        out.gave_up += refused;
        if (gates_on()) step_.refused += refused;
        jobs -= refused;
        out.offered += jobs;
        out.retries += jobs;
        out.rejected += jobs;
        if (c >= lane_classes_) out.shed += jobs;
      }
      step_.failures += jobs;
      if (first && left <= 0) step_.first_failures += jobs;
      out.gave_up += jobs;  // the last attempt was rejected too
    }
  }

  /// Failed attempts of step n (timeouts in failed_, rejections in
  /// failed_reject_): the job gives up after its last attempt, on the stop
  /// signal, or when the gates allow no retry; otherwise its next attempt is
  /// scheduled along the class's kernels. `after_admission`: these are
  /// rejections of this step, whose retries within the step were already
  /// sent (solve_same_step_retries) with the share the gates gave earlier in
  /// the step.
  void handle_failures(long n, bool after_admission, Sums& out) {
    const double stop = stop_share(n);
    double timed_out = 0, rejected = 0, later = 0;
    bool any = false;
    if (!split_failures()) {
      // Without gates or the stop signal a failure is a failure: the loop
      // of spec/system.md alone (rejections are in failed_ too).
      for (std::size_t c = 0; c < classes_; ++c) {
        const double f = failed_[c];
        if (f <= 0) continue;
        failed_[c] = 0;
        const AttemptClass& cls = policy_.classes[c];
        if (cls.last) {
          out.gave_up += f;
          continue;
        }
        for (const Transition& t : cls.on_failure) kernel_mass_[static_cast<std::size_t>(t.kernel)] += f * t.probability;
        any = true;
      }
      if (any) deposit_kernel_masses(n, after_admission, out);
      return;
    }
    for (std::size_t c = 0; c < classes_; ++c) {
      double ft = failed_[c], fr = failed_reject_[c];
      if (ft <= 0 && fr <= 0) continue;
      failed_[c] = failed_reject_[c] = 0;
      step_.failures += ft + fr;
      if (policy_.classes[c].attempt == 1) step_.first_failures += ft + fr;
      const AttemptClass& cls = policy_.classes[c];
      if (cls.last) {
        out.gave_up += ft + fr;
        continue;
      }
      if (stop > 0 && fr > 0) {
        out.stopped += fr * stop;
        out.gave_up += fr * stop;
        fr -= fr * stop;
      }
      failed_[c] = ft + fr;  // wanting a retry, until the gates have their say
      timed_out += ft;
      rejected += fr;
      if (cls.attempt > 1) later += ft + fr;
      any = true;
    }
    if (!any) return;
    double g = 1, g_later = 1;
    if (gates_on()) {
      // Rejections of this step whose retries fell in it were sent with
      // same_step_share_; with no such retries the share is free to set now
      // (Envoy's budget then serves the failures of retries first, 10.11).
      g = after_admission && has_same_step_retries_
              ? gates_.retry_share(timed_out, rejected, same_step_share_, later, &g_later)
              : gates_.retry_share(timed_out, rejected, -1, later, &g_later);
      const double denied = (timed_out + rejected - later) * (1 - g) + later * (1 - g_later);
      out.denied += denied;
      out.gave_up += denied;
    }
    for (std::size_t c = 0; c < classes_; ++c) {
      double f = failed_[c] * (policy_.classes[c].attempt > 1 ? g_later : g);
      if (failed_[c] <= 0) continue;
      failed_[c] = 0;
      for (const Transition& t : policy_.classes[c].on_failure)
        kernel_mass_[static_cast<std::size_t>(t.kernel)] += f * t.probability;
    }
    deposit_kernel_masses(n, after_admission, out);
  }

  /// Deposits the failures gathered per kernel (kernel_mass_) along their kernels.
  void deposit_kernel_masses(long n, bool after_admission, Sums& out) {
    for (std::size_t k = 0; k < kernel_mass_.size(); ++k) {
      double mass = kernel_mass_[k];
      if (mass <= 0) continue;
      kernel_mass_[k] = 0;
      deposit(policy_.kernels[k], mass, n, after_admission, out);
    }
  }

  /// Retries due after the horizon count in the backlog but need no slot.
  /// `skip_now`: the retries due in step n itself were sent already, all but
  /// those the clients refused (send_share_), whose jobs fail.
  void deposit(const DelayKernel& k, double mass, long n, bool skip_now, Sums& out) {
    busy_until_ = std::max(busy_until_, n + kernel_reach_[&k - policy_.kernels.data()]);
    const std::size_t base = static_cast<std::size_t>(k.target) * static_cast<std::size_t>(ring_size_);
    for (auto [offset, share] : k.explicit_mass) {
      if (skip_now && offset == 0) {
        if (send_share_ < 1) {
          const double refused = mass * share * (1.0 - send_share_);
          out.throttled += refused;
          out.gave_up += refused;
          step_.refused += refused;
        }
        continue;
      }
      backlog_ += mass * share;
      if (n + offset >= steps_) {
        beyond_horizon_ += mass * share;
        continue;
      }
      ring_explicit_[base + static_cast<std::size_t>((n + offset) & ring_mask_)] += mass * share;
    }
    if (k.run_end > k.run_begin) {
      double rate = mass * k.run_mass;
      backlog_ += rate * (k.run_end - k.run_begin);
      long begin = n + k.run_begin, end = n + k.run_end;
      beyond_horizon_ += rate * static_cast<double>(std::max(0L, end - std::max(begin, steps_)));
      if (begin >= steps_) return;
      ring_diff_[base + static_cast<std::size_t>(begin & ring_mask_)] += rate;
      if (end < steps_) ring_diff_[base + static_cast<std::size_t>(end & ring_mask_)] -= rate;
      long& until = ring_run_until_[static_cast<std::size_t>(k.target)];
      until = std::max(until, end);
    }
  }

  /// The retries of class c due in step n, cleared from the ring.
  double take_due(std::size_t c, long n) {
    const std::size_t i = c * static_cast<std::size_t>(ring_size_) + static_cast<std::size_t>(n & ring_mask_);
    double& rate = ring_rate_[c];
    rate += ring_diff_[i];
    ring_diff_[i] = 0;
    // Once every run has ended the rate is zero; resetting it keeps the
    // rounding of +x - x from lingering as a tiny flow.
    if (n >= ring_run_until_[c]) rate = 0;
    double due = ring_explicit_[i] + rate;
    ring_explicit_[i] = 0;
    return due;
  }

  Interval close_interval(long n, const Sums& sum, double length) {
    Interval out;
    out.t_s = std::min(s_.duration_s, static_cast<double>(n + 1) * h_);
    out.demand = sum.demand / length;
    out.offered = sum.offered / length;
    out.retries = sum.retries / length;
    out.rejected = sum.rejected / length;
    out.served = (sum.goodput + sum.wasted) / length;
    out.goodput = sum.goodput / length;
    out.wasted = sum.wasted / length;
    out.dropped = sum.dropped / length;
    out.timeouts = sum.timeouts / length;
    out.gave_up = sum.gave_up / length;
    out.throttled = sum.throttled / length;
    out.denied = sum.denied / length;
    out.stopped = sum.stopped / length;
    out.shed = sum.shed / length;
    out.capacity = sum.capacity / length;
    out.queue = std::max(0.0, queue_);
    out.backlog = std::max(0.0, backlog_);
    out.wait_s = wait_at_end_of(n);
    return out;
  }

  /// spec/system.md, "wait_s": the response time of an attempt sent at the
  /// end of step n, the queue ahead served at the scheduled capacity; with
  /// drop_expired only the cohorts still within their timeout when they
  /// reach the head count (docs/model.md, 5.4).
  double wait_at_end_of(long n) const {
    const double now = static_cast<double>(n + 1) * h_;
    if (!drop_) return time_to_serve(now, std::max(0.0, queue_)) - now;
    double t = now;
    for (long j = head_; j <= n; ++j) {
      double r = remaining_[static_cast<std::size_t>(j)];
      if (r <= 0) continue;
      long reached = static_cast<long>(std::floor(t / h_ + 1e-9));
      if (reached - j > timeout_steps_) continue;  // dropped at no cost when it reaches the head
      t = time_to_serve(t, r);
    }
    return t - now;
  }

  /// The time at which the server, from `from` on, has served `amount`: at
  /// the scheduled capacity plus what autoscaling has added so far.
  double time_to_serve(double from, double amount) const {
    return autoscaling_on() ? autoscaler_->time_to_serve(capacity_, from, amount)
                            : capacity_.time_to_accumulate(from, amount);
  }

  /// spec/system.md, "Conservation", recomputed from the state itself.
  void check_books(long n, const Sums& step, BooksAudit& audit) {
    totals_.add(step);
    double queued = 0, live = 0;
    for (long j = head_; j <= n; ++j) {
      double r = remaining_[static_cast<std::size_t>(j)];
      queued += r;
      if (j > n - timeout_steps_) live += r;
    }
    double in_backoff = 0;
    for (std::size_t c = 0; c < classes_; ++c) {
      double rate = ring_rate_[c];
      for (long m = n + 1; m < std::min(n + ring_size_, steps_); ++m) {
        std::size_t i = c * static_cast<std::size_t>(ring_size_) + static_cast<std::size_t>(m & ring_mask_);
        rate += ring_diff_[i];
        in_backoff += ring_explicit_[i] + rate;
      }
    }
    in_backoff += beyond_horizon_;
    double pending = pending_beyond_horizon_;
    for (double p : pending_) pending += p;
    const Sums& t = totals_;
    double attempts_in = std::max(1.0, t.offered);
    double attempt_gap = t.offered - (t.rejected + t.goodput + t.wasted + t.dropped + queued);
    double jobs_in = std::max(1.0, t.demand);
    double job_gap = t.demand - (t.goodput + t.gave_up + live + pending + in_backoff);
    audit.attempts = std::max(audit.attempts, std::fabs(attempt_gap) / attempts_in);
    audit.jobs = std::max(audit.jobs, std::fabs(job_gap) / jobs_in);
    ++audit.steps_checked;
  }

  const Scenario& s_;
  const double h_;
  const long steps_, steps_per_interval_, timeout_steps_, reject_steps_;
  const double reject_late_share_;
  double instant_reject_share_ = 0;
  double last_step_s_ = 0;
  double beyond_horizon_ = 0;          // retries due after the horizon
  double pending_beyond_horizon_ = 0;  // rejections reaching clients after it
  const bool limited_;
  const double limit_;
  const bool drop_, audit_;
  const std::atomic<bool>* const cancel_;
  const std::function<void()> pause_point_;
  const bool stop_when_decided_;
  const std::function<void(const Interval&)> on_interval_;
  // From each step to the horizon: does demand fit in capacity at every
  // step; the most the queue can fall; the largest capacity of a step.
  long last_overload_step_ = -1;
  double most_drain_per_step_ = 0, most_capacity_per_step_ = 0;
  RateSchedule capacity_;
  RateSchedule demand_;
  RetryPolicy policy_;
  ClientGates gates_;
  const bool gates_on_, admission_on_, autoscaling_on_;
  bool admission_lifted_ = false;  // admission control has ended (lift_admission)
  std::size_t classes_ = 0;
  std::size_t lane_classes_ = 0;  // classes from this one on carry jobs refused by admission control
  GateStep step_;                 // what the current step did, for the gates
  double send_share_ = 1;         // of this step's attempts, the share the clients send
  double same_step_share_ = 1;    // of failures within the step, the share the gates let retry
  double same_step_factor_ = 1;   // of retries within the step, the share the gates and the stop signal let go
  // Autoscaling: capacity added so far, the order on its way, and the
  // utilisation window (served and capacity per step).
  std::unique_ptr<fluid::Autoscaler> autoscaler_;  // autoscaling only

  std::unique_ptr<double[]> demand_mass_, capacity_mass_;
  long filled_to_ = 0;  // step masses are known below this step
  double last_step_demand_ = 0;
  long steady_collapse_from_ = 0;  // where a collapse drains: the first step its flows are steady
  // The queue: admitted and remaining mass of every cohort; head_ is the oldest with mass.
  std::unique_ptr<double[]> admitted_, remaining_;
  long head_ = 0;
  double queue_ = 0;
  // Class mix of the cohorts that may still time out (the last timeout_steps_ + 1).
  std::vector<double> composition_;
  long composition_slots_ = 1;
  // Retries waiting out their backoff, per class, by due step (docs/model.md, 5.3).
  std::vector<double> ring_explicit_, ring_diff_, ring_rate_;
  std::vector<long> ring_run_until_;
  long ring_size_ = 2, ring_mask_ = 1;
  double backlog_ = 0;
  // Rejections on their way back to the client, by step.
  std::vector<double> pending_;
  long pending_slots_ = 1;
  // Per target class: (source class, share of its failures retried within the same step).
  std::vector<std::vector<std::pair<std::size_t, double>>> same_step_in_;
  bool has_same_step_retries_ = false;
  // Scratch, per class and per kernel.
  std::vector<double> failed_, failed_reject_, sent_, scheduled_, before_admission_, kernel_mass_;
  // Rejections reaching clients go to failed_reject_ when they must be told
  // from timeouts (gates, stop signal), otherwise into failed_ with them.
  bool split_failures_ = false;
  double* rejections_ = nullptr;
  std::vector<long> kernel_reach_;  // the furthest step each kernel deposits to
  long busy_until_ = -1;            // retries or rejections may be due up to this step
  Sums totals_;
};

}  // namespace

double default_solver_step(const Scenario& s) {
  double target = std::min(s.step_s, s.client.timeout_s / kStepsPerTimeout);
  double divisions = std::ceil(s.step_s / target - 1e-9);
  // Prefer a step that also divides the timeout (5.1 s at step 1 s: 0.1 s,
  // not 0.2 s), so that the timeout is not rounded (docs/model.md, 6).
  for (double k = divisions; k <= 4 * divisions; ++k) {
    double per_timeout = s.client.timeout_s * k / s.step_s;
    if (std::fabs(per_timeout - std::round(per_timeout)) < 1e-9 * per_timeout) return s.step_s / k;
  }
  return s.step_s / divisions;
}

RunResult solve(const Scenario& s, const SolverOptions& options) {
  // spec/graph.md: a graph's run is its entry's; so is that of one service
  // dropping with a margin (the graph model carries margins).
  if (needs_graph_model(s)) return std::move(solve_services(s, options).front().run);
  double h = default_solver_step(s);
  if (options.step_s != 0) {
    if (!(options.step_s > 0) || !std::isfinite(options.step_s))
      throw InputError("--solver-step", "", format_number(options.step_s), "must be a positive number of seconds");
    if (options.step_s > s.client.timeout_s)
      throw InputError("--solver-step", "", format_number(options.step_s),
                       "must not exceed client.timeout_s (" + format_number(s.client.timeout_s) + " s)");
    h = s.step_s / std::ceil(s.step_s / options.step_s - 1e-9);
  }
  // Memory grows by about 40 bytes a step: refuse runs that would need gigabytes.
  const double steps = s.duration_s / h;
  if (steps > kMaxSteps) {
    std::string problem = "the run would take " + format_number(std::ceil(steps)) + " solver steps of " + format_number(h) +
                          " s, more than " + format_number(kMaxSteps);
    if (options.step_s != 0)
      throw InputError("--solver-step", "", format_number(options.step_s), problem + ": choose a larger step");
    // The default step is step_s (and validation caps duration_s / step_s)
    // unless a 25th of the timeout is shorter: the timeout is the cause.
    throw InputError("", "client.timeout_s", format_number(s.client.timeout_s),
                     problem + " (the default step is a 25th of the timeout): shorten duration_s, "
                               "lengthen the timeout or pass a larger --solver-step");
  }
  const bool policies = ClientGates::any_enabled(s.client) || s.server.stop_signal.enabled ||
                        s.server.admission.enabled || s.server.autoscaling.enabled;
  return policies ? FluidRun<true>(s, h, options).run() : FluidRun<false>(s, h, options).run();
}

}  // namespace sg
