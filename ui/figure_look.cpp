#include "figure_look.h"

#include <QFontMetricsF>

#include <cmath>

#include "figure_preset.h"
#include "legend_wrap.h"
#include "qcustomplot.h"
#include "replot_queue.h"

namespace sg::ui {
namespace {

/// The font at `points` of the figure. Pixel sizes, not point sizes: the
/// figure is drawn in points (72 units an inch) on every device, and
/// QCustomPlot measures its texts in the screen's pixels; a pixel size is the
/// same number of units to both.
QFont at_size(QFont font, int points) {
  font.setPixelSize(points);
  return font;
}

QPen scaled(QPen pen, double factor) {
  if (pen.widthF() > 0) pen.setWidthF(std::max(0.25, pen.widthF() * factor));
  return pen;
}

/// Liang-Barsky: the part of the segment inside the rectangle, if any.
bool clip_segment(QPointF& a, QPointF& b, const QCPRange& xs, const QCPRange& ys) {
  double t0 = 0, t1 = 1;
  const double dx = b.x() - a.x(), dy = b.y() - a.y();
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {a.x() - xs.lower, xs.upper - a.x(), a.y() - ys.lower, ys.upper - a.y()};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0) {
      if (t > t1) return false;
      t0 = std::max(t0, t);
    } else {
      if (t < t0) return false;
      t1 = std::min(t1, t);
    }
  }
  const QPointF start = a;
  a = start + t0 * (b - start);
  b = start + t1 * (b - start);
  return true;
}

bool inside(const QCPGraphData& d, const QCPRange& keys, const QCPRange& values) {
  return keys.contains(d.key) && values.contains(d.value);
}

/// The graph's data cut at the rectangle: lines end on its edges, a gap (NaN)
/// where a line leaves it; scatter points outside are left out.
QSharedPointer<QCPGraphDataContainer> clipped(const QCPGraph& graph, const QCPRange& keys,
                                              const QCPRange& values) {
  auto out = QSharedPointer<QCPGraphDataContainer>::create();
  const auto& data = *graph.data();
  QVector<double> k, v;
  const double gap = std::numeric_limits<double>::quiet_NaN();
  if (graph.lineStyle() == QCPGraph::lsNone || data.size() == 1) {
    for (auto it = data.constBegin(); it != data.constEnd(); ++it)
      if (inside(*it, keys, values)) {
        k << it->key;
        v << it->value;
      }
  } else {
    auto push = [&](QPointF p) {
      if (!k.isEmpty() && !std::isnan(v.back()) && k.back() == p.x() && v.back() == p.y()) return;
      k << p.x();
      v << p.y();
    };
    for (auto it = data.constBegin(); it != data.constEnd() && std::next(it) != data.constEnd(); ++it) {
      QPointF a(it->key, it->value), b(std::next(it)->key, std::next(it)->value);
      if (std::isnan(a.y()) || std::isnan(b.y()) || !clip_segment(a, b, keys, values)) {
        if (!v.isEmpty() && !std::isnan(v.back())) {
          k << k.back();
          v << gap;
        }
        continue;
      }
      // A line coming back into the rectangle after leaving it starts anew.
      if (!v.isEmpty() && !std::isnan(v.back()) && (k.back() != a.x() || v.back() != a.y())) {
        k << k.back();
        v << gap;
      }
      push(a);
      push(b);
    }
  }
  QVector<QCPGraphData> points;
  for (int i = 0; i < k.size(); ++i) points << QCPGraphData(k[i], v[i]);
  out->set(points, true);
  return out;
}

