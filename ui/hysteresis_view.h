/// The hysteresis view: goodput and offered load against demand, ramping up then down.
#pragma once

#include <QWidget>

#include "analysis/hysteresis.h"
#include "scenario/scenario.h"

class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QTimer;

namespace sg::ui {

class RunController;
struct RunOutcome;

/// Both branches drawn, the band where they differ shaded: the picture of
/// bistability. Solved off the UI thread, at a lowered priority, whenever the
/// scenario or the ramp changes; while the view is hidden (another tab), only
/// once the scenario has rested for a moment, so that a slider drag's runs of
/// the curves and the call graph keep the cores.
class HysteresisView : public QWidget {
  Q_OBJECT

public:
  explicit HysteresisView(QWidget* parent = nullptr);

  /// Recomputes for `scenario` (its trigger is replaced by the ramp).
  void show_scenario(const Scenario& scenario);
  HysteresisRamp ramp() const;

  QCustomPlot* plot() const { return plot_; }
  const HysteresisLoop& loop() const { return loop_; }
  /// Hidden, with a change not yet solved: it waits for the scenario to rest.
  bool waiting_for_rest() const;
  QString caption() const;

signals:
  void loop_shown();

protected:
  void changeEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void showEvent(QShowEvent* event) override;

private:
  void draw(const HysteresisLoop& loop);
  void request();

  QDoubleSpinBox* from_ = nullptr;
  QDoubleSpinBox* to_ = nullptr;
  QDoubleSpinBox* speed_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QLabel* note_ = nullptr;
  RunController* runs_ = nullptr;
  QTimer* rest_ = nullptr;  ///< hidden: runs when the scenario has rested
  Scenario scenario_;
  HysteresisLoop loop_;
};

}  // namespace sg::ui
