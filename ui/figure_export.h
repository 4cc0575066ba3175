/// Figures to files: the load curves or the whole dashboard, as PNG, PDF or SVG.
#pragma once

#include <QString>

#include <functional>
#include <utility>

#include "analysis/health.h"
#include "scenario/scenario.h"

class QCustomPlot;

namespace sg::ui {

class LoadCurvesView;
class TopologyView;

struct FigurePreset;

struct FigureSize {
  FigureSize(int width_pt = 1600, int height_pt = 1000, double png_scale = 1, QString preset_name = {})
      : width(width_pt), height(height_pt), scale(png_scale), preset(std::move(preset_name)) {}
  int width = 1600;   ///< in points (pixels at scale 1)
  int height = 1000;
  double scale = 1;   ///< PNG only: 2 doubles the pixels, for slides and high-DPI screens
  /// A figure preset's name (figure_preset.h): its text sizes and line
  /// widths, in points of the figure; empty for the plot's screen fonts.
  QString preset;
};

/// A preset's size: its width and height in points, its PNG resolution, its name.
FigureSize preset_figure_size(const FigurePreset& preset);

/// Told the outcome of an export that runs on (an error message, empty on
/// success). Given to an export, it makes a PNG's rasterising and encoding,
/// most of its time, run on a worker thread, so that the UI thread never
/// waits for them: the export returns at once with an empty string, and
/// `done` is called on the UI thread's event loop. Refusals and the vector
/// formats (written at once) call it before the export returns. Without it
/// every export is written before it returns, its error returned.
using FigureDone = std::function<void(const QString& error)>;

/// Waits until every figure being written on a worker thread is whole (the
/// window waits for them as it closes: none is left half-written).
void wait_for_figure_writes();

/// The file kinds export understands, from the file name's suffix; empty if none.
QString figure_format(const QString& path);

/// Writes the load curves (caption, both panels, legends, axis titles) to
/// `path`; PNG is raster, PDF and SVG are vector, their pages and sizes in
/// points (SVG's width and height in mm). Nothing that follows the mouse is
/// drawn, nor anything outside its axes (FigureLook). Returns an error message,
/// empty on success. The file is complete or absent: written aside, then renamed.
QString export_curves(LoadCurvesView& view, const QString& path, FigureSize size = {}, const FigureDone& done = {});

/// Writes any plot with a caption above it (the stability map, for one).
QString export_plot(QCustomPlot& plot, const QString& caption, const QString& path, FigureSize size = {},
                    const FigureDone& done = {});

/// Writes the call graph (TopologyView) at its cursor's time with a caption
/// above it and its legend below, in the print palette. Same formats and
/// guarantees.
QString export_topology(const TopologyView& view, const QString& caption, const QString& path, FigureSize size = {},
                        const FigureDone& done = {});

/// Writes the dashboard figure: title, caption of the key parameters, the load
/// curves and the summary in words. Same formats and guarantees. A landscape
/// preset (page, slide) keeps its size exactly, the summary beside the curves;
/// on the column the summary goes under the curves, which keep the preset's
/// size: that figure has the column's width and is taller by title and summary.
/// With `graph` (a scenario with calls) the call graph at its cursor's time,
/// with its legend, takes a band above the curves, in the print palette.
QString export_dashboard(LoadCurvesView& view, const Scenario& scenario, const RunHealth& health,
                         const QString& path, FigureSize size = {}, const TopologyView* graph = nullptr,
                         const FigureDone& done = {});

}  // namespace sg::ui
