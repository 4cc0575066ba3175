#include "topology_view.h"

#include <QComboBox>
#include <QContextMenuEvent>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace sg::ui {
namespace {

constexpr double kMargin = 16;     // pixels around the drawing
constexpr double kMostScale = 1.6;  // a small graph is not blown up beyond this
constexpr int kReplaySteps = 600;   // a replay crosses the run in about this many ticks (30 s)
constexpr int kTickMs = 50;
constexpr int kLeastTextPx = 9;     // the smallest text the graph draws on screen
constexpr int kLeastFigureTextPx = 7;  // in a figure (points): no figure text is smaller

/// A number as a node or an edge shows it: four digits, whole numbers up to
/// a million, then millions and billions ("queue 4.32 M" reads where
/// "4317467" does not).
QString number(double v) {
  if (v == 0) v = 0;  // no "-0"
  if (std::fabs(v) < 1e4) return QString::number(v, 'g', 4);
  if (std::fabs(v) < 1e6) return QString::number(v, 'f', 0);
  if (std::fabs(v) < 1e9) return QString::number(v / 1e6, 'g', 3) + QStringLiteral(" M");
  return QString::number(v / 1e9, 'g', 3) + QStringLiteral(" G");
}

QString percent(double share) { return QString::number(100 * share, 'g', 3) + QStringLiteral(" %"); }

bool dark(const QPalette& p) { return p.color(QPalette::Window).lightness() < 128; }

/// Fill and border of a condition, for a light or a dark background.
std::pair<QColor, QColor> colours(Condition c, bool on_dark) {
  switch (c) {
    case Condition::Healthy:
      return on_dark ? std::pair{QColor(0x1f, 0x4d, 0x2a), QColor(0x66, 0xbb, 0x6a)}
                     : std::pair{QColor(0xe3, 0xf4, 0xe4), QColor(0x2e, 0x7d, 0x32)};
    case Condition::AtRisk:
      return on_dark ? std::pair{QColor(0x5c, 0x45, 0x10), QColor(0xff, 0xb7, 0x4d)}
                     : std::pair{QColor(0xff, 0xf1, 0xcc), QColor(0xb2, 0x6a, 0x00)};
    case Condition::Storm:
      return on_dark ? std::pair{QColor(0x5e, 0x1b, 0x1b), QColor(0xef, 0x53, 0x50)}
                     : std::pair{QColor(0xfd, 0xe0, 0xe0), QColor(0xc6, 0x28, 0x28)};
  }
  return {};
}

const SenderRun* sender_of(const ServiceRun& callee, const std::string& caller) {
  for (const SenderRun& s : callee.senders)
    if (s.caller == caller) return &s;
  return nullptr;
}

}  // namespace

TopologyView::TopologyView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(320, 150);  // the window still fits 1280 x 800 with the graph shown
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(6, 6, 6, 6);
  column->addStretch(1);  // the drawing's room; paintEvent fills it
  legend_ = new QLabel(this);
  legend_->setWordWrap(true);
  legend_->setTextFormat(Qt::RichText);
  column->addWidget(legend_);
  auto* bar = new QHBoxLayout;
  play_ = new QToolButton(this);
  play_->setText(tr("Play"));
  play_->setToolTip(tr("Replay the run on the graph"));
  play_->setCheckable(true);
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setToolTip(tr("The time shown on the graph (the load curves' cursor moves it too)"));
  slider_->setFocusPolicy(Qt::StrongFocus);  // the wheel only when it has focus (issue 10's latch)
  time_label_ = new QLabel(this);
  time_label_->setMinimumWidth(90);
  speed_chooser_ = new QComboBox(this);
  speed_chooser_->setObjectName(QStringLiteral("replay_speed"));
  speed_chooser_->setToolTip(tr("Replay speed: 1x crosses the run in about 30 s"));
  for (double f : {0.25, 0.5, 1.0, 2.0, 4.0}) speed_chooser_->addItem(QStringLiteral("%1x").arg(f), f);
  speed_chooser_->setCurrentIndex(2);
  connect(speed_chooser_, qOverload<int>(&QComboBox::activated), this,
          [this](int i) { set_speed(speed_chooser_->itemData(i).toDouble()); });
  bar->addWidget(play_);
  bar->addWidget(speed_chooser_);
  bar->addWidget(slider_, 1);
  bar->addWidget(time_label_);
  column->addLayout(bar);
  player_ = new QTimer(this);
  player_->setInterval(kTickMs);
  connect(player_, &QTimer::timeout, this, &TopologyView::step_player);
  connect(play_, &QToolButton::toggled, this, [this](bool on) { on ? play() : pause(); });
  connect(slider_, &QSlider::valueChanged, this, [this](int value) {
    if (value == interval_) return;
    interval_ = value;
    sync_slider();
    update();
    emit time_changed(time());
  });
  sync_slider();
}

