#include "stability_map_view.h"

#include <QComboBox>
#include <QEvent>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QAbstractItemView>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QStyleOptionComboBox>
#include <QStylePainter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "dashboard_text.h"
#include "legend_swatch.h"
#include "legend_tooltip.h"
#include "legend_wrap.h"
#include "qcustomplot.h"
#include "replot_queue.h"
#include "scenario/number_text.h"
#include "scenario/parameter_labels.h"
#include "scenario/parameters.h"
#include "scenario/policy_fields.h"
#include "scenario/scenario_file.h"
#include "theme.h"

namespace sg::ui {
namespace {

// Cell values: stable 0 (recovered at once) to 0.95 (recovered just before
// the horizon), draining 1.5 (metastable within the run only, docs/model.md
// 7.5), metastable 2, overloaded 3; the colour scale spans 0 to 3.
constexpr double kDraining = 1.5, kMetastable = 2, kOverloaded = 3;

QCPColorGradient class_colours() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(200, 230, 201));   // stable, recovered at once
  g.setColorStopAt(0.32, QColor(46, 125, 50));    // stable, slow to recover
  g.setColorStopAt(0.33, QColor(255, 224, 130));
  g.setColorStopAt(0.58, QColor(255, 224, 130));  // draining (1.5/3)
  g.setColorStopAt(0.59, QColor(255, 152, 0));
  g.setColorStopAt(0.80, QColor(255, 152, 0));    // metastable (2/3)
  g.setColorStopAt(0.81, QColor(198, 40, 40));
  g.setColorStopAt(1.0, QColor(198, 40, 40));     // overloaded
  g.setLevelCount(400);
  return g;
}

/// An axis label: the parameter in words and its unit. Demand keeps the name
/// the boundary lines use ("demand = capacity").
QString short_name(const std::string& path) {
  QString name = path == "demand.base_rate" ? QStringLiteral("demand") : parameter_words(path);
  const std::optional<ParameterInfo> info = describe_parameter(path);
  if (info && !info->unit.empty()) name += QStringLiteral(" (%1)").arg(QString::fromStdString(info->unit));
  return name;
}

}  // namespace

/// A parameter chooser: each item shows the parameter's label
/// ("Client: timeout (s)", sg::parameter_label) and holds its path as its
/// data, which the tooltip gives too. Narrower than its longest label, it
/// elides the label in the middle (keeping the unit); the list gives it whole.
class PathComboBox : public QComboBox {
public:
  explicit PathComboBox(const QString& role, QWidget* parent) : QComboBox(parent), role_(role) {
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(12);
    connect(this, &QComboBox::currentIndexChanged, this, &PathComboBox::refresh_tooltip);
  }

  /// The tooltip names the role, the label and the path of the current item.
  void refresh_tooltip() { setToolTip(tr("%1: %2 (%3)").arg(role_, currentText(), path())); }

  QString path() const { return currentData().toString(); }

  void add_path(const ParameterInfo& p) {
    const QString path = QString::fromStdString(p.path);
    addItem(QString::fromStdString(sg::parameter_label(p.path)), path);
    setItemData(count() - 1, QStringLiteral("%1: %2").arg(path, QString::fromStdString(p.help)),
                Qt::ToolTipRole);
  }

  void select_path(const QString& path) {
    const int index = findData(path);
    if (index >= 0) setCurrentIndex(index);
  }

  void showPopup() override {
    // The list as wide as its longest label, even when the box is narrower.
    view()->setMinimumWidth(view()->sizeHintForColumn(0) + view()->verticalScrollBar()->sizeHint().width() + 8);
    QComboBox::showPopup();
  }

protected:
  void paintEvent(QPaintEvent*) override {
    QStylePainter painter(this);
    QStyleOptionComboBox option;
    initStyleOption(&option);
    painter.drawComplexControl(QStyle::CC_ComboBox, option);
    const QRect text = style()->subControlRect(QStyle::CC_ComboBox, &option, QStyle::SC_ComboBoxEditField, this);
    option.currentText = fontMetrics().elidedText(option.currentText, Qt::ElideMiddle, text.width());
    painter.drawControl(QStyle::CE_ComboBoxLabel, option);
  }

private:
  QString role_;
};

