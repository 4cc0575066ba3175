/// The hysteresis loop: goodput against demand while demand ramps slowly up, then down.
#pragma once

#include <string>
#include <vector>

#include "model/fluid_solver.h"
#include "scenario/scenario.h"

namespace sg {

struct HysteresisRamp {
  double from_rate = 200;   ///< jobs/s at the start and the end
  double to_rate = 1200;    ///< jobs/s at the turning point
  double speed = 1;         ///< jobs/s gained (then lost) per second
};

/// One point of a branch: the interval's averages.
struct HysteresisPoint {
  double demand = 0, offered = 0, goodput = 0;
};

struct HysteresisLoop {
  std::vector<HysteresisPoint> up, down;
  /// The demand range over which the two branches' goodput differs by more
  /// than 5 % of capacity: the bistable band (empty when lo >= hi).
  double band_lo = 0, band_hi = 0;
  /// The band's lower edge is the lowest demand the way down reached: it had
  /// not recovered when the sweep ended, and the band may go on below.
  bool band_reaches_sweep_start = false;
  /// Its upper edge is the highest demand of the way down (the turning point).
  bool band_reaches_turn = false;
};

/// The scenario with its trigger replaced by the ramp: a demand profile
/// from_rate -> to_rate -> from_rate, as long as the ramp takes.
Scenario hysteresis_scenario(const Scenario& scenario, const HysteresisRamp& ramp);

/// Splits a run of hysteresis_scenario into its two branches and finds the band.
HysteresisLoop hysteresis_loop(const Scenario& scenario, const RunResult& run);

/// The loop as CSV: branch,demand,offered,goodput.
std::string hysteresis_csv(const HysteresisLoop& loop);

}  // namespace sg