/// Where a text item draws, in pixels (text items here are not rotated).
QRectF text_rect(const QCPItemText& t) {
  const QFontMetricsF metrics(t.font());
  QRectF r = metrics.boundingRect(QRectF(0, 0, 0, 0), Qt::TextDontClip | t.textAlignment(), t.text());
  const QMargins pad = t.padding();
  r = QRectF(0, 0, r.width() + pad.left() + pad.right(), r.height() + pad.top() + pad.bottom());
  const QPointF at = t.position->pixelPosition();
  const Qt::Alignment a = t.positionAlignment();
  const double x = a & Qt::AlignRight     ? at.x() - r.width()
                   : a & Qt::AlignHCenter ? at.x() - r.width() / 2
                                          : at.x();
  const double y = a & Qt::AlignBottom    ? at.y() - r.height()
                   : a & Qt::AlignVCenter ? at.y() - r.height() / 2
                                          : at.y();
  return r.translated(x, y);
}

}  // namespace

FigureLook::FigureLook(QCustomPlot& plot, const FigurePreset* preset, QSize size) : plot_(plot), size_(size) {
  const QRect viewport = plot_.viewport();
  undo_.push_back([this, viewport] { plot_.setViewport(viewport); });
  if (QCPLayer* hover = plot_.layer(QString::fromLatin1(kHoverLayer)); hover && hover->visible()) {
    hover->setVisible(false);
    undo_.push_back([hover] { hover->setVisible(true); });
  }
  if (preset) restyle(*preset);
  lay_out();
  fit_legends();
  lay_out();
  fit_axis_titles();
  lay_out();
  fit_ticks();
  clip_to_axis_rects();
}

FigureLook::~FigureLook() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  queue_replot(&plot_);
}

void FigureLook::lay_out() {
  // What QCustomPlot's own layout pass does before it draws, at the figure's size.
  plot_.setViewport(QRect(QPoint(0, 0), size_));
  plot_.plotLayout()->update(QCPLayoutElement::upPreparation);
  plot_.plotLayout()->update(QCPLayoutElement::upMargins);
  plot_.plotLayout()->update(QCPLayoutElement::upLayout);
}

