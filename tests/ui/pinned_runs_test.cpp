// Pinned runs on the load curves (issue 10, item 5): scaled to, visible on
// the trigger's shading, named without squeezing the legend, read out
// beside the current run.
#include <QApplication>

#include <gtest/gtest.h>

#include "load_curves_view.h"
#include "model/fluid_solver.h"
#include "qcustomplot.h"

namespace sg::ui {
namespace {

/// A flat run: every interval has `offered` attempts/s and `goodput` of them served.
RunResult flat_run(double offered, double goodput, double duration_s = 600) {
  RunResult run;
  for (double t = 1; t <= duration_s; t += 1) {
    Interval i;
    i.t_s = t;
    i.demand = goodput;
    i.offered = offered;
    i.served = goodput;
    i.goodput = goodput;
    i.capacity = 1000;
    run.intervals.push_back(i);
  }
  return run;
}

struct PinnedCurves : ::testing::Test {
  void SetUp() override {
    view.resize(1200, 700);
    view.show();
    scenario.duration_s = 600;
    view.show_run(scenario, flat_run(1600, 800));
  }
  QCPAxis* rates_axis() const {
    // The rates panel is the plot's first axis rect; its left axis carries offered.
    return view.plot()->axisRect(0)->axis(QCPAxis::atLeft);
  }
  LoadCurvesView view;
  Scenario scenario;
};

TEST_F(PinnedCurves, TheRatesAxisScalesToThePinnedRunsPeakToo) {
  // The current run peaks at 1600/s; a pinned one offered 2400/s. Scaled to
  // the current run only, the axis would end near 1600 x 1.08 and cut the pin.
  EXPECT_LT(rates_axis()->range().upper, 2000);
  view.set_pinned({{QStringLiteral("queue limit none"), scenario, flat_run(2400, 800)}});
  EXPECT_GE(rates_axis()->range().upper, 2400);
}

TEST_F(PinnedCurves, PinsAreDrawnAboveTheTriggerShadingAndBelowTheCurrentRun) {
  view.set_pinned({{QStringLiteral("a"), scenario, flat_run(2400, 800)}});
  QCustomPlot* plot = view.plot();
  QCPLayer* pins = nullptr;
  for (int i = 0; i < plot->graphCount(); ++i)
    if (plot->graph(i)->name().startsWith("pinned")) pins = plot->graph(i)->layer();
  ASSERT_NE(pins, nullptr);
  ASSERT_NE(plot->layer("shading"), nullptr);
  EXPECT_GT(pins->index(), plot->layer("shading")->index());
  EXPECT_LT(pins->index(), plot->graph(0)->layer()->index());
  // Strong enough to read over the shading.
  EXPECT_GE(plot->graph(plot->graphCount() - 1)->pen().color().alpha(), 150);
}

TEST_F(PinnedCurves, ALongPinLabelLeavesEveryLegendEntryItsWholeText) {
  const QString label = QStringLiteral("client.max_attempts 3, retry budget 0.1 of 10 s, jitter decorrelated");
  view.resize(760, 600);  // the curves' width in a 1280-pixel window
  // As many pinned runs as the dashboard keeps (4), each with a long label.
  view.set_pinned({{label, scenario, flat_run(2400, 800)},
                   {label + " 2", scenario, flat_run(2300, 800)},
                   {label + " 3", scenario, flat_run(2200, 800)},
                   {label + " 4", scenario, flat_run(2100, 800)}});
  view.plot()->replot();
  int checked = 0;
  for (int e = 0; e < view.plot()->plotLayout()->elementCount(); ++e) {
    auto* l = qobject_cast<QCPLegend*>(view.plot()->plotLayout()->elementAt(e));
    if (!l) continue;
    for (int i = 0; i < l->itemCount(); ++i) {
      auto* item = qobject_cast<QCPPlottableLegendItem*>(l->item(i));
      if (!item) continue;  // an empty cell of the grid
      const QCPLayoutElement* cell = item;  // the size hint is public on the layout element
      EXPECT_GE(cell->outerRect().width(), cell->minimumOuterSizeHint().width())
          << item->plottable()->name().toStdString();
      ++checked;
    }
  }
  EXPECT_GT(checked, 5);
  bool shortened = false;
  for (int i = 0; i < view.plot()->graphCount(); ++i) {
    const QString name = view.plot()->graph(i)->name();
    if (name.startsWith("pinned: client.max_")) shortened = name.contains(QChar(0x2026)) && name.size() < label.size();
  }
  EXPECT_TRUE(shortened);
}

TEST_F(PinnedCurves, TheReadoutShowsEachPinnedValueBesideTheCurrentOne) {
  view.set_pinned({{QStringLiteral("a"), scenario, flat_run(2400, 700)}});
  view.show_readout_at(100);
  const QString text = view.readout_text();
  EXPECT_TRUE(text.contains("offered 1,600 (pinned 2,400)")) << text.toStdString();
  EXPECT_TRUE(text.contains("goodput 800 (pinned 700)")) << text.toStdString();
}

}  // namespace
}  // namespace sg::ui
