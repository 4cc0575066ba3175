/// The points of a run's curve that its drawing needs.
#pragma once

#include <QVector>

#include "model/fluid_solver.h"

namespace sg::ui {

/// A curve as plotted: its keys (times, s) and values.
struct CurvePoints {
  QVector<double> keys, values;
};

/// One point per interval of `run`, joined by straight lines, less the points
/// inside a run of equal values: those lie on the horizontal segment from the
/// first of the repeats to the last and change nothing drawn (a dash pattern
/// runs on across a vertex), but each costs its share of stroking the line.
/// A healthy run's curves are mostly flat: the three-service chain's entry
/// has 36000 points over its curves, of which 104 remain. A value that is not
/// a number is always kept (it breaks the line).
CurvePoints curve_points(const RunResult& run, double Interval::*member);

/// The value at each time in `times` of a curve given by `points`: the value of
/// the last point at or before that time. At the times of the run the points
/// came from, this is every interval's value exactly (a dropped point's value
/// equals the point before it).
QVector<double> values_at(const CurvePoints& points, const QVector<double>& times);

}  // namespace sg::ui
