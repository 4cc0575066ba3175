#include "parameter_control.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "scenario/number_text.h"
#include "scenario/parameters.h"

namespace sg::ui {
namespace {

constexpr int kSliderSteps = 1000;

}  // namespace

ParameterControl::ParameterControl(const std::string& path, const QString& label, ControlRange range,
                                   QWidget* parent)
    : QWidget(parent), path_(path), range_(range) {
  // Graph paths too (services.db.capacity): their unit and help by their shape.
  const std::optional<ParameterInfo> info = describe_parameter(path);
  QString unit = info ? QString::fromStdString(info->unit) : QString();
  QString tip = info ? QString::fromStdString(info->help) : QString();
  tip += QStringLiteral("\n(") + QString::fromStdString(path) + QStringLiteral(")");

  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 2, 0 , 2);
  grid->setHorizontalSpacing(6);
  grid->setVerticalSpacing(1);
  auto* name = new QLabel(label, this);
  name->setToolTip(tip);
  grid->addWidget(name, 0, 0, 1, 2);

  spin_ = new QDoubleSpinBox(this);
  // Typed values may go well past the slider's reach, either way.
  spin_->setRange(range.min > 0 ? range.min / 1000 : 0, range.adaptive ? 1e12 : range.max * 100);
  spin_->setDecimals(range.whole ? 0 : range.decimals);
  spin_->setKeyboardTracking(false);  // apply on Enter or focus loss, not on every digit
  spin_->setSuffix(unit.isEmpty() ? QString() : QStringLiteral(" ") + unit);
  // A count in words agrees with its number: "1 attempt", "3 attempts".
  if (!unit.isEmpty() && unit.endsWith(QLatin1Char('s')) && !unit.contains(QLatin1Char('/')) &&
      !unit.contains(QLatin1Char(' ')) && unit != QStringLiteral("s")) {
    plural_ = QStringLiteral(" ") + unit;
    connect(spin_, &QDoubleSpinBox::valueChanged, this, &ParameterControl::agree_unit);
  }
  spin_->setToolTip(tip);
  spin_->setAccelerated(true);
  spin_->setMinimumWidth(130);
  grid->addWidget(spin_, 0, 2, Qt::AlignRight);

  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, kSliderSteps);
  slider_->setToolTip(tip);
  grid->addWidget(slider_, 1, 0, 1, range.special.isEmpty() ? 3 : 2);
  if (!range.special.isEmpty()) {
    special_ = new QCheckBox(range.special, this);
    special_->setToolTip(tip);
    grid->addWidget(special_, 1, 2, Qt::AlignRight);
  }
  grid->setColumnStretch(1, 1);
  // Focus from a click or Tab, never from the wheel. Whether the wheel edits
  // them is the window's WheelGestureLatch's call: only a gesture started on
  // the focused control does.
  for (QWidget* w : std::initializer_list<QWidget*>{slider_, spin_}) w->setFocusPolicy(Qt::StrongFocus);

  connect(slider_, &QSlider::valueChanged, this, [this](int position) {
    double v = slider_to_value(position);
    {
      QSignalBlocker block(spin_);
      spin_->setValue(v);
    }
    if (special_) {
      QSignalBlocker block(special_);
      special_->setChecked(false);
    }
    emit_value(v, true);
  });
  connect(slider_, &QSlider::sliderReleased, this, &ParameterControl::drag_finished);
  connect(spin_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    {
      QSignalBlocker block(slider_);
      slider_->setValue(value_to_slider(v));
    }
    if (special_) {
      QSignalBlocker block(special_);
      special_->setChecked(false);
    }
    emit_value(v, false);
  });
  if (special_) {
    connect(special_, &QCheckBox::toggled, this, [this](bool on) {
      spin_->setEnabled(!on);
      slider_->setEnabled(!on);
      if (on) {
        emit edited(path_, range_.special.toStdString(), false);
      } else {
        QSignalBlocker b1(spin_), b2(slider_);
        spin_->setValue(range_.fallback);
        slider_->setValue(value_to_slider(range_.fallback));
        emit_value(range_.fallback, false);
      }
    });
  }
}

void ParameterControl::fit_range_to(double value) {
  // Never while the slider is held: its scale would change under the mouse.
  if (!range_.adaptive || slider_->isSliderDown()) return;
  // A "nice" top (1, 2 or 5 times a power of ten) about three times the value.
  double target = std::max(3 * value, 10.0);
  double decade = std::pow(10.0, std::floor(std::log10(target)));
  double top = target <= 2 * decade ? 2 * decade : target <= 5 * decade ? 5 * decade : 10 * decade;
  if (value <= range_.max && value >= range_.max / 10) return;  // still comfortable
  range_.max = top;
}

void ParameterControl::emit_value(double v, bool dragging) {
  if (range_.whole) v = std::round(v);
  emit edited(path_, format_number(v), dragging);
}

double ParameterControl::slider_to_value(int position) const {
  double u = static_cast<double>(position) / kSliderSteps;
  double v;
  if (!range_.log) {
    v = range_.min + u * (range_.max - range_.min);
  } else {
    double lo = range_.min > 0 ? range_.min : range_.log_floor;
    if (range_.min <= 0 && position == 0) return 0;
    v = lo * std::pow(range_.max / lo, u);
  }
  if (range_.whole) return std::round(v);
  // Round to about three significant digits: sliders pick round numbers.
  if (v == 0) return 0;
  double scale = std::pow(10.0, std::floor(std::log10(std::fabs(v))) - 2);
  double rounded = std::round(v / scale) * scale;
  double step = std::pow(10.0, -range_.decimals);
  return std::round(rounded / step) * step;
}

int ParameterControl::value_to_slider(double v) const {
  double u;
  if (!range_.log) {
    u = (v - range_.min) / (range_.max - range_.min);
  } else {
    double lo = range_.min > 0 ? range_.min : range_.log_floor;
    if (v <= 0) return 0;
    u = std::log(std::max(v, lo) / lo) / std::log(range_.max / lo);
  }
  return static_cast<int>(std::lround(std::clamp(u, 0.0, 1.0) * kSliderSteps));
}

void ParameterControl::show_value(const Scenario& scenario) {
  std::optional<double> v = get_number(scenario, path_);
  QSignalBlocker b1(slider_), b2(spin_);
  if (special_) {
    QSignalBlocker b3(special_);
    special_->setChecked(!v.has_value());
    spin_->setEnabled(v.has_value());
    slider_->setEnabled(v.has_value());
  }
  if (!v) {
    spin_->setValue(range_.fallback);
    slider_->setValue(value_to_slider(range_.fallback));
    return;
  }
  fit_range_to(*v);
  spin_->setValue(*v);
  agree_unit(*v);
  slider_->setValue(value_to_slider(*v));
}

void ParameterControl::agree_unit(double value) {
  if (!plural_.isEmpty()) spin_->setSuffix(value == 1 ? plural_.chopped(1) : plural_);
}

}  // namespace sg::ui
