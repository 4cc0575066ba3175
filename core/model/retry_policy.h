/// The client's retry policy as the fluid solver sees it: attempt classes and
/// the delay kernels between them (docs/model.md, sections 3 and 5).
#pragma once

#include <utility>
#include <vector>

#include "scenario/scenario.h"

namespace sg {

/// How retries spread over future solver steps: `explicit_mass` pairs
/// (offset, mass), plus `run_mass` at every offset in [run_begin, run_end).
/// Offsets count steps after the failure's step (0 is the failure's own step).
/// The masses add to 1.
struct DelayKernel {
  int target = 0;  ///< the class the retries belong to
  std::vector<std::pair<int, double>> explicit_mass;
  int run_begin = 0, run_end = 0;
  double run_mass = 0;

  int max_offset() const;
};

/// A share of a class's failures that retries along one kernel.
struct Transition {
  int kernel = 0;
  double probability = 1;
};

/// Attempts that share the same future: the same number of attempts left and,
/// for decorrelated jitter, the same previous delay (to the resolution of a bin).
struct AttemptClass {
  int attempt = 1;           ///< attempt number (for unlimited, the smallest the class holds)
  bool last = false;         ///< a failure of this class makes the job give up
  double previous_delay = 0; ///< decorrelated jitter only: D_(k-1) of its jobs
  std::vector<Transition> on_failure;
};

struct RetryPolicy {
  std::vector<AttemptClass> classes;
  /// Distinct kernels; classes that share a kernel let the solver deposit
  /// their failures together.
  std::vector<DelayKernel> kernels;
  int first_class = 0;  ///< where a job's first attempt belongs
  int max_offset = 0;   ///< the largest kernel offset, in steps
  /// Every delay is exactly zero (base 0 or cap 0): a retry leaves at the
  /// instant of the failure (spec/system.md, "Backoff").
  bool instant = false;
  /// Classes below this index carry admitted jobs; with admission control
  /// (add_shed_lane) the classes from it on are a copy that carries the jobs
  /// the server refuses, every attempt of which is rejected.
  int lane_classes = 0;
  int shed_first_class = -1;  ///< the copy of first_class, or -1 without the copy
};

/// Adds the lane of refused jobs (docs/model.md, 10.7): a copy of every
/// class and kernel whose retries stay in the copy.
void add_shed_lane(RetryPolicy& policy);

/// Admission control has ended (docs/model.md, 10.7): the retries of the
/// refused jobs waiting out a delay join the admitted lane, class for class
/// (every state of a lane is linear in its masses, so adding is exact). The
/// rings hold, per class, `ring` due steps of explicit masses and of run
/// differences; `rate` is each class's running rate and `run_until` the step
/// its runs end. Classes from `lane` on are the refused lane; it is cleared.
void merge_refused_lane(std::vector<double>& explicit_mass, std::vector<double>& run_diff, std::vector<double>& rate,
                        std::vector<long>& run_until, std::size_t ring, std::size_t lane);

/// Builds the classes and kernels of a client for solver step `h` seconds.
/// `decorrelated_ratio` sets the width of the previous-delay bins (ratio of a
/// bin's upper to lower edge) used for decorrelated jitter.
RetryPolicy build_retry_policy(const Client& client, double h, double decorrelated_ratio = 1.25);

/// The mass of a delay uniform on [lo_s, hi_s] (a point when equal), added to
/// a failure time uniform within its step, falling into each later step
/// (docs/model.md, section 5.3). Exposed for tests.
DelayKernel make_kernel(double lo_s, double hi_s, double h);

}  // namespace sg
