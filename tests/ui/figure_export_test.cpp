// Figures for a paper and for slides (issue 10, item 3): presets with
// physical sizes, text of at least 7 pt, no hover state, the map's legend,
// nothing outside its axes.
#include <QApplication>
#include <QDir>
#include <QThread>
#include <QTest>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/health.h"
#include "analysis/parameter_map.h"
#include "figure_export.h"
#include "figure_export_dialog.h"
#include "figure_look.h"
#include "figure_preset.h"
#include "hysteresis_view.h"
#include "legend_swatch.h"
#include "load_curves_view.h"
#include "model/fluid_solver.h"
#include "qcustomplot.h"
#include "scenario/scenario.h"
#include "stability_map_view.h"

namespace sg::ui {
namespace {

QByteArray read(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The load curves of the default scenario's storm, as the dashboard shows them.
struct Curves {
  Curves() {
    view.resize(1000, 700);
    view.show_run(scenario, solve(scenario));
  }
  Scenario scenario;
  LoadCurvesView view;
};

/// The default scenario's demand x capacity map, 16 x 16, as the map panel shows it.
struct Map {
  Map() {
    view.resize(700, 600);
    ParameterMap m =
        compute_map(scenario, {"demand.base_rate", 100, 1500, 16}, {"server.capacity", 500, 2000, 16});
    view.show_map(m, 1, scenario);
  }
  Scenario scenario;
  StabilityMapView view;
};

/// The SVG's size in points: its width and height attributes (in mm) and its
/// view box, for the factor from drawing units to points.
struct SvgSize {
  double width_mm = 0, height_mm = 0, view_width = 0;
  double points_per_unit() const { return width_mm / 25.4 * 72 / view_width; }
};

SvgSize svg_size(const QByteArray& svg) {
  SvgSize s;
  const auto size = QRegularExpression(R"re(<svg width="([0-9.]+)mm" height="([0-9.]+)mm")re").match(svg);
  const auto box = QRegularExpression(R"re(viewBox="0 0 ([0-9.]+) ([0-9.]+)")re").match(svg);
  if (size.hasMatch()) {
    s.width_mm = size.captured(1).toDouble();
    s.height_mm = size.captured(2).toDouble();
  }
  if (box.hasMatch()) s.view_width = box.captured(1).toDouble();
  return s;
}

/// The font size of every text element of an SVG from QSvgGenerator, in its
/// drawing units: the text's own font-size, else its group's.
std::vector<double> svg_text_sizes(const QString& svg) {
  std::vector<double> sizes;
  const QRegularExpression size_attr(R"re(font-size="([0-9.]+)")re");
  for (qsizetype at = svg.indexOf("<text"); at >= 0; at = svg.indexOf("<text", at + 1)) {
    const QString tag = svg.mid(at, svg.indexOf('>', at) - at);
    auto own = size_attr.match(tag);
    if (own.hasMatch()) {
      sizes.push_back(own.captured(1).toDouble());
      continue;
    }
    const qsizetype group = svg.lastIndexOf("font-size=\"", at);
    if (group >= 0) sizes.push_back(size_attr.match(svg, group).captured(1).toDouble());
  }
  return sizes;
}

double pdf_media_box(const QByteArray& pdf, int index) {
  const auto m = QRegularExpression(R"re(/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\])re").match(pdf);
  return m.hasMatch() ? m.captured(index).toDouble() : -1;
}

TEST(FigurePresets, ColumnPageAndSlideHaveTheirPhysicalSizesInPdfSvgAndPng) {
  Curves c;
  QTemporaryDir dir;
  struct Expected {
    const char* name;
    double width_pt, height_pt;  // the preset's inches x 72
    int png_width;               // width_pt x dpi / 72
  };
  // column 3.5 x 3.5 in, page 7 x 4 in at 300 dpi; slide 13.33 x 7.5 in at 144 dpi (1920 pixels).
  for (const Expected& e : {Expected{"column", 252, 252, 1050}, Expected{"page", 504, 288, 2100},
                            Expected{"slide", 960, 540, 1920}}) {
    const FigurePreset* preset = find_figure_preset(e.name);
    ASSERT_NE(preset, nullptr) << e.name;
    const FigureSize size = preset_figure_size(*preset);
    const QString base = dir.filePath(QString::fromLatin1(e.name));
    ASSERT_EQ(export_curves(c.view, base + ".pdf", size), QString());
    ASSERT_EQ(export_curves(c.view, base + ".svg", size), QString());
    ASSERT_EQ(export_curves(c.view, base + ".png", size), QString());
    const QByteArray pdf = read(base + ".pdf");
    EXPECT_DOUBLE_EQ(pdf_media_box(pdf, 1), e.width_pt) << e.name;
    EXPECT_DOUBLE_EQ(pdf_media_box(pdf, 2), e.height_pt) << e.name;
    // SVG width and height in mm: points / 72 x 25.4 (252 pt = 88.9 mm).
    const SvgSize svg = svg_size(read(base + ".svg"));
    EXPECT_NEAR(svg.width_mm, e.width_pt / 72 * 25.4, 0.01) << e.name;
    EXPECT_NEAR(svg.height_mm, e.height_pt / 72 * 25.4, 0.01) << e.name;
    const QImage png(base + ".png");
    EXPECT_EQ(png.width(), e.png_width) << e.name;
    // The PNG says its resolution, so that it is placed at the preset's size.
    EXPECT_NEAR(png.dotsPerMeterX() * 0.0254, preset->png_dpi, 0.5) << e.name;
  }
}

TEST(FigurePresets, EveryTextInTheSvgIsAtLeastSevenPointsAndSlidesTwiceThat) {
  // Journals ask for 7 pt at print size; on a slide, 14 pt reads from the back.
  Curves c;
  Map m;
  HysteresisView loop;
  QSignalSpy shown(&loop, &HysteresisView::loop_shown);
  loop.resize(700, 500);
  loop.show_scenario(Scenario{});
  ASSERT_TRUE(shown.wait(20000));
  QTemporaryDir dir;
  for (const FigurePreset& preset : figure_presets()) {
    const double least = preset.name == QLatin1String("slide") ? 14 : 7;
    for (const char* figure : {"curves", "map", "hysteresis"}) {
      const QString path = dir.filePath(preset.name + "-" + figure + ".svg");
      const QString which = QString::fromLatin1(figure);
      const QString error =
          which == "map" ? export_plot(*m.view.plot(), m.view.caption(), path, preset_figure_size(preset))
          : which == "hysteresis"
              ? export_plot(*loop.plot(), loop.caption(), path, preset_figure_size(preset))
              : export_curves(c.view, path, preset_figure_size(preset));
      ASSERT_EQ(error, QString());
      const QByteArray svg = read(path);
      const double to_points = svg_size(svg).points_per_unit();
      EXPECT_NEAR(to_points, 1, 1e-3) << "drawn in points";
      const std::vector<double> sizes = svg_text_sizes(QString::fromUtf8(svg));
      ASSERT_GT(sizes.size(), 10u) << path.toStdString();  // ticks, titles, legend, caption
      // STORMGLASS_KEEP_FIGURES=DIR keeps the files, to render and look at (rsvg-convert).
      if (qEnvironmentVariableIsSet("STORMGLASS_KEEP_FIGURES"))
        QFile::copy(path, qEnvironmentVariable("STORMGLASS_KEEP_FIGURES") + "/" + QFileInfo(path).fileName());
      for (double s : sizes) EXPECT_GE(s * to_points, least) << path.toStdString();
    }
  }
}

/// The texts of every swatch entry (not a curve's) in the plot's legends.
QStringList swatch_texts(QCustomPlot& plot) {
  QStringList texts;
  for (int i = 0; i < plot.plotLayout()->elementCount(); ++i)
    if (auto* legend = qobject_cast<QCPLegend*>(plot.plotLayout()->elementAt(i)))
      for (int k = 0; k < legend->itemCount(); ++k)
        if (auto* swatch = dynamic_cast<LegendSwatch*>(legend->item(k))) texts << swatch->text();
  return texts;
}

TEST(FigureExport, TheUnhealthyBandIsNamedInTheLegendNotOnTopOfTheCurves) {
  // Issue 10, item 3: the red band's "unhealthy" label sat at the band's
  // start, where the storm begins, across the offered load's peak. It is now
  // an entry of the rates legend (its tooltip gives the rule), shown while a run has such
  // intervals: the default scenario's storm has them, a healthy run none.
  Curves storm;
  for (int i = 0; i < storm.view.plot()->itemCount(); ++i) {
    if (auto* text = qobject_cast<QCPItemText*>(storm.view.plot()->item(i))) {
      EXPECT_FALSE(text->text().contains("unhealthy")) << text->text().toStdString();
    }
  }
  EXPECT_TRUE(swatch_texts(*storm.view.plot()).contains("unhealthy"))
      << swatch_texts(*storm.view.plot()).join(", ").toStdString();
  Scenario calm;
  calm.demand.surge.reset();
  calm.server.outage = {};
  const RunResult run = solve(calm);
  ASSERT_TRUE(std::all_of(run.intervals.begin(), run.intervals.end(), [](const Interval& x) { return is_healthy(x); }));
  storm.view.show_run(calm, run);
  EXPECT_FALSE(swatch_texts(*storm.view.plot()).join(' ').contains("unhealthy"));
  // And back: one entry, not two.
  storm.view.show_run(storm.scenario, solve(storm.scenario));
  EXPECT_EQ(swatch_texts(*storm.view.plot()).filter("unhealthy").size(), 1);
}

TEST(FigureExport, AHoverAtExportTimeLeavesTheFileAsWithoutIt) {
  // The cursor line of the readout ended up in exported figures.
  Curves c;
  QTemporaryDir dir;
  const QString before = dir.filePath("before.svg"), after = dir.filePath("after.svg");
  ASSERT_EQ(export_curves(c.view, before, {800, 500, 1, "page"}), QString());
  // The mouse over the curves at t of about the middle of the plot.
  QCustomPlot* plot = c.view.plot();
  plot->replot();
  const QPointF at(plot->width() / 2.0, plot->height() / 3.0);
  QMouseEvent move(QEvent::MouseMove, at, plot->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(plot, &move);
  ASSERT_TRUE(c.view.readout_text().startsWith("t = ")) << c.view.readout_text().toStdString();
  int shown = 0;
  for (int i = 0; i < plot->itemCount(); ++i)
    if (plot->item(i)->visible() && qobject_cast<QCPItemStraightLine*>(plot->item(i)) &&
        plot->item(i)->layer()->name() == QLatin1String(kHoverLayer))
      ++shown;
  EXPECT_EQ(shown, 2);  // the cursor is on screen: one line per panel
  ASSERT_EQ(export_curves(c.view, after, {800, 500, 1, "page"}), QString());
  EXPECT_EQ(read(before), read(after));  // the same drawing, byte for byte
}

TEST(FigureExport, AnExportedMapCarriesItsLegend) {
  // The map's legend was a label beside the plot: no exported map had it.
  Map m;
  QTemporaryDir dir;
  for (const QString& preset : {QString(), QStringLiteral("column")}) {
    const QString path = dir.filePath(QStringLiteral("map%1.svg").arg(preset));
    ASSERT_EQ(export_plot(*m.view.plot(), m.view.caption(), path, {900, 800, 1, preset}), QString());
    const QString svg = QString::fromUtf8(read(path));
    for (const char* text : {"stable (darker: slower recovery)", "draining (recovers after the run ends)",
                             "metastable", "overloaded", "operating point", "boundaries"})
      EXPECT_TRUE(svg.contains(QLatin1String(text))) << text << " in " << path.toStdString();
  }
}

TEST(FigureExport, TheTickLabelAtTheMapsRightEdgeIsDrawn) {
  // QCustomPlot leaves out a tick label that would cross the figure's edge:
  // the slide's map lost the "1500" under its right end.
  Map m;
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("map.svg"));
  ASSERT_EQ(
      export_plot(*m.view.plot(), m.view.caption(), path, preset_figure_size(*find_figure_preset("slide"))),
      QString());
  // Twice: capacity 1500 on the y axis, demand 1500 at the x axis's end.
  EXPECT_EQ(QString::fromUtf8(read(path)).count(QStringLiteral(">1500<")), 2);
}

/// Where a vertical axis's title is drawn: centred on its rect, as long as its longest line.
std::pair<double, double> title_extent(QCPAxis* axis) {
  double longest = 0;
  for (const QString& line : axis->label().split('\n'))
    longest = std::max(longest, QFontMetricsF(axis->labelFont()).horizontalAdvance(line));
  const QRect r = axis->axisRect()->rect();
  return {r.center().y() - longest / 2, r.center().y() + longest / 2};
}

TEST(FigureExport, AtPaperSizesNoLegendRunsIntoAnAxisTitleOrAnotherEntry) {
  // At 500 x 320 pt the rates title ("jobs or attempts per second") was
  // longer than its panel is tall and ran up into the legend above it.
  Curves c;
  QCustomPlot& plot = *c.view.plot();
  std::vector<std::pair<QString, FigureSize>> sizes = {{"500x320", {500, 320}}};
  for (const FigurePreset& p : figure_presets()) sizes.push_back({p.name, preset_figure_size(p)});
  for (const auto& [name, size] : sizes) {
    const FigureLook look(plot, find_figure_preset(size.preset), QSize(size.width, size.height - 40));
    std::vector<QRect> legends;
    for (QCPLayoutElement* e : plot.plotLayout()->elements(false))
      if (auto* legend = qobject_cast<QCPLegend*>(e)) {
        legends.push_back(legend->outerRect());
        for (int i = 0; i < legend->itemCount(); ++i) {
          // Each entry at least as tall as its text: a squeezed legend overlaps its rows.
          if (QCPAbstractLegendItem* item = legend->item(i)) {
            EXPECT_GE(item->outerRect().height(), item->minimumOuterSizeHint().height())
                << name.toStdString();
          }
        }
      }
    ASSERT_EQ(legends.size(), 2u);
    for (QCPAxisRect* rect : plot.axisRects())
      for (QCPAxis* axis : {rect->axis(QCPAxis::atLeft), rect->axis(QCPAxis::atRight)}) {
        if (axis->label().isEmpty()) continue;
        const auto [top, bottom] = title_extent(axis);
        for (const QRect& legend : legends)
          EXPECT_TRUE(bottom <= legend.top() || top >= legend.bottom())
              << name.toStdString() << ": " << axis->label().toStdString() << " spans " << top << "-"
              << bottom << ", a legend " << legend.top() << "-" << legend.bottom();
      }
  }
}

TEST(FigureExport, NothingReachesOutsideItsAxisRectAndThePlotComesBackWhole) {
  // SVG files keep no clipping: the map's dashed boundaries ran over the tick
  // labels. An operating point off the map would have been drawn beside it.
  Map m;
  Scenario off = m.scenario;
  off.demand.base_rate = 3000;  // beyond the map's 100-1500
  m.view.show_operating_point(off);
  QCustomPlot& plot = *m.view.plot();
  std::vector<int> points_before;
  for (int i = 0; i < plot.graphCount(); ++i) points_before.push_back(plot.graph(i)->dataCount());
  ASSERT_GE(plot.graphCount(), 3);  // the operating point and the two boundaries
  {
    const FigureLook look(plot, find_figure_preset("column"), QSize(252, 230));
    int cut = 0;
    for (int i = 0; i < plot.graphCount(); ++i) {
      QCPGraph* g = plot.graph(i);
      const QCPRange x = g->keyAxis()->range(), y = g->valueAxis()->range();
      for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
        if (std::isnan(it->value)) continue;
        EXPECT_TRUE(x.contains(it->key) && y.contains(it->value))
            << i << ": " << it->key << ", " << it->value;
      }
      if (g->dataCount() != points_before[static_cast<std::size_t>(i)]) ++cut;
    }
    EXPECT_GE(cut, 2);  // demand = capacity leaves the top of the plane; the operating point is off it
    for (int i = 0; i < plot.itemCount(); ++i) {
      if (auto* text = qobject_cast<QCPItemText*>(plot.item(i)); text && text->visible()) {
        EXPECT_TRUE(QRectF(plot.axisRect()->rect()).contains(text->position->pixelPosition()))
            << text->text().toStdString();
      }
    }
  }
  for (int i = 0; i < plot.graphCount(); ++i)
    EXPECT_EQ(plot.graph(i)->dataCount(), points_before[static_cast<std::size_t>(i)]);
}

TEST(FigureExport, AZoomedExportCutsCurvesAndBandsAtThePanelEdges) {
  // Zoomed to 700-1500 s, the curves run on past both edges and the surge's
  // band (600-900 s) starts before the left one; in an SVG they were drawn there.
  Curves c;
  QCustomPlot& plot = *c.view.plot();
  plot.axisRect(0)->axis(QCPAxis::atBottom)->setRange(700, 1500);
  const FigureLook look(plot, find_figure_preset("page"), QSize(504, 260));
  for (int i = 0; i < plot.graphCount(); ++i) {
    QCPGraph* g = plot.graph(i);
    const QCPRange x = g->keyAxis()->range(), y = g->valueAxis()->range();
    EXPECT_EQ(x.lower, 700);
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
      if (!std::isnan(it->value)) {
        EXPECT_TRUE(x.contains(it->key) && y.contains(it->value))
            << g->name().toStdString() << " " << it->key;
      }
  }
  int bands = 0;
  for (int i = 0; i < plot.itemCount(); ++i)
    if (auto* band = qobject_cast<QCPItemRect*>(plot.item(i)); band && band->visible()) {
      ++bands;
      const QRectF r =
          QRectF(band->topLeft->pixelPosition(), band->bottomRight->pixelPosition()).normalized();
      EXPECT_TRUE(QRectF(band->clipAxisRect()->rect()).adjusted(-0.5, -0.5, 0.5, 0.5).contains(r))
          << r.left();
    }
  EXPECT_GE(bands, 3);  // the surge in both panels and the unhealthy band along the top
}

// The dashboard's exports (issue 12, item 4): a PNG is rasterised and
// encoded on a worker thread, the UI thread only records the drawing. The
// file is the one the synchronous export writes, byte for byte; `done` is
// told once, on the UI thread; a refusal is told before the call returns.
TEST(FigureExport, APngWrittenOnAWorkerThreadIsTheFileWrittenAtOnce) {
  Curves c;
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString now = dir.filePath("now.png"), later = dir.filePath("later.png");
  const FigureSize size{1200, 800, 2};
  ASSERT_EQ(export_curves(c.view, now, size), QString());
  int calls = 0;
  QString outcome = QStringLiteral("not told");
  bool on_ui_thread = false;
  ASSERT_EQ(export_curves(c.view, later, size, [&](const QString& error) {
              ++calls;
              outcome = error;
              on_ui_thread = QThread::currentThread() == qApp->thread();
            }),
            QString());
  EXPECT_EQ(calls, 0) << "told before the worker could have written it";
  ASSERT_TRUE(QTest::qWaitFor([&] { return calls > 0; }, 20000));
  QTest::qWait(50);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(outcome, QString());
  EXPECT_TRUE(on_ui_thread);
  const QByteArray a = read(now), b = read(later);
  EXPECT_GT(a.size(), 10000);
  EXPECT_TRUE(a == b) << a.size() << " and " << b.size() << " bytes";
  EXPECT_EQ(QImage(later).size(), QSize(2400, 1600));
  // Nothing is left beside the files: the worker's temporary was renamed.
  EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);

