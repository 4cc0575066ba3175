/// Time-varying rates of a scenario: demand(t) and capacity(t) (docs/model.md, section 2).
#pragma once

#include <vector>

#include "scenario/scenario.h"

namespace sg {

/// A rate that is a sum of linear pieces, each nonzero on [t0, t1) only.
/// Its integral over any interval is exact.
class RateSchedule {
public:
  /// Adds a piece rising linearly from v0 at t0 to v1 at t1 (t1 may be infinite
  /// when v0 == v1).
  void add(double t0, double t1, double v0, double v1);

  /// The rate just after time t.
  double at(double t) const;

  /// The exact integral of the rate over [a, b].
  double integral(double a, double b) const;

  /// Adds the integrals over slots first .. first+count-1 to out[0 .. count-1].
  void add_slot_integrals(double h, long first, long count, double* out) const;

  /// The times where some piece starts or ends, sorted (finite ones only).
  std::vector<double> breakpoints() const;

  /// The rate just before time t (the left limit).
  double before(double t) const;

  /// The time t >= from at which the integral over [from, t] reaches `amount`
  /// (the rate must be piecewise constant, as capacity is). Infinite when the
  /// rate ends at zero before reaching it.
  double time_to_accumulate(double from, double amount) const;

private:
  struct Piece {
    double t0, t1, v0, v1;
  };
  static double piece_integral(const Piece& p, double a, double b);
  std::vector<Piece> pieces_;
};

/// The end of the last stretch of [0, duration_s] during which
/// `factor` x load(t) is at least capacity(t), or -1 if there is none. Both
/// rates are piecewise linear, so their crossings are at the breakpoints;
/// equal rates count (step masses summed from several pieces can differ by
/// a rounding error either way), and an overestimate is safe where it is
/// used (an early stop comes later).
double last_overload_s(const RateSchedule& load, double factor, const RateSchedule& capacity, double duration_s);

/// The start of the first stretch of [from, duration_s] during which
/// `factor` x load(t) is at least capacity(t), or infinity if there is none.
/// Between breakpoints both rates are linear, so an overload inside a
/// stretch shows at one of its ends; the stretch's start is returned (an
/// underestimate is safe where it is used: a skip ends sooner).
double first_overload_s(const RateSchedule& load, double factor, const RateSchedule& capacity, double from,
                        double duration_s);

/// demand(t) of spec/interfaces.md: base rate plus surge (linear ramps inside
/// its window, a triangle when 2 * ramp exceeds the duration), or the profile.
RateSchedule demand_schedule(const Scenario& scenario);

/// capacity(t) = capacity * factor(t) (spec/system.md, "The server").
RateSchedule capacity_schedule(const Scenario& scenario);

}  // namespace sg