namespace {

/// An axis end: as many decimals as the value needs ("100", "0.25"), not a
/// fixed two.
class RangeBox : public QDoubleSpinBox {
public:
  using QDoubleSpinBox::QDoubleSpinBox;
  QString textFromValue(double value) const override {
    QString text = locale().toString(value, 'f', decimals());
    if (text.contains(locale().decimalPoint())) {
      while (text.endsWith(QLatin1Char('0'))) text.chop(1);
      if (text.endsWith(locale().decimalPoint())) text.chop(1);
    }
    return text;
  }
};

QDoubleSpinBox* range_box(QWidget* parent, double value) {
  auto* box = new RangeBox(parent);
  box->setRange(0, 1e9);
  box->setDecimals(4);
  box->setValue(value);
  box->setKeyboardTracking(false);
  box->setMaximumWidth(80);  // room for the path beside it
  return box;
}

}  // namespace

StabilityMapView::StabilityMapView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  auto* controls = new QGridLayout;
  controls->setHorizontalSpacing(4);
  x_path_ = new PathComboBox(tr("The parameter along the horizontal axis"), this);
  y_path_ = new PathComboBox(tr("The parameter along the vertical axis"), this);
  fill_choosers(parameters());
  x_from_ = range_box(this, 100);
  x_to_ = range_box(this, 1500);
  y_from_ = range_box(this, 500);
  y_to_ = range_box(this, 2000);
  x_path_->setObjectName(QStringLiteral("map_x_path"));
  y_path_->setObjectName(QStringLiteral("map_y_path"));
  x_from_->setObjectName(QStringLiteral("map_x_from"));
  x_to_->setObjectName(QStringLiteral("map_x_to"));
  y_from_->setObjectName(QStringLiteral("map_y_from"));
  y_to_->setObjectName(QStringLiteral("map_y_to"));
  // Each axis's parameter on a row of its own, so that its name reads whole
  // ("Demand: base rate (jobs/s)"), and its range below it.
  auto range_label = [this] {
    auto* label = new QLabel(tr("from, to"), this);
    label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return label;
  };
  controls->addWidget(new QLabel(tr("x"), this), 0, 0);
  controls->addWidget(x_path_, 0, 1, 1, 3);
  controls->addWidget(range_label(), 1, 1);
  controls->addWidget(x_from_, 1, 2);
  controls->addWidget(x_to_, 1, 3);
  controls->addWidget(new QLabel(tr("y"), this), 2, 0);
  controls->addWidget(y_path_, 2, 1, 1, 3);
  controls->addWidget(range_label(), 3, 1);
  controls->addWidget(y_from_, 3, 2);
  controls->addWidget(y_to_, 3, 3);
  resolution_ = new QComboBox(this);
  resolution_->setObjectName(QStringLiteral("map_resolution"));
  for (int n : {32, 64, 128}) resolution_->addItem(tr("%1 x %1").arg(n), n);
  resolution_->setCurrentIndex(1);
  resolution_->setToolTip(tr("Points along each axis"));
  controls->addWidget(new QLabel(tr("points"), this), 4, 0);
  controls->addWidget(resolution_, 4, 1);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  status_->setTextFormat(Qt::PlainText);
  controls->addWidget(status_, 5, 0, 1, 4);
  controls->setColumnStretch(1, 1);
  layout->addLayout(controls);
  // A new path gets a range around its current value: the old path's range
  // means nothing for it (demand's 100-1500 on a timeout).
  connect(x_path_, qOverload<int>(&QComboBox::activated), this, [this] {
    reset_range(x_path_->path().toStdString(), x_from_, x_to_);
    emit axes_changed();
  });
  connect(y_path_, qOverload<int>(&QComboBox::activated), this, [this] {
    reset_range(y_path_->path().toStdString(), y_from_, y_to_);
    emit axes_changed();
  });
  connect(resolution_, qOverload<int>(&QComboBox::activated), this, &StabilityMapView::axes_changed);
  for (QDoubleSpinBox* b : {x_from_, x_to_, y_from_, y_to_})
    connect(b, &QDoubleSpinBox::valueChanged, this, &StabilityMapView::axes_changed);

  plot_ = new QCustomPlot(this);
  replot_queued_on_resize(plot_);
  plot_->setMinimumSize(240, 220);
  layout->addWidget(plot_, 1);
  readout_ = new QLabel(tr("Hover over the map to read a point; click to move there."), this);
  readout_->setWordWrap(true);
  layout->addWidget(readout_);

  cells_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  // No cells until a map arrives: an empty colour map would paint the plane
  // in the first class's colour, a "stable" map of nothing.
  cells_->setVisible(false);
  cells_->setGradient(class_colours());
  cells_->setDataRange(QCPRange(0, kOverloaded));
  cells_->setInterpolate(false);
  cells_->setTightBoundary(false);
  operating_point_ = plot_->addGraph();
  operating_point_->setLineStyle(QCPGraph::lsNone);
  operating_point_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCrossCircle, QPen(Qt::black, 2), Qt::white, 14));
  operating_point_->setName(tr("operating point"));
  plot_->legend->setVisible(false);
  // The legend is part of the plot, under the map, so that every exported
  // figure carries it (a label beside the plot would stay on the screen).
  legend_ = new QCPLegend;
  plot_->plotLayout()->addElement(1, 0, legend_);
  plot_->plotLayout()->setRowStretchFactor(1, 0.001);
  legend_->setLayer("legend");
  legend_->setBorderPen(Qt::NoPen);
  legend_->setIconSize(16, 10);
  legend_->setMargins(QMargins(4, 2, 4, 4));
  legend_->setRowSpacing(0);
  legend_->setColumnSpacing(10);
  legend_->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend_->setSelectableParts(QCPLegend::spNone);
  // The colours of class_colours(), at the values show_map gives each class;
  // each entry's tooltip says what its class means (spec/system.md, "Stability map").
  auto add = [this](LegendSwatch* entry, const QString& meaning) {
    set_legend_tooltip(entry, meaning);
    legend_->addItem(entry);
  };
  add(LegendSwatch::patch(legend_, tr("stable (darker: slower recovery)"), QColor(200, 230, 201),
                          QColor(46, 125, 50)),
      tr("Stable: healthy without a trigger, and healthy again after it; the darker the green, the longer "
         "the "
         "recovery took."));
  add(LegendSwatch::patch(legend_, tr("draining (recovers after the run ends)"), QColor(255, 224, 130)),
      tr("Draining: still unhealthy when the run ends, but its queue is draining; run longer, it would "
         "recover "
         "(hover over a point for when)."));
  add(LegendSwatch::patch(legend_, tr("metastable"), QColor(255, 152, 0)),
      tr("Metastable: healthy without a trigger, but the trigger tips it into a retry storm that outlasts "
         "it."));
  add(LegendSwatch::patch(legend_, tr("overloaded"), QColor(198, 40, 40)),
      tr("Overloaded: unhealthy even without a trigger; demand alone is more than the server can serve."));
  add(LegendSwatch::marker(legend_, tr("operating point"), operating_point_->scatterStyle()),
      tr("The operating point: the current settings' values of the two parameters."));
  show_legend_tooltips(plot_);
  apply_plot_palette(*plot_, palette());

  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || map_.points.empty()) return;
    double x = plot_->xAxis->pixelToCoord(event->position().x());
    double y = plot_->yAxis->pixelToCoord(event->position().y());
    if (!plot_->axisRect()->rect().contains(event->position().toPoint())) return;
    emit point_clicked(x, y);
  });
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
    readout_->setText(describe_at(plot_->xAxis->pixelToCoord(event->position().x()),
                                  plot_->yAxis->pixelToCoord(event->position().y())));
  });
}

