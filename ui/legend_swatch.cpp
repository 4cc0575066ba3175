#include "legend_swatch.h"

#include <algorithm>

namespace sg::ui {

LegendSwatch::LegendSwatch(QCPLegend* legend, const QString& text)
    : QCPAbstractLegendItem(legend), text_(text) {
  setSelectable(false);
}

LegendSwatch* LegendSwatch::patch(QCPLegend* legend, const QString& text, QColor from, QColor to) {
  auto* s = new LegendSwatch(legend, text);
  s->from_ = from;
  s->to_ = to;
  return s;
}

LegendSwatch* LegendSwatch::line(QCPLegend* legend, const QString& text, QPen pen) {
  auto* s = new LegendSwatch(legend, text);
  s->pen_ = pen;
  return s;
}

LegendSwatch* LegendSwatch::marker(QCPLegend* legend, const QString& text, QCPScatterStyle style) {
  auto* s = new LegendSwatch(legend, text);
  s->marker_ = style;
  return s;
}

QSize LegendSwatch::minimumOuterSizeHint() const {
  // As QCPPlottableLegendItem measures: the icon, the padding, the text.
  const QSize icon = mParentLegend->iconSize();
  const QRect text = QFontMetrics(font()).boundingRect(0, 0, 0, icon.height(), Qt::TextDontClip, text_);
  return QSize(
      icon.width() + mParentLegend->iconTextPadding() + text.width() + mMargins.left() + mMargins.right(),
      std::max(text.height(), icon.height()) + mMargins.top() + mMargins.bottom());
}

void LegendSwatch::draw(QCPPainter* painter) {
  painter->setFont(font());
  painter->setPen(QPen(textColor()));
  const QSize icon_size = mParentLegend->iconSize();
  const QRect text =
      painter->fontMetrics().boundingRect(0, 0, 0, icon_size.height(), Qt::TextDontClip, text_);
  const int height = std::max(text.height(), icon_size.height());
  painter->drawText(mRect.x() + icon_size.width() + mParentLegend->iconTextPadding(), mRect.y(), text.width(),
                    height, Qt::TextDontClip, text_);
  // The icon centred on the text's height, as QCustomPlot's own entries.
  const QRectF icon(mRect.x(), mRect.y() + (height - icon_size.height()) / 2.0, icon_size.width(),
                    icon_size.height());
  painter->save();
  if (!marker_.isNone() || pen_.style() != Qt::NoPen) {
    // The marker and the boundary lines are dark, drawn over the map's light
    // colours: on a light patch of their own they read on a dark legend too.
    painter->setPen(QPen(QColor(0, 0, 0, 90), 0));
    painter->setBrush(QColor(250, 250, 250));
    painter->drawRect(icon);
  }
  if (!marker_.isNone()) {
    QCPScatterStyle m = marker_;
    m.setSize(std::min(m.size(), icon.height()));
    m.applyTo(painter, m.pen());
    m.drawShape(painter, icon.center());
  } else if (pen_.style() != Qt::NoPen) {
    painter->setPen(pen_);
    painter->drawLine(QLineF(icon.left(), icon.center().y(), icon.right(), icon.center().y()));
  } else {
    QLinearGradient shade(icon.topLeft(), icon.topRight());
    shade.setColorAt(0, from_);
    shade.setColorAt(1, to_);
    painter->setPen(QPen(QColor(0, 0, 0, 90), 0));
    painter->setBrush(from_ == to_ ? QBrush(from_) : QBrush(shade));
    painter->drawRect(icon);
  }
  painter->restore();
}

}  // namespace sg::ui
