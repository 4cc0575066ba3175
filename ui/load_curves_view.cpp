#include "load_curves_view.h"

#include <QCoreApplication>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTextDocumentFragment>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "curve_points.h"
#include "dashboard_text.h"
#include "figure_look.h"
#include "legend_swatch.h"
#include "legend_tooltip.h"
#include "legend_wrap.h"
#include "qcustomplot.h"
#include "replot_queue.h"
#include "theme.h"

namespace sg::ui {
namespace {

/// The band of unhealthy intervals and its legend patch.
const QColor kSick(217, 48, 37, 170);


struct CurveStyle {
  const char* name;
  const char* label;
  double Interval::*member;
  bool level;         ///< in the lower panel
  bool right_axis;    ///< seconds, on the lower panel's right axis
  QColor color;
  Qt::PenStyle style;
  double width = 2;
  /// Drawn only in runs where it is not zero throughout: a policy's curve
  /// stays out of the legend and the readout while the policy is off.
  bool optional = false;
};

const std::vector<CurveStyle>& styles() {
  // Colours that read on light and dark backgrounds alike; demand is drawn
  // in the text colour (apply_palette) so it stands out on both.
  static const std::vector<CurveStyle> s = {
      {"demand", "demand", &Interval::demand, false, false, QColor(95, 99, 104), Qt::DashLine},
      {"offered", "offered", &Interval::offered, false, false, QColor(232, 113, 10), Qt::SolidLine},
      {"goodput", "goodput", &Interval::goodput, false, false, QColor(30, 142, 62), Qt::SolidLine},
      {"wasted", "wasted", &Interval::wasted, false, false, QColor(217, 48, 37), Qt::SolidLine},
      {"rejected", "rejected", &Interval::rejected, false, false, QColor(147, 52, 230), Qt::SolidLine},
      {"gave_up", "gave up", &Interval::gave_up, false, false, QColor(141, 110, 99), Qt::DotLine},
      // Thin, so that capacity steps and autoscaling read as a reference, not a flow.
      {"capacity", "capacity", &Interval::capacity, false, false, QColor(66, 133, 244), Qt::DashLine, 1.2},
      // What the policies did: thin and translucent, so that a budget's or a
      // breaker's rapid swings do not hide the flows they act on.
      {"throttled", "throttled", &Interval::throttled, false, false, QColor(0, 150, 136, 170), Qt::SolidLine, 1.2,
       true},
      {"denied", "denied", &Interval::denied, false, false, QColor(191, 144, 0, 170), Qt::SolidLine, 1.2, true},
      {"stopped", "stopped", &Interval::stopped, false, false, QColor(216, 27, 96, 170), Qt::SolidLine, 1.2,
       true},
      {"shed", "shed", &Interval::shed, false, false, QColor(63, 81, 181, 170), Qt::SolidLine, 1.2, true},
      // A service with calls (spec/graph.md): errors answered, and attempts awaiting their calls.
      {"failed", "failed (error answers)", &Interval::failed, false, false, QColor(121, 85, 72), Qt::DashDotLine, 1.6,
       true},
      {"queue", "queue (attempts)", &Interval::queue, true, false, QColor(25, 103, 210), Qt::SolidLine},
      {"backlog", "backlog (jobs in backoff)", &Interval::backlog, true, false, QColor(18, 150, 150), Qt::SolidLine},
      {"wait_s", "wait (s, right axis)", &Interval::wait_s, true, true, QColor(200, 120, 170), Qt::DashLine},
      // Last of the levels: its legend entry comes and goes at the end (refresh_rates_legend).
      {"waiting", "waiting (on calls)", &Interval::waiting, true, false, QColor(121, 85, 72), Qt::DashDotLine, 1.6,
       true},
  };
  return s;
}

/// What each curve means, in a sentence for its legend entry's tooltip
/// (spec/system.md, "Output"; docs/scenario-extensions.md for the policies').
QString curve_meaning(const QString& name) {
  static const std::map<QString, const char*> meanings = {
      {"demand", QT_TRANSLATE_NOOP("LoadCurvesView", "New jobs arriving per second: the users' demand.")},
      {"offered",
       QT_TRANSLATE_NOOP("LoadCurvesView", "Attempts sent per second: first attempts and retries.")},
      {"goodput",
       QT_TRANSLATE_NOOP("LoadCurvesView", "Jobs completed within the client's timeout, per second.")},
      {"wasted",
       QT_TRANSLATE_NOOP("LoadCurvesView",
                         "Attempts served after their client had timed out, per second: work for nothing.")},
      {"rejected",
       QT_TRANSLATE_NOOP("LoadCurvesView", "Attempts refused at once by a full queue, per second.")},
      {"gave_up", QT_TRANSLATE_NOOP("LoadCurvesView",
                                    "Jobs that failed for good (their last attempt failed), per second.")},
      {"capacity", QT_TRANSLATE_NOOP("LoadCurvesView", "Attempts the server can complete per second.")},
      {"throttled",
       QT_TRANSLATE_NOOP("LoadCurvesView",
                         "Attempts the clients refused themselves (adaptive throttling, an open circuit "
                         "breaker), per second: never sent.")},
      {"denied",
       QT_TRANSLATE_NOOP("LoadCurvesView",
                         "Retries a token bucket, quota or retry budget did not allow, per second.")},
      {"stopped", QT_TRANSLATE_NOOP("LoadCurvesView",
                                    "Jobs that gave up on the server's stop-retrying signal, per second.")},
      {"shed",
       QT_TRANSLATE_NOOP("LoadCurvesView", "Attempts of jobs refused by admission control, per second.")},
      {"failed",
       QT_TRANSLATE_NOOP("LoadCurvesView",
                         "Attempts served that answered their sender with an error before its timeout, because "
                         "one of the jobs they started at the services they call gave up, per second.")},
      {"waiting", QT_TRANSLATE_NOOP("LoadCurvesView",
                                    "Attempts served, still within their sender's timeout, awaiting the jobs they "
                                    "started at the services they call.")},
      {"queue", QT_TRANSLATE_NOOP("LoadCurvesView",
                                  "Attempts waiting in the server's queue, timed-out ones included.")},
      {"backlog",
       QT_TRANSLATE_NOOP("LoadCurvesView", "Jobs waiting out a backoff delay before their next attempt.")},
      {"wait_s",
       QT_TRANSLATE_NOOP("LoadCurvesView",
                         "How long an attempt sent now would wait in the queue, in seconds (right axis); "
                         "past the timeout line, every attempt is wasted.")},
  };
  const auto it = meanings.find(name);
  return it == meanings.end() ? QString() : QCoreApplication::translate("LoadCurvesView", it->second);
}

/// A pinned run's legend entry says the whole of its label (the entry may shorten it).
QString pin_meaning(const QString& label) {
  return QCoreApplication::translate("LoadCurvesView",
                                     "A pinned run (%1): its curves are drawn faded and dashed. "
                                     "Click to hide or show it.")
      .arg(label);
}

/// Readout numbers: whole with thousands separators from 100 up, three digits below.
/// Legend entries a row at most (fewer when the plot is narrow: fit_legends).
constexpr int kLegendColumns = 6;

QString number(double v) {
  if (std::fabs(v) >= 100 || v == 0) return QLocale(QLocale::English).toString(std::round(v), 'f', 0);
  return QString::number(v, 'g', 3);
}

}  // namespace

const QStringList& LoadCurvesView::curve_names() {
  static const QStringList names = [] {
    QStringList n;
    for (const CurveStyle& s : styles()) n << s.name;
    return n;
  }();
  return names;
}

LoadCurvesView::LoadCurvesView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  caption_ = new QLabel(this);
  caption_->setWordWrap(true);
  caption_->setAlignment(Qt::AlignHCenter);
  caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(caption_);
  plot_ = new QCustomPlot(this);
  replot_queued_on_resize(plot_);
  plot_->setMinimumSize(480, 360);
  layout->addWidget(plot_, 1);
  auto* bottom = new QHBoxLayout;
  readout_ = new QLabel(this);
  readout_->setWordWrap(true);
  readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  readout_->setMinimumHeight(readout_->fontMetrics().lineSpacing() * 2 + 4);
  bottom->addWidget(readout_, 1);
  reset_ = new QPushButton(tr("Reset zoom"), this);
  reset_->setToolTip(tr("Show the whole run again (the wheel zooms the time axis, dragging pans it)"));
  bottom->addWidget(reset_, 0, Qt::AlignTop);
  layout->addLayout(bottom);
  connect(reset_, &QPushButton::clicked, this, &LoadCurvesView::reset_zoom);
  build();
  clear_readout();
}