void FigureLook::restyle(const FigurePreset& preset) {
  const double lines = preset.line_scale;
  for (QCPAxisRect* rect : plot_.axisRects()) {
    // QCustomPlot's 50-pixel minimum for an axis rect squeezes the legends
    // of a paper column's figure (they then overlap): 30 points will do.
    const QSize minimum = rect->minimumSize();
    rect->setMinimumSize(std::min(minimum.width(), 30), std::min(minimum.height(), 30));
    // Its 15-pixel least margins above and below, a fifth of a column's
    // panel: a tick label's height is room enough (the top label reaches
    // half of it above the rect).
    const QMargins margins = rect->minimumMargins();
    const int least = preset.tick_pt;
    // (Left and right keep theirs: the last tick label reaches half its width past the rect.)
    rect->setMinimumMargins(QMargins(margins.left(), std::min(margins.top(), least), margins.right(),
                                     std::min(margins.bottom(), least)));
    undo_.push_back([=] {
      rect->setMinimumSize(minimum);
      rect->setMinimumMargins(margins);
    });
  }
  for (QCPAxisRect* rect : plot_.axisRects())
    for (QCPAxis* axis : rect->axes()) {
      const QFont label = axis->labelFont(), ticks = axis->tickLabelFont();
      const QPen base = axis->basePen(), tick = axis->tickPen(), sub = axis->subTickPen();
      // Powers of ten written 5·10⁶ have their exponent at three quarters
      // of the tick labels' size, under 7 pt at a paper's: whole numbers instead.
      const QString format = axis->numberFormat();
      const int precision = axis->numberPrecision();
      if (format.contains('b') &&
          std::max(std::fabs(axis->range().lower), std::fabs(axis->range().upper)) >= 1e5) {
        axis->setNumberFormat(QStringLiteral("f"));
        axis->setNumberPrecision(0);
      }
      axis->setLabelFont(at_size(label, preset.text_pt));
      axis->setTickLabelFont(at_size(ticks, preset.tick_pt));
      axis->setBasePen(scaled(base, lines));
      axis->setTickPen(scaled(tick, lines));
      axis->setSubTickPen(scaled(sub, lines));
      undo_.push_back([=] {
        axis->setNumberFormat(format);
        axis->setNumberPrecision(precision);
        axis->setLabelFont(label);
        axis->setTickLabelFont(ticks);
        axis->setBasePen(base);
        axis->setTickPen(tick);
        axis->setSubTickPen(sub);
      });
    }
  const double text_scale = preset.text_pt / 9.0;  // against the screen's 9 pt
  for (QCPLayoutElement* element : plot_.plotLayout()->elements(true)) {
    if (auto* legend = qobject_cast<QCPLegend*>(element)) {
      const QFont font = legend->font();
      const QSize icon = legend->iconSize();
      const QMargins margins = legend->margins();
      const int spacing = legend->columnSpacing(), padding = legend->iconTextPadding();
      std::vector<std::pair<QCPAbstractLegendItem*, QFont>> items;
      for (int i = 0; i < legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = legend->item(i)) items.emplace_back(item, item->font());
      legend->setFont(at_size(font, preset.text_pt));
      legend->setIconSize(qRound(icon.width() * text_scale), qRound(icon.height() * text_scale));
      legend->setColumnSpacing(qRound(spacing * text_scale));
      legend->setIconTextPadding(qRound(padding * text_scale));
      undo_.push_back([=] {
        legend->setFont(font);
        legend->setIconSize(icon);
        legend->setMargins(margins);
        legend->setColumnSpacing(spacing);
        legend->setIconTextPadding(padding);
        for (const auto& [item, f] : items) item->setFont(f);
      });
    } else if (auto* text = qobject_cast<QCPTextElement*>(element)) {
      const QFont font = text->font();
      text->setFont(at_size(font, preset.text_pt));
      undo_.push_back([=] { text->setFont(font); });
    }
  }
  for (int i = 0; i < plot_.itemCount(); ++i) {
    QCPAbstractItem* item = plot_.item(i);
    if (auto* text = qobject_cast<QCPItemText*>(item)) {
      const QFont font = text->font();
      text->setFont(at_size(font, preset.text_pt));
      undo_.push_back([=] { text->setFont(font); });
    } else if (auto* line = qobject_cast<QCPItemStraightLine*>(item)) {
      const QPen pen = line->pen();
      line->setPen(scaled(pen, lines));
      undo_.push_back([=] { line->setPen(pen); });
    }
  }
  for (int i = 0; i < plot_.plottableCount(); ++i) {
    QCPAbstractPlottable* plottable = plot_.plottable(i);
    const QPen pen = plottable->pen();
    plottable->setPen(scaled(pen, lines));
    undo_.push_back([=] { plottable->setPen(pen); });
  }
  for (int i = 0; i < plot_.graphCount(); ++i) {
    QCPGraph* graph = plot_.graph(i);
    const QCPScatterStyle scatter = graph->scatterStyle();
    if (!scatter.isNone()) {
      QCPScatterStyle resized = scatter;
      resized.setSize(scatter.size() * text_scale);
      resized.setPen(scaled(scatter.pen(), lines));
      graph->setScatterStyle(resized);
    }
    undo_.push_back([=] { graph->setScatterStyle(scatter); });
  }
}

void FigureLook::fit_legends() {
  // Legends in rows of their own (not inside an axis rect) wrap to the
  // figure's width, as many entries a row as fit.
  for (QCPLayoutElement* element : plot_.plotLayout()->elements(true)) {
    auto* legend = qobject_cast<QCPLegend*>(element);
    if (!legend || !legend->visible() || qobject_cast<QCPLayoutInset*>(legend->layout()) ||
        legend->fillOrder() != QCPLayoutGrid::foColumnsFirst)
      continue;
    const int wrap = legend->wrap(), padding = legend->iconTextPadding();
    // QCPGraph draws its legend line 5 units past the icon, for the clip to
    // cut; an SVG keeps no clip, so the line ran up to the text.
    legend->setIconTextPadding(padding + 5);
    wrap_legend_to_width(*legend, size_.width() - 16, std::max(1, legend->itemCount()));
    undo_.push_back([=] {
      legend->setIconTextPadding(padding);
      legend->setWrap(wrap);
      legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    });
  }
}