namespace {

/// The parameters a map axis can take: numbers and whole counts.
std::vector<ParameterInfo> numeric(std::vector<ParameterInfo> all) {
  all.erase(std::remove_if(all.begin(), all.end(),
                           [](const ParameterInfo& p) {
                             return p.kind != ParameterKind::Number && p.kind != ParameterKind::Whole &&
                                    p.kind != ParameterKind::WholeOrNone &&
                                    p.kind != ParameterKind::WholeOrUnlimited;
                           }),
            all.end());
  return all;
}

const QString kDefaultX = QStringLiteral("demand.base_rate");
const QString kDefaultY = QStringLiteral("server.capacity");

}  // namespace

bool StabilityMapView::fill_choosers(const std::vector<ParameterInfo>& all) {
  const std::vector<ParameterInfo> offered = numeric(all);
  std::vector<std::string> paths;
  for (const ParameterInfo& p : offered) paths.push_back(p.path);
  if (paths == offered_) return false;
  offered_ = paths;
  bool defaulted = false;
  for (auto [chooser, fallback] : {std::pair{x_path_, kDefaultX}, std::pair{y_path_, kDefaultY}}) {
    const QString kept = chooser->path();
    const QSignalBlocker block(chooser);
    chooser->clear();
    for (const ParameterInfo& p : offered) chooser->add_path(p);
    if (!kept.isEmpty() && chooser->findData(kept) >= 0) {
      chooser->select_path(kept);
    } else {
      chooser->select_path(fallback);
      defaulted = defaulted || !kept.isEmpty();
    }
    chooser->refresh_tooltip();  // its signal was blocked
  }
  return defaulted;
}

