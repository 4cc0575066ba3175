/// Health of a run and of a point in parameter space (spec/system.md, "Health of a run").
#pragma once

#include <deque>
#include <optional>
#include <tuple>
#include <string>

#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg {

/// Goodput over the interval is at least 95 % of demand (or there is no demand).
bool is_healthy(const Interval& interval);

/// What happened in one run, in the terms a user asks about.
struct RunHealth {
  bool healthy_at_end = true;
  /// Start and end of the first unhealthy interval, if any.
  std::optional<double> storm_start_s;
  double storm_first_interval_end_s = 0;
  /// The trigger's end (0 without a trigger).
  double trigger_end_s = 0;
  /// Healthy again before the horizon and to the end.
  bool recovered = true;
  /// From the trigger's end to the start of the first interval from which the
  /// run stays healthy; 0 when that interval starts before the trigger ends.
  std::optional<double> recovery_s;
  double peak_offered = 0;        ///< highest offered rate of any interval
  double peak_offered_t_s = 0;    ///< end of the first interval that reaches it
  double base_demand = 0;         ///< demand after the trigger (the base rate)
  double wasted_share = 0;        ///< wasted / served over the run
  double gave_up_jobs = 0;        ///< jobs that gave up over the run
  double gave_up_after_trigger = 0; ///< of those, after the trigger ended
  double final_queue = 0;         ///< queue at the end (of the last interval computed)
  double end_s = 0;               ///< the end of the last interval computed
  /// How fast the queue changed over the last minute (or tenth) of the run, per second.
  double final_queue_trend = 0;
  double goodput_ratio_at_end = 1;///< goodput / demand in the last interval
  /// After the trigger, the end of the last interval whose offered load was
  /// above 1.5 x its demand, and so was the last minute's: a retry flood can
  /// outlast a healthy goodput. (The minute keeps a budget's brief bursts
  /// from passing for a flood.)
  std::optional<double> flood_end_s;
  // The policies of docs/scenario-extensions.md, totals over the run.
  double throttled = 0;  ///< attempts the clients refused themselves
  double denied = 0;     ///< retries not allowed by a token bucket, quota or budget
  double stopped = 0;    ///< jobs given up on the stop signal
  double shed = 0;       ///< attempts of jobs refused by admission control
};

RunHealth assess_run(const Scenario& scenario, const RunResult& run);

/// The run recovered, but a retry flood (offered above 1.5 x demand) went on
/// after it was healthy again: the only flood worth a word after "recovered".
bool flood_outlasts_recovery(const RunHealth& health);

/// Builds a RunHealth interval by interval, for runs that do not keep their
/// intervals (SolverOptions::on_interval). final_queue_trend is left at 0.
class HealthTracker {
public:
  explicit HealthTracker(const Scenario& scenario);
  void add(const Interval& interval);
  /// The verdict, given how the run went on after its last interval.
  RunHealth finish(Rest rest);

private:
  RunHealth h_;
  double served_ = 0, wasted_ = 0, previous_end_ = 0;
  // The last minute of intervals: (end, offered and demand over the interval).
  std::deque<std::tuple<double, double, double>> minute_;
  double minute_offered_ = 0, minute_demand_ = 0;
  double healthy_from_ = 0;  // end of the last unhealthy interval
  bool any_ = false;
};

enum class PointClass { Stable, Metastable, Overloaded };

const char* to_string(PointClass c);

struct PointVerdict {
  PointClass point_class = PointClass::Stable;
  std::optional<double> recovery_s;  ///< of the run with the trigger
  double goodput_ratio = 1;          ///< last interval of the run with the trigger
  /// A metastable point whose collapse drains (docs/model.md, 7.5): when the
  /// run with the trigger would recover if it ran on, in seconds from its
  /// start (after the horizon). Metastable within the run only.
  std::optional<double> drains_at_s;
};

/// Classifies a validated scenario: the run from an empty system at constant
/// base demand, and the run with the trigger. Runs stop once their verdict is
/// certain (docs/model.md, 5.6).
PointVerdict classify_point(const Scenario& scenario, const SolverOptions& options = {});

/// The same verdict from two complete runs and no shortcut: the reference that
/// classify_point must equal (tests, benchmarks).
PointVerdict classify_point_fully(const Scenario& scenario, const SolverOptions& options = {});

/// A few lines in words: healthy or not, when the storm began, whether and
/// when it recovered, peak offered load against demand, wasted work.
std::string describe_run(const Scenario& scenario, const RunHealth& health);

}  // namespace sg
