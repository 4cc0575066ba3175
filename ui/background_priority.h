/// Background work (the map, the hidden hysteresis ramp) gives the cores to
/// the run a user waits for while dragging a slider.
#pragma once

namespace sg::ui {

/// Lowers the calling thread's scheduling priority (Linux: niceness 10; the
/// threads it starts inherit it), once per thread. Elsewhere, does nothing.
void lower_this_threads_priority();

/// Marks the run a user waits for (the curves' run) as in flight for its
/// lifetime. Marks may nest and overlap (one count for all of them).
class ForegroundRun {
public:
  ForegroundRun();
  ~ForegroundRun();
  ForegroundRun(const ForegroundRun&) = delete;
  ForegroundRun& operator=(const ForegroundRun&) = delete;

  /// Whether a foreground run is in flight now.
  static bool in_flight();
};

/// Called by background work between its pieces (SolverOptions::pause_point):
/// returns at once when no foreground run is in flight, else when the last
/// one ends, or after `at_most_ms` (so that a stream of foreground runs
/// slows background work down but never stops it). A niceness alone leaves
/// a background thread on the other core of two, where the scheduler still
/// shares the foreground solve's core with it now and then.
void yield_to_foreground(int at_most_ms = 100);

}  // namespace sg::ui
