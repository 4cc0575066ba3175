#include "hysteresis_view.h"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

#include "legend_tooltip.h"
#include "legend_wrap.h"
#include "qcustomplot.h"
#include "replot_queue.h"
#include "run_controller.h"
#include "theme.h"

namespace sg::ui {
namespace {

/// While the view is hidden, how long the scenario must rest before its ramp
/// is solved: longer than the gap between a slider drag's steps.
constexpr int kHiddenRestMs = 300;

QDoubleSpinBox* box(QWidget* parent, double value, const QString& suffix, const QString& tip) {
  auto* b = new QDoubleSpinBox(parent);
  b->setRange(0, 1e7);
  b->setDecimals(value < 10 ? 2 : 0);
  b->setValue(value);
  b->setSuffix(suffix);
  b->setToolTip(tip);
  b->setKeyboardTracking(false);
  return b;
}

}  // namespace

HysteresisView::HysteresisView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* controls = new QHBoxLayout;
  from_ = box(this, 200, tr(" jobs/s"), tr("Demand at the start and the end of the ramp"));
  to_ = box(this, 1200, tr(" jobs/s"), tr("Demand at the top of the ramp"));
  speed_ = box(this, 1, tr(" jobs/s per s"), tr("How fast demand changes: jobs/s gained (then lost) each second"));
  controls->addWidget(new QLabel(tr("from"), this));
  controls->addWidget(from_);
  controls->addWidget(new QLabel(tr("to"), this));
  controls->addWidget(to_);
  controls->addWidget(new QLabel(tr("at"), this));
  controls->addWidget(speed_);
  layout->addLayout(controls);
  plot_ = new QCustomPlot(this);
  replot_queued_on_resize(plot_);
  plot_->setMinimumSize(240, 220);
  layout->addWidget(plot_, 1);
  note_ = new QLabel(this);
  note_->setObjectName(QStringLiteral("hysteresis_note"));
  note_->setWordWrap(true);
  layout->addWidget(note_);

  plot_->xAxis->setLabel(tr("demand (jobs/s)"));
  plot_->yAxis->setLabel(tr("per second"));
  // The legend in a row above the plot, clear of the branches (inside the
  // axis rect it covered them, the more so at a paper column's size).
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->axisRect()->insetLayout()->take(plot_->legend);
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, plot_->legend);
  plot_->plotLayout()->setRowStretchFactor(0, 0.001);
  plot_->legend->setBorderPen(Qt::NoPen);
  plot_->legend->setIconSize(24, 10);
  plot_->legend->setMargins(QMargins(4, 2, 4, 2));
  plot_->legend->setRowSpacing(0);
  plot_->legend->setColumnSpacing(10);
  plot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  plot_->legend->setWrap(2);
  struct Curve {
    QString name;
    QColor color;
    Qt::PenStyle style;
    QString meaning;  // the legend entry's tooltip
  };
  for (const Curve& c :
       {Curve{tr("goodput, demand rising"), QColor(30, 142, 62), Qt::SolidLine,
              tr("Jobs completed within the client's timeout, per second, as demand ramps up.")},
        Curve{
            tr("goodput, demand falling"), QColor(30, 142, 62), Qt::DashLine,
            tr("Jobs completed within the client's timeout, per second, as demand ramps back down; where it "
               "stays below the rising branch, a storm outlasts the demand that caused it.")},
        Curve{tr("offered, demand rising"), QColor(232, 113, 10), Qt::SolidLine,
              tr("Attempts sent per second (first attempts and retries) as demand ramps up.")},
        Curve{tr("offered, demand falling"), QColor(232, 113, 10), Qt::DashLine,
              tr("Attempts sent per second (first attempts and retries) as demand ramps back down.")}}) {
    // QCPCurve keeps the order of the points: a branch may turn back on itself.
    auto* curve = new QCPCurve(plot_->xAxis, plot_->yAxis);
    curve->setName(c.name);
    curve->setPen(QPen(c.color, 2, c.style));
    set_legend_tooltip(curve, c.meaning);
  }
  show_legend_tooltips(plot_);

  apply_plot_palette(*plot_, palette());

  runs_ = new RunController(this, /*background=*/true);
  rest_ = new QTimer(this);
  rest_->setSingleShot(true);
  rest_->setInterval(kHiddenRestMs);
  connect(rest_, &QTimer::timeout, this, &HysteresisView::request);
  connect(runs_, &RunController::finished, this, [this](std::shared_ptr<const RunOutcome> outcome) {
    if (outcome->generation != runs_->latest()) return;
    draw(hysteresis_loop(outcome->scenario, outcome->run));
  });
  connect(runs_, &RunController::failed, this, [this](quint64 generation, const QString& message) {
    if (generation != runs_->latest()) return;
    // Nothing stale stays on screen under a caption it does not match.
    draw(HysteresisLoop{});
    note_->setText(tr("Cannot draw this ramp: %1").arg(message));
  });
  for (QDoubleSpinBox* b : {from_, to_, speed_})
    connect(b, &QDoubleSpinBox::valueChanged, this, [this] { show_scenario(scenario_); });
}