void StabilityMapView::offer_parameters(const Scenario& scenario) {
  const QString x_before = x_path_->path(), y_before = y_path_->path();
  current_ = scenario;
  fill_choosers(parameters(scenario));
  if (x_path_->path() != x_before) reset_range(x_path_->path().toStdString(), x_from_, x_to_);
  if (y_path_->path() != y_before) reset_range(y_path_->path().toStdString(), y_from_, y_to_);
}

MapAxis StabilityMapView::x_axis() const {
  return {x_path_->path().toStdString(), x_from_->value(), x_to_->value(),
          resolution_->currentData().toInt()};
}

MapAxis StabilityMapView::y_axis() const {
  return {y_path_->path().toStdString(), y_from_->value(), y_to_->value(),
          resolution_->currentData().toInt()};
}

void StabilityMapView::set_resolution(int points) {
  int index = resolution_->findData(points);
  if (index < 0 || index == resolution_->currentIndex()) return;
  resolution_->setCurrentIndex(index);
  emit axes_changed();
}

void StabilityMapView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  wrap_legend_to_width(*legend_, plot_->width() - 16, 3);
  queue_replot(plot_);
}

void StabilityMapView::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  // The plot follows the theme (and an export's print look).
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) {
    apply_plot_palette(*plot_, palette());
    queue_replot(plot_);
  }
}

void StabilityMapView::set_busy(bool busy) {
  if (busy) {
    begin_computing(scenario_name_);
    return;
  }
  busy_ = false;
  progress_.clear();
  refresh_status();
}

void StabilityMapView::begin_computing(const QString& scenario_name) {
  busy_ = true;
  computing_for_ = scenario_name;
  progress_.clear();
  if (map_.points.empty()) {
    // Nothing to show yet: the plane of the axes asked for, empty.
    plot_->xAxis->setRange(x_axis().from, x_axis().to);
    plot_->yAxis->setRange(y_axis().from, y_axis().to);
    queue_replot(plot_);
  }
  if (!map_.points.empty() && !stale_) {
    // The map on screen is no longer that of the settings: greyed, and said so.
    stale_ = true;
    QCPColorGradient grey;
    grey.clearColorStops();
    grey.setColorStopAt(0.0, QColor(236, 236, 236));
    grey.setColorStopAt(0.32, QColor(190, 190, 190));
    grey.setColorStopAt(0.33, QColor(170, 170, 170));
    grey.setColorStopAt(0.80, QColor(170, 170, 170));
    grey.setColorStopAt(0.81, QColor(130, 130, 130));
    grey.setColorStopAt(1.0, QColor(130, 130, 130));
    grey.setLevelCount(400);
    cells_->setGradient(grey);
    queue_replot(plot_);
  }
  refresh_status();
}