  // A refusal is told at once, with the path and the reason.
  calls = 0;
  const QString gone = dir.filePath("no/such/folder/figure.png");
  EXPECT_EQ(export_curves(c.view, gone, size, [&](const QString& error) {
              ++calls;
              outcome = error;
            }),
            QString());
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(outcome.contains(gone) && outcome.contains("does not exist")) << outcome.toStdString();
  wait_for_figure_writes();
}

TEST(FigureExportDialog, APresetSetsTheSizeAndASizeOfOnesOwnComesBack) {
  FigureExportDialog dialog(QStringLiteral("Export"), {1600, 900, 2});
  EXPECT_EQ(dialog.figure_size().preset, QString());
  EXPECT_EQ(dialog.figure_size().width, 1600);
  dialog.choose_preset(QStringLiteral("column"));
  const FigureSize column = dialog.figure_size();
  EXPECT_EQ(column.preset, QStringLiteral("column"));
  EXPECT_EQ(column.width, 252);  // 3.5 in
  EXPECT_EQ(column.height, 252);
  EXPECT_NEAR(column.scale, 300.0 / 72, 0.01);  // 300 dpi
  dialog.choose_preset(QString());
  EXPECT_EQ(dialog.figure_size().width, 1600);
  EXPECT_EQ(dialog.figure_size().height, 900);
  EXPECT_EQ(dialog.figure_size().scale, 2);
  EXPECT_EQ(dialog.preset_chooser()->count(), 4);  // own size, column, page, slide
}

}  // namespace
}  // namespace sg::ui
