/// A slider, a spin box and a unit bound to one parameter path.
#pragma once

#include <QString>
#include <QWidget>

#include <optional>
#include <string>

#include "scenario/scenario.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;

namespace sg::ui {

/// How a control maps its slider to values.
struct ControlRange {
  double min = 0, max = 1;
  bool log = false;       ///< logarithmic between max(min, log_floor) and max
  double log_floor = 0;   ///< with log and min == 0: the slider's first step is 0, the next log_floor
  int decimals = 2;
  bool whole = false;     ///< whole numbers only
  QString special;        ///< "none" or "unlimited": a check box that means "no value"
  double fallback = 0;    ///< the value taken when the "no value" box is unticked
  bool adaptive = false;  ///< linear, its top rescaled to about 3x the value shown (demand, capacity)

  static ControlRange linear(double min, double max, int decimals) {
    ControlRange r;
    r.min = min;
    r.max = max;
    r.decimals = decimals;
    return r;
  }
  /// Logarithmic; when min is 0 the slider's first position is exactly 0 and
  /// the next is `zero_floor`.
  static ControlRange logarithmic(double min, double max, int decimals, double zero_floor = 0) {
    ControlRange r = linear(min, max, decimals);
    r.log = true;
    r.log_floor = zero_floor;
    return r;
  }
  /// Whole numbers, with an optional check box for "no value"; unticking it
  /// sets `fallback`.
  ControlRange whole_numbers(const QString& no_value = {}, double fallback_value = 0) const {
    ControlRange r = *this;
    r.whole = true;
    r.special = no_value;
    r.fallback = fallback_value;
    return r;
  }
  /// Linear from 0, with a top that follows the value: fine steps where a
  /// system tips (demand near capacity), whatever its scale.
  static ControlRange adaptive_linear(double initial_max) {
    ControlRange r = linear(0, initial_max, 0);
    r.adaptive = true;
    return r;
  }
};

/// Edits one numeric parameter (spec/interfaces.md path) with a slider for
/// quick moves and a spin box for exact values. Emits `edited` with the value
/// as `set_text` accepts it ("1200", "none", "unlimited").
class ParameterControl : public QWidget {
  Q_OBJECT

public:
  ParameterControl(const std::string& path, const QString& label, ControlRange range, QWidget* parent = nullptr);

  const std::string& path() const { return path_; }

  /// Shows the scenario's value without emitting `edited`.
  void show_value(const Scenario& scenario);

  QSlider* slider() const { return slider_; }
  QDoubleSpinBox* spin_box() const { return spin_; }
  QCheckBox* special_box() const { return special_; }

signals:
  /// `dragging`: the slider moved (consecutive moves of one drag make one undo step).
  void edited(const std::string& path, const std::string& value, bool dragging);
  /// The slider was let go: the next move starts a new undo step.
  void drag_finished();

private:
  void fit_range_to(double value);
  double slider_to_value(int position) const;
  int value_to_slider(double value) const;
  void emit_value(double value, bool dragging);
  /// The unit of a count agrees with its number ("1 attempt").
  void agree_unit(double value);

  std::string path_;
  ControlRange range_;
  QSlider* slider_ = nullptr;
  QDoubleSpinBox* spin_ = nullptr;
  QCheckBox* special_ = nullptr;
  QString plural_;  // " attempts" for a count in words, else empty
};

}  // namespace sg::ui