void StabilityMapView::show_progress(int done, int total, int pass, int passes) {
  if (!busy_) return;
  progress_ = tr("%1 of %2 points (pass %3 of %4)").arg(done).arg(total).arg(pass).arg(passes);
  refresh_status();
}

void StabilityMapView::refresh_status() {
  QString text;
  const auto quoted = [](const QString& name) { return QStringLiteral("“%1”").arg(name); };
  if (map_.points.empty()) {
    if (busy_) text = tr("Computing the map of %1…").arg(quoted(computing_for_));
  } else if (stale_) {
    text = tr("stale: recomputing for %1; the grey map is of earlier settings").arg(quoted(computing_for_));
  } else if (busy_ || !final_) {
    text = tr("%1, for the current settings: coarse, refining").arg(quoted(scenario_name_));
  } else {
    text = tr("%1, for the current settings").arg(quoted(scenario_name_));
  }
  if (!off_policy_.isEmpty())
    text += QStringLiteral("\n") + tr("No ⊕: %1 is off in the current settings, and every point of this map has it on.")
                                        .arg(off_policy_);
  if (busy_) text += QStringLiteral("\n") + tr("computing… %1").arg(progress_.isEmpty() ? tr("starting") : progress_);
  status_->setText(text);
  status_->setToolTip(text);
}

QString StabilityMapView::status_text() const { return status_->text(); }

QString StabilityMapView::caption() const {
  // The classes' colours are in the legend under the map.
  return tr("Stability of \"%1\" over %2 and %3").arg(scenario_name_, short_name(map_.x.path), short_name(map_.y.path));
}

void StabilityMapView::show_map(const ParameterMap& map, int stride, const Scenario& scenario) {
  map_ = map;
  map_scenario_ = scenario;
  cells_->setVisible(true);
  if (stale_) cells_->setGradient(class_colours());
  stale_ = false;
  final_ = stride == 1;
  scenario_name_ = QString::fromStdString(scenario.name);
  horizon_after_trigger_ = std::max(1.0, scenario.duration_s - trigger_end_s(scenario));
  const int nx = map.x.count, ny = map.y.count;
  cells_->data()->setSize(nx, ny);
  cells_->data()->setRange(QCPRange(map.x.from, map.x.to), QCPRange(map.y.from, map.y.to));
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j) {
      const PointVerdict& v = map.points[static_cast<std::size_t>(i * ny + j)].verdict;
      double value = v.point_class == PointClass::Overloaded   ? kOverloaded
                     : v.point_class == PointClass::Metastable ? (v.drains_at_s ? kDraining : kMetastable)
                                                               : 0.95 * std::min(1.0, v.recovery_s.value_or(0) / horizon_after_trigger_);
      cells_->data()->setCell(i, j, value);
    }
  plot_->xAxis->setLabel(short_name(map.x.path));
  plot_->yAxis->setLabel(short_name(map.y.path));
  // Every cell whole: the axes reach half a cell beyond the first and last
  // points (the cells are centred on them).
  auto cells_extent = [](const MapAxis& a) {
    const double half = a.count > 1 ? std::fabs(a.to - a.from) / (2.0 * (a.count - 1)) : std::max(1.0, std::fabs(a.from) / 10);
    return QCPRange(std::min(a.from, a.to) - half, std::max(a.from, a.to) + half);
  };
  plot_->xAxis->setRange(cells_extent(map.x));
  plot_->yAxis->setRange(cells_extent(map.y));
  draw_boundaries(scenario);
  show_operating_point(scenario);
  busy_ = stride > 1;
  if (!busy_) progress_.clear();
  refresh_status();
}

void StabilityMapView::clear_map() {
  map_ = ParameterMap{};
  map_scenario_ = Scenario{};
  cells_->data()->clear();
  cells_->setVisible(false);
  if (stale_) cells_->setGradient(class_colours());
  stale_ = false;
  final_ = false;
  set_busy(false);
  readout_->setText(tr("No map: see the message above."));
  queue_replot(plot_);
}

