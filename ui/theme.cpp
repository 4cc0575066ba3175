#include "theme.h"

#include <QApplication>
#include <QPainter>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>
#include <QWidget>

#include <memory>

#include "qcustomplot.h"

namespace sg::ui {
namespace {

/// Fusion, with the frame of an unticked check box (or radio button) drawn
/// in a colour that stands out from a dark window: Fusion darkens the
/// window's colour for it, which on a dark window is all but invisible.
class ThemeStyle : public QProxyStyle {
public:
  ThemeStyle() : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion"))) {}

  void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                     const QWidget* widget) const override {
    QProxyStyle::drawPrimitive(element, option, painter, widget);
    if (element != PE_IndicatorCheckBox && element != PE_IndicatorRadioButton) return;
    if (option->palette.color(QPalette::Window).lightness() > 128) return;  // a light theme: Fusion's frame shows
    QColor frame = option->palette.color(QPalette::WindowText);
    frame.setAlpha(option->state & State_Enabled ? 150 : 70);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(frame, 1));
    painter->setBrush(Qt::NoBrush);
    const QRectF r = QRectF(option->rect).adjusted(0.5, 0.5, -0.5, -0.5);
    if (element == PE_IndicatorRadioButton)
      painter->drawEllipse(r);
    else
      painter->drawRoundedRect(r, 1.5, 1.5);
    painter->restore();
  }
};

}  // namespace

bool apply_theme(const QString& name) {
  if (name == QLatin1String("system")) return true;
  if (name != QLatin1String("light") && name != QLatin1String("dark")) return false;
  QApplication::setStyle(new ThemeStyle);
  if (name == QLatin1String("light")) {
    QApplication::setPalette(QApplication::style()->standardPalette());
    return true;
  }
  QPalette p;
  const QColor window(37, 40, 46), base(28, 30, 35), text(222, 226, 232), disabled(120, 124, 130);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, window);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(255, 110, 100));
  p.setColor(QPalette::Highlight, QColor(66, 133, 244));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(138, 180, 248));
  p.setColor(QPalette::PlaceholderText, disabled);
  for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, disabled);
  QApplication::setPalette(p);
  return true;
}

void apply_plot_palette(QCustomPlot& plot, const QPalette& palette) {
  const QColor base = palette.color(QPalette::Base), text = palette.color(QPalette::WindowText);
  QColor grid = text;
  grid.setAlpha(40);
  plot.setBackground(base);
  for (QCPAxisRect* r : plot.axisRects()) {
    for (QCPAxis* a : r->axes()) {
      a->setBasePen(QPen(text));
      a->setTickPen(QPen(text));
      a->setSubTickPen(QPen(text));
      a->setLabelColor(text);
      a->setTickLabelColor(text);
      a->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    }
  }
  // Legends: the plot's own and any placed in its layout.
  for (QCPLayoutElement* e : plot.plotLayout()->elements(true)) {
    auto* legend = qobject_cast<QCPLegend*>(e);
    if (!legend) continue;
    legend->setBrush(Qt::NoBrush);
    legend->setTextColor(text);
    for (int i = 0; i < legend->itemCount(); ++i)
      if (QCPAbstractLegendItem* item = legend->item(i)) {
        QColor c = text;
        c.setAlpha(item->textColor().alpha());  // a hidden curve's entry stays faded
        item->setTextColor(c);
      }
  }
}

QPalette print_palette() {
  std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
  QPalette p = fusion->standardPalette();
  p.setColor(QPalette::Base, Qt::white);
  p.setColor(QPalette::WindowText, Qt::black);
  p.setColor(QPalette::Text, Qt::black);
  return p;
}

PrintLook::PrintLook(QWidget* widget) : widget_(widget) {
  if (!widget_) return;
  had_own_ = widget_->testAttribute(Qt::WA_SetPalette);
  own_ = widget_->palette();
  widget_->setPalette(print_palette());  // views repaint their plots on the change, at once
}

PrintLook::~PrintLook() {
  if (!widget_) return;
  widget_->setPalette(had_own_ ? own_ : QPalette());
  if (!had_own_) widget_->setAttribute(Qt::WA_SetPalette, false);
}

}  // namespace sg::ui