void TopologyView::show_outcome(std::shared_ptr<const RunOutcome> outcome) {
  const double t = outcome_ ? time() : -1;
  outcome_ = std::move(outcome);
  widest_ = 0;
  if (outcome_)
    for (const ServiceRun& r : outcome_->services)
      for (const SenderRun& s : r.senders)
        if (s.caller != "users")
          for (double a : s.attempts) widest_ = std::max(widest_, a);
  if (service_index(chosen_) < 0) chosen_ = QStringLiteral("server");
  if (t >= 0) {
    set_time(t);
  } else if (const ServiceRun* entry = run_of(QStringLiteral("server")); entry && !entry->run.intervals.empty()) {
    // A graph opens at the end of its run, as stormglass-cli graph draws it
    // and the summary tells it.
    interval_ = static_cast<int>(entry->run.intervals.size()) - 1;
  }
  sync_slider();
  update();
}

void TopologyView::set_time(double t_s) {
  const ServiceRun* entry = run_of(QStringLiteral("server"));
  if (!entry || entry->run.intervals.empty()) return;
  const auto& iv = entry->run.intervals;
  // The interval holding t: the first whose end is at or after t.
  const auto it = std::lower_bound(iv.begin(), iv.end(), t_s, [](const Interval& i, double t) { return i.t_s < t; });
  const int k = static_cast<int>(std::min<std::ptrdiff_t>(it - iv.begin(), static_cast<std::ptrdiff_t>(iv.size()) - 1));
  if (k == interval_) return;
  interval_ = k;
  sync_slider();
  update();
  emit time_changed(time());
}

double TopologyView::time() const {
  const ServiceRun* entry = run_of(QStringLiteral("server"));
  if (!entry || entry->run.intervals.empty()) return 0;
  return entry->run.intervals[static_cast<std::size_t>(interval_)].t_s;
}

void TopologyView::choose(const QString& name) {
  if (service_index(name) < 0 || name == chosen_) return;
  chosen_ = name;
  update();
}

QStringList TopologyView::services() const {
  QStringList names;
  if (outcome_)
    for (const ServiceRun& r : outcome_->services) names << QString::fromStdString(r.name);
  return names;
}

QString TopologyView::service_label(const QString& name) const {
  const int i = service_index(name);
  return i < 0 ? QString() : service_text(i);
}

int TopologyView::service_index(const QString& name) const {
  if (!outcome_) return -1;
  for (std::size_t i = 0; i < outcome_->services.size(); ++i)
    if (QString::fromStdString(outcome_->services[i].name) == name) return static_cast<int>(i);
  return -1;
}

const ServiceRun* TopologyView::run_of(const QString& name) const {
  const int i = service_index(name);
  return i < 0 ? nullptr : &outcome_->services[static_cast<std::size_t>(i)];
}

Condition TopologyView::condition(const QString& service) const {
  const ServiceRun* r = run_of(service);
  if (!r || r->run.intervals.empty()) return Condition::Healthy;
  const std::size_t k = std::min(static_cast<std::size_t>(interval_), r->run.intervals.size() - 1);
  return condition_of(r->run.intervals[k]);
}