void LoadCurvesView::build() {
  plot_->plotLayout()->clear();
  plot_->setNoAntialiasingOnDrag(true);
  rates_ = new QCPAxisRect(plot_);
  levels_ = new QCPAxisRect(plot_);
  // Each panel has its legend in a row above it, clear of the curves.
  rates_legend_ = new QCPLegend;
  levels_legend_ = new QCPLegend;
  plot_->plotLayout()->addElement(0, 0, rates_legend_);
  plot_->plotLayout()->addElement(1, 0, rates_);
  plot_->plotLayout()->addElement(2, 0, levels_legend_);
  plot_->plotLayout()->addElement(3, 0, levels_);
  plot_->plotLayout()->setRowStretchFactor(0, 0.001);
  plot_->plotLayout()->setRowStretchFactor(1, 1.4);
  plot_->plotLayout()->setRowStretchFactor(2, 0.001);
  plot_->plotLayout()->setRowStretchFactor(3, 1);
  plot_->plotLayout()->setRowSpacing(4);
  auto* margins = new QCPMarginGroup(plot_);
  for (QCPAxisRect* r : {rates_, levels_}) {
    r->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    r->setRangeDrag(Qt::Horizontal);
    r->setRangeZoom(Qt::Horizontal);
    r->axis(QCPAxis::atRight)->setVisible(true);
    r->axis(QCPAxis::atRight)->setTickLabels(false);
  }
  rates_->axis(QCPAxis::atBottom)->setTickLabels(false);
  rates_->axis(QCPAxis::atLeft)->setLabel(tr("jobs or attempts per second"));
  levels_->axis(QCPAxis::atLeft)->setLabel(tr("queue, backlog"));
  levels_->axis(QCPAxis::atRight)->setTickLabels(true);
  levels_->axis(QCPAxis::atRight)->setLabel(tr("wait (s)"));
  levels_->axis(QCPAxis::atBottom)->setLabel(tr("time (s)"));
  // Both panels share the time axis.
  connect(rates_->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
          levels_->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::setRange));
  connect(levels_->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
          rates_->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::setRange));
  // Zooming or panning in time stays within the run and refits the value
  // axes to what is in view.
  connect(rates_->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
          [this](const QCPRange& r) {
            QCPRange bounded = r;
            if (bounded.size() > horizon_) bounded = QCPRange(0, horizon_);
            if (bounded.lower < 0) bounded = QCPRange(0, bounded.size());
            if (bounded.upper > horizon_) bounded = QCPRange(horizon_ - bounded.size(), horizon_);
            if (bounded.lower != r.lower || bounded.upper != r.upper) {
              rates_->axis(QCPAxis::atBottom)->setRange(bounded);
              return;
            }
            rescale_values();
          });

  plot_->addLayer("shading", plot_->layer("grid"), QCustomPlot::limAbove);
  // Pinned runs above the shading (or they vanish in it), below the current run.
  plot_->addLayer("pins", plot_->layer("shading"), QCustomPlot::limAbove);
  for (QCPLegend* l : {rates_legend_, levels_legend_}) {
    l->setLayer("legend");
    l->setSelectableParts(QCPLegend::spItems);
    l->setIconSize(18, 10);
    l->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    l->setWrap(kLegendColumns);
    l->setMargins(QMargins(4, 2, 4, 2));
    l->setRowSpacing(0);
    l->setColumnSpacing(10);
    l->setBorderPen(Qt::NoPen);
  }

  // The red band of unhealthy intervals is named in the legend, not by a
  // label on the plot: there it sat where the storm begins, under the
  // offered load's peak. In the legend only while a run has such intervals.
  unhealthy_entry_ = LegendSwatch::patch(rates_legend_, tr("unhealthy"), kSick);
  set_legend_tooltip(unhealthy_entry_, tr("The red band along the top: the intervals in which goodput is below 95% "
                                          "of demand, spec/system.md's rule for an unhealthy interval."));

  for (const CurveStyle& s : styles()) {
    QCPAxisRect* r = s.level ? levels_ : rates_;
    QCPGraph* g = plot_->addGraph(r->axis(QCPAxis::atBottom), r->axis(s.right_axis ? QCPAxis::atRight : QCPAxis::atLeft));
    g->setName(tr(s.label));
    set_legend_tooltip(g, curve_meaning(QString::fromLatin1(s.name)));
    g->setPen(QPen(s.color, s.width, s.style));
    g->removeFromLegend();
    g->addToLegend(s.level ? levels_legend_ : rates_legend_);
    g->setSelectable(QCP::stNone);
    graphs_.push_back(g);
  }

  // The client timeout on the wait axis: once the wait crosses it, every
  // attempt sent is wasted.
  timeout_line_ = new QCPItemStraightLine(plot_);
  timeout_line_->setClipAxisRect(levels_);
  for (QCPItemPosition* p : {timeout_line_->point1, timeout_line_->point2}) {
    p->setAxes(levels_->axis(QCPAxis::atBottom), levels_->axis(QCPAxis::atRight));
    p->setAxisRect(levels_);
    p->setTypeX(QCPItemPosition::ptAxisRectRatio);
  }
  timeout_label_ = new QCPItemText(plot_);
  timeout_label_->setClipAxisRect(levels_);
  timeout_label_->position->setAxes(levels_->axis(QCPAxis::atBottom), levels_->axis(QCPAxis::atRight));
  timeout_label_->position->setAxisRect(levels_);
  timeout_label_->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
  timeout_label_->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
  timeout_label_->setColor(QColor(200, 120, 170));

  // The cursor lines show where the mouse is: on the hover layer, which no export draws.
  plot_->addLayer(kHoverLayer, plot_->layer("main"), QCustomPlot::limAbove);
  for (int i = 0; i < 2; ++i) {
    QCPAxisRect* r = i == 0 ? rates_ : levels_;
    cursor_[i] = new QCPItemStraightLine(plot_);
    cursor_[i]->setLayer(kHoverLayer);
    cursor_[i]->setClipAxisRect(r);
    for (QCPItemPosition* p : {cursor_[i]->point1, cursor_[i]->point2}) {
      p->setAxes(r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft));
      p->setAxisRect(r);
      p->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    cursor_[i]->setVisible(false);
  }

  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  show_legend_tooltips(plot_);
  // A click on a legend entry hides or shows its curve.
  connect(plot_, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
    auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!entry) return;
    QCPAbstractPlottable* p = entry->plottable();
    const bool on = !p->visible();
    const auto pin = std::find(pin_graphs_.begin(), pin_graphs_.end(), p);
    if (pin != pin_graphs_.end()) {
      // A pinned run's entry hides or shows the whole pinned run.
      const std::size_t k = static_cast<std::size_t>(pin - pin_graphs_.begin()) / graphs_.size();
      pin_shown_[k] = on;
    } else {
      p->setVisible(on);  // a curve: the pinned runs' copies of it follow
    }
    sync_pin_visibility();
    QColor c = palette().color(QPalette::WindowText);
    if (!on) c.setAlpha(90);
    entry->setTextColor(c);
    rescale_values();
    queue_replot(plot_);
  });
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
    const double t = rates_->axis(QCPAxis::atBottom)->pixelToCoord(event->position().x());
    show_readout_at(t);
    emit cursor_moved(t);
  });
  apply_palette();
}