void FigureLook::fit_axis_titles() {
  // A vertical axis title longer than its panel is tall runs into the
  // legend or caption above it: two lines, broken at the middle space.
  for (QCPAxisRect* rect : plot_.axisRects())
    for (QCPAxis* axis : {rect->axis(QCPAxis::atLeft), rect->axis(QCPAxis::atRight)}) {
      if (!axis || !axis->visible()) continue;
      const QString label = axis->label();
      if (label.contains('\n') ||
          QFontMetricsF(axis->labelFont()).horizontalAdvance(label) <= rect->height() - 4)
        continue;
      int best = -1;
      for (int i = 0; i < label.size(); ++i)
        if (label[i] == ' ' &&
            (best < 0 || std::abs(i - label.size() / 2) < std::abs(best - label.size() / 2)))
          best = i;
      if (best < 0) continue;
      axis->setLabel(label.left(best) + '\n' + label.mid(best + 1));
      undo_.push_back([=] { axis->setLabel(label); });
    }
}

void FigureLook::fit_ticks() {
  // Fewer ticks where their labels would run into each other (a narrow
  // figure's time axis: "10001500200025003000").
  for (QCPAxisRect* rect : plot_.axisRects())
    for (QCPAxis* axis : rect->axes()) {
      if (!axis->visible() || !axis->tickLabels() || axis->tickLabelRotation() != 0) continue;
      const QSharedPointer<QCPAxisTicker> ticker = axis->ticker();
      const int count = ticker->tickCount();
      bool changed = false;
      for (int tries = 0; tries < 8; ++tries) {
        const QFontMetricsF metrics(axis->tickLabelFont());
        const QVector<QString> labels = axis->tickVectorLabels();
        double needed = 0;
        for (const QString& label : labels)
          needed += (axis->orientation() == Qt::Horizontal
                         ? metrics.horizontalAdvance(label) + metrics.averageCharWidth() * 1.5
                         : metrics.height() * 1.2);
        const double room = axis->orientation() == Qt::Horizontal ? rect->width() : rect->height();
        if (needed <= room || ticker->tickCount() <= 2) break;
        ticker->setTickCount(ticker->tickCount() - 1);
        changed = true;
        lay_out();
      }
      if (changed) undo_.push_back([=] { ticker->setTickCount(count); });
    }
  // QCustomPlot leaves out a tick label that would cross the figure's edge
  // (the map's "1500" at its right end): room for half of the widest.
  for (QCPAxisRect* rect : plot_.axisRects()) {
    QCPAxis* bottom = rect->axis(QCPAxis::atBottom);
    if (!bottom || !bottom->visible() || !bottom->tickLabels()) continue;
    double widest = 0;
    for (const QString& label : bottom->tickVectorLabels())
      widest = std::max(widest, QFontMetricsF(bottom->tickLabelFont()).horizontalAdvance(label));
    const int half = static_cast<int>(std::ceil(widest / 2)) + 2;
    const QMargins margins = rect->minimumMargins();
    if (margins.left() >= half && margins.right() >= half) continue;
    rect->setMinimumMargins(QMargins(std::max(margins.left(), half), margins.top(),
                                     std::max(margins.right(), half), margins.bottom()));
    undo_.push_back([=] { rect->setMinimumMargins(margins); });
    lay_out();
  }
  // An axis without tick labels over the same range as one with them (the
  // rates panel's time axis) takes its ticks, so that the grids line up.
  for (QCPAxisRect* rect : plot_.axisRects())
    for (QCPAxis* axis : rect->axes()) {
      if (!axis->visible() || axis->tickLabels()) continue;
      for (QCPAxisRect* other : plot_.axisRects())
        for (QCPAxis* labelled : other->axes()) {
          if (labelled == axis || !labelled->visible() || !labelled->tickLabels() ||
              labelled->orientation() != axis->orientation() || labelled->range() != axis->range() ||
              labelled->ticker()->tickCount() == axis->ticker()->tickCount())
            continue;
          const QSharedPointer<QCPAxisTicker> ticker = axis->ticker();
          const int count = ticker->tickCount();
          ticker->setTickCount(labelled->ticker()->tickCount());
          undo_.push_back([=] { ticker->setTickCount(count); });
        }
    }
  lay_out();
}

