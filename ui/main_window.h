/// The dashboard: controls, live load curves, summary, pins, files and export.
#pragma once

#include <QMainWindow>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/health.h"
#include "figure_export.h"
#include "load_curves_view.h"
#include "summary_view.h"
#include "map_controller.h"
#include "run_controller.h"
#include "scenario/scenario.h"

class QAction;
class QCheckBox;
class QDialog;
class QCustomPlot;
class QComboBox;
class QGroupBox;
class QLabel;
class QListWidget;
class QMenu;
class QScrollArea;
class QSplitter;
class QToolButton;
class QUndoStack;
class QVBoxLayout;

namespace sg::ui {

class CapacityScheduleEditor;
class DescriptionPanel;
class ParameterControl;
class StabilityMapView;
class HysteresisView;
class TopologyView;

/// The controls of one policy object: its check box (bound to the flag path,
/// "client.retry_budget" or "server.calls.db.retry_budget"), a fold button,
/// and its fields below.
struct PolicyRow {
  std::string path;
  QCheckBox* box = nullptr;
  QToolButton* fold = nullptr;
  QWidget* fields = nullptr;
};

class MainWindow : public QMainWindow {
  Q_OBJECT

public:
  /// `restore_session`: take window layout, recent files and the last
  /// scenario from the settings (tests pass false for a clean start).
  explicit MainWindow(bool restore_session = true, QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens a scenario file, or a bundled one (a ":/" resource path, as the
  /// Learn menu does). On failure nothing changes, the banner says why, and
  /// the message is returned (empty on success).
  QString open_file(const QString& path);
  /// Saves atomically; returns an error message, empty on success.
  QString save_file(const QString& path);
  /// Back to the default scenario, as when starting without a file (the
  /// Learn menu's "Default scenario" asks about unsaved changes first).
  void open_default_scenario();
  /// Changes not saved to a file (since it was opened or saved, or left so last session).
  bool has_unsaved_changes() const;
  /// Where the Open and Save dialogs start (file_dialog_folder.h).
  QString dialog_folder() const;
  /// Sets a parameter as the controls do (one undoable step). Returns the
  /// refusal message, empty when applied.
  QString set_parameter(const std::string& path, const std::string& value, bool dragging = false);
  /// Sets server.capacity_schedule (nullopt: off) as the controls do: one
  /// undoable step, validated first. Returns the refusal message, empty when applied.
  QString set_capacity_schedule(const std::optional<std::vector<std::pair<double, double>>>& steps);
  /// Applies a named policy by index in client_policies().
  void choose_policy(int index);
  void pin_current_run();
  void clear_pins();

  const Scenario& scenario() const { return scenario_; }
  std::shared_ptr<const RunOutcome> shown() const { return shown_; }
  LoadCurvesView* curves() const { return curves_; }
  QUndoStack* undo_stack() const { return undo_; }
  ParameterControl* control(const std::string& path) const;
  /// The check box that switches the policy at `path` ("client.retry_budget") on and off.
  QCheckBox* policy_box(const std::string& path) const;
  /// The capacity schedule's check box and its table of steps.
  QCheckBox* capacity_schedule_box() const { return schedule_box_; }
  CapacityScheduleEditor* capacity_schedule_editor() const { return schedule_editor_; }
  /// The Learn menu: one entry per bundled teaching scenario.
  QMenu* teaching_menu() const { return teaching_menu_; }
  /// The Help menu: About, Documentation, Keyboard shortcuts, About Qt.
  QMenu* help_menu() const { return help_menu_; }
  /// The description shown above the curves, as plain text.
  QString description_text() const;
  QComboBox* policy_chooser() const { return policy_; }
  QString banner_text() const;
  QString summary_text() const;
  RunController* runs() const { return runs_; }
  MapController* maps() const { return maps_; }
  StabilityMapView* map_view() const { return map_view_; }
  HysteresisView* hysteresis_view() const { return hysteresis_view_; }
  TopologyView* topology_view() const { return topology_; }
  /// The service whose curves and summary are shown ("server": the entry).
  QString curves_service() const { return curves_service_; }
  /// Edits of the call graph (Edit > Call Graph), each one undo step; each
  /// returns an error message (also shown in the banner), empty when done.
  /// A new service ("service1", ...) with default settings, called by `caller`.
  QString add_service(const QString& caller);
  /// A service and every call into it.
  QString remove_service(const QString& name);
  QString add_call(const QString& caller, const QString& callee);
  QString remove_call(const QString& caller, const QString& callee);
  /// Every call one attempt: only the users retry (core's retry_at_one_layer).
  QString retry_at_one_layer_only();

  /// What Export Data as CSV writes: the rows of the service shown.
  std::string shown_csv() const;
  /// The call graph figure's caption: the scenario and the slider's time.
  QString call_graph_caption() const;
  /// Moves the operating point to (x, y) on the map's axes: one undoable step.
  QString move_operating_point(double x, double y);
  std::size_t pinned_count() const { return pinned_.size(); }

  /// Replaces the scenario without an undo step (undo/redo and opening use it).
  void apply_scenario(const Scenario& scenario);
  /// The next slider move starts a new undo step instead of extending the last.
  void end_undo_step() { ++drag_generation_; }

signals:
  /// A run's curves are on screen (after the replot was queued).
  void run_shown();
  /// A map pass is on screen; `final` when every point is solved.
  void map_shown(bool final);

protected:
  /// Asks about unsaved changes (Save, Discard, Cancel) before closing,
  /// however the close comes (Quit, Ctrl+Q, the window's close button).
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

private:
  void build_controls(QWidget* panel);
  /// One row per client (or server) policy of the table whose path starts
  /// with `table` ("client.", "server."), for the policies at `at` ("client."
  /// for the users, "server.calls.db." for a call): rows go to `rows`.
  void build_policy_group(QWidget* panel, QVBoxLayout* box, const std::string& table, const std::string& at,
                          std::vector<PolicyRow>& rows);
  void build_capacity_schedule(QWidget* panel, QVBoxLayout* box);
  /// The table's steps were edited: applied, or refused with the schedule in force shown again.
  void capacity_schedule_edited();
  /// Scrolls the controls to the first policy that is on (after a preset ticked it).
  void show_first_policy_on();
  /// Registers a control: its edits go through set_parameter (undo, recompute).
  void bind_control(ParameterControl* control);
  void build_menus();
  void show_outcome(std::shared_ptr<const RunOutcome> outcome);
  void request_map_if_needed(bool force);
  void push_change(const Scenario& next, const QString& text, int merge_id);
  void show_banner(const QString& message);
  void refresh_title();
  void relabel_pins();
  void add_recent(const QString& path);
  void rebuild_recent_menu();
  void export_figure(bool whole_dashboard);
  void export_csv();
  void export_map();
  /// Asks for a file and writes the plot (PNG, PDF, SVG) or its data (CSV).
  void export_plot_with_data(QCustomPlot& plot, const QString& caption, const QString& title, const QString& suggested,
                             const std::function<std::string()>& csv);
  void open_dialog();
  bool save_dialog();
  /// Save: to the current file, or through the dialog for a scenario without one. True when saved.
  bool save();
  /// With unsaved changes, asks whether to save them first: true to go on
  /// (saved, or `*discarded` set), false to stay (Cancel, or the save failed).
  bool maybe_save(bool* discarded = nullptr);
  /// What the scenario is called: its file's name, or its own name (title_rule in main_window.cpp).
  QString document_name() const;
  /// A scenario now shown as a new document (opened, or the default): fresh history, no pins.
  void start_document(const Scenario& scenario, const QString& path);
  /// The scenario as last saved: its file read again, else the default scenario (then `path` is cleared).
  Scenario saved_version(QString& path) const;
  void build_help_menu();
  /// The curves and summary of the service chosen (the entry by default).
  void show_curves(const RunOutcome& outcome);
  void export_call_graph();
  /// Says "Exporting" now, and how the export of `path` went once it has
  /// (a PNG is written on a worker thread: FigureDone).
  FigureDone export_outcome(const QString& path);
  /// Validates a change of the graph and pushes it as one undo step, or says why not.
  QString change_graph(const Scenario& next, const QString& text);
  /// The controls of the service chosen in the call graph and of its calls.
  void rebuild_service_controls();
  void show_shortcuts();

  Scenario scenario_;
  QString file_path_;
  std::shared_ptr<const RunOutcome> shown_;
  std::vector<PinnedRun> pinned_;
  RunController* runs_ = nullptr;
  MapController* maps_ = nullptr;
  StabilityMapView* map_view_ = nullptr;
  HysteresisView* hysteresis_view_ = nullptr;
  TopologyView* topology_ = nullptr;  // shown above the curves only for scenarios with calls
  QSplitter* center_split_ = nullptr;
  QAction* export_graph_ = nullptr;
  QGroupBox* service_group_ = nullptr;
  std::vector<ParameterControl*> service_controls_;  // in controls_ too
  std::string service_controls_shape_;               // the choice and the graph they were built for
  QString curves_service_ = QStringLiteral("server");  // whose curves and summary are shown
  std::string map_key_;  // what the map on screen was computed for
  LoadCurvesView* curves_ = nullptr;
  QUndoStack* undo_ = nullptr;
  QScrollArea* controls_scroll_ = nullptr;
  std::vector<ParameterControl*> controls_;
  QComboBox* policy_ = nullptr;
  QComboBox* jitter_ = nullptr;
  QCheckBox* drop_expired_ = nullptr;
  /// A policy's check box and its fields, folded away until wanted.
  std::vector<PolicyRow> policy_rows_;
  std::vector<PolicyRow> call_policy_rows_;  // the chosen service's calls' (rebuilt with them)
  /// A call's choosers that are not parameter controls: its named policy and jitter.
  struct CallChoosers {
    std::string path;  ///< "server.calls.db"
    QComboBox* policy = nullptr;
    QComboBox* jitter = nullptr;
    QCheckBox* deadline = nullptr;  ///< its propagate_deadline
  };
  std::vector<CallChoosers> call_choosers_;
  /// Shows each policy row's state as the scenario has it.
  void show_policy_rows(const std::vector<PolicyRow>& rows, const Scenario& s);
  /// Shows each call's named policy and jitter as the scenario has them.
  void show_call_choosers(const Scenario& s);
  /// Gives the call at `call_path` the named policy `index` (one undo step).
  void choose_call_policy(const std::string& call_path, int index);
  QCheckBox* schedule_box_ = nullptr;
  CapacityScheduleEditor* schedule_editor_ = nullptr;
  /// The last schedule in force: unticking keeps its steps for ticking again.
  std::vector<std::pair<double, double>> kept_schedule_;
  QLabel* banner_ = nullptr;
  QLabel* trigger_note_ = nullptr;
  SummaryView* summary_ = nullptr;
  DescriptionPanel* description_ = nullptr;
  QMenu* teaching_menu_ = nullptr;
  QMenu* help_menu_ = nullptr;
  QDialog* shortcuts_dialog_ = nullptr;
  QString last_folder_;          // the last folder a file was opened from or saved to
  bool close_accepted_ = false;  // the close was answered: a second close event on the way out asks nothing
  bool placed_after_show_ = false;
  QListWidget* pins_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QStringList recent_;
  bool restore_session_ = true;
  int drag_generation_ = 0;  // bumped when a drag ends: merges never span two drags
  bool unsaved_from_last_session_ = false;
};

}  // namespace sg::ui
