/// Tooltips on legend entries: a sentence saying what a curve or a class
/// means. QCustomPlot's legends have none of their own.
#pragma once

#include <QPointF>
#include <QString>

class QCustomPlot;
class QObject;

namespace sg::ui {

/// Gives the entry of `target` its tooltip: `target` is a legend item (a
/// LegendSwatch) or a plottable, whose entries (in any legend, re-created or
/// not) then show it.
void set_legend_tooltip(QObject* target, const QString& text);

/// The tooltip of the legend entry under `pos` (in `plot`'s coordinates),
/// or empty when no entry with a tooltip is there.
QString legend_tooltip_at(const QCustomPlot& plot, const QPointF& pos);

/// Shows legend_tooltip_at on `plot`'s tooltip events (QEvent::ToolTip).
void show_legend_tooltips(QCustomPlot* plot);

}  // namespace sg::ui
