/// The stability map: every point of a plane of two parameters, classified.
#pragma once

#include <QString>
#include <QWidget>

#include "analysis/parameter_map.h"
#include "scenario/scenario.h"

class QComboBox;
class QCPColorMap;
class QCPGraph;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;

namespace sg::ui {

/// Stable points green (darker the longer the recovery after the trigger),
/// metastable orange, overloaded red; the operating point marked; the model's
/// closed-form boundaries drawn and labelled where they apply. A click picks
/// the point under the mouse; hovering reads out its class.
class StabilityMapView : public QWidget {
  Q_OBJECT

public:
  explicit StabilityMapView(QWidget* parent = nullptr);

  /// The axes the user chose (path, range, resolution).
  MapAxis x_axis() const;
  MapAxis y_axis() const;

  /// Shows a map (possibly a coarse pass: `stride` > 1) for `scenario`.
  void show_map(const ParameterMap& map, int stride, const Scenario& scenario);
  /// Forgets the map shown (after a failure): an empty plot, not a stale one.
  void clear_map();
  /// Moves the operating-point marker to the scenario's values on the axes.
  void show_operating_point(const Scenario& scenario);
  /// The hover text for the point nearest (x, y), as the mouse shows it.
  QString describe_at(double x, double y) const;

  QCustomPlot* plot() const { return plot_; }
  const ParameterMap& map() const { return map_; }
  /// A caption of what the map shows, for exports.
  QString caption() const;
  /// Points along each axis (32, 64 or 128); emits axes_changed.
  void set_resolution(int points);
  /// Computing (true) or final (false), for the status line.
  void set_busy(bool busy);

signals:
  /// The user clicked the point (x, y) of the plane.
  void point_clicked(double x, double y);
  /// The user changed an axis, its range or the resolution.
  void axes_changed();

private:
  void draw_boundaries(const Scenario& scenario);

  QComboBox* x_path_ = nullptr;
  QComboBox* y_path_ = nullptr;
  QDoubleSpinBox* x_from_ = nullptr;
  QDoubleSpinBox* x_to_ = nullptr;
  QDoubleSpinBox* y_from_ = nullptr;
  QDoubleSpinBox* y_to_ = nullptr;
  QComboBox* resolution_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QCPColorMap* cells_ = nullptr;
  QCPGraph* operating_point_ = nullptr;
  QLabel* readout_ = nullptr;
  QLabel* status_ = nullptr;
  ParameterMap map_;
  double horizon_after_trigger_ = 1;
  QString scenario_name_;
};

}  // namespace sg::ui