void StabilityMapView::reset_range(const std::string& path, QDoubleSpinBox* from, QDoubleSpinBox* to) {
  const std::optional<double> value = get_number(current_, path);
  const double v = value.value_or(0);
  // Half to twice the value (0 to 1 from zero), the top pulled in until the
  // scenario is valid there (a factor or a share may not pass 1).
  double lo = v > 0 ? v / 2 : 0, hi = v > 0 ? 2 * v : 1;
  auto valid = [&](double x) {
    try {
      Scenario probe = current_;
      set_text(probe, path, format_number(x));
      validate_scenario(probe);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  for (double f : {2.0, 1.5, 1.2, 1.0})
    if (v > 0 && valid(v * f)) {
      hi = v * f;
      break;
    }
  const std::optional<ParameterInfo> info = describe_parameter(path);
  if (info && info->kind != ParameterKind::Number) {
    lo = std::max(1.0, std::floor(lo));
    hi = std::max(lo + 1, std::ceil(hi));
  }
  const QSignalBlocker b1(from), b2(to);
  from->setValue(lo);
  to->setValue(hi);
}

void StabilityMapView::show_operating_point(const Scenario& scenario) {
  current_ = scenario;
  const std::string x_path = map_.x.path.empty() ? x_axis().path : map_.x.path;
  const std::string y_path = map_.y.path.empty() ? y_axis().path : map_.y.path;
  auto x = get_number(scenario, x_path);
  auto y = get_number(scenario, y_path);
  operating_point_->data()->clear();
  // An axis over a field of a policy that is off: every point of the map
  // has the policy on (setting a field switches it on), the current
  // settings do not, so they are nowhere on it, whatever the field's value.
  off_policy_.clear();
  Scenario probe = scenario;
  for (const std::string& path : {x_path, y_path})
    for (const PolicyObject& p : policy_objects())
      if (path.rfind(std::string(p.path) + ".", 0) == 0 && !*p.enabled(probe)) off_policy_ = tr(p.title);
  if (x && y && off_policy_.isEmpty()) operating_point_->addData(*x, *y);
  refresh_status();
  queue_replot(plot_);
}

void StabilityMapView::draw_boundaries(const Scenario& s) {
  for (int i = plot_->graphCount() - 1; i >= 0; --i)
    if (plot_->graph(i) != operating_point_) plot_->removeGraph(i);
  plot_->clearItems();
  if (boundary_entry_) legend_->remove(boundary_entry_);
  boundary_entry_ = nullptr;
  // Closed forms of docs/model.md, 7.5, on the demand x capacity plane.
  const bool demand_x = map_.x.path == "demand.base_rate" && map_.y.path == "server.capacity";
  const bool demand_y = map_.y.path == "demand.base_rate" && map_.x.path == "server.capacity";
  if (!demand_x && !demand_y) return;
  // The closed forms are one service's: in a graph a service below the entry
  // may saturate first (graph-md-example's db at demand 1333/s whatever the
  // entry's capacity), and the lines would contradict the map.
  if (!s.server.calls.empty()) return;
  struct Line {
    double capacity_per_demand;
    QString label;
  };
  std::vector<Line> lines = {{1.0, tr("demand = capacity")}};
  // capacity / M is the naive client's boundary (every job sends all M
  // attempts once the queue is long). A client policy caps or refuses
  // retries, a server policy sheds, stops or adds capacity, a schedule moves
  // capacity: the band then ends elsewhere, and the line would mislead.
  Scenario readable = s;  // the policy table's accessors take a mutable scenario
  const bool policy_on = s.server.capacity_schedule.has_value() ||
                         std::any_of(policy_objects().begin(), policy_objects().end(),
                                     [&](const PolicyObject& p) { return *p.enabled(readable); });
  if (!policy_on && !s.server.queue_limit && !s.server.drop_expired && s.client.max_attempts &&
      *s.client.max_attempts > 1)
    lines.push_back({static_cast<double>(*s.client.max_attempts),
                     tr("demand = capacity / %1").arg(*s.client.max_attempts)});
  const QCPRange xr = plot_->xAxis->range(), yr = plot_->yAxis->range();
  boundary_entry_ = LegendSwatch::line(legend_, tr("the model's boundaries"), QPen(QColor(30, 30, 30), 1.5, Qt::DashLine));
  set_legend_tooltip(
      boundary_entry_,
      tr("The model's closed-form boundaries (docs/model.md, 7.5): past demand = capacity the server "
         "is overloaded; between it and demand = capacity / max attempts, a storm that a trigger "
         "starts can sustain itself."));
  legend_->addItem(boundary_entry_);
  wrap_legend_to_width(*legend_, plot_->width() - 16, 3);
  for (const Line& line : lines) {
    // capacity = k * demand, drawn across the visible plane.
    QVector<double> xs, ys;
    for (int k = 0; k <= 100; ++k) {
      double x = xr.lower + (xr.upper - xr.lower) * k / 100.0;
      double y = demand_x ? line.capacity_per_demand * x : x / line.capacity_per_demand;
      xs << x;
      ys << y;
    }
    QCPGraph* g = plot_->addGraph();
    g->setData(xs, ys, true);
    g->setPen(QPen(QColor(30, 30, 30), 1.5, Qt::DashLine));
    g->setSelectable(QCP::stNone);
    plot_->moveLayer(g->layer(), plot_->layer("main"), QCustomPlot::limAbove);
    // The label at the middle of the part of the line that is in view.
    std::vector<int> inside;
    for (int k = 0; k <= 100; ++k)
      if (ys[k] >= yr.lower && ys[k] <= yr.upper) inside.push_back(k);
    if (inside.empty()) continue;
    // Three quarters along: clear of the middle, where operating points tend to sit.
    const int k = inside[inside.size() * 3 / 4];
    auto* text = new QCPItemText(plot_);
    text->position->setCoords(xs[k], ys[k]);
    // Text on the side of the point with more room.
    const bool right_half = xs[k] > 0.5 * (xr.lower + xr.upper);
    text->setPositionAlignment((right_half ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    text->setText(line.label);
    text->setColor(QColor(20, 20, 20));
    text->setBrush(QColor(255, 255, 255, 200));
    text->setPadding(QMargins(3, 1, 3, 1));
  }
}

QString StabilityMapView::describe_at(double x, double y) const {
  if (map_.points.empty()) return {};
  const MapAxis& ax = map_.x;
  const MapAxis& ay = map_.y;
  auto nearest = [](const MapAxis& a, double v) {
    if (a.count <= 1 || a.to == a.from) return 0;
    int i = static_cast<int>(std::lround((v - a.from) / (a.to - a.from) * (a.count - 1)));
    return std::clamp(i, 0, a.count - 1);
  };
  const int i = nearest(ax, x), j = nearest(ay, y);
  const MapPoint& p = map_.points[static_cast<std::size_t>(i * ay.count + j)];
  QString what = p.verdict.point_class == PointClass::Stable
                     ? tr("stable: recovers %1 s after the trigger").arg(p.verdict.recovery_s.value_or(0))
                 : p.verdict.point_class == PointClass::Metastable && p.verdict.drains_at_s
                     ? tr("draining: metastable by the end of the run, but its storm drains; run on, it would "
                          "recover at t = %1 s (the run ends at %2 s)")
                           .arg(std::round(*p.verdict.drains_at_s))
                           .arg(map_scenario_.duration_s)
                 : p.verdict.point_class == PointClass::Metastable
                     ? tr("metastable: the trigger tips it into a storm that lasts")
                     : tr("overloaded: unhealthy even without a trigger");
  return tr("%1 = %2, %3 = %4: <b>%5</b>; goodput at the end %6% of demand%7")
      .arg(parameter_words(ax.path))
      .arg(p.x, 0, 'g', 4)
      .arg(parameter_words(ay.path))
      .arg(p.y, 0, 'g', 4)
      .arg(what)
      .arg(std::round(100 * p.verdict.goodput_ratio))
      .arg(p.solved ? QString() : tr(" (coarse, refining)"));
}

}  // namespace sg::ui