void LoadCurvesView::apply_palette() {
  apply_plot_palette(*plot_, palette());
  const QColor text = palette().color(QPalette::WindowText);
  if (timeout_line_) timeout_line_->setPen(QPen(text, 1, Qt::DashDotLine));
  graphs_[0]->setPen(QPen(text, 1.5, Qt::DashLine));  // demand
  for (QCPItemStraightLine* c : cursor_) c->setPen(QPen(text, 1, Qt::DotLine));
}

void LoadCurvesView::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  // Follow the system's light or dark theme when it changes.
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) {
    apply_palette();
    queue_replot(plot_);
  }
}

void LoadCurvesView::show_run(const Scenario& scenario, const RunResult& run) {
  shown_ = run;
  timeout_s_ = scenario.client.timeout_s;
  timeout_line_->point1->setCoords(0, timeout_s_);
  timeout_line_->point2->setCoords(1, timeout_s_);
  timeout_label_->position->setCoords(0.99, timeout_s_);
  timeout_label_->setText(tr("timeout %1 s").arg(timeout_s_));
  shown_scenario_ = scenario;
  has_run_ = true;
  fit_caption();
  caption_->setToolTip(QString::fromStdString(scenario.name));
  const bool first = horizon_ <= 1;
  const bool horizon_changed = horizon_ != scenario.duration_s;
  horizon_ = scenario.duration_s;
  present_.assign(graphs_.size(), true);
  for (std::size_t g = 0; g < graphs_.size(); ++g) {
    const CurvePoints points = curve_points(run, styles()[g].member);
    graphs_[g]->setData(points.keys, points.values, true);
    if (styles()[g].optional)
      present_[g] = std::any_of(points.values.begin(), points.values.end(), [](double v) { return v != 0; });
  }
  update_markers(scenario, run);  // first: it finds the unhealthy intervals the legend names
  refresh_rates_legend();
  if (first || horizon_changed)
    reset_zoom();
  else
    rescale_values();
  // The readout follows the run: the new run's values at the cursor's time.
  if (cursor_t_ && *cursor_t_ <= horizon_)
    show_readout_at(*cursor_t_);
  else
    clear_readout();
  queue_replot(plot_);
}