QString TopologyView::call_label(const QString& caller, const QString& callee) const {
  const ServiceRun* to = run_of(callee);
  const ServiceRun* entry = run_of(QStringLiteral("server"));
  if (!to || !entry) return {};
  const SenderRun* s = sender_of(*to, caller.toStdString());
  const std::size_t k = static_cast<std::size_t>(interval_);
  if (!s || k >= s->attempts.size() || k >= to->run.intervals.size()) return {};
  const double attempts = s->attempts[k];
  const double users = entry->run.intervals[k].demand;
  const Interval& at = to->run.intervals[k];
  QString text = tr("%1 attempts/s").arg(number(attempts));
  if (users > 0) text += QLatin1Char('\n') + tr("%1 per user job").arg(number(attempts / users));
  // What became of the attempts the callee was offered, as shares of them,
  // where there are any: rejected, timed out (their senders gave up
  // waiting) and answered with an error (its own calls failed).
  if (at.offered > 0 && at.rejected > 0) text += QLatin1Char('\n') + tr("rejected %1").arg(percent(at.rejected / at.offered));
  if (at.offered > 0 && at.timeouts > 0) text += QLatin1Char('\n') + tr("timed out %1").arg(percent(at.timeouts / at.offered));
  if (at.offered > 0 && at.failed > 0) text += QLatin1Char('\n') + tr("errors %1").arg(percent(at.failed / at.offered));
  return text;
}

QString TopologyView::service_text(int index) const {
  // Six short lines, as topology_view_dot sized the boxes for, at the cursor.
  const ServiceRun& r = outcome_->services[static_cast<std::size_t>(index)];
  const ServiceRun& entry = outcome_->services.front();
  const std::size_t k = std::min(static_cast<std::size_t>(interval_), r.run.intervals.size() - 1);
  const Interval& at = r.run.intervals[k];
  const double users = entry.run.intervals[std::min(k, entry.run.intervals.size() - 1)].demand;
  QString text = QString::fromStdString(r.name) + QLatin1Char('\n') + QString::fromUtf8(to_string(condition_of(at)));
  text += QLatin1Char('\n') + tr("%1 attempts/s").arg(number(at.offered));
  text += QLatin1Char('\n') + (users > 0 ? tr("%1 per user job").arg(number(at.offered / users)) : tr("no users"));
  text += QLatin1Char('\n') + (at.capacity > 0 ? tr("busy %1").arg(percent(at.served / at.capacity)) : tr("no capacity"));
  text += QLatin1Char('\n') + tr("queue %1").arg(number(at.queue));
  return text;
}

int TopologyView::preferred_height() const {
  const double drawing = outcome_ && outcome_->layout ? outcome_->layout->height + 2 * kMargin : 200;
  return static_cast<int>(std::ceil(drawing)) + legend_->sizeHint().height() + play_->sizeHint().height() + 24;
}

QRectF TopologyView::canvas() const {
  const double bottom = legend_->geometry().top() - 4;
  return QRectF(0, 0, width(), std::max(0.0, bottom));
}

void TopologyView::fit(const QRectF& drawing, double& scale, QPointF& origin) const {
  scale = 1;
  origin = drawing.topLeft() + QPointF(kMargin, kMargin);
  if (!outcome_ || !outcome_->layout) return;
  const TopologyLayout& l = *outcome_->layout;
  const QRectF area = drawing.adjusted(kMargin, kMargin, -kMargin, -kMargin);
  if (l.width <= 0 || l.height <= 0 || area.width() <= 0 || area.height() <= 0) return;
  scale = std::min({area.width() / l.width, area.height() / l.height, kMostScale});
  origin = QPointF(area.left() + (area.width() - l.width * scale) / 2, area.top() + (area.height() - l.height * scale) / 2);
}

QRectF TopologyView::service_box(const QString& name) const { return box_in(canvas(), name); }

QRectF TopologyView::box_in(const QRectF& drawing, const QString& name) const {
  if (!outcome_ || !outcome_->layout) return {};
  double scale;
  QPointF origin;
  fit(drawing, scale, origin);
  for (const LaidOutService& v : outcome_->layout->services)
    if (QString::fromStdString(v.name) == name)
      return QRectF(origin.x() + (v.centre.x - v.width / 2) * scale, origin.y() + (v.centre.y - v.height / 2) * scale,
                    v.width * scale, v.height * scale);
  return {};
}

void TopologyView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  draw(p, canvas(), palette());
}

