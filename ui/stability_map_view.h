/// The stability map: every point of a plane of two parameters, classified.
#pragma once

#include <QString>
#include <QWidget>

#include "analysis/parameter_map.h"
#include "scenario/parameters.h"
#include "scenario/scenario.h"

class QComboBox;
class QCPAbstractLegendItem;
class QCPColorMap;
class QCPGraph;
class QCPLegend;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;

namespace sg::ui {

class PathComboBox;

/// Stable points green (darker the longer the recovery after the trigger),
/// draining pale orange, metastable orange, overloaded red; the operating point marked; the model's
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
  /// Offers on both axes every numeric parameter of `scenario`: the entry's
  /// and the users' and, in a graph, every service's and every call's
  /// ("db: capacity (attempts/s)"). An axis whose parameter the scenario
  /// does not have (a service of the last scenario) goes back to its default,
  /// demand across and the entry's capacity up, with a range around the
  /// scenario's value. Signals nothing: the caller asks for the map.
  void offer_parameters(const Scenario& scenario);
  /// The hover text for the point nearest (x, y), as the mouse shows it.
  QString describe_at(double x, double y) const;

  QCustomPlot* plot() const { return plot_; }
  /// The legend under the map (in exports too): each class's colour, the
  /// operating point and, where drawn, the boundary lines.
  QCPLegend* legend() const { return legend_; }
  const ParameterMap& map() const { return map_; }
  /// A caption of what the map shows, for exports.
  QString caption() const;
  /// Points along each axis (32, 64 or 128); emits axes_changed.
  void set_resolution(int points);
  /// Computing (true) or final (false), for the status line.
  void set_busy(bool busy);
  /// A new map is being computed for the scenario named `scenario_name`: the
  /// map on screen, if any, is greyed out and labelled stale until the new
  /// one's first pass replaces it.
  void begin_computing(const QString& scenario_name);
  /// How far the map being computed is (MapController::progress).
  void show_progress(int done, int total, int pass, int passes);
  /// The status line: which run the map on screen belongs to, whether it is
  /// current or stale, and the progress of the one being computed.
  QString status_text() const;
  bool is_busy() const { return busy_; }
  /// The map on screen is not that of the current settings (its replacement computes).
  bool is_stale() const { return stale_; }
  /// The scenario the map on screen was computed for.
  const Scenario& map_scenario() const { return map_scenario_; }

signals:
  /// The user clicked the point (x, y) of the plane.
  void point_clicked(double x, double y);
  /// The user changed an axis, its range or the resolution.
  void axes_changed();

protected:
  void changeEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

private:
  void draw_boundaries(const Scenario& scenario);
  /// A range around the current value of `path` for the axis boxes.
  void reset_range(const std::string& path, QDoubleSpinBox* from, QDoubleSpinBox* to);
  void refresh_status();
  /// Fills both choosers with `offered`, keeping each axis's parameter where
  /// it is offered; returns whether an axis had to go back to its default.
  bool fill_choosers(const std::vector<ParameterInfo>& offered);

  PathComboBox* x_path_ = nullptr;
  PathComboBox* y_path_ = nullptr;
  QDoubleSpinBox* x_from_ = nullptr;
  QDoubleSpinBox* x_to_ = nullptr;
  QDoubleSpinBox* y_from_ = nullptr;
  QDoubleSpinBox* y_to_ = nullptr;
  QComboBox* resolution_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QCPColorMap* cells_ = nullptr;
  QCPGraph* operating_point_ = nullptr;
  QCPLegend* legend_ = nullptr;
  QCPAbstractLegendItem* boundary_entry_ = nullptr;
  QLabel* readout_ = nullptr;
  QLabel* status_ = nullptr;
  ParameterMap map_;
  double horizon_after_trigger_ = 1;
  QString scenario_name_;
  Scenario map_scenario_;
  bool busy_ = false;
  bool stale_ = false;
  bool final_ = false;        // every point of the map on screen is solved
  QString computing_for_;     // the scenario of the map being computed
  Scenario current_;          // the current settings (show_operating_point)
  QString off_policy_;         // the title of a policy an axis belongs to that is off (no operating point)
  std::vector<std::string> offered_;  // the paths the choosers offer, in order
  QString progress_;          // "37 of 64 points (pass 1 of 4)"
};

}  // namespace sg::ui
