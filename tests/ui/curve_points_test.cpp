// The points of a curve that its drawing needs (ui/curve_points.h): repeats
// are thinned out, nothing drawn changes, and every interval's value reads
// back exactly.
#include <QApplication>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "curve_points.h"
#include "load_curves_view.h"
#include "qcustomplot.h"

namespace sg::ui {
namespace {

RunResult run_of(const std::vector<double>& goodput) {
  RunResult run;
  for (std::size_t k = 0; k < goodput.size(); ++k) {
    Interval i;
    i.t_s = static_cast<double>(k + 1);
    i.goodput = goodput[k];
    run.intervals.push_back(i);
  }
  return run;
}

QVector<double> times_of(const RunResult& run) {
  QVector<double> t;
  for (const Interval& i : run.intervals) t << i.t_s;
  return t;
}

TEST(CurvePoints, OnlyThePointsInsideARunOfRepeatsAreLeftOut) {
  // 1 1 1 2 2 3 at t = 1..6: the second 1 lies inside the run 1 1 1 (its
  // neighbours are both 1); the last 1 and the first 2 bound the step up,
  // the two 2s bound a run of two, which has no inside.
  const RunResult run = run_of({1, 1, 1, 2, 2, 3});
  const CurvePoints p = curve_points(run, &Interval::goodput);
  EXPECT_EQ(p.keys, (QVector<double>{1, 3, 4, 5, 6}));
  EXPECT_EQ(p.values, (QVector<double>{1, 1, 2, 2, 3}));
  EXPECT_EQ(values_at(p, times_of(run)), (QVector<double>{1, 1, 1, 2, 2, 3}));
}

TEST(CurvePoints, AFlatCurveKeepsItsEndsAndANotANumberIsAlwaysKept) {
  EXPECT_EQ(curve_points(run_of(std::vector<double>(3600, 800)), &Interval::goodput).keys, (QVector<double>{1, 3600}));
  // NaN equals nothing, itself included: the line breaks there as before.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const CurvePoints p = curve_points(run_of({0, nan, nan, nan, 0}), &Interval::goodput);
  EXPECT_EQ(p.keys.size(), 5);
}

TEST(CurvePoints, AZoomIntoAFlatStretchKeepsItsLineInView) {
  // 800/s for 600 s: the graph holds two points, at 1 s and 600 s. Zoomed
  // into 200-300 s, no point lies inside the range, yet the line crosses it
  // at 800: the goodput axis must still reach 800 (x 1.08 headroom).
  LoadCurvesView view;
  view.resize(1200, 700);
  view.show();
  Scenario scenario;
  scenario.duration_s = 600;
  view.show_run(scenario, run_of(std::vector<double>(600, 800)));
  QCPAxisRect* rates = view.plot()->axisRect(0);
  EXPECT_EQ(view.curve("goodput"), QVector<double>(600, 800));  // read back at every interval
  rates->axis(QCPAxis::atBottom)->setRange(200, 300);
  view.show_run(scenario, run_of(std::vector<double>(600, 800)));  // the same horizon: the zoom stays
  ASSERT_DOUBLE_EQ(rates->axis(QCPAxis::atBottom)->range().lower, 200);
  EXPECT_DOUBLE_EQ(rates->axis(QCPAxis::atLeft)->range().upper, 800 * 1.08);
}

}  // namespace
}  // namespace sg::ui