void TopologyView::draw(QPainter& p, const QRectF& drawing, const QPalette& pal, bool on_screen) const {
  p.fillRect(drawing, pal.color(QPalette::Base));
  if (!outcome_ || !outcome_->layout || outcome_->services.empty()) {
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(drawing, Qt::AlignCenter, tr("A scenario with calls draws its call graph here."));
    return;
  }
  const bool on_dark = dark(pal);
  double scale;
  QPointF origin;
  fit(drawing, scale, origin);
  auto at = [&](const LayoutPoint& q) { return QPointF(origin.x() + q.x * scale, origin.y() + q.y * scale); };
  QFont small = font();
  // Text never below kLeastTextPx (a figure's points: kLeastFigureTextPx):
  // when the drawing is scaled down further, boxes and labels keep the lines
  // that fit (the name and condition first).
  const int least = on_screen ? kLeastTextPx : kLeastFigureTextPx;
  const int text_px = std::max(least, static_cast<int>(std::lround(kGraphTextSize * scale)));
  const bool crowded = text_px > kGraphTextSize * scale * 1.05;
  small.setPixelSize(text_px);

  // Calls first, under the boxes.
  for (const LaidOutCall& c : outcome_->layout->calls) {
    if (c.curve.size() < 4) continue;
    const ServiceRun* to = run_of(QString::fromStdString(c.callee));
    const SenderRun* s = to ? sender_of(*to, c.caller) : nullptr;
    const std::size_t k = static_cast<std::size_t>(interval_);
    const double attempts = s && k < s->attempts.size() ? s->attempts[k] : 0;
    const double w = widest_ > 0 ? 1 + 6 * attempts / widest_ : 1;
    const Condition callee = condition(QString::fromStdString(c.callee));
    const QColor ink = callee == Condition::Storm ? colours(Condition::Storm, on_dark).second : pal.color(QPalette::WindowText);
    QPainterPath path(at(c.curve[0]));
    for (std::size_t i = 1; i + 2 < c.curve.size(); i += 3) path.cubicTo(at(c.curve[i]), at(c.curve[i + 1]), at(c.curve[i + 2]));
    p.setPen(QPen(ink, w * std::min(1.0, scale + 0.2), Qt::SolidLine, Qt::FlatCap));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    if (c.has_arrow) {
      // An arrowhead from the curve's end to the callee's border.
      const QPointF tip = at(c.arrow_tip), from = at(c.curve.back());
      QLineF back(tip, from);
      const double len = std::max(8.0, 3 * w);
      back.setLength(len);
      QLineF left = back, right = back;
      left.setAngle(back.angle() + 25);
      right.setAngle(back.angle() - 25);
      p.setPen(Qt::NoPen);
      p.setBrush(ink);
      p.drawPolygon(QPolygonF({tip, left.p2(), right.p2()}));
    }
    QString label = call_label(QString::fromStdString(c.caller), QString::fromStdString(c.callee));
    if (crowded) label = label.section(QLatin1Char('\n'), 0, 1);  // attempts/s and per user job
    p.setFont(small);
    p.setPen(pal.color(QPalette::WindowText));
    const QFontMetricsF fm(small);
    QRectF box = fm.boundingRect(QRectF(0, 0, 400, 200), Qt::AlignCenter, label);
    box.moveCenter(at(c.label));
    QColor halo = pal.color(QPalette::Base);
    halo.setAlpha(200);
    p.fillRect(box.adjusted(-2, -1, 2, 1), halo);
    p.drawText(box, Qt::AlignCenter, label);
  }

  // Services.
  QFont bold = small;
  bold.setBold(true);
  for (std::size_t i = 0; i < outcome_->services.size(); ++i) {
    const QString name = QString::fromStdString(outcome_->services[i].name);
    const QRectF box = box_in(drawing, name);
    if (box.isEmpty()) continue;
    const auto [fill, border] = colours(condition(name), on_dark);
    p.setPen(QPen(border, on_screen && name == chosen_ ? 3.0 : 1.4));
    p.setBrush(fill);
    p.drawRoundedRect(box, 6, 6);
    p.setPen(pal.color(QPalette::WindowText));
    QStringList lines = service_text(static_cast<int>(i)).split(QLatin1Char('\n'));
    const QFontMetricsF fm(small);
    const double line = fm.lineSpacing();
    const int room = std::max(1, static_cast<int>((box.height() - 2) / line));
    if (lines.size() > room) lines = lines.mid(0, room);
    for (QString& l : lines) l = fm.elidedText(l, Qt::ElideRight, box.width() - 4);
    double y = box.center().y() - line * lines.size() / 2;
    for (int l = 0; l < lines.size(); ++l, y += line) {
      p.setFont(l == 0 ? bold : small);
      p.drawText(QRectF(box.left(), y, box.width(), line), Qt::AlignCenter, lines[l]);
    }
  }
}