void FigureLook::clip_to_axis_rects() {
  for (int i = 0; i < plot_.graphCount(); ++i) {
    QCPGraph* graph = plot_.graph(i);
    if (!graph->visible() || graph->brush().style() != Qt::NoBrush || graph->channelFillGraph()) continue;
    if (graph->lineStyle() != QCPGraph::lsLine && graph->lineStyle() != QCPGraph::lsNone) continue;
    bool filled_to = false;  // another graph's fill reaches down to this one
    for (int j = 0; j < plot_.graphCount(); ++j)
      filled_to = filled_to || plot_.graph(j)->channelFillGraph() == graph;
    QCPAxis *keys = graph->keyAxis(), *values = graph->valueAxis();
    if (filled_to || !keys || !values || keys->scaleType() != QCPAxis::stLinear ||
        values->scaleType() != QCPAxis::stLinear || keys->orientation() != Qt::Horizontal)
      continue;
    const QCPRange kr = keys->range(), vr = values->range();
    const auto& data = *graph->data();
    if (std::all_of(data.constBegin(), data.constEnd(),
                    [&](const QCPGraphData& d) { return std::isnan(d.value) || inside(d, kr, vr); }))
      continue;
    const QSharedPointer<QCPGraphDataContainer> whole = graph->data();
    graph->setData(clipped(*graph, kr, vr));
    undo_.push_back([=] { graph->setData(whole); });
  }
  for (int i = 0; i < plot_.itemCount(); ++i) {
    QCPAbstractItem* item = plot_.item(i);
    if (!item->visible() || !item->clipToAxisRect() || !item->clipAxisRect()) continue;
    const QRectF frame = QRectF(item->clipAxisRect()->rect()).adjusted(-0.5, -0.5, 0.5, 0.5);
    if (auto* text = qobject_cast<QCPItemText*>(item)) {
      // A label that would be cut is left out: half a word says nothing.
      if (frame.contains(text_rect(*text))) continue;
      text->setVisible(false);
      undo_.push_back([=] { text->setVisible(true); });
    } else if (auto* band = qobject_cast<QCPItemRect*>(item)) {
      const QRectF r =
          QRectF(band->topLeft->pixelPosition(), band->bottomRight->pixelPosition()).normalized();
      if (frame.contains(r)) continue;
      const QRectF cut = r.intersected(frame);
      std::vector<std::function<void()>> restore;
      for (QCPItemPosition* p : {band->topLeft, band->bottomRight}) {
        const auto type_x = p->typeX(), type_y = p->typeY();
        const QPointF coords = p->coords();
        restore.push_back([=] {
          p->setTypeX(type_x);
          p->setTypeY(type_y);
          p->setCoords(coords);
        });
        p->setType(QCPItemPosition::ptAbsolute);
      }
      if (cut.isEmpty()) {
        band->setVisible(false);
        restore.push_back([=] { band->setVisible(true); });
      } else {
        band->topLeft->setCoords(cut.topLeft());
        band->bottomRight->setCoords(cut.bottomRight());
      }
      undo_.push_back([restore] {
        for (const auto& r : restore) r();
      });
    }
  }
}

}  // namespace sg::ui
