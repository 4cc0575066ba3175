#include "figure_preset.h"

namespace sg::ui {

const std::vector<FigurePreset>& figure_presets() {
  // Widths: a two-column paper's column is 3.3-3.5 in (IEEE 3.5 in, ACM
  // 3.33 in), its full text width about 7 in; a 16:9 slide is 13.33 x 7.5 in
  // (PowerPoint's and Keynote's wide default). The column is square: two
  // stacked panels with their legends need the height. Text: journals ask for 7 pt at
  // least at print size; slides need about twice that to read from the back.
  static const std::vector<FigurePreset> presets = {
      {QStringLiteral("column"), QStringLiteral("Paper column (3.5 x 3.5 in)"), 3.5 * 72, 3.5 * 72, 8, 7, 0.5,
       300},
      {QStringLiteral("page"), QStringLiteral("Paper page width (7 x 4 in)"), 7.0 * 72, 4.0 * 72, 9, 8, 0.6,
       300},
      // 144 dpi: 1920 x 1080 pixels, a full-HD projector's.
      {QStringLiteral("slide"), QStringLiteral("16:9 slide (13.33 x 7.5 in)"), 960, 540, 18, 16, 1.4, 144},
  };
  return presets;
}

const FigurePreset* find_figure_preset(const QString& name) {
  for (const FigurePreset& p : figure_presets())
    if (p.name == name) return &p;
  return nullptr;
}

QString figure_preset_names() {
  QStringList names;
  for (const FigurePreset& p : figure_presets()) names << p.name;
  const QString last = names.takeLast();
  return names.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

}  // namespace sg::ui
