/// Figures to files: the load curves or the whole dashboard, as PNG, PDF or SVG.
#pragma once

#include <QString>

#include "analysis/health.h"
#include "scenario/scenario.h"

class QCustomPlot;

namespace sg::ui {

class LoadCurvesView;

struct FigureSize {
  int width = 1600;   ///< in points (pixels at scale 1)
  int height = 1000;
  double scale = 1;   ///< PNG only: 2 doubles the pixels, for slides and high-DPI screens
};

/// The file kinds export understands, from the file name's suffix; empty if none.
QString figure_format(const QString& path);

/// Writes the load curves (caption, both panels, legends, axis titles) to
/// `path`; PNG is raster, PDF and SVG are vector. Returns an error message,
/// empty on success. The file is complete or absent: written aside, then renamed.
QString export_curves(LoadCurvesView& view, const QString& path, FigureSize size = {});

/// Writes any plot with a caption above it (the stability map, for one).
QString export_plot(QCustomPlot& plot, const QString& caption, const QString& path, FigureSize size = {});

/// Writes the dashboard figure: title, caption of the key parameters, the load
/// curves and the summary in words. Same formats and guarantees.
QString export_dashboard(LoadCurvesView& view, const Scenario& scenario, const RunHealth& health,
                         const QString& path, FigureSize size = {});

}  // namespace sg::ui
