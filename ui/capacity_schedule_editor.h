/// A compact table of capacity steps (server.capacity_schedule), with Add step and Remove.
#pragma once

#include <QWidget>

#include <utility>
#include <vector>

class QPushButton;
class QTableWidget;

namespace sg::ui {

/// Shows [t_s, capacity] steps in two columns. Every committed edit (a cell
/// edited, a step added or removed) emits `edited` once; the owner reads the
/// steps with entered_steps(), validates and applies them, or refuses them
/// and shows the schedule in force again.
class CapacityScheduleEditor : public QWidget {
  Q_OBJECT

 public:
  using Steps = std::vector<std::pair<double, double>>;

  explicit CapacityScheduleEditor(QWidget* parent = nullptr);

  /// Shows `steps` without emitting `edited`. `horizon_s` (the run's length)
  /// places the time of a step added after the last one.
  void show_steps(const Steps& steps, double horizon_s);
  /// The steps as the table holds them. Throws InputError naming
  /// `server.capacity_schedule[i]` and the text of a cell that is not a number.
  Steps entered_steps() const;

  QTableWidget* table() const { return table_; }
  QPushButton* add_button() const { return add_; }
  QPushButton* remove_button() const { return remove_; }

 signals:
  void edited();

 private:
  void add_step();
  void remove_step();
  void fit_height();

  QTableWidget* table_ = nullptr;
  QPushButton* add_ = nullptr;
  QPushButton* remove_ = nullptr;
  double horizon_s_ = 3600;
  bool showing_ = false;  // show_steps is filling the table: no `edited`
};

}  // namespace sg::ui