void LoadCurvesView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fit_caption();
  fit_legends();
}

void LoadCurvesView::fit_legends() {
  // As many entries a row as fit the plot's width, so that no entry's text
  // is cut (QCustomPlot squeezes the columns of a legend that is too wide).
  const int room = plot_->width() - 16;
  for (QCPLegend* l : {rates_legend_, levels_legend_}) wrap_legend_to_width(*l, room, kLegendColumns);
  queue_replot(plot_);
}

void LoadCurvesView::fit_caption() {
  if (!has_run_) return;
  const int margins = caption_->contentsMargins().left() + caption_->contentsMargins().right() + 2 * caption_->margin();
  caption_->setText(fitted_caption(shown_scenario_, caption_->font(), caption_->width() - margins));
}

void LoadCurvesView::refresh_rates_legend() {
  // Entries cannot be inserted in the middle of a QCPLegend: the optional
  // curves' entries and the pinned runs' (which follow them) are taken out
  // and put back in order.
  std::vector<QCPGraph*> entries;
  for (std::size_t g = 0; g < graphs_.size(); ++g)
    if (styles()[g].optional && !styles()[g].level && present_[g]) entries.push_back(graphs_[g]);
  // The optional levels (last in their legend): in it only while not zero.
  for (std::size_t g = 0; g < graphs_.size(); ++g) {
    if (!styles()[g].optional || !styles()[g].level) continue;
    graphs_[g]->removeFromLegend(levels_legend_);
    if (present_[g]) {
      graphs_[g]->addToLegend(levels_legend_);
      QColor c = palette().color(QPalette::WindowText);
      if (!graphs_[g]->visible()) c.setAlpha(90);
      levels_legend_->itemWithPlottable(graphs_[g])->setTextColor(c);
    }
  }
  levels_legend_->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
  for (std::size_t i = 1; i < pin_graphs_.size(); i += graphs_.size()) entries.push_back(pin_graphs_[i]);
  for (std::size_t g = 0; g < graphs_.size(); ++g)
    if (styles()[g].optional && !styles()[g].level) graphs_[g]->removeFromLegend(rates_legend_);
  for (std::size_t i = 1; i < pin_graphs_.size(); i += graphs_.size()) pin_graphs_[i]->removeFromLegend(rates_legend_);
  if (rates_legend_->hasItem(unhealthy_entry_)) rates_legend_->take(unhealthy_entry_);
  rates_legend_->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);  // closes the gaps the removals left
  for (QCPGraph* g : entries) {
    g->addToLegend(rates_legend_);
    QColor c = palette().color(QPalette::WindowText);
    if (!g->visible()) c.setAlpha(90);
    rates_legend_->itemWithPlottable(g)->setTextColor(c);
  }
  if (unhealthy_shown_) {
    rates_legend_->addItem(unhealthy_entry_);
    unhealthy_entry_->setTextColor(palette().color(QPalette::WindowText));
  }
  fit_legends();
}

