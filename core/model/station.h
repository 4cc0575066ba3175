/// One service in the fluid model of a service graph (docs/model.md, 11.2):
/// a FIFO queue of cohorts, service at capacity(t), drops of expired
/// attempts, timeouts per sender, and the attempts it served that await the
/// jobs they started.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <functional>
#include <limits>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "model/autoscaler.h"
#include "model/caller_population.h"
#include "model/fluid_solver.h"
#include "model/rate_schedule.h"
#include "model/step_array.h"
#include "scenario/scenario.h"

namespace sg::fluid {

/// Rates summed over the steps of the current output interval, per station.
struct Sums {
  double demand = 0, offered = 0, retries = 0, rejected = 0, served = 0, goodput = 0, wasted = 0, dropped = 0,
         timeouts = 0, gave_up = 0, failed = 0, capacity = 0, throttled = 0, denied = 0, stopped = 0, shed = 0;
};

/// An in-time completion of a population's cohort whose response is awaited
/// (a station with calls): it has `mass` attempts, the sender's deadline
/// step, and what of it has answered in time so far.
struct Awaiting {
  int local;
  long cohort;
  double mass;
  long deadline;
  bool served_at_deadline;  // served in its deadline step: that step's answers all count
  double good = 0, bad = 0;
};

/// The completions of one step at a station with calls, awaiting the jobs
/// they started: one tag per call follows those jobs (docs/model.md, 11.4).
struct Batch {
  long step = 0;
  /// With deadline propagation (docs/model.md, 11.17): the deadline every
  /// awaiting attempt of it shares, when some propagated call's jobs are
  /// bound by it; -1 otherwise (its attempts' deadlines are then too far to
  /// bind any of the jobs they start).
  long key = -1;
  /// Per call: the population whose tag follows its jobs (the call's, or
  /// the deadline group's), -1 when its jobs started after their deadline.
  std::vector<int> tag_population;
  /// With a key: some call's jobs are the deadline group's (or started
  /// after the deadline), and every call's are (docs/model.md, 11.17).
  bool any_group = false, all_groups = false;
  std::vector<Awaiting> awaiting;
  // Two per call of the station, in its order: the jobs whose first attempt
  // was admitted, and (when the callee's queue was full) rejected.
  std::vector<std::unique_ptr<Population>> tags;
  // Bit c: call c's jobs are proven late (docs/model.md, 11.10); it has no
  // tags, its response law is the call's all-late law.
  std::uint64_t late_calls = 0;
  double success = 0, error = 0;                  // the response law so far: P(success), P(error) by now
};

/// One service (docs/model.md, 11.2): a FIFO queue of cohorts, each cohort
/// holding what every population feeding it sent in that step; service at
/// capacity(t); rejections at the queue limit; drops; timeouts per sender.
struct Station {
  std::string name;
  const Server* server = nullptr;
  RateSchedule capacity;
  StepArray<double> capacity_mass;
  StepArray<double> capacity_before;  // capacity_before[k]: the capacity of steps 0 .. k - 1
  bool limited = false, drop = false;
  double limit = 0;
  /// Its autoscaler, when it has one (docs/model.md, 11.15): capacity
  /// added as the run goes, on top of capacity_mass (which is the schedule's).
  std::unique_ptr<Autoscaler> autoscaler;
  double step_capacity = 0;  // the current step's
  /// Admission control refuses a share of the jobs sent to it (11.16), until lifted.
  bool admission = false, admission_lifted = false;
  double h = 0;                       // the solver's step
  std::vector<int> populations;       // global indices of the populations feeding it
  std::vector<long> timeout_steps;    // per local population: its sender's timeout
  std::vector<long> drop_margin;      // per local population: drop_expired's margin, in steps
  // docs/model.md, 11.17: per local population, a deadline group's cycle G
  // and phase g (its jobs' deadlines are the steps d = g mod G; 0: not a
  // group, its attempts time out at their own timeout only).
  std::vector<long> deadline_cycle, deadline_phase;
  /// Its calls that propagate deadlines reach this many steps (the longest
  /// life of their jobs): completions whose deadline is nearer start jobs
  /// bound by it, and their batches are kept apart by deadline. 0: none.
  long deadline_reach = 0;
  /// With deadline_reach: this step's completions, (deadline step, mass).
  std::vector<std::pair<long, double>> completed_by_deadline;
  std::vector<int> calls;             // the populations it starts (its calls), in order
  // Per cohort and local population: sent, queued, dropped within the margin.
  // Arrays over the run, written at each step before anything reads them
  // (no need to clear them: a run that stops early never touches the rest).
  StepArray<double> sent, remaining, dropped_early;
  StepArray<double> admitted;      // per cohort and local population
  StepArray<double> single_admit;  // per cohort: the admitted share of single attempts
  std::vector<StepArray<double>> fresh_admit;  // per local population, per cohort: of its first attempts
  StepArray<bool> rejected_any;    // per cohort
  long head = 0;
  double queue = 0;
  double completed = 0;  // served in the current step (all of it starts calls)
  double step_sent = 0;  // attempts sent to it in the current step
  // docs/model.md, 11.13: steps in a row with the same attempts sent and
  // served as the step before (to the bit), and its latest rows.
  long steady_steps = 0;
  double last_sent = -1, last_completed = -1;
  std::deque<Interval> recent;
  StepArray<double> boundary;  // per cohort and local population: served in its timeout step, until it times out
  std::list<Batch> batches;
  // Batches whose every tag is on the all-late law (docs/model.md, 11.10),
  // answered only at their events: (step, batch step, batch), soonest first.
  struct LateEvent {
    long step, batch_step;
    std::list<Batch>::iterator batch;
    bool operator>(const LateEvent& o) const { return step != o.step ? step > o.step : batch_step > o.batch_step; }
  };
  std::list<Batch> late_batches;
  std::list<Batch> spare_batches;  // answered, kept for reuse
  std::priority_queue<LateEvent, std::vector<LateEvent>, std::greater<LateEvent>> late_events;
  std::vector<Batch*> current;  // the batches of the current step, while they fill (one without deadline groups)
  // What the station tells each local population this step: failures
  // before its sends, successes, failures after its sends.
  std::vector<std::vector<Outcome>> early, success, deferred;
  Sums sums;
  // Per local population: the attempts it sent in the current interval, and
  // its rates of the intervals so far (ServiceRun::senders).
  std::vector<double> sent_sum;
  std::vector<std::vector<double>> sent_rows;
  RunResult result;

