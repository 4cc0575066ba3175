/// A plot dressed for a figure file: a preset's text and lines, no hover
/// state, legends and labels fitted to the figure's size, nothing drawn
/// outside its axes.
#pragma once

#include <QSize>

#include <functional>
#include <vector>

class QCustomPlot;

namespace sg::ui {

struct FigurePreset;

/// The layer of what follows the mouse (a cursor line): never in a figure.
inline constexpr const char* kHoverLayer = "hover";

/// While it lives, `plot` is laid out at `size` (in points of the figure)
/// as the figure will show it: with a preset, its text sizes (in points) and
/// line widths; the hover layer hidden; legends wrapped to the width; a
/// vertical axis title longer than its panel broken in two lines; and what
/// would reach outside its axis rect cut at the rect (curves, bands) or left
/// out (a label that would not fit), since SVG files keep no clipping. The
/// plot comes back as it was after.
class FigureLook {
 public:
  FigureLook(QCustomPlot& plot, const FigurePreset* preset, QSize size);
  ~FigureLook();
  FigureLook(const FigureLook&) = delete;
  FigureLook& operator=(const FigureLook&) = delete;

 private:
  void restyle(const FigurePreset& preset);
  void lay_out();
  void fit_legends();
  void fit_axis_titles();
  void fit_ticks();
  void clip_to_axis_rects();

  QCustomPlot& plot_;
  QSize size_;
  std::vector<std::function<void()>> undo_;  // run last to first
};

}  // namespace sg::ui