void LoadCurvesView::update_markers(const Scenario& s, const RunResult& run) {
  // Items of the previous run go; the cursor lines stay.
  for (int i = plot_->itemCount() - 1; i >= 0; --i) {
    QCPAbstractItem* item = plot_->item(i);
    if (item != cursor_[0] && item != cursor_[1] && item != timeout_line_ && item != timeout_label_)
      plot_->removeItem(item);
  }
  auto band = [this](QCPAxisRect* r, double x0, double x1, double y0, double y1, QColor fill) {
    auto* rect = new QCPItemRect(plot_);
    rect->setClipAxisRect(r);
    rect->setLayer("shading");
    for (QCPItemPosition* p : {rect->topLeft, rect->bottomRight}) {
      p->setAxes(r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft));
      p->setAxisRect(r);
      p->setTypeX(QCPItemPosition::ptPlotCoords);
      p->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    rect->topLeft->setCoords(x0, y0);
    rect->bottomRight->setCoords(x1, y1);
    rect->setPen(Qt::NoPen);
    rect->setBrush(fill);
    rect->setSelectable(false);
  };
  // A label in the rates panel at time x and height y (0 top, 1 bottom).
  auto label = [this](double x, double y, Qt::Alignment align, const QString& text, QColor color) {
    auto* t = new QCPItemText(plot_);
    t->setClipAxisRect(rates_);
    t->position->setAxes(rates_->axis(QCPAxis::atBottom), rates_->axis(QCPAxis::atLeft));
    t->position->setAxisRect(rates_);
    t->position->setTypeX(QCPItemPosition::ptPlotCoords);
    t->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    t->position->setCoords(x, y);
    t->setPositionAlignment(Qt::AlignLeft | align);
    t->setPadding(QMargins(4, 2, 4, 2));
    t->setText(text);
    t->setColor(color);
    t->setSelectable(false);
  };
  // Trigger labels sit at the foot of the rates panel, clear of the red band.
  const QColor trigger(250, 190, 40, 55);
  if (!s.demand.profile && s.demand.surge && s.demand.surge->extra_rate > 0 && s.demand.surge->duration_s > 0) {
    double a = s.demand.surge->start_s, b = a + s.demand.surge->duration_s;
    for (QCPAxisRect* r : {rates_, levels_}) band(r, a, b, 0, 1, trigger);
    label(a, 0.99, Qt::AlignBottom, tr("surge"), QColor(176, 120, 0));
  }
  const Outage& o = s.server.outage;
  if (o.duration_s > 0 && o.capacity_factor != 1.0) {
    const QColor outage(120, 120, 140, 50);
    for (QCPAxisRect* r : {rates_, levels_}) band(r, o.start_s, o.start_s + o.duration_s, 0, 1, outage);
    label(o.start_s, 0.99, Qt::AlignBottom, tr("outage x%1").arg(o.capacity_factor), QColor(100, 100, 130));
  }
  // Server measures that begin mid-run (as an emergency measure would): a
  // dotted line where they begin, so their effect is seen against the time.
  auto begins = [&](double t, double y, const QString& text, QColor color) {
    auto* line = new QCPItemStraightLine(plot_);
    line->setClipAxisRect(rates_);
    for (QCPItemPosition* p : {line->point1, line->point2}) {
      p->setAxes(rates_->axis(QCPAxis::atBottom), rates_->axis(QCPAxis::atLeft));
      p->setAxisRect(rates_);
      p->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    line->point1->setCoords(t, 0);
    line->point2->setCoords(t, 1);
    line->setPen(QPen(color, 1, Qt::DotLine));
    line->setSelectable(false);
    label(t, y, Qt::AlignBottom, text, color);
  };
  if (s.server.stop_signal.enabled && s.server.stop_signal.start_s > 0)
    begins(s.server.stop_signal.start_s, 0.92, tr("stop signal"), QColor(216, 27, 96));
  if (s.server.admission.enabled && s.server.admission.start_s > 0)
    begins(s.server.admission.start_s, 0.85, tr("admission %1%").arg(100 * s.server.admission.share), QColor(63, 81, 181));
  // Unhealthy intervals: a red band along the top of the rates panel.
  double previous = 0, run_start = -1;
  unhealthy_shown_ = false;
  for (std::size_t i = 0; i <= run.intervals.size(); ++i) {
    bool sick_now = i < run.intervals.size() && !is_healthy(run.intervals[i]);
    if (sick_now && run_start < 0) run_start = previous;
    if (!sick_now && run_start >= 0) {
      band(rates_, run_start, previous, 0, 0.025, kSick);
      unhealthy_shown_ = true;
      run_start = -1;
    }
    if (i < run.intervals.size()) previous = run.intervals[i].t_s;
  }
}

void LoadCurvesView::set_pinned(const std::vector<PinnedRun>& pinned) {
  clear_pins();
  pinned_ = pinned;
  pin_shown_.assign(pinned.size(), true);
  static const Qt::PenStyle dashes[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
  for (std::size_t p = 0; p < pinned.size(); ++p) {
    const RunResult& run = pinned[p].run;
    for (std::size_t g = 0; g < graphs_.size(); ++g) {
      const CurvePoints points = curve_points(run, styles()[g].member);
      QCPGraph* ghost = plot_->addGraph(graphs_[g]->keyAxis(), graphs_[g]->valueAxis());
      QColor faded = graphs_[g]->pen().color();
      faded.setAlpha(165);
      ghost->setPen(QPen(faded, 1.6, dashes[p % 3]));
      ghost->setData(points.keys, points.values, true);
      ghost->setVisible(graphs_[g]->visible());
      ghost->setSelectable(QCP::stNone);
      ghost->removeFromLegend();
      if (g == 1) {  // one legend entry per pinned run, on its offered curve
        ghost->setName(pin_legend_name(pinned[p].label));
        set_legend_tooltip(ghost, pin_meaning(pinned[p].label));
        ghost->addToLegend(rates_legend_);
      }
      ghost->setLayer("pins");  // above the shading, behind the current run
      pin_graphs_.push_back(ghost);
    }
  }
  fit_legends();
  rescale_values();
  queue_replot(plot_);
}

void LoadCurvesView::rename_pins(const std::vector<PinnedRun>& pinned) {
  // Each pin has one graph per curve; its offered curve carries the legend entry.
  for (std::size_t p = 0; p < pinned.size() && (p + 1) * graphs_.size() <= pin_graphs_.size(); ++p) {
    pin_graphs_[p * graphs_.size() + 1]->setName(pin_legend_name(pinned[p].label));
    set_legend_tooltip(pin_graphs_[p * graphs_.size() + 1], pin_meaning(pinned[p].label));
    if (p < pinned_.size()) pinned_[p].label = pinned[p].label;
  }
  fit_legends();
  queue_replot(plot_);
}

void LoadCurvesView::clear_pins() {
  for (QCPGraph* g : pin_graphs_) plot_->removeGraph(g);
  pin_graphs_.clear();
  pinned_.clear();
  pin_shown_.clear();
}

QString LoadCurvesView::pin_legend_name(const QString& label) {
  // A long label would make its legend column wide: it is shortened in
  // the middle, keeping its start and its end (where labels that differ
  // in one setting usually differ).
  constexpr int kLongest = 28, kHead = 13;
  const QString shown = label.size() > kLongest
                            ? label.left(kHead).trimmed() + QChar(0x2026) + label.right(kLongest - kHead - 1).trimmed()
                            : label;
  return tr("pinned: %1").arg(shown);
}

void LoadCurvesView::sync_pin_visibility() {
  for (std::size_t k = 0; k < pin_graphs_.size(); ++k) {
    const std::size_t pin = k / graphs_.size(), g = k % graphs_.size();
    pin_graphs_[k]->setVisible(pin_shown_[pin] && graphs_[g]->visible());
  }
}

namespace {

/// The highest value of a graph's line within a time range: its points inside
/// the range and where the line crosses the range's ends. A graph holds only
/// the points its drawing needs (curve_points): a flat stretch may have none
/// inside a zoomed range, and yet its line runs across it.
std::optional<double> highest_drawn(const QCPGraph& graph, const QCPRange& range) {
  const QCPGraphDataContainer& data = *graph.data();
  std::optional<double> high;
  auto consider = [&high](double v) {
    if (!std::isnan(v)) high = high ? std::max(*high, v) : v;
  };
  // The line's value at time t: on the segment between the points around it.
  auto line_at = [&data](double t) {
    auto after = data.findBegin(t, false);
    if (after == data.constEnd() || after == data.constBegin()) return std::nan("");
    auto before = std::prev(after);
    if (after->key == before->key) return after->value;
    return before->value + (after->value - before->value) * (t - before->key) / (after->key - before->key);
  };
  for (auto it = data.findBegin(range.lower, false); it != data.findEnd(range.upper, false); ++it) consider(it->value);
  consider(line_at(range.lower));
  consider(line_at(range.upper));
  return high;
}

}  // namespace

void LoadCurvesView::rescale_values() {
  // Each value axis spans 0 to the highest visible value in the visible time range.
  for (QCPAxisRect* r : {rates_, levels_}) {
    const QCPRange visible_time = r->axis(QCPAxis::atBottom)->range();
    for (QCPAxis* axis : {r->axis(QCPAxis::atLeft), r->axis(QCPAxis::atRight)}) {
      double top = 0;
      // Everything shown sets the scale: the current run and the pinned ones.
      std::vector<QCPGraph*> shown = graphs_;
      shown.insert(shown.end(), pin_graphs_.begin(), pin_graphs_.end());
      for (QCPGraph* g : shown) {
        if (g->valueAxis() != axis || !g->visible()) continue;
        if (const std::optional<double> high = highest_drawn(*g, visible_time)) top = std::max(top, *high);
      }
      if (axis == levels_->axis(QCPAxis::atRight)) top = std::max(top, timeout_s_ * 1.2);  // the timeout line in view
      axis->setRange(0, top > 0 ? top * 1.08 : 1);
    }
  }
  rates_->axis(QCPAxis::atRight)->setRange(rates_->axis(QCPAxis::atLeft)->range());
}

void LoadCurvesView::reset_zoom() {
  for (QCPAxisRect* r : {rates_, levels_}) r->axis(QCPAxis::atBottom)->setRange(0, horizon_);
  for (int i = 0; i < plot_->graphCount(); ++i) {
    plot_->graph(i)->setVisible(true);
  }
  pin_shown_.assign(pin_shown_.size(), true);
  for (QCPLegend* l : {rates_legend_, levels_legend_})
    for (int i = 0; i < l->itemCount(); ++i)
      if (QCPAbstractLegendItem* item = l->item(i)) item->setTextColor(palette().color(QPalette::WindowText));
  rescale_values();
  queue_replot(plot_);
}

void LoadCurvesView::show_readout_at(double t) {
  const auto& iv = shown_.intervals;
  if (iv.empty()) return;
  cursor_t_ = t;
  auto it = std::lower_bound(iv.begin(), iv.end(), t, [](const Interval& i, double x) { return i.t_s < x; });
  if (it == iv.end()) it = std::prev(iv.end());
  const Interval& x = *it;
  QStringList parts;
  parts << tr("<b>t = %1 s</b>").arg(number(x.t_s));
  for (std::size_t g = 0; g < graphs_.size(); ++g) {
    const CurveStyle& s = styles()[g];
    if (g < present_.size() && !present_[g]) continue;
    QString color = graphs_[g]->pen().color().name();
    QString name = s.right_axis ? QStringLiteral("wait") : QString(s.name).replace('_', ' ');
    // Each pinned run's value at the same time, beside the current one.
    QStringList pinned_values;
    for (std::size_t p = 0; p < pinned_.size(); ++p) {
      if (!pin_shown_[p] || !graphs_[g]->visible() || pinned_[p].run.intervals.empty()) continue;
      const auto& pv = pinned_[p].run.intervals;
      auto at = std::lower_bound(pv.begin(), pv.end(), x.t_s, [](const Interval& i, double v) { return i.t_s < v; });
      if (at == pv.end()) continue;  // past the pinned run's horizon
      pinned_values << number((*at).*(s.member));
    }
    const QString pins = pinned_values.isEmpty()
                             ? QString()
                             : QStringLiteral("&nbsp;<span style='color:%1'>(pinned&nbsp;%2)</span>")
                                   .arg(palette().color(QPalette::PlaceholderText).name(),
                                        pinned_values.join(QStringLiteral(",&nbsp;")));
    parts << QStringLiteral("<span style='color:%1'>&#9632;</span>&nbsp;%2&nbsp;%3%4%5")
                 .arg(color, name, number(x.*(s.member)), s.right_axis ? QStringLiteral("&nbsp;s") : QString(), pins);
  }
  if (!is_healthy(x)) parts << tr("<span style='color:#d93025'><b>unhealthy</b></span>");
  readout_->setText(parts.join(QStringLiteral(" &nbsp; ")));
  for (QCPItemStraightLine* c : cursor_) {
    c->point1->setCoords(x.t_s, 0);
    c->point2->setCoords(x.t_s, 1);
    c->setVisible(true);
  }
  queue_replot(plot_);
}

void LoadCurvesView::clear_readout() {
  cursor_t_.reset();
  readout_->setText(tr("Move the mouse over the curves to read their values."));
  for (QCPItemStraightLine* c : cursor_) c->setVisible(false);
  queue_replot(plot_);
}

QString LoadCurvesView::readout_text() const {
  return QTextDocumentFragment::fromHtml(readout_->text()).toPlainText().replace(QChar(0x00A0), QLatin1Char(' '));
}

QString LoadCurvesView::caption() const { return has_run_ ? scenario_caption(shown_scenario_) : QString(); }

QVector<double> LoadCurvesView::curve(const QString& name) const {
  const int index = curve_names().indexOf(name);
  if (index < 0) return {};
  // The graph holds the points its drawing needs (curve_points): read back
  // at every interval's time.
  CurvePoints points;
  const QCPGraph& graph = *graphs_[static_cast<std::size_t>(index)];
  for (auto it = graph.data()->constBegin(); it != graph.data()->constEnd(); ++it) {
    points.keys << it->key;
    points.values << it->value;
  }
  return values_at(points, times());
}

QVector<double> LoadCurvesView::times() const {
  QVector<double> keys;
  keys.reserve(static_cast<int>(shown_.intervals.size()));
  for (const Interval& i : shown_.intervals) keys << i.t_s;
  return keys;
}

}  // namespace sg::ui