  std::size_t q_count() const { return populations.size(); }
  std::size_t at(long j, std::size_t q) const { return static_cast<std::size_t>(j) * q_count() + q; }

  /// The deadline of q's cohort j: for a deadline group the first of its
  /// deadline steps after j; otherwise none.
  long deadline_of(std::size_t q, long j) const {
    const long g = deadline_cycle[q];
    if (g == 0) return std::numeric_limits<long>::max() / 4;
    return j + 1 + ((deadline_phase[q] - j - 1) % g + g) % g;
  }
  /// The age at which q's cohort j times out: its sender's timeout, or its deadline if sooner.
  long timeout_age(std::size_t q, long j) const {
    return deadline_cycle[q] == 0 ? timeout_steps[q] : std::min(timeout_steps[q], deadline_of(q, j) - j);
  }
  /// The age from which q's share of cohort j is dropped (with drop_expired).
  long drop_age(std::size_t q, long j) const { return std::max(0L, timeout_age(q, j) - drop_margin[q]); }

  /// Starts step n, `length` seconds long: nothing served yet, its
  /// capacity counted. Returns it.
  double begin_step(long n, double length);

  /// Ends step n for the autoscaler, with `left` capacity unused.
  void end_step(long n, double left) {
    if (autoscaler) autoscaler->end_step(n, step_capacity, step_capacity - left);
  }

  /// The time at which, from `from` on, it has served `amount`.
  double time_to_serve(double from, double amount) const {
    return autoscaler ? autoscaler->time_to_serve(capacity, from, amount) : capacity.time_to_accumulate(from, amount);
  }

  /// Step n's service of the cohorts older than n (FIFO, oldest first) from
  /// `left` capacity; expired shares are dropped where the front meets them.
  /// Returns the capacity left for the new cohort.
  double serve_older(long n, double left);

  /// The timeouts of step n: what is left of each population's cohort one
  /// timeout old, and what was dropped of it within the margin; then the
  /// drops at the head of what has expired by the step's end.
  void time_out(long n);

  /// The share of q's cohort j served in time now: a success when the
  /// station has no calls, otherwise an attempt awaiting its calls.
  void served_in_time(std::size_t q, long j, double mass, long n, bool at_deadline);

  /// Discards at no cost, at the head, the shares of cohorts at least
  /// drop_age (+ `extra`) steps old (spec/graph.md, "Drop expired").
  void drop_head(long n, long extra);

  /// Discards q's share of cohort j if it is at least drop_age (+ `extra`)
  /// steps old at step n; returns what is left of that share.
  double drop_expired_share(long j, std::size_t q, long n, long extra);

  /// The interval's measures (all but the callers' backlog) from the sums,
  /// at the end of step n; the sums start again.
  Interval close_interval(long n, double length, double end_s);

  /// Whether the queue now holds more than the capacity of steps first ..
  /// last can serve (a relative margin of 1e-9 keeps the queue's running
  /// sum's rounding from deciding): then nothing sent from `first` on is
  /// served by the end of `last` (docs/model.md, 11.10 and 11.11).
  bool queue_outlasts(long first, long last) const {
    const double capacity = capacity_before[static_cast<std::size_t>(last) + 1] - capacity_before[static_cast<std::size_t>(first)];
    return queue > capacity * (1 + 1e-9) + 1e-9;
  }

  /// spec/system.md, "wait_s": the local response time of an attempt sent at
  /// the end of step n; with drop_expired the shares that will have expired
  /// when they reach the head are skipped (for the users' timeout).
  /// docs/model.md, 11.13: whether every attempt this station serves in
  /// steps n + 1 .. last is then more than `late` steps old (so late for
  /// every sender), its queue at the end of step n followed by `arrivals`
  /// attempts in every later step, served FIFO at capacity. Without drops
  /// (nothing discarded) and without a limit (everything admitted).
  bool serves_only_late_until(long n, long last, long late, double arrivals) const;

  double wait_at_end_of(long n) const;

  /// docs/model.md, 11.14: of the rejections reaching their clients in step
  /// n, the share that carries this service's stop-retrying signal to a
  /// client that honours it (the part of the step after its start).
  double stop_share(long n) const;

  /// docs/model.md, 10.7 and 11.16: the share of the jobs whose first
  /// attempt is sent to it in step n that admission control refuses.
  double shed_share(long n) const;

  /// When admission control ends (infinite when it lasts to the end).
  double admission_end_s() const;
};

}  // namespace sg::fluid
