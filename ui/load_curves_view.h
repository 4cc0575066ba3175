/// The load curves: rates above, levels below, on one time axis (QCustomPlot).
#pragma once

#include <QString>
#include <QVector>
#include <QWidget>

#include <optional>
#include <vector>

#include "analysis/health.h"
#include "model/fluid_solver.h"
#include "scenario/scenario.h"

class QCustomPlot;
class QCPAbstractLegendItem;
class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPLegend;
class QLabel;
class QPushButton;

namespace sg::ui {

/// A run kept on the plots, faded, to compare the next change against.
struct PinnedRun {
  QString label;  ///< what sets it apart from the current run, in words
  Scenario scenario;
  RunResult run;
};

/// The curves of one run: demand, offered, goodput, wasted, rejected, gave up
/// and capacity (rates, per second) above, with the policies' throttled,
/// denied, stopped and shed when they are not zero; queue, backlog and wait below. The trigger
/// window is shaded, unhealthy intervals are marked along the top, clicking a
/// legend entry hides or shows its curve, the wheel zooms and dragging pans
/// the time axis, and the value of every curve under the cursor is read out.
class LoadCurvesView : public QWidget {
  Q_OBJECT

public:
  explicit LoadCurvesView(QWidget* parent = nullptr);

  void show_run(const Scenario& scenario, const RunResult& run);
  void set_pinned(const std::vector<PinnedRun>& pinned);
  /// New legend names for the pinned runs shown (same runs, same order).
  void rename_pins(const std::vector<PinnedRun>& pinned);

  /// Back to the whole horizon, every curve in view.
  void reset_zoom();

  /// The readout for time t (as the mouse does). The cursor stays at t: each
  /// run shown next is read out there too (or the readout clears when t is
  /// past its horizon), so the line never shows another run's values.
  void show_readout_at(double t_s);
  /// Back to the hint, no cursor line.
  void clear_readout();

  QCustomPlot* plot() const { return plot_; }
  /// The key parameters of the run shown, in two lines (for exports; the
  /// label on screen joins them when they do not fit its width).
  QString caption() const;
  QString readout_text() const;
  /// The plotted values of a curve ("goodput", "queue", ...), for tests.
  QVector<double> curve(const QString& name) const;
  QVector<double> times() const;

  /// The curve names in plotting order.
  static const QStringList& curve_names();

signals:
  /// The mouse moved the cursor to time t (not a run shown there).
  void cursor_moved(double t_s);

protected:
  void changeEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

private:
  void build();
  void apply_palette();
  void rescale_values();
  void update_markers(const Scenario& scenario, const RunResult& run);
  /// Puts the optional curves that the run shown has into the legend, and no others.
  void refresh_rates_legend();
  void clear_pins();
  /// The legend's name for a pinned run (its label shortened if long).
  static QString pin_legend_name(const QString& label);
  /// Each pinned run's copy of a curve is drawn when the run is shown and the curve is.
  void sync_pin_visibility();
  void fit_caption();
  /// Fewer legend entries a row when they would not fit the plot's width.
  void fit_legends();

  QCustomPlot* plot_ = nullptr;
  QLabel* caption_ = nullptr;
  QCPAxisRect* rates_ = nullptr;
  QCPAxisRect* levels_ = nullptr;
  QCPLegend* rates_legend_ = nullptr;
  QCPLegend* levels_legend_ = nullptr;
  std::vector<QCPGraph*> graphs_;  // in curve_names() order
  std::vector<QCPGraph*> pin_graphs_;  // per pinned run, one copy of each curve in graphs_ order
  std::vector<PinnedRun> pinned_;      // for the readout
  std::vector<bool> pin_shown_;        // per pinned run: toggled by its legend entry
  std::vector<bool> present_;  // per curve: in the legend and the readout for the run shown
  QCPItemStraightLine* cursor_[2] = {nullptr, nullptr};
  QCPItemStraightLine* timeout_line_ = nullptr;
  QCPItemText* timeout_label_ = nullptr;
  QCPAbstractLegendItem* unhealthy_entry_ = nullptr;  // the red band's entry (LegendSwatch), in the legend when shown
  bool unhealthy_shown_ = false;                      // the run shown has unhealthy intervals
  double timeout_s_ = 0;
  QLabel* readout_ = nullptr;
  QPushButton* reset_ = nullptr;
  RunResult shown_;
  Scenario shown_scenario_;
  bool has_run_ = false;
  std::optional<double> cursor_t_;  // where the readout reads, once the mouse has been over the curves
  double horizon_ = 1;
};

}  // namespace sg::ui