void TopologyView::contextMenuEvent(QContextMenuEvent* event) {
  for (const QString& name : services())
    if (service_box(name).contains(event->pos())) {
      choose(name);
      emit service_chosen(name);
      emit service_menu_requested(name, event->globalPos());
      return;
    }
  QWidget::contextMenuEvent(event);
}

void TopologyView::set_speed(double factor) {
  speed_ = std::clamp(factor, 0.25, 4.0);
  const int i = speed_chooser_->findData(speed_);
  if (i >= 0) speed_chooser_->setCurrentIndex(i);
}

void TopologyView::mousePressEvent(QMouseEvent* event) {
  for (const QString& name : services())
    if (service_box(name).contains(event->position())) {
      choose(name);
      emit service_chosen(name);
      return;
    }
  QWidget::mousePressEvent(event);
}

void TopologyView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) sync_slider();
  QWidget::changeEvent(event);
}

void TopologyView::sync_slider() {
  const ServiceRun* entry = run_of(QStringLiteral("server"));
  const int n = entry ? static_cast<int>(entry->run.intervals.size()) : 0;
  {
    const QSignalBlocker quiet(slider_);
    slider_->setRange(0, std::max(0, n - 1));
    slider_->setValue(interval_);
  }
  slider_->setEnabled(n > 1);
  play_->setEnabled(n > 1);
  time_label_->setText(n > 0 ? tr("t = %1 s").arg(number(time())) : QString());
  legend_->setText(legend_html(palette()));
}

QString TopologyView::legend_html(const QPalette& pal) const {
  // Each colour named with its threshold.
  const bool on_dark = dark(pal);
  auto swatch = [&](Condition c) {
    return QStringLiteral("<span style=\"background-color:%1; color:%1\">&nbsp;&nbsp;&nbsp;</span>")
        .arg(colours(c, on_dark).second.name());
  };
  return tr("%1 healthy &nbsp; %2 at risk: busy at least %3 % or retries above %4 % of demand &nbsp; "
            "%5 in a storm: goodput below 95 % of demand. Arrows: attempts/s (width) and per user job; "
            "the callee's rejected, timed-out and error shares of what it was offered.")
      .arg(swatch(Condition::Healthy), swatch(Condition::AtRisk))
      .arg(100 * kBusyUtilisation, 0, 'g', 3)
      .arg(100 * kRetryShare, 0, 'g', 3)
      .arg(swatch(Condition::Storm));
}

void TopologyView::play() {
  const ServiceRun* entry = run_of(QStringLiteral("server"));
  if (!entry || entry->run.intervals.size() < 2) return;
  if (interval_ >= static_cast<int>(entry->run.intervals.size()) - 1) interval_ = 0;  // from the start again
  {
    const QSignalBlocker quiet(play_);
    play_->setChecked(true);
    play_->setText(tr("Pause"));
  }
  player_->start();
}

void TopologyView::pause() {
  player_->stop();
  const QSignalBlocker quiet(play_);
  play_->setChecked(false);
  play_->setText(tr("Play"));
}

bool TopologyView::playing() const { return player_->isActive(); }

void TopologyView::step_player() {
  const ServiceRun* entry = run_of(QStringLiteral("server"));
  if (!entry) return pause();
  const int n = static_cast<int>(entry->run.intervals.size());
  // A slider moved by hand since the last tick restarts the player there.
  if (static_cast<int>(player_position_) != interval_) player_position_ = interval_;
  player_position_ = std::min<double>(n - 1, player_position_ + speed_ * std::max(1.0, double(n) / kReplaySteps));
  const int next = static_cast<int>(player_position_);
  slider_->setValue(next);  // moves the cursor (valueChanged)
  if (next >= n - 1) pause();
}

}  // namespace sg::ui
