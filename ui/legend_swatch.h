/// A legend entry for what is not one plottable: a colour (or a gradient
/// of colours), a line style or a marker, and its words.
#pragma once

#include <QColor>
#include <QPen>
#include <QString>

#include "qcustomplot.h"

namespace sg::ui {

class LegendSwatch : public QCPAbstractLegendItem {
 public:
  /// A patch filled with `from`, shading to `to` across it when they differ.
  static LegendSwatch* patch(QCPLegend* legend, const QString& text, QColor from, QColor to);
  static LegendSwatch* patch(QCPLegend* legend, const QString& text, QColor fill) {
    return patch(legend, text, fill, fill);
  }
  /// A short stretch of line drawn with `pen`.
  static LegendSwatch* line(QCPLegend* legend, const QString& text, QPen pen);
  /// A marker, no larger than the legend's icons are high.
  static LegendSwatch* marker(QCPLegend* legend, const QString& text, QCPScatterStyle style);

  QString text() const { return text_; }

 protected:
  void draw(QCPPainter* painter) override;
  QSize minimumOuterSizeHint() const override;

 private:
  LegendSwatch(QCPLegend* legend, const QString& text);

  QString text_;
  QColor from_, to_;
  QPen pen_ = Qt::NoPen;
  QCPScatterStyle marker_;
};

}  // namespace sg::ui
