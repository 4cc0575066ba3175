#include "curve_points.h"

#include <algorithm>

namespace sg::ui {

CurvePoints curve_points(const RunResult& run, double Interval::*member) {
  CurvePoints points;
  const std::size_t n = run.intervals.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double v = run.intervals[i].*member;
    // Inside a run of repeats: equal to the value before and after (NaN never is).
    if (i > 0 && i + 1 < n && v == run.intervals[i - 1].*member && v == run.intervals[i + 1].*member) continue;
    points.keys.push_back(run.intervals[i].t_s);
    points.values.push_back(v);
  }
  return points;
}

QVector<double> values_at(const CurvePoints& points, const QVector<double>& times) {
  QVector<double> values;
  values.reserve(times.size());
  for (double t : times) {
    const auto after = std::upper_bound(points.keys.begin(), points.keys.end(), t);
    values.push_back(after == points.keys.begin() ? points.values.value(0)
                                                  : points.values[static_cast<int>(after - points.keys.begin()) - 1]);
  }
  return values;
}

}  // namespace sg::ui
