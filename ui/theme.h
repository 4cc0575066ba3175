/// Light and dark looks, for a system without a theme of its own or a talk on
/// a projector; plots that follow them; and the print look of exports.
#pragma once

#include <QPalette>
#include <QPointer>
#include <QString>

class QCustomPlot;
class QWidget;

namespace sg::ui {

/// Applies "light", "dark" or "system" (leave the platform's palette). Returns
/// false for an unknown name.
bool apply_theme(const QString& name);

/// Colours a plot from a palette: its background (Base), axes, tick labels,
/// grids and legends (WindowText). Curves keep their own colours.
void apply_plot_palette(QCustomPlot& plot, const QPalette& palette);

/// The palette of exported figures: dark text on white, whatever the screen's theme.
QPalette print_palette();

/// While it lives, a widget (a plot's view) wears the print palette: an
/// export made meanwhile is dark on white. The widget's own palette comes
/// back after it.
class PrintLook {
public:
  explicit PrintLook(QWidget* widget);
  ~PrintLook();
  PrintLook(const PrintLook&) = delete;
  PrintLook& operator=(const PrintLook&) = delete;

private:
  QPointer<QWidget> widget_;
  QPalette own_;
  bool had_own_ = false;
};

}  // namespace sg::ui
