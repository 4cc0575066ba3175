/// Figure presets: a paper column, a full paper width and a 16:9 slide, each
/// with the physical size, text sizes and line widths chosen for it.
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace sg::ui {

struct FigurePreset {
  QString name;         ///< "column", "page", "slide": the --preset value
  QString title;        ///< for the export dialog
  double width_pt = 0;  ///< the figure's physical size, in points (1/72 in)
  double height_pt = 0;
  int text_pt = 9;        ///< axis labels, legends, captions, labels on the plot
  int tick_pt = 8;        ///< tick labels (never below 7 pt at the physical size)
  double line_scale = 1;  ///< curve and marker pens, against the screen's
  double png_dpi = 300;   ///< PNG pixels per inch
};

/// Every preset, in the order the export dialog lists them.
const std::vector<FigurePreset>& figure_presets();
/// The preset of that name, or nullptr.
const FigurePreset* find_figure_preset(const QString& name);
/// The preset names joined for messages and help: "column, page or slide".
QString figure_preset_names();

}  // namespace sg::ui