void HysteresisView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  wrap_legend_to_width(*plot_->legend, plot_->width() - 16, 2);
  queue_replot(plot_);
}

void HysteresisView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (rest_->isActive()) request();  // shown while waiting: at once
}

void HysteresisView::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  // The plot follows the theme (and an export's print look).
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) {
    apply_plot_palette(*plot_, palette());
    queue_replot(plot_);
  }
}

HysteresisRamp HysteresisView::ramp() const { return {from_->value(), to_->value(), std::max(speed_->value(), 0.01)}; }

void HysteresisView::show_scenario(const Scenario& scenario) {
  scenario_ = scenario;
  if (isVisible())
    request();
  else
    rest_->start();  // restarted by every change of a drag
}

bool HysteresisView::waiting_for_rest() const { return rest_->isActive(); }

void HysteresisView::request() {
  rest_->stop();
  runs_->request(hysteresis_scenario(scenario_, ramp()));
}

QString HysteresisView::caption() const {
  return tr("Hysteresis of \"%1\": demand from %2 to %3 jobs/s and back at %4 (jobs/s)/s")
      .arg(QString::fromStdString(scenario_.name))
      .arg(ramp().from_rate)
      .arg(ramp().to_rate)
      .arg(ramp().speed);
}

void HysteresisView::draw(const HysteresisLoop& loop) {
  loop_ = loop;
  const std::vector<HysteresisPoint>* branches[4] = {&loop.up, &loop.down, &loop.up, &loop.down};
  double top = 1;
  for (int k = 0; k < 4; ++k) {
    auto* curve = static_cast<QCPCurve*>(plot_->plottable(k));
    QVector<double> t, x, y;
    int index = 0;
    for (const HysteresisPoint& p : *branches[k]) {
      t << index++;
      x << p.demand;
      y << (k < 2 ? p.goodput : p.offered);
      top = std::max(top, y.back());
    }
    curve->setData(t, x, y, true);
  }
  plot_->clearItems();
  if (loop.band_hi > loop.band_lo) {
    auto* band = new QCPItemRect(plot_);
    band->topLeft->setCoords(loop.band_lo, top * 1.1);
    band->bottomRight->setCoords(loop.band_hi, -0.04 * top);
    band->setPen(Qt::NoPen);
    band->setBrush(QColor(255, 152, 0, 45));
    band->setLayer("background");
    QString text = tr("Shaded: from %1 to %2 jobs/s the same demand is served on the way up and not on the way "
                      "down: two states, and the history decides. The band is where the way down's goodput is more "
                      "than 5 % of capacity below the way up's: its lower edge is where the way down recovers, its "
                      "upper edge where the way up had collapsed.")
                       .arg(loop.band_lo, 0, 'f', 0)
                       .arg(loop.band_hi, 0, 'f', 0);
    if (loop.band_reaches_sweep_start)
      text += QStringLiteral(" ") + tr("Here the way down had not recovered when the sweep ended at %1 jobs/s: "
                                       "the band goes on below; start the sweep lower to see its edge.")
                                        .arg(std::min(ramp().from_rate, ramp().to_rate), 0, 'f', 0);
    if (loop.band_reaches_turn)
      text += QStringLiteral(" ") + tr("Its upper edge is the sweep's turning point (%1 jobs/s): raise \"to\" to "
                                       "see where it ends.")
                                        .arg(std::max(ramp().from_rate, ramp().to_rate), 0, 'f', 0);
    note_->setText(text);
  } else {
    note_->setText(tr("No band: the way down retraces the way up; no state outlives its cause."));
  }
  plot_->xAxis->setRange(std::min(ramp().from_rate, ramp().to_rate), std::max(ramp().from_rate, ramp().to_rate));
  // A little below zero, so that a branch at no goodput is a visible line,
  // not hidden under the axis.
  plot_->yAxis->setRange(-0.04 * top, top * 1.1);
  queue_replot(plot_);
  emit loop_shown();
}

}  // namespace sg::ui
