/// The fluid (mean-field) model of spec/system.md, solved in time (docs/model.md).
#pragma once

#include <atomic>
#include <functional>
#include <stdexcept>
#include <vector>

#include "scenario/scenario.h"

namespace sg {

/// One output interval (spec/system.md, "What is measured"): rates are per
/// second averaged over the interval, levels are sampled at its end.
struct Interval {
  double t_s = 0;  ///< end of the interval
  double demand = 0, offered = 0, retries = 0, rejected = 0, served = 0, goodput = 0, wasted = 0,
         dropped = 0, timeouts = 0, gave_up = 0;
  double queue = 0, wait_s = 0, backlog = 0;
  // Beyond spec/interfaces.md (docs/scenario-extensions.md), rates per second:
  double throttled = 0;  ///< attempts the clients refused themselves (adaptive throttling, open breaker); their jobs fail
  double denied = 0;     ///< failures whose retry a token bucket, quota or budget did not allow; their jobs fail
  double stopped = 0;    ///< jobs given up on the server's stop-retrying signal
  double shed = 0;       ///< attempts of jobs refused by admission control (counted in rejected too)
  double capacity = 0;   ///< the server's capacity (schedule, outage and autoscaling), mean over the interval
  // spec/graph.md, "What is measured, per service" (0 at a service without calls):
  double failed = 0;   ///< rate of attempts that answered their sender with an error before its timeout
  double waiting = 0;  ///< level: attempts served, within their sender's timeout, awaiting the jobs they started
};

struct SolverOptions {
  /// The solver's internal step in seconds; 0 lets the solver choose
  /// (docs/model.md, section 6). Rounded down so that the output interval is
  /// a whole number of steps.
  double step_s = 0;
  /// Check the books at every step and report the largest imbalance (slower).
  bool audit = false;
  /// When set and it becomes true, solve() stops soon and throws Cancelled
  /// (a newer request has superseded this one).
  const std::atomic<bool>* cancel = nullptr;
  /// When set, called every 1024 steps, where `cancel` is checked. Background
  /// work (a map, behind the run a user waits for) may wait there for its
  /// turn; it changes no number.
  std::function<void()> pause_point;
  /// Stop as soon as the rest of the run cannot change its health: at a
  /// healthy steady state, or in a collapse too deep to drain before the
  /// horizon (docs/model.md, 5.6). The intervals then end early and
  /// RunResult::rest says how the rest goes. For classification (maps).
  bool stop_when_decided = false;
  /// When set, each interval is handed here as it closes and not kept in
  /// RunResult::intervals (for verdicts that need no curves).
  std::function<void(const Interval&)> on_interval;
  /// The service-graph model's exact shortcuts (docs/model.md, 11.10): they
  /// change no number, only the time taken. Off only to check exactly that.
  bool shortcuts = true;
  /// The steady tail of service graphs (docs/model.md, 11.13), with
  /// shortcuts: equal to the solved run to rounding. Off only to check that.
  bool steady_tail = true;
};

/// How a run that stopped early (SolverOptions::stop_when_decided) goes on.
enum class Rest {
  Computed,   ///< nothing was skipped
  Healthy,    ///< every remaining interval repeats a healthy steady state: goodput = demand
  Unhealthy,  ///< unhealthy to the end, with no goodput in the last interval
  Undecided,  ///< a service of a graph whose run stopped on the entry's verdict: its rest is unknown
};

/// Thrown by solve() when SolverOptions::cancel was raised.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

/// The largest imbalance of the books over a run, as a fraction of all the
/// attempts (or jobs) that entered it (spec/system.md, "Conservation").
struct BooksAudit {
  double attempts = 0;  ///< sent vs rejected + goodput + wasted + dropped + queued
  double jobs = 0;      ///< arrived vs succeeded + gave up + in flight
  long steps_checked = 0;
};

struct RunResult {
  std::vector<Interval> intervals;
  double solver_step_s = 0;  ///< the internal step used
  BooksAudit audit;          ///< filled when SolverOptions::audit is set
  Rest rest = Rest::Computed;
  /// Service graphs: the batches of this service answered on the all-late
  /// law instead of step by step (docs/model.md, 11.10), for tests.
  long late_batches = 0;
  /// Service graphs, with stop_when_decided: the steps of quiet stretches
  /// skipped (docs/model.md, 11.11), for tests.
  long skipped_steps = 0;
  /// Service graphs: the steps of a steady storm's tail written without
  /// solving them (docs/model.md, 11.13), for tests.
  long steady_steps = 0;
};

/// The internal step the solver picks for a scenario when none is asked for.
double default_solver_step(const Scenario& scenario);

/// Solves a validated scenario. Throws InputError when a requested step does
/// not fit the scenario (source "--solver-step"), or when the default step (a
/// 25th of the timeout) would take too many steps (field "client.timeout_s",
/// no source: the caller names the file).
RunResult solve(const Scenario& scenario, const SolverOptions& options = {});

}  // namespace sg
