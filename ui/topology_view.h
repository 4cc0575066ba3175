/// The call graph of a scenario with calls, drawn live from the model on
/// Graphviz's layout (the same as `stormglass-cli graph`): each service a box
/// coloured by its condition at the cursor's time, each call an arrow whose
/// width follows its attempts per second and whose label gives them per
/// second and per user job. A time slider and a play button replay the run;
/// clicking a service chooses it for the load curves.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

#include "analysis/condition.h"
#include "run_controller.h"

class QComboBox;
class QLabel;
class QPainter;
class QSlider;
class QTimer;
class QToolButton;

namespace sg::ui {

class TopologyView : public QWidget {
  Q_OBJECT

public:
  explicit TopologyView(QWidget* parent = nullptr);

  /// A run of a scenario with calls (its services and layout); the cursor
  /// keeps its time where the new run has it.
  void show_outcome(std::shared_ptr<const RunOutcome> outcome);

  /// Moves the cursor to the interval holding time t (clamped to the run).
  void set_time(double t_s);
  /// The end of the cursor's interval.
  double time() const;

  /// The service whose curves are shown (highlighted); the entry at first.
  QString chosen() const { return chosen_; }
  void choose(const QString& name);

  // What is drawn, for tests and exports.
  QStringList services() const;
  Condition condition(const QString& service) const;  ///< at the cursor
  /// A call's label at the cursor: attempts per second and per user job, and
  /// the callee's rejected and failed shares.
  QString call_label(const QString& caller, const QString& callee) const;
  /// A service's box text at the cursor: name, condition, attempts per
  /// second and per user job, how busy, queue (one line each).
  QString service_label(const QString& name) const;
  /// A service's box in widget coordinates.
  QRectF service_box(const QString& name) const;

  /// The height at which the drawing is at full scale (its text at its
  /// layout's size), legend and player included.
  int preferred_height() const;

  void play();
  void pause();
  bool playing() const;
  /// How many times faster than the normal replay (about 30 s a run): 0.25 to 4.
  void set_speed(double factor);
  double speed() const { return speed_; }

  /// Draws the graph at the cursor into `drawing` (the view's own painting,
  /// and exports with the print palette). `on_screen`: the chosen service is
  /// marked (an export shows no interaction's state).
  void draw(QPainter& painter, const QRectF& drawing, const QPalette& palette, bool on_screen = true) const;
  /// The legend: each condition's colour and threshold, as rich text for a
  /// background of `palette` (the view's, or an export's).
  QString legend_html(const QPalette& palette) const;

signals:
  /// A click on a service's box.
  void service_chosen(const QString& name);
  /// A right click on a service's box (chosen first): its menu at `global`.
  void service_menu_requested(const QString& name, const QPoint& global);
  /// The cursor moved (the slider, the player or set_time).
  void time_changed(double t_s);

protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;
  void changeEvent(QEvent* event) override;

private:
  /// The part of the widget the graph is drawn in, and the layout's scale into it.
  QRectF canvas() const;
  void fit(const QRectF& drawing, double& scale, QPointF& origin) const;
  QRectF box_in(const QRectF& drawing, const QString& name) const;
  int service_index(const QString& name) const;
  const ServiceRun* run_of(const QString& name) const;
  void sync_slider();
  void step_player();
  QString service_text(int index) const;

  std::shared_ptr<const RunOutcome> outcome_;
  int interval_ = 0;
  QString chosen_ = QStringLiteral("server");
  double widest_ = 0;  // the most attempts/s any call sends in any interval (edge widths)
  QSlider* slider_ = nullptr;
  QToolButton* play_ = nullptr;
  QLabel* time_label_ = nullptr;
  QLabel* legend_ = nullptr;
  QTimer* player_ = nullptr;
  QComboBox* speed_chooser_ = nullptr;
  double speed_ = 1;
  double player_position_ = 0;  // the player's interval, fractional at slow speeds
};

}  // namespace sg::ui
