// The dark theme all the way (issue 10, item 4): every panel follows it,
// unticked check boxes stay visible, and exports are dark on white.
#include <QApplication>
#include <QCheckBox>
#include <QImage>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "analysis/parameter_map.h"
#include "figure_export.h"
#include "hysteresis_view.h"
#include "legend_swatch.h"
#include "load_curves_view.h"
#include "model/fluid_solver.h"
#include "qcustomplot.h"
#include "stability_map_view.h"
#include "theme.h"

namespace sg::ui {
namespace {

/// The dark theme for one test, the light one back after it.
struct DarkTheme : ::testing::Test {
  void SetUp() override { ASSERT_TRUE(apply_theme(QStringLiteral("dark"))); }
  void TearDown() override { apply_theme(QStringLiteral("light")); }
  static QColor dark_base() { return QColor(28, 30, 35); }  // theme.cpp's Base
};

/// The colour a plot paints its background with (a corner of its picture).
QColor background_of(QCustomPlot* plot) { return QColor(plot->toPixmap(200, 150).toImage().pixel(1, 1)); }

TEST_F(DarkTheme, TheMapAndHysteresisPanelsFollowIt) {
  // They stayed white: only the load curves followed the palette.
  HysteresisView hysteresis;
  StabilityMapView map;
  for (QCustomPlot* plot : {hysteresis.plot(), map.plot()}) {
    EXPECT_EQ(background_of(plot), dark_base());
    EXPECT_EQ(plot->xAxis->tickLabelColor(), QApplication::palette().color(QPalette::WindowText));
  }
  // And back when the theme changes while they are open.
  apply_theme(QStringLiteral("light"));
  QApplication::processEvents();  // the palette change reaches the widgets as events
  EXPECT_EQ(background_of(map.plot()), QApplication::palette().color(QPalette::Base));
}

TEST_F(DarkTheme, AnUntickedCheckBoxHasAVisibleFrame) {
  // Fusion draws the frame a little darker than the window, which on a dark
  // window is all but invisible: the indicator must differ from the window
  // by a clear step of lightness somewhere.
  QCheckBox box(QStringLiteral("retry budget"));
  box.resize(box.sizeHint());
  const QImage image = box.grab().toImage();
  const int window = QApplication::palette().color(QPalette::Window).lightness();
  int most = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < std::min(image.width(), 20); ++x)  // the indicator, left of the text
      most = std::max(most, std::abs(QColor(image.pixel(x, y)).lightness() - window));
  EXPECT_GT(most, 70);
}

TEST_F(DarkTheme, TheMapLegendsMarkerAndBoundaryLineStandOutFromIt) {
  // The operating point and the boundary lines are drawn dark, for the
  // map's light colours; on the dark legend their swatches vanished (a line
  // of (30, 30, 30) on (28, 30, 35)). Each swatch's icon must hold both a
  // dark stroke and a light ground.
  StabilityMapView map;
  map.resize(400, 600);
  const Scenario example;  // spec/interfaces.md's example, on the demand x capacity plane
  map.show_map(compute_map(example, MapAxis{"demand.base_rate", 100, 1500, 4}, MapAxis{"server.capacity", 500, 2000, 4}),
               1, example);
  map.show_operating_point(example);
  QCustomPlot* plot = map.plot();
  plot->replot();
  const QImage image = plot->toPixmap(plot->width(), plot->height(), 1.0).toImage();
  QCPLegend* legend = nullptr;
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
    if (auto* l = qobject_cast<QCPLegend*>(plot->plotLayout()->elementAt(i))) legend = l;
  ASSERT_NE(legend, nullptr);
  int checked = 0;
  for (int i = 0; i < legend->itemCount(); ++i) {
    auto* swatch = dynamic_cast<LegendSwatch*>(legend->item(i));
    if (!swatch || !swatch->visible()) continue;
    if (swatch->text() != QStringLiteral("operating point") && swatch->text() != QStringLiteral("the model's boundaries"))
      continue;
    const QRect icon(swatch->rect().topLeft(), legend->iconSize());
    int darkest = 255, lightest = 0;
    for (int y = icon.top(); y <= icon.bottom(); ++y)
      for (int x = icon.left(); x <= icon.right(); ++x) {
        const int l = QColor(image.pixel(x, y)).lightness();
        darkest = std::min(darkest, l);
        lightest = std::max(lightest, l);
      }
    EXPECT_LT(darkest, 80) << swatch->text().toStdString();
    EXPECT_GT(lightest - darkest, 150) << swatch->text().toStdString();
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST_F(DarkTheme, ExportsAreDarkOnWhite) {
  // A dark-theme export put light grey text and axes on a white page.
  LoadCurvesView view;
  view.resize(900, 600);
  Scenario s;
  view.show_run(s, solve(s));
  QTemporaryDir dir;
  const QString path = dir.filePath("curves.png");
  ASSERT_EQ(export_curves(view, path, {900, 600, 1}), QString());
  const QImage image(path);
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(QColor(image.pixel(2, image.height() - 3)), QColor(Qt::white));
  // Text, ticks and the demand curve in black: no curve colour is that dark.
  int black = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const QColor c(image.pixel(x, y));
      black += c.red() < 60 && c.green() < 60 && c.blue() < 60;
    }
  EXPECT_GT(black, 2000);
  // The screen keeps its dark look.
  EXPECT_EQ(background_of(view.plot()), dark_base());
}

}  // namespace
}  // namespace sg::ui
