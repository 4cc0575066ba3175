#include "legend_tooltip.h"

#include <QEvent>
#include <QHelpEvent>
#include <QToolTip>

#include "qcustomplot.h"

namespace sg::ui {
namespace {

constexpr const char* kProperty = "stormglass_legend_tooltip";

/// Answers the plot's tooltip events with the entry under the pointer.
class LegendTooltipFilter : public QObject {
 public:
  using QObject::QObject;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() != QEvent::ToolTip) return false;
    auto* plot = static_cast<QCustomPlot*>(watched);
    auto* help = static_cast<QHelpEvent*>(event);
    const QString text = legend_tooltip_at(*plot, help->pos());
    if (text.isEmpty()) return false;  // the plot's own tooltip, if any
    QToolTip::showText(help->globalPos(), text, plot);
    return true;
  }
};

QString tooltip_of(QCPAbstractLegendItem* item) {
  QString text = item->property(kProperty).toString();
  if (text.isEmpty())
    if (auto* entry = qobject_cast<QCPPlottableLegendItem*>(item))
      text = entry->plottable()->property(kProperty).toString();
  return text;
}

}  // namespace

void set_legend_tooltip(QObject* target, const QString& text) {
  target->setProperty(kProperty, text);
}

QString legend_tooltip_at(const QCustomPlot& plot, const QPointF& pos) {
  // Every legend of the plot, in its layout or in an axis rect's inset.
  for (QCPLayoutElement* element : plot.plotLayout()->elements(true)) {
    auto* legend = qobject_cast<QCPLegend*>(element);
    if (!legend || !legend->realVisibility()) continue;
    for (int i = 0; i < legend->itemCount(); ++i) {
      QCPAbstractLegendItem* item = legend->item(i);
      if (item && item->realVisibility() && item->rect().contains(pos.toPoint())) return tooltip_of(item);
    }
  }
  return {};
}

void show_legend_tooltips(QCustomPlot* plot) {
  plot->installEventFilter(new LegendTooltipFilter(plot));
}

}  // namespace sg::ui
