#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QPointer>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QStatusBar>
#include <QToolButton>
#include <QUrl>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <cmath>
#include <map>

#include "capacity_schedule_editor.h"
#include "dashboard_text.h"
#include "description_panel.h"
#include "figure_export.h"
#include "figure_export_dialog.h"
#include "file_dialog_folder.h"
#include "help.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "parameter_control.h"
#include "stability_map_view.h"
#include "wheel_gesture_latch.h"
#include "window_placement.h"
#include "hysteresis_view.h"
#include "topology_view.h"
#include "analysis/hysteresis.h"
#include "analysis/parameter_map.h"
#include "model/graph_solver.h"
#include "scenario/client_policies.h"
#include "scenario/input_error.h"
#include "scenario/parameters.h"
#include "scenario/policy_fields.h"
#include "scenario/scenario_file.h"

namespace sg::ui {
namespace {

constexpr int kMaxRecent = 8;
constexpr int kMaxPins = 4;

/// One undoable change of the scenario. Consecutive changes of the same
/// parameter (a slider being dragged) merge into one step.
class ChangeScenario : public QUndoCommand {
public:
  ChangeScenario(MainWindow* window, Scenario before, Scenario after, const QString& text, int merge_id)
      : QUndoCommand(text), window_(window), before_(std::move(before)), after_(std::move(after)), id_(merge_id) {}

  void undo() override {
    window_->apply_scenario(before_);
    window_->end_undo_step();  // a drag after an undo is a new step
  }
  void redo() override { window_->apply_scenario(after_); }
  int id() const override { return id_; }
  bool mergeWith(const QUndoCommand* other) override {
    if (other->id() != id_ || id_ < 0) return false;
    after_ = static_cast<const ChangeScenario*>(other)->after_;
    setText(other->text());  // "Set capacity to <the final value>"
    return true;
  }

private:
  MainWindow* window_;
  Scenario before_, after_;
  int id_;
};

/// Scenarios bundled in the program are Qt resources: ":/scenarios/...".
bool is_bundled(const QString& path) { return path.startsWith(QStringLiteral(":/")); }

/// Reads a bundled scenario; throws InputError as load_scenario does for files.
Scenario load_bundled(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly))
    throw InputError(path.toStdString(), "", "", "no such scenario in the program");
  return parse_scenario(file.readAll().toStdString(), QFileInfo(path).fileName().toStdString());
}

/// The default scenario, bundled in the program.
Scenario default_scenario() {
  try {
    return load_bundled(QStringLiteral(":/scenarios/default.json"));
  } catch (const std::exception&) {
    return Scenario{};
  }
}

/// Where the teaching scenarios are bundled; the Learn menu lists them in file name order.
const QString kTeachingDir = QStringLiteral(":/scenarios/teaching");
/// The call graph's least height when it needs more (the window still fits 1280 x 800).
constexpr int kLeastGraphHeight = 180;

/// The slider of a policy field. The table's bounds are what the model
/// accepts (often up to 1e9); the slider spans what is worth trying: shares
/// linearly, start times over a run's length, other times and counts on a
/// log scale two decades either side of the default.
ControlRange policy_field_range(const PolicyField& f, double default_value) {
  const QString unit = QString::fromLatin1(f.unit), key = QString::fromLatin1(f.key);
  if (f.high <= 1) return ControlRange::linear(f.low_open ? 0.01 : f.low, f.high, 2);
  if (key.endsWith(QLatin1String("start_s"))) return ControlRange::linear(0, 7200, 0);
  if (unit == QLatin1String("attempts/s")) return ControlRange::adaptive_linear(2 * default_value);
  if (unit == QLatin1String("%")) return ControlRange::linear(f.low, f.high, 0);
  if (unit == QLatin1String("retries") || unit == QLatin1String("calls")) {
    // Counts: whole numbers on a log scale from the least allowed.
    const double top = std::min(f.high, default_value > 0 ? 100 * default_value : 100.0);
    return ControlRange::logarithmic(std::max(f.low, f.low_open ? 1.0 : 0.0), top, 0, 1);
  }
  if (unit == QLatin1String("s"))
    return f.low_open ? ControlRange::logarithmic(1, 3600, 1) : ControlRange::logarithmic(0, 3600, 1, 1);
  const double top = std::min(f.high, default_value > 0 ? 100 * default_value : 100.0);
  const double floor = default_value > 0 ? default_value / 100 : 0.1;
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(floor))), 0, 3);
  if (f.low > 0 && !f.low_open) return ControlRange::logarithmic(f.low, top, decimals);
  return f.low_open ? ControlRange::logarithmic(floor, top, decimals)
                    : ControlRange::logarithmic(0, top, decimals, floor);
}

/// The platform's keys for `key`, then `also` unless among them. Some
/// platforms' schemes have none for Quit and Save As (Windows'), or give
/// Redo Ctrl+Y already: every platform gets the keys the menus promise.
QList<QKeySequence> keys(QKeySequence::StandardKey key, const QString& also = QString()) {
  QList<QKeySequence> all = QKeySequence::keyBindings(key);
  if (!also.isEmpty() && !all.contains(QKeySequence(also))) all << QKeySequence(also);
  return all;
}

int merge_id_for(const std::string& path) {
  const auto& all = parameters();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].path == path) return static_cast<int>(i) + 1;
  return -1;
}

/// The named client policies, then "Custom", each with its summary as tooltip.
void fill_policy_chooser(QComboBox* chooser) {
  for (const NamedPolicy& p : client_policies()) {
    chooser->addItem(QString::fromStdString(p.name));
    chooser->setItemData(chooser->count() - 1, QString::fromStdString(p.summary), Qt::ToolTipRole);
  }
  chooser->addItem(QObject::tr("Custom"));
}

/// A chooser of the jitter kinds, in the order of the Jitter enum.
QComboBox* new_jitter_chooser(QWidget* parent, const QString& object_name) {
  auto* chooser = new QComboBox(parent);
  chooser->setObjectName(object_name);
  for (const char* j : {"none", "full", "equal", "decorrelated", "proportional"}) chooser->addItem(QString::fromLatin1(j));
  chooser->setToolTip(QString::fromStdString(find_parameter("client.backoff.jitter")->help));
  return chooser;
}

}  // namespace

MainWindow::MainWindow(bool restore_session, QWidget* parent)
    : QMainWindow(parent), restore_session_(restore_session) {
  // First, so that it sees every control polished: a wheel gesture belongs
  // to what it started on, and a control takes it only when it has focus.
  new WheelGestureLatch(this);
  setWindowIcon(QIcon(QStringLiteral(":/icons/stormglass.svg")));
  runs_ = new RunController(this);
  maps_ = new MapController(this);
  undo_ = new QUndoStack(this);
  connect(runs_, &RunController::finished, this, &MainWindow::show_outcome);
  connect(runs_, &RunController::failed, this, [this](quint64 generation, const QString& message) {
    if (generation == runs_->latest()) show_banner(message);
  });
  connect(undo_, &QUndoStack::cleanChanged, this, [this] { refresh_title(); });

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->setObjectName(QStringLiteral("main_splitter"));

  auto* scroll = new QScrollArea(splitter);
  controls_scroll_ = scroll;
  scroll->setObjectName(QStringLiteral("controls_scroll"));
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  auto* panel = new QWidget(scroll);
  build_controls(panel);
  scroll->setWidget(panel);
  scroll->setMinimumWidth(panel->sizeHint().width() + 24);

  auto* center = new QWidget(splitter);
  auto* center_layout = new QVBoxLayout(center);
  center_layout->setContentsMargins(4, 4, 4, 4);
  banner_ = new QLabel(center);
  banner_->setWordWrap(true);
  banner_->setStyleSheet(QStringLiteral("QLabel { background: #fce8e6; color: #a50e0e; padding: 6px; border-radius: 3px; }"));
  banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  banner_->hide();
  center_layout->addWidget(banner_);
  // The description above the curves, split so that the user can give it
  // more room or less; a new description takes its preferred height again.
  auto* center_split = new QSplitter(Qt::Vertical, center);
  center_split->setObjectName(QStringLiteral("center_splitter"));
  center_split->setChildrenCollapsible(false);
  description_ = new DescriptionPanel(center_split);
  // The call graph between them, only while the scenario has calls
  // (show_outcome): it drives the curves below it.
  topology_ = new TopologyView(center_split);
  topology_->setObjectName(QStringLiteral("call_graph"));
  topology_->setToolTip(tr("The services and calls at the slider's time, laid out by Graphviz. "
                           "Click a service to see its load curves below."));
  topology_->hide();
  curves_ = new LoadCurvesView(center_split);
  center_split_ = center_split;
  center_split->addWidget(description_);
  center_split->addWidget(topology_);
  center_split->addWidget(curves_);
  center_split->setStretchFactor(0, 0);
  center_split->setStretchFactor(1, 1);
  center_split->setStretchFactor(2, 2);
  center_layout->addWidget(center_split, 1);
  connect(description_, &DescriptionPanel::preferred_height_changed, this, [center_split, this] {
    const QList<int> sizes = center_split->sizes();
    const int total = sizes.value(0) + sizes.value(2);
    const int wanted = std::min(description_->sizeHint().height(), total - curves_->minimumSizeHint().height());
    if (total > 0)
      center_split->setSizes({std::max(wanted, description_->minimumSizeHint().height()), sizes.value(1), total - wanted});
  });

  // The right column: the map above, the words and the pins below, split.
  auto* side = new QSplitter(Qt::Vertical, splitter);
  side->setObjectName(QStringLiteral("side_splitter"));
  auto* views = new QTabWidget(side);
  views->setDocumentMode(true);
  auto* map_box = new QWidget(views);
  auto* map_layout = new QVBoxLayout(map_box);
  map_layout->setContentsMargins(4, 4, 4, 0);
  map_view_ = new StabilityMapView(map_box);
  map_view_->setToolTip(tr("Every point of the plane classified as the current scenario with those two values. "
                           "Click to move there."));
  map_view_->setMinimumHeight(340);
  map_layout->addWidget(map_view_, 1);
  views->addTab(map_box, tr("Stability map"));
  hysteresis_view_ = new HysteresisView(views);
  hysteresis_view_->setToolTip(tr("Goodput and offered load while demand ramps slowly up, then down, "
                                  "with everything else as in the scenario."));
  views->addTab(hysteresis_view_, tr("Hysteresis"));
  connect(topology_, &TopologyView::service_chosen, this, [this](const QString& name) {
    curves_service_ = name;
    rebuild_service_controls();
    if (shown_) show_curves(*shown_);
  });
  connect(topology_, &TopologyView::service_menu_requested, this, [this](const QString&, const QPoint& at) {
    // Edit > Call Graph, for the service just chosen by the right click.
    if (auto* menu = findChild<QMenu*>(QStringLiteral("graph_menu"))) menu->popup(at);
  });
  connect(topology_, &TopologyView::time_changed, this, [this](double t) { curves_->show_readout_at(t); });
  connect(curves_, &LoadCurvesView::cursor_moved, topology_, &TopologyView::set_time);
  connect(maps_, &MapController::pass_ready, this, [this](std::shared_ptr<const MapOutcome> outcome) {
    if (outcome->generation != maps_->latest()) return;
    map_view_->show_map(outcome->map, outcome->stride, outcome->scenario);
    map_view_->show_operating_point(scenario_);
    emit map_shown(outcome->stride == 1);
  });
  connect(maps_, &MapController::failed, this, [this](quint64 generation, const QString& message) {
    if (generation != maps_->latest()) return;
    map_view_->clear_map();  // no stale map under axes it does not have
    map_key_.clear();        // nothing on screen was computed for these settings
    show_banner(tr("Map: %1").arg(message));
  });
  connect(maps_, &MapController::progress, this, [this](quint64 generation, int done, int total, int pass, int passes) {
    if (generation == maps_->latest()) map_view_->show_progress(done, total, pass, passes);
  });
  connect(map_view_, &StabilityMapView::axes_changed, this, [this] { request_map_if_needed(true); });
  connect(map_view_, &StabilityMapView::point_clicked, this, [this](double x, double y) { move_operating_point(x, y); });

  auto* words_scroll = new QScrollArea(side);
  words_scroll->setWidgetResizable(true);
  words_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  words_scroll->setFrameShape(QFrame::NoFrame);
  auto* words = new QWidget(words_scroll);
  auto* side_layout = new QVBoxLayout(words);
  side_layout->setContentsMargins(4, 4, 4, 4);
  auto* summary_title = new QLabel(tr("<b>What happened</b>"), words);
  side_layout->addWidget(summary_title);
  summary_ = new SummaryView(words);
  side_layout->addWidget(summary_);
  side_layout->addSpacing(6);
  side_layout->addWidget(new QLabel(tr("<b>Compare</b>"), words));
  pins_ = new QListWidget(words);
  pins_->setToolTip(tr("Pinned runs stay on the plots, faded, so the next change is seen against them."));
  pins_->setMaximumHeight(90);
  pins_->setWordWrap(true);
  side_layout->addWidget(pins_);
  auto* pin_buttons = new QHBoxLayout;
  auto* pin = new QPushButton(tr("Pin run"), words);
  pin->setToolTip(tr("Keep the current run on the plots as a faded overlay (Ctrl+P)"));
  auto* clear = new QPushButton(tr("Clear pins"), words);
  pin_buttons->addWidget(pin);
  pin_buttons->addWidget(clear);
  side_layout->addLayout(pin_buttons);
  side_layout->addStretch(1);
  words_scroll->setWidget(words);
  side->addWidget(views);
  side->addWidget(words_scroll);
  side->setStretchFactor(0, 3);
  side->setStretchFactor(1, 2);
  connect(pin, &QPushButton::clicked, this, &MainWindow::pin_current_run);
  connect(clear, &QPushButton::clicked, this, &MainWindow::clear_pins);

  splitter->addWidget(scroll);
  splitter->addWidget(center);
  splitter->addWidget(side);
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  splitter->setStretchFactor(2, 0);
  side->setMinimumWidth(300);
  side->setMaximumWidth(440);
  setCentralWidget(splitter);
  splitter->setSizes({scroll->minimumWidth(), 10000, 330});  // the curves take what is left
  build_menus();
  statusBar()->showMessage(tr("Drag a slider: the curves follow."), 5000);

  // Start at a comfortable size that fits the screen (1280 x 800 included).
  QSize size(1440, 900);
  if (QScreen* screen = QGuiApplication::primaryScreen()) size = size.boundedTo(screen->availableGeometry().size() * 0.96);
  resize(size);
  Scenario start = default_scenario();
  if (restore_session_) {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    // Saved on a larger screen, or on one no longer there: made to fit the one it lands on.
    fit_window_to_screen(this);
    splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    recent_ = settings.value(QStringLiteral("files/recent")).toStringList();
    file_path_ = settings.value(QStringLiteral("files/current")).toString();
    last_folder_ = settings.value(QStringLiteral("files/last_folder")).toString();
    const std::string last = settings.value(QStringLiteral("session/scenario")).toString().toStdString();
    if (!last.empty()) {
      try {
        start = parse_scenario(last, "the last session");
      } catch (const std::exception&) {
        file_path_.clear();  // a session from an older version: start afresh
      }
    }
  }
  rebuild_recent_menu();
  apply_scenario(start);
  // Changes left unsaved last time are still unsaved: the title keeps its "*".
  unsaved_from_last_session_ = restore_session_ && !QSettings().value(QStringLiteral("session/saved"), true).toBool();
  undo_->setClean();
  refresh_title();
}

MainWindow::~MainWindow() {
  // The undo stack and the runs outlive this object's members by a moment
  // (QObject children die in QWidget's destructor): keep them from calling back.
  undo_->disconnect(this);
  runs_->disconnect(this);
  maps_->disconnect(this);
}

void MainWindow::build_controls(QWidget* panel) {
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(6, 6, 6, 6);
  auto add = [&](QVBoxLayout* box, const std::string& path, const QString& label, ControlRange range) {
    auto* c = new ParameterControl(path, label, range, panel);
    box->addWidget(c);
    bind_control(c);
    return c;
  };
  auto group = [&](const QString& title) {
    auto* g = new QGroupBox(title, panel);
    auto* box = new QVBoxLayout(g);
    box->setContentsMargins(6, 4, 6, 4);
    box->setSpacing(2);
    layout->addWidget(g);
    return box;
  };

  QVBoxLayout* load = group(tr("Load"));
  add(load, "demand.base_rate", tr("Signup rate (demand)"), ControlRange::adaptive_linear(2000));
  add(load, "server.capacity", tr("Capacity"), ControlRange::adaptive_linear(2000));
  // The service chosen in the call graph and its calls (a scenario with calls only).
  service_group_ = new QGroupBox(panel);
  service_group_->setObjectName(QStringLiteral("service_controls"));
  auto* service_box = new QVBoxLayout(service_group_);
  service_box->setContentsMargins(6, 4, 6, 4);
  service_box->setSpacing(2);
  layout->addWidget(service_group_);
  service_group_->hide();

  QVBoxLayout* client = group(tr("Users' client"));
  policy_ = new QComboBox(panel);
  fill_policy_chooser(policy_);
  policy_->setToolTip(tr("A named client policy; changing any knob below makes it custom."));
  client->addWidget(policy_);
  policy_->setItemData(policy_->count() - 1, tr("Shown when the knobs match no named policy; change a knob below to get there."),
                       Qt::ToolTipRole);
  connect(policy_, qOverload<int>(&QComboBox::activated), this, [this](int index) {
    if (index < static_cast<int>(client_policies().size())) {
      choose_policy(index);
      return;
    }
    // "Custom" is what the knobs are, not a policy to apply: the chooser goes
    // back to the name the client still matches, and says why.
    auto match = matching_policy(scenario_.client);
    if (!match) return;
    QSignalBlocker block(policy_);
    policy_->setCurrentIndex(static_cast<int>(*match));
    statusBar()->showMessage(tr("The client is still %1; change any knob below to make it custom.")
                                 .arg(QString::fromStdString(client_policies()[*match].name)),
                             6000);
  });
  add(client, "client.timeout_s", tr("Timeout"), ControlRange::logarithmic(0.01, 300, 2));
  add(client, "client.max_attempts", tr("Max attempts"), ControlRange::linear(1, 20, 0).whole_numbers(tr("unlimited"), 3));
  add(client, "client.backoff.base_s", tr("Backoff base"), ControlRange::logarithmic(0, 60, 3, 0.001));
  add(client, "client.backoff.multiplier", tr("Backoff multiplier"), ControlRange::linear(1, 10, 2));
  add(client, "client.backoff.cap_s", tr("Backoff cap"), ControlRange::logarithmic(0, 600, 2, 0.01));
  add(client, "client.backoff.spread", tr("Jitter spread"), ControlRange::linear(0, 1, 2));
  auto* jitter_row = new QHBoxLayout;
  jitter_row->addWidget(new QLabel(tr("Jitter"), panel));
  jitter_ = new_jitter_chooser(panel, QStringLiteral("jitter_chooser"));
  jitter_row->addWidget(jitter_, 1);
  client->addLayout(jitter_row);
  connect(jitter_, qOverload<int>(&QComboBox::activated), this,
          [this](int) { set_parameter("client.backoff.jitter", jitter_->currentText().toStdString()); });

  QVBoxLayout* client_policies_box = group(tr("Users' client policies"));
  add(client_policies_box, "client.instances", tr("Client instances"), ControlRange::logarithmic(1, 1000000, 0));
  build_policy_group(panel, client_policies_box, "client.", "client.", policy_rows_);

  QVBoxLayout* trigger = group(tr("Trigger"));
  add(trigger, "demand.surge.extra_rate", tr("Surge extra rate"), ControlRange::logarithmic(0, 100000, 0, 1));
  add(trigger, "demand.surge.start_s", tr("Surge start"), ControlRange::linear(0, 7200, 0));
  add(trigger, "demand.surge.duration_s", tr("Surge duration"), ControlRange::linear(0, 3600, 0));
  add(trigger, "demand.surge.ramp_s", tr("Surge ramp"), ControlRange::linear(0, 600, 0));
  add(trigger, "server.outage.capacity_factor", tr("Outage capacity factor"), ControlRange::linear(0, 1, 2));
  add(trigger, "server.outage.start_s", tr("Outage start"), ControlRange::linear(0, 7200, 0));
  add(trigger, "server.outage.duration_s", tr("Outage duration"), ControlRange::linear(0, 3600, 0));
  // What of the trigger has no effect in the scenario shown (trigger_note).
  trigger_note_ = new QLabel(panel);
  trigger_note_->setObjectName(QStringLiteral("trigger_note"));
  trigger_note_->setWordWrap(true);
  trigger_note_->setStyleSheet(QStringLiteral("color: #b06000"));
  trigger_note_->hide();
  trigger->addWidget(trigger_note_);

  QVBoxLayout* server = group(tr("Server"));
  add(server, "server.queue_limit", tr("Queue limit"), ControlRange::logarithmic(1, 10000000, 0).whole_numbers(tr("none"), 2000));
  drop_expired_ = new QCheckBox(tr("Drop expired attempts"), panel);
  drop_expired_->setToolTip(QString::fromStdString(find_parameter("server.drop_expired")->help));
  server->addWidget(drop_expired_);
  connect(drop_expired_, &QCheckBox::clicked, this,
          [this](bool on) { set_parameter("server.drop_expired", on ? "true" : "false"); });
  add(server, "server.reject_latency_s", tr("Reject latency"), ControlRange::logarithmic(0, 10, 3, 0.001));

  QVBoxLayout* server_policies = group(tr("Server policies"));
  build_policy_group(panel, server_policies, "server.", "server.", policy_rows_);
  build_capacity_schedule(panel, server_policies);

  QVBoxLayout* run = group(tr("Run"));
  add(run, "duration_s", tr("Horizon"), ControlRange::logarithmic(60, 36000, 0));
  layout->addStretch(1);
}

void MainWindow::build_policy_group(QWidget* panel, QVBoxLayout* box, const std::string& table, const std::string& at,
                                    std::vector<PolicyRow>& rows) {
  // One row per policy of the table (scenario/policy_fields.h): a check box
  // bound to its flag path and a fold button; its fields below, greyed out
  // while it is off. Folded until wanted: the 26 fields of all the policies
  // would push every other control out of sight.
  Scenario defaults;
  for (const PolicyObject& p : policy_objects()) {
    const std::string table_path = p.path;
    if (table_path.rfind(table, 0) != 0) continue;
    const std::string path = at + table_path.substr(table.size());  // the users' or a call's
    PolicyRow row;
    row.path = path;
    auto* header = new QHBoxLayout;
    row.box = new QCheckBox(QString::fromLatin1(p.title), panel);
    row.box->setToolTip(QStringLiteral("%1\n(%2)").arg(QString::fromLatin1(p.help), QString::fromStdString(path)));
    header->addWidget(row.box, 1);
    row.fold = new QToolButton(panel);
    row.fold->setCheckable(true);
    row.fold->setAutoRaise(true);
    row.fold->setArrowType(Qt::RightArrow);
    row.fold->setToolTip(tr("Show or hide the settings of %1").arg(QString::fromLatin1(p.title).toLower()));
    header->addWidget(row.fold);
    box->addLayout(header);

    row.fields = new QWidget(panel);
    auto* fields = new QVBoxLayout(row.fields);
    fields->setContentsMargins(18, 0, 0, 4);  // indented under the check box
    fields->setSpacing(2);
    for (const PolicyField& f : p.fields) {
      auto* c = new ParameterControl(path + "." + f.key, policy_field_label(field_path(p, f)),
                                     policy_field_range(f, *f.value(defaults)), row.fields);
      fields->addWidget(c);
      bind_control(c);
      c->show_value(scenario_);  // a call's rows are built after apply_scenario showed the values
      if (&rows == &call_policy_rows_) service_controls_.push_back(c);
    }
    row.fields->setVisible(false);
    box->addWidget(row.fields);

    QWidget* fields_widget = row.fields;
    QToolButton* fold = row.fold;
    connect(row.fold, &QToolButton::toggled, this, [fields_widget, fold](bool open) {
      fields_widget->setVisible(open);
      fold->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });
    connect(row.box, &QCheckBox::clicked, this, [this, path, fold](bool on) {
      // Switched on: its settings are what one wants next; off: out of the way again.
      fold->setChecked(on);
      set_parameter(path, on ? "true" : "false");
    });
    rows.push_back(row);
  }
}

void MainWindow::show_policy_rows(const std::vector<PolicyRow>& rows, const Scenario& s) {
  for (const PolicyRow& row : rows) {
    const bool on = get_number(s, row.path).value_or(0) != 0;
    QSignalBlocker block(row.box);
    row.box->setChecked(on);
    row.fields->setEnabled(on);
    if (on) row.fold->setChecked(true);  // a scenario's policies show their settings
  }
}

void MainWindow::show_call_choosers(const Scenario& s) {
  for (const CallChoosers& c : call_choosers_) {
    QSignalBlocker b1(c.policy), b2(c.jitter), b3(c.deadline);
    for (const CallSite& site : call_sites(s))
      if (site.path == c.path) {
        c.deadline->setChecked(site.call->propagate_deadline);
        auto match = matching_policy(site.call->client, true);
        c.policy->setCurrentIndex(match ? static_cast<int>(*match) : c.policy->count() - 1);
        c.jitter->setCurrentIndex(static_cast<int>(site.call->client.backoff.jitter));
        if (ParameterControl* spread = control(c.path + ".backoff.spread"))
          spread->setEnabled(site.call->client.backoff.jitter == Jitter::Proportional);
      }
  }
}

void MainWindow::choose_call_policy(const std::string& call_path, int index) {
  const auto& all = client_policies();
  if (index < 0 || index >= static_cast<int>(all.size())) return;
  Scenario next = scenario_;
  for (const CallSite& site : call_sites(next))
    if (site.path == call_path) {
      Server& caller = site.caller == "server" ? next.server : next.services.at(site.caller);
      apply_policy(all[static_cast<std::size_t>(index)], caller.calls.at(site.callee).client, true);
    }
  const QString name = QString::fromStdString(all[static_cast<std::size_t>(index)].name);
  try {
    validate_scenario(next);
  } catch (const InputError& e) {
    // Refused: the chooser goes back to what the call has, and the banner
    // says which preset on which call, and why.
    show_banner(tr("Policy %1 not applied to the call %2: %3")
                    .arg(name, QString::fromStdString(call_path), QString::fromStdString(e.what())));
    apply_scenario(scenario_);
    return;
  }
  push_change(next, tr("Choose policy %1 for %2").arg(name, QString::fromStdString(call_path)), -1);
}

void MainWindow::build_capacity_schedule(QWidget* panel, QVBoxLayout* box) {
  // A list, not a parameter path: its own check box and a table of steps,
  // shown while it is on. Its edits are undo steps like any other change.
  schedule_box_ = new QCheckBox(tr("Capacity schedule"), panel);
  schedule_box_->setToolTip(
      tr("Change the server's capacity at set times: from each step's time on, the capacity is the step's "
         "(before the first step, Capacity above); an outage multiplies it, autoscaling adds to it. "
         "Unticked, the steps are kept for ticking again.\n(server.capacity_schedule)"));
  box->addWidget(schedule_box_);
  schedule_editor_ = new CapacityScheduleEditor(panel);
  schedule_editor_->setVisible(false);
  box->addWidget(schedule_editor_);
  connect(schedule_box_, &QCheckBox::clicked, this, [this](bool on) {
    if (!on) {
      set_capacity_schedule(std::nullopt);
      return;
    }
    // The steps of the session, or one to start from: half-way through the
    // run, half as much capacity again.
    if (kept_schedule_.empty())
      kept_schedule_ = {{std::round(scenario_.duration_s / 2), std::round(1.5 * scenario_.server.capacity)}};
    set_capacity_schedule(kept_schedule_);
  });
  connect(schedule_editor_, &CapacityScheduleEditor::edited, this, &MainWindow::capacity_schedule_edited);
}

void MainWindow::capacity_schedule_edited() {
  CapacityScheduleEditor::Steps steps;
  try {
    steps = schedule_editor_->entered_steps();
  } catch (const InputError& e) {
    show_banner(tr("Not applied: %1").arg(QString::fromStdString(e.what())));
    apply_scenario(scenario_);  // the table shows the schedule in force again
    return;
  }
  if (scenario_.server.capacity_schedule == steps) {  // an edit that changed nothing ("1500.0" for 1500)
    schedule_editor_->show_steps(steps, scenario_.duration_s);
    return;
  }
  set_capacity_schedule(steps);
}

QString MainWindow::set_capacity_schedule(const std::optional<std::vector<std::pair<double, double>>>& steps) {
  Scenario next = scenario_;
  next.server.capacity_schedule = steps;
  try {
    validate_scenario(next);
  } catch (const InputError& e) {
    QString message = QString::fromStdString(e.what());
    show_banner(tr("Not applied: %1").arg(message));
    apply_scenario(scenario_);
    return message;
  }
  QString text;
  if (!steps) {
    text = tr("Switch off capacity schedule");
  } else {
    QStringList parts;
    for (auto [t, c] : *steps) parts << QStringLiteral("%1: %2").arg(t, 0, 'g', 10).arg(c, 0, 'g', 10);
    text = (scenario_.server.capacity_schedule ? tr("Set capacity schedule to %1") : tr("Switch on capacity schedule %1"))
               .arg(parts.join(QStringLiteral(", ")));
  }
  push_change(next, text, -1);
  return {};
}

void MainWindow::rebuild_service_controls() {
  // The controls of the service chosen in the call graph, and of its calls,
  // bound to their parameter paths like every other control (spec/graph.md,
  // "Parameter paths"); rebuilt only when the choice or the graph's shape
  // changes, never under a drag. A service gone with its scenario leaves the entry chosen.
  if (curves_service_ != QLatin1String("server") && !scenario_.services.count(curves_service_.toStdString()))
    curves_service_ = QStringLiteral("server");
  std::string shape = curves_service_.toStdString();
  for (const CallSite& site : call_sites(scenario_)) shape += "|" + site.path;
  if (!has_calls(scenario_)) shape.clear();
  if (shape == service_controls_shape_) return;
  service_controls_shape_ = shape;
  for (ParameterControl* c : service_controls_) {
    controls_.erase(std::remove(controls_.begin(), controls_.end(), c), controls_.end());
    c->deleteLater();
  }
  service_controls_.clear();
  call_policy_rows_.clear();
  call_choosers_.clear();
  for (QWidget* w : service_group_->findChildren<QWidget*>(QStringLiteral("call_block"), Qt::FindDirectChildrenOnly))
    w->deleteLater();
  for (QLabel* l : service_group_->findChildren<QLabel*>(QStringLiteral("call_heading"))) l->deleteLater();
  if (shape.empty()) {
    service_group_->hide();
    return;
  }
  auto* box = static_cast<QVBoxLayout*>(service_group_->layout());
  auto add_to = [&](QWidget* parent, QVBoxLayout* layout, const std::string& path, const QString& label,
                    ControlRange range) {
    auto* c = new ParameterControl(path, label, range, parent);
    layout->addWidget(c);
    bind_control(c);
    service_controls_.push_back(c);
    c->show_value(scenario_);
  };
  auto add = [&](const std::string& path, const QString& label, ControlRange range) {
    add_to(service_group_, box, path, label, range);
  };
  const std::string name = curves_service_.toStdString();
  const bool entry = name == "server";
  const std::string at = entry ? std::string("server") : "services." + name;
  service_group_->setTitle(entry ? tr("Calls of the entry (server)") : tr("Service %1 and its calls").arg(curves_service_));
  if (!entry) {
    // The service's own server, as the entry's controls below give the entry's.
    add(at + ".capacity", tr("Capacity"), ControlRange::adaptive_linear(2000));
    add(at + ".queue_limit", tr("Queue limit"), ControlRange::logarithmic(1, 10000000, 0).whole_numbers(tr("none"), 2000));
    add(at + ".reject_latency_s", tr("Reject latency"), ControlRange::logarithmic(0, 10, 3, 0.001));
    add(at + ".outage.capacity_factor", tr("Outage capacity factor"), ControlRange::linear(0, 1, 2));
    add(at + ".outage.start_s", tr("Outage start"), ControlRange::linear(0, 7200, 0));
    add(at + ".outage.duration_s", tr("Outage duration"), ControlRange::linear(0, 3600, 0));
    auto* own = new QWidget(service_group_);
    own->setObjectName(QStringLiteral("call_block"));  // rebuilt with the calls' blocks
    auto* own_lines = new QVBoxLayout(own);
    own_lines->setContentsMargins(0, 2, 0, 0);
    own_lines->setSpacing(2);
    box->addWidget(own);
    build_policy_group(own, own_lines, "server.", at + ".", call_policy_rows_);
  }
  const Server& server = entry ? scenario_.server : scenario_.services.at(name);
  for (const auto& [callee, call] : server.calls) {
    // Each call's client, exactly like the users' (spec/graph.md: a call
    // holds every field of a client): its knobs, jitter, a named policy and
    // every client policy, bound to the call's paths.
    auto* block = new QWidget(service_group_);
    block->setObjectName(QStringLiteral("call_block"));
    auto* lines = new QVBoxLayout(block);
    lines->setContentsMargins(0, 4, 0, 0);
    lines->setSpacing(2);
    box->addWidget(block);
    auto* heading = new QLabel(tr("<b>calls %1</b>").arg(QString::fromStdString(callee).toHtmlEscaped()), block);
    heading->setObjectName(QStringLiteral("call_heading"));
    lines->addWidget(heading);
    const std::string c = at + ".calls." + callee;
    auto add_here = [&](const std::string& path, const QString& label, ControlRange range) {
      add_to(block, lines, path, label, range);
    };
    CallChoosers choosers;
    choosers.path = c;
    choosers.policy = new QComboBox(block);
    choosers.policy->setObjectName(QStringLiteral("call_policy_chooser"));
    fill_policy_chooser(choosers.policy);
    choosers.policy->setToolTip(tr("The named client policy of the call to %1; changing a knob below makes it custom.")
                                    .arg(QString::fromStdString(callee)));
    lines->addWidget(choosers.policy);
    QComboBox* policy = choosers.policy;
    connect(policy, qOverload<int>(&QComboBox::activated), this, [this, c](int index) {
      if (index < static_cast<int>(client_policies().size()))
        choose_call_policy(c, index);
      else
        apply_scenario(scenario_);  // "Custom" is what the knobs are, not a policy
    });
    add_here(c + ".fan_out", tr("Fan-out"), ControlRange::linear(1, 16, 0).whole_numbers());
    choosers.deadline = new QCheckBox(tr("Pass the deadline on (gRPC)"), block);
    choosers.deadline->setObjectName(QStringLiteral("call_deadline_box"));
    choosers.deadline->setToolTip(QString::fromStdString(describe_parameter(c + ".propagate_deadline")->help));
    lines->addWidget(choosers.deadline);
    connect(choosers.deadline, &QCheckBox::clicked, this,
            [this, c](bool on) { set_parameter(c + ".propagate_deadline", on ? "true" : "false"); });
    add_here(c + ".timeout_s", tr("Timeout"), ControlRange::logarithmic(0.01, 300, 2));
    add_here(c + ".max_attempts", tr("Max attempts"), ControlRange::linear(1, 20, 0).whole_numbers(tr("unlimited"), 3));
    add_here(c + ".backoff.base_s", tr("Backoff base"), ControlRange::logarithmic(0, 60, 3, 0.001));
    add_here(c + ".backoff.multiplier", tr("Backoff multiplier"), ControlRange::linear(1, 10, 2));
    add_here(c + ".backoff.cap_s", tr("Backoff cap"), ControlRange::logarithmic(0, 600, 2, 0.01));
    add_here(c + ".backoff.spread", tr("Jitter spread"), ControlRange::linear(0, 1, 2));  // as the users' order
    auto* jitter_row = new QHBoxLayout;
    jitter_row->addWidget(new QLabel(tr("Jitter"), block));
    choosers.jitter = new_jitter_chooser(block, QStringLiteral("call_jitter_chooser"));
    jitter_row->addWidget(choosers.jitter, 1);
    lines->addLayout(jitter_row);
    QComboBox* jitter = choosers.jitter;
    connect(jitter, qOverload<int>(&QComboBox::activated), this,
            [this, c, jitter](int) { set_parameter(c + ".backoff.jitter", jitter->currentText().toStdString()); });
    add_here(c + ".instances", tr("Client instances"), ControlRange::logarithmic(1, 1000000, 0));
    build_policy_group(block, lines, "client.", c + ".", call_policy_rows_);
    call_choosers_.push_back(choosers);
  }
  show_policy_rows(call_policy_rows_, scenario_);
  show_call_choosers(scenario_);
  if (entry && server.calls.empty()) box->addWidget(new QLabel(tr("The entry calls no service."), service_group_));
  service_group_->show();
}

void MainWindow::bind_control(ParameterControl* c) {
  controls_.push_back(c);
  connect(c, &ParameterControl::edited, this,
          [this](const std::string& p, const std::string& v, bool dragging) { set_parameter(p, v, dragging); });
  connect(c, &ParameterControl::drag_finished, this, [this] { ++drag_generation_; });
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::open_dialog);
  open->setShortcut(QKeySequence::Open);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  QAction* save = file->addAction(tr("&Save"), this, [this] { this->save(); });
  save->setShortcut(QKeySequence::Save);
  QAction* save_as = file->addAction(tr("Save &As…"), this, [this] { save_dialog(); });
  save_as->setShortcuts(keys(QKeySequence::SaveAs, QStringLiteral("Ctrl+Shift+S")));
  file->addSeparator();
  QAction* export_dashboard = file->addAction(tr("&Export Dashboard…"), this, [this] { export_figure(true); });
  export_dashboard->setShortcut(QKeySequence(tr("Ctrl+E")));
  file->addAction(tr("Export &Load Curves…"), this, [this] { export_figure(false); });
  file->addAction(tr("Export Stability &Map…"), this, &MainWindow::export_map);
  export_graph_ = file->addAction(tr("Export &Call Graph…"), this, &MainWindow::export_call_graph);
  export_graph_->setEnabled(false);  // while the scenario has calls (show_outcome)
  file->addAction(tr("Export &Hysteresis…"), this, [this] {
    export_plot_with_data(*hysteresis_view_->plot(), hysteresis_view_->caption(), tr("Export hysteresis"),
                          QStringLiteral("hysteresis.png"), [this] { return hysteresis_csv(hysteresis_view_->loop()); });
  });
  QAction* csv = file->addAction(tr("Export &Data as CSV…"), this, &MainWindow::export_csv);
  csv->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
  file->addSeparator();
  // Closing the window is quitting: closeEvent asks about unsaved changes, once.
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcuts(keys(QKeySequence::Quit, QStringLiteral("Ctrl+Q")));
  quit->setMenuRole(QAction::QuitRole);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = undo_->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = undo_->createRedoAction(this, tr("&Redo"));
  redo->setShortcuts(keys(QKeySequence::Redo, QStringLiteral("Ctrl+Y")));
  edit->addAction(undo);
  edit->addAction(redo);
  // The call graph (spec/graph.md): each change one undo step, refused with
  // the reason (a cycle named) before anything changes. They act on the
  // service chosen in the call graph (the entry by default).
  edit->addSeparator();
  QMenu* graph = edit->addMenu(tr("&Call Graph"));
  graph->setObjectName(QStringLiteral("graph_menu"));
  connect(graph, &QMenu::aboutToShow, this, [this, graph] {
    graph->clear();
    const QString chosen = curves_service_;
    graph->addAction(tr("Add a Service Called by %1").arg(chosen), this, [this, chosen] { add_service(chosen); });
    QAction* remove = graph->addAction(tr("Remove Service %1").arg(chosen), this, [this, chosen] { remove_service(chosen); });
    remove->setEnabled(chosen != QLatin1String("server"));
    QMenu* add_to = graph->addMenu(tr("Add a Call from %1 to").arg(chosen));
    QMenu* remove_to = graph->addMenu(tr("Remove the Call from %1 to").arg(chosen));
    const Server& from = chosen == QLatin1String("server") ? scenario_.server : scenario_.services.at(chosen.toStdString());
    for (const auto& [name, service] : scenario_.services) {
      const QString callee = QString::fromStdString(name);
      if (callee == chosen) continue;
      if (from.calls.count(name))
        remove_to->addAction(callee, this, [this, chosen, callee] { remove_call(chosen, callee); });
      else
        add_to->addAction(callee, this, [this, chosen, callee] { add_call(chosen, callee); });
    }
    add_to->setEnabled(!add_to->isEmpty());
    remove_to->setEnabled(!remove_to->isEmpty());
    graph->addSeparator();
    QAction* one_layer =
        graph->addAction(tr("Retry at One Layer Only (Every Call One Attempt)"), this, [this] { retry_at_one_layer_only(); });
    one_layer->setToolTip(tr("Only the users retry: retries at every layer multiply (4 x 4 x 4 = 64 attempts at the "
                             "bottom per user action); at one layer they add."));
    one_layer->setEnabled(has_calls(scenario_) && !retries_at_one_layer(scenario_));
  });

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QAction* pin = view->addAction(tr("&Pin Current Run"), this, &MainWindow::pin_current_run);
  pin->setShortcut(QKeySequence(tr("Ctrl+P")));
  view->addAction(tr("&Clear Pins"), this, &MainWindow::clear_pins);
  QAction* reset = view->addAction(tr("&Reset Zoom"), curves_, &LoadCurvesView::reset_zoom);
  reset->setShortcut(QKeySequence(tr("Ctrl+0")));

  // Teaching scenarios open like files (undo, recent, the question about unsaved changes), from the
  // program's resources; each is named by the scenario's own name.
  teaching_menu_ = menuBar()->addMenu(tr("&Learn"));
  teaching_menu_->setToolTipsVisible(true);
  QAction* back = teaching_menu_->addAction(tr("&Default scenario"), this, [this] {
    if (maybe_save()) open_default_scenario();
  });
  back->setObjectName(QStringLiteral("default_scenario_action"));
  back->setToolTip(tr("Back to the scenario the dashboard starts with."));
  teaching_menu_->addSeparator();
  const QStringList files = QDir(kTeachingDir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
  for (const QString& name : files) {
    const QString path = kTeachingDir + QLatin1Char('/') + name;
    QString title = QFileInfo(name).completeBaseName();
    try {
      title = QString::fromStdString(load_bundled(path).name);
    } catch (const std::exception&) {
      // Listed under its file name; opening it says what is wrong.
    }
    QAction* action = teaching_menu_->addAction(title, this, [this, path] {
      if (maybe_save()) open_file(path);
    });
    action->setToolTip(tr("Open the teaching scenario; its description says what to try."));
  }
  build_help_menu();
}

void MainWindow::build_help_menu() {
  help_menu_ = menuBar()->addMenu(tr("&Help"));
  const QString docs = documentation_path();
  QAction* documentation = help_menu_->addAction(tr("&Documentation"));
  connect(documentation, &QAction::triggered, this, [documentation] { QDesktopServices::openUrl(documentation->data().toUrl()); });
  documentation->setObjectName(QStringLiteral("documentation_action"));
  documentation->setShortcut(QKeySequence::HelpContents);
  documentation->setData(docs.isEmpty() ? QUrl() : QUrl::fromLocalFile(docs));
  documentation->setEnabled(!docs.isEmpty());
  QAction* shortcuts = help_menu_->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::show_shortcuts);
  shortcuts->setObjectName(QStringLiteral("shortcuts_action"));
  help_menu_->addSeparator();
  QAction* about = help_menu_->addAction(tr("&About Stormglass"), this,
                                         [this] { QMessageBox::about(this, tr("About Stormglass"), about_text()); });
  about->setObjectName(QStringLiteral("about_action"));
  about->setMenuRole(QAction::AboutRole);
  QAction* about_qt = help_menu_->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
  about_qt->setObjectName(QStringLiteral("about_qt_action"));
  about_qt->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::show_shortcuts() {
  // Read from the actions each time: what the menus have now.
  delete shortcuts_dialog_;
  shortcuts_dialog_ = make_shortcuts_dialog(shortcut_entries(menuBar()), this);
  shortcuts_dialog_->show();
  shortcuts_dialog_->raise();
  shortcuts_dialog_->activateWindow();
}

ParameterControl* MainWindow::control(const std::string& path) const {
  for (ParameterControl* c : controls_)
    if (c->path() == path) return c;
  return nullptr;
}

QCheckBox* MainWindow::policy_box(const std::string& path) const {
  for (const auto* rows : {&policy_rows_, &call_policy_rows_})
    for (const PolicyRow& row : *rows)
      if (row.path == path) return row.box;
  return nullptr;
}

QString MainWindow::description_text() const { return description_->text(); }

QString MainWindow::change_graph(const Scenario& next, const QString& text) {
  try {
    validate_scenario(next);
  } catch (const InputError& e) {
    const QString message = QString::fromStdString(e.what());
    show_banner(tr("Not applied: %1").arg(message));
    return message;
  }
  push_change(next, text, -1);
  return {};
}

QString MainWindow::add_service(const QString& caller) {
  Scenario next = scenario_;
  if (caller != QLatin1String("server") && !next.services.count(caller.toStdString())) return tr("no service %1").arg(caller);
  std::string name;
  for (int k = 1; name.empty() || next.services.count(name); ++k) name = "service" + std::to_string(k);
  next.services[name] = Server{};
  Server& from = caller == QLatin1String("server") ? next.server : next.services.at(caller.toStdString());
  from.calls[name] = Call{};
  return change_graph(next, tr("Add service %1 called by %2").arg(QString::fromStdString(name), caller));
}

QString MainWindow::remove_service(const QString& name) {
  const std::string id = name.toStdString();
  if (name == QLatin1String("server") || !scenario_.services.count(id)) return tr("no service %1 to remove").arg(name);
  // The service and every call into it, in one step.
  Scenario next = scenario_;
  next.services.erase(id);
  next.server.calls.erase(id);
  for (auto& [other, service] : next.services) service.calls.erase(id);
  return change_graph(next, tr("Remove service %1 and its calls").arg(name));
}

QString MainWindow::add_call(const QString& caller, const QString& callee) {
  Scenario next = scenario_;
  if (!next.services.count(callee.toStdString()) ||
      (caller != QLatin1String("server") && !next.services.count(caller.toStdString())))
    return tr("no call from %1 to %2 can be made").arg(caller, callee);
  Server& from = caller == QLatin1String("server") ? next.server : next.services.at(caller.toStdString());
  from.calls[callee.toStdString()] = Call{};
  return change_graph(next, tr("Add a call from %1 to %2").arg(caller, callee));
}

QString MainWindow::remove_call(const QString& caller, const QString& callee) {
  Scenario next = scenario_;
  if (caller != QLatin1String("server") && !next.services.count(caller.toStdString()))
    return tr("no service %1").arg(caller);
  Server& from = caller == QLatin1String("server") ? next.server : next.services.at(caller.toStdString());
  if (!from.calls.erase(callee.toStdString())) return tr("%1 does not call %2").arg(caller, callee);
  return change_graph(next, tr("Remove the call from %1 to %2").arg(caller, callee));
}

QString MainWindow::retry_at_one_layer_only() {
  if (!has_calls(scenario_)) return tr("the scenario has no calls");
  Scenario next = scenario_;
  retry_at_one_layer(next);
  return change_graph(next, tr("Retry at one layer only: every call one attempt"));
}

QString MainWindow::set_parameter(const std::string& path, const std::string& value, bool dragging) {
  Scenario next = scenario_;
  try {
    set_text(next, path, value);
    validate_scenario(next);
    // Deadline propagation over more groups than a run may keep (docs/model.md 11.17).
    if (has_calls(next)) check_deadline_groups(next, default_graph_step(next));
  } catch (const InputError& e) {
    QString message = QString::fromStdString(e.what());
    show_banner(tr("Not applied: %1").arg(message));
    apply_scenario(scenario_);  // the controls go back to what is in force
    return message;
  }
  // The moves of one slider drag merge into one undo step; anything else is a step of its own.
  const int merge = dragging ? merge_id_for(path) * 1000 + drag_generation_ % 1000 : -1;
  const std::optional<ParameterInfo> info = describe_parameter(path);  // a call's or a service's too
  if (info && info->kind == ParameterKind::Flag) {
    push_change(next,
                (get_text(next, path) == "true" ? tr("Switch on %1") : tr("Switch off %1"))
                    .arg(parameter_words(path)),
                merge);
  } else {
    // "Set server → api timeout to 2 s": the value with its unit, as the control shows it.
    QString shown = QString::fromStdString(get_text(next, path));
    bool number = false;
    shown.toDouble(&number);
    if (number && info && !info->unit.empty()) shown += QLatin1Char(' ') + QString::fromStdString(info->unit);
    push_change(next, tr("Set %1 to %2").arg(parameter_words(path), shown), merge);
  }
  return {};
}

void MainWindow::choose_policy(int index) {
  const auto& all = client_policies();
  if (index < 0 || index >= static_cast<int>(all.size())) return;
  Scenario next = scenario_;
  apply_policy(all[static_cast<std::size_t>(index)], next.client);
  try {
    validate_scenario(next);
  } catch (const InputError& e) {
    show_banner(tr("Not applied: %1").arg(QString::fromStdString(e.what())));
    apply_scenario(scenario_);
    return;
  }
  push_change(next, tr("Choose policy %1").arg(QString::fromStdString(all[static_cast<std::size_t>(index)].name)), -1);
  show_first_policy_on();
}

void MainWindow::show_first_policy_on() {
  // A preset may tick client policies far below the chooser: the first one scrolls
  // into view, its settings too where they fit, once the unfolded fields are laid out.
  Scenario readable = scenario_;
  for (const PolicyRow& row : policy_rows_) {
    if (row.path.rfind("client.", 0) != 0 || !*find_policy(row.path)->enabled(readable)) continue;
    QWidget* box = row.box;
    QWidget* fields = row.fields;
    QTimer::singleShot(0, this, [this, box, fields] {
      if (QWidget* panel = controls_scroll_->widget()) panel->layout()->activate();
      controls_scroll_->ensureWidgetVisible(fields, 0, 8);
      controls_scroll_->ensureWidgetVisible(box, 0, 8);
    });
    return;
  }
}

void MainWindow::push_change(const Scenario& next, const QString& text, int merge_id) {
  banner_->hide();
  undo_->push(new ChangeScenario(this, scenario_, next, text, merge_id));
}

void MainWindow::apply_scenario(const Scenario& s) {
  scenario_ = s;
  // The run first: it is solved while the controls below follow the scenario
  // (its result arrives through the event loop, after this returns). Issue
  // 11's chain slider waited for these controls before its solve began.
  runs_->request(s);
  // The chosen service's controls first: those of a service or call gone with
  // the old scenario must not read the new one.
  if (!has_calls(s)) curves_service_ = QStringLiteral("server");
  rebuild_service_controls();
  for (ParameterControl* c : controls_) c->show_value(s);
  const QString note = trigger_note(s);
  trigger_note_->setText(note);
  trigger_note_->setVisible(!note.isEmpty());
  {
    QSignalBlocker b1(policy_), b2(jitter_), b3(drop_expired_);
    auto match = matching_policy(s.client);
    policy_->setCurrentIndex(match ? static_cast<int>(*match) : policy_->count() - 1);
    jitter_->setCurrentIndex(static_cast<int>(s.client.backoff.jitter));
    drop_expired_->setChecked(s.server.drop_expired);
  }
  // The spread is proportional jitter's only: greyed out under the others.
  if (ParameterControl* spread = control("client.backoff.spread"))
    spread->setEnabled(s.client.backoff.jitter == Jitter::Proportional);
  show_policy_rows(policy_rows_, s);
  show_policy_rows(call_policy_rows_, s);
  show_call_choosers(s);
  {
    const bool on = s.server.capacity_schedule.has_value();
    if (on) kept_schedule_ = *s.server.capacity_schedule;
    QSignalBlocker block(schedule_box_);
    schedule_box_->setChecked(on);
    schedule_editor_->setVisible(on);
    schedule_editor_->show_steps(kept_schedule_, s.duration_s);
  }
  map_view_->offer_parameters(s);  // a graph's services and calls too
  request_map_if_needed(false);
  hysteresis_view_->show_scenario(s);
  if (!pinned_.empty()) relabel_pins();
  description_->show_description(QString::fromStdString(s.name), QString::fromStdString(s.description));
  refresh_title();
}

void MainWindow::request_map_if_needed(bool force) {
  // The map depends on everything but its own two axes: it is recomputed
  // when anything else changes, and only the marker moves otherwise.
  const MapAxis x = map_view_->x_axis(), y = map_view_->y_axis();
  Scenario key = scenario_;
  std::string axes = x.path + "|" + y.path + "|" + std::to_string(x.from) + "|" + std::to_string(x.to) + "|" +
                     std::to_string(y.from) + "|" + std::to_string(y.to) + "|" + std::to_string(x.count);
  try {
    set_number(key, x.path, x.from);
    set_number(key, y.path, y.from);
  } catch (const InputError&) {
  }
  std::string fresh = scenario_to_json(key) + axes;
  if (force || fresh != map_key_) {
    map_key_ = fresh;
    map_view_->begin_computing(QString::fromStdString(scenario_.name));  // the map on screen, if any, is now stale
    maps_->request(scenario_, x, y);
  }
  map_view_->show_operating_point(scenario_);
}

QString MainWindow::move_operating_point(double x, double y) {
  // The point lands on the nearest point of the grid on screen: the one whose
  // class the map shows there.
  if (map_view_->map().points.empty()) return tr("no map on screen");
  const MapAxis ax = map_view_->map().x, ay = map_view_->map().y;
  auto snap = [](const MapAxis& a, double v) {
    if (a.count <= 1 || a.to == a.from) return a.value(0);
    int i = static_cast<int>(std::lround((v - a.from) / (a.to - a.from) * (a.count - 1)));
    return a.value(std::clamp(i, 0, a.count - 1));
  };
  x = snap(ax, x);
  y = snap(ay, y);
  Scenario next = scenario_;
  try {
    set_number(next, ax.path, x);
    set_number(next, ay.path, y);
    validate_scenario(next);
  } catch (const InputError& e) {
    QString message = QString::fromStdString(e.what());
    show_banner(tr("Not applied: %1").arg(message));
    return message;
  }
  push_change(next,
              tr("Move to %1 = %2, %3 = %4")
                  .arg(parameter_words(ax.path))
                  .arg(x, 0, 'g', 4)
                  .arg(parameter_words(ay.path))
                  .arg(y, 0, 'g', 4),
              -1);
  return {};
}

void MainWindow::show_outcome(std::shared_ptr<const RunOutcome> outcome) {
  if (outcome->generation != runs_->latest()) return;  // superseded while in flight
  shown_ = outcome;
  const bool graph = !outcome->services.empty();
  export_graph_->setEnabled(graph);
  if (graph) {
    topology_->show_outcome(outcome);
    if (topology_->isHidden()) {
      // Room for the graph: what it needs at full scale, a third to a half of
      // the column, from the curves and, when they would fall below their
      // least height, from the description.
      QList<int> sizes = center_split_->sizes();
      const int total = sizes.value(0) + sizes.value(1) + sizes.value(2);
      const int room = std::clamp(topology_->preferred_height(), total / 3, total / 2);
      const int least_curves = curves_->minimumSizeHint().height();
      int description = sizes.value(0);
      if (total - room - description < least_curves)
        description = std::max(description_->minimumSizeHint().height(), total - room - least_curves);
      // At least the height its drawing needs, up to kLeastGraphHeight: the
      // splitter gives the sizes above before the window has its own.
      topology_->setMinimumHeight(std::min(topology_->preferred_height(), kLeastGraphHeight));
      topology_->show();
      center_split_->setSizes({description, room, std::max(0, total - room - description)});
    }
  } else if (!topology_->isHidden()) {
    topology_->hide();
  }
  show_curves(*outcome);
  emit run_shown();
}

void MainWindow::show_curves(const RunOutcome& outcome) {
  // The entry's curves, or those of the service chosen in the call graph.
  const ServiceRun* service = nullptr;
  for (const ServiceRun& r : outcome.services)
    if (QString::fromStdString(r.name) == curves_service_ && r.name != "server") service = &r;
  if (!service) {
    curves_service_ = QStringLiteral("server");
    topology_->choose(curves_service_);
    curves_->show_run(outcome.scenario, outcome.run);
    QString html = summary_html(outcome.scenario, outcome.health);
    if (!outcome.services.empty()) html += graph_summary_html(assess_services(outcome.services));
    summary_->set_html(html);
    return;
  }
  // Its caption and timeout line are its own: its capacity, and the timeout
  // of the calls into it.
  const Scenario view = service_view(outcome.scenario, service->name);
  curves_->show_run(view, service->run);
  summary_->set_html(tr("<p><b>Service %1</b> (click <i>server</i> in the call graph for the entry).</p>")
                        .arg(curves_service_.toHtmlEscaped()) +
                    summary_html(view, assess_run(outcome.scenario, service->run), curves_service_));
}

void MainWindow::pin_current_run() {
  if (!shown_) return;
  if (pinned_.size() >= static_cast<std::size_t>(kMaxPins)) pinned_.erase(pinned_.begin());
  pinned_.push_back({QString(), shown_->scenario, shown_->run});
  relabel_pins();
  curves_->set_pinned(pinned_);
  statusBar()->showMessage(tr("Pinned: %1").arg(pinned_.back().label), 4000);
}

void MainWindow::relabel_pins() {
  // A pin is named by what differs from the scenario in force now.
  pins_->clear();
  for (PinnedRun& p : pinned_) {
    p.label = pin_label(p.scenario, scenario_);
    pins_->addItem(p.label);
  }
  curves_->rename_pins(pinned_);
}

void MainWindow::clear_pins() {
  pinned_.clear();
  pins_->clear();
  curves_->set_pinned(pinned_);
}

QString MainWindow::open_file(const QString& path) {
  Scenario loaded;
  try {
    loaded = is_bundled(path) ? load_bundled(path) : load_scenario(path.toStdString());
  } catch (const std::exception& e) {
    QString message = QString::fromStdString(e.what());
    show_banner(tr("Could not open the scenario; nothing changed. %1").arg(message));
    return message;
  }
  start_document(loaded, path);
  return {};
}

void MainWindow::open_default_scenario() { start_document(default_scenario(), QString()); }

void MainWindow::start_document(const Scenario& loaded, const QString& path) {
  file_path_ = path;
  if (!path.isEmpty()) add_recent(path);
  if (!path.isEmpty() && !is_bundled(path)) last_folder_ = QFileInfo(path).absolutePath();
  // A file opened is a new document: its history starts here (an undo past
  // it would leave the file's name on another scenario).
  banner_->hide();
  undo_->clear();
  unsaved_from_last_session_ = false;
  // Pins compare variations of one scenario: another file's runs would be
  // named by every difference. (Parameter changes keep them.) Steps kept
  // from an unticked schedule belong to the scenario left behind too.
  clear_pins();
  kept_schedule_.clear();
  apply_scenario(loaded);
  undo_->setClean();
  refresh_title();
}

QString MainWindow::save_file(const QString& path) {
  try {
    save_scenario(scenario_, path.toStdString());
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  file_path_ = path;
  add_recent(path);
  last_folder_ = QFileInfo(path).absolutePath();
  unsaved_from_last_session_ = false;
  undo_->setClean();
  refresh_title();
  statusBar()->showMessage(tr("Saved %1").arg(path), 4000);
  return {};
}

QString MainWindow::dialog_folder() const { return file_dialog_folder(file_path_, last_folder_); }

void MainWindow::open_dialog() {
  if (!maybe_save()) return;
  QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), dialog_folder(),
                                              tr("Scenarios (*.json);;All files (*)"));
  if (!path.isEmpty()) open_file(path);
}

bool MainWindow::save() {
  if (file_path_.isEmpty() || is_bundled(file_path_)) return save_dialog();  // the program's own files are read-only
  if (QString e = save_file(file_path_); !e.isEmpty()) {
    show_banner(e);
    return false;
  }
  return true;
}

bool MainWindow::save_dialog() {
  // A bundled scenario is saved under its file name, in the dialog's folder.
  const QString suggested = file_path_.isEmpty() ? QStringLiteral("scenario.json") : QFileInfo(file_path_).fileName();
  QString path = QFileDialog::getSaveFileName(this, tr("Save scenario"), QDir(dialog_folder()).filePath(suggested),
                                              tr("Scenarios (*.json)"));
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".json");
  QString error = save_file(path);
  if (!error.isEmpty()) show_banner(error);
  return error.isEmpty();
}

void MainWindow::export_figure(bool whole_dashboard) {
  if (!shown_) return;
  FigureExportDialog dialog(whole_dashboard ? tr("Export dashboard") : tr("Export load curves"),
                            {1600, whole_dashboard ? 1000 : 900, 2}, this);
  if (dialog.exec() != QDialog::Accepted) return;
  QString path = QFileDialog::getSaveFileName(this, dialog.windowTitle(),
                                              QDir(dialog_folder()).filePath(whole_dashboard ? QStringLiteral("dashboard.png")
                                                                                             : QStringLiteral("load-curves.png")),
                                              tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"));
  if (path.isEmpty()) return;
  const FigureSize size = dialog.figure_size();
  const TopologyView* graph = has_calls(shown_->scenario) ? topology_ : nullptr;
  if (whole_dashboard)
    export_dashboard(*curves_, shown_->scenario, shown_->health, path, size, graph, export_outcome(path));
  else
    export_curves(*curves_, path, size, export_outcome(path));
}

FigureDone MainWindow::export_outcome(const QString& path) {
  statusBar()->showMessage(tr("Exporting %1…").arg(path));
  QPointer<MainWindow> self(this);
  return [self, path](const QString& error) {
    if (!self) return;
    if (!error.isEmpty()) {
      self->statusBar()->clearMessage();
      self->show_banner(error);
    } else {
      self->statusBar()->showMessage(tr("Exported %1").arg(path), 4000);
    }
  };
}

void MainWindow::export_map() {
  const auto& points = map_view_->map().points;
  if (points.empty()) return;
  if (map_view_->is_stale() || !std::all_of(points.begin(), points.end(), [](const MapPoint& p) { return p.solved; })) {
    show_banner(tr("The map is still being refined; export it once every point is solved."));
    return;
  }
  export_plot_with_data(*map_view_->plot(), map_view_->caption(), tr("Export stability map"),
                        QStringLiteral("stability-map.png"), [this] { return map_csv(map_view_->map()); });
}

void MainWindow::export_plot_with_data(QCustomPlot& plot, const QString& caption, const QString& title,
                                       const QString& suggested, const std::function<std::string()>& csv) {
  QString path = QFileDialog::getSaveFileName(this, title, QDir(dialog_folder()).filePath(suggested),
                                              tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg);;CSV data (*.csv)"));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().toLower() != QLatin1String("csv")) {
    FigureExportDialog dialog(title, {1200, 1000, 2}, this);
    if (dialog.exec() != QDialog::Accepted) return;
    export_plot(plot, caption, path, dialog.figure_size(), export_outcome(path));
    return;
  }
  QString error;
  try {
    write_file_atomically(path.toStdString(), csv());
  } catch (const std::exception& e) {
    error = QString::fromStdString(e.what());
  }
  export_outcome(path)(error);
}

void MainWindow::export_call_graph() {
  if (!shown_ || shown_->services.empty()) return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export call graph"),
                                                    QDir(dialog_folder()).filePath(QStringLiteral("call-graph.png")),
                                                    tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"));
  if (path.isEmpty()) return;
  FigureExportDialog dialog(tr("Export call graph"), {1200, 700, 2}, this);
  if (dialog.exec() != QDialog::Accepted) return;
  export_topology(*topology_, call_graph_caption(), path, dialog.figure_size(), export_outcome(path));
}

std::string MainWindow::shown_csv() const {
  if (!shown_) return {};
  // The rows of the service whose curves are shown, as `stormglass-cli run
  // --service NAME` writes them (a graph's with its failed and waiting columns).
  const RunResult* run = &shown_->run;
  for (const ServiceRun& r : shown_->services)
    if (QString::fromStdString(r.name) == curves_service_) run = &r.run;
  return run_csv(*run, !shown_->services.empty());
}

QString MainWindow::call_graph_caption() const {
  const QString name = shown_ ? QString::fromStdString(shown_->scenario.name) : QString();
  return tr("%1: the call graph at t = %2 s").arg(name).arg(topology_->time(), 0, 'g', 6);
}

void MainWindow::export_csv() {
  if (!shown_) return;
  const QString suggested = shown_->services.empty() ? QStringLiteral("run.csv") : curves_service_ + QStringLiteral(".csv");
  QString path = QFileDialog::getSaveFileName(this, tr("Export data"), QDir(dialog_folder()).filePath(suggested),
                                              tr("CSV (*.csv)"));
  if (path.isEmpty()) return;
  try {
    write_file_atomically(path.toStdString(), shown_csv());
    statusBar()->showMessage(tr("Exported %1").arg(path), 4000);
  } catch (const std::exception& e) {
    show_banner(QString::fromStdString(e.what()));
  }
}

void MainWindow::show_banner(const QString& message) {
  banner_->setText(message);
  banner_->show();
}

QString MainWindow::banner_text() const { return banner_->isHidden() ? QString() : banner_->text(); }

QString MainWindow::summary_text() const { return summary_->html(); }

bool MainWindow::has_unsaved_changes() const { return unsaved_from_last_session_ || (undo_ && !undo_->isClean()); }

// The title rule: the document's name, then the program's. A scenario from a
// file of the user's (opened or saved) is named by its file name, as Qt's
// windowFilePath does; the program's own scenarios (the default and the
// Learn menu's, bundled inside it and saved only with Save As) are named by
// the scenario's name. "*" marks unsaved changes (Qt's "[*]" placeholder
// and windowModified).
QString MainWindow::document_name() const {
  const bool user_file = !file_path_.isEmpty() && !is_bundled(file_path_);
  return user_file ? QFileInfo(file_path_).fileName() : QString::fromStdString(scenario_.name);
}

void MainWindow::refresh_title() {
  const bool user_file = !file_path_.isEmpty() && !is_bundled(file_path_);
  setWindowFilePath(user_file ? QFileInfo(file_path_).absoluteFilePath() : QString());  // the proxy icon on macOS
  QString name = document_name();
  name.replace(QStringLiteral("[*]"), QStringLiteral("[*][*]"));  // a literal "[*]" in a scenario's name stays one
  setWindowTitle(tr("%1[*] — Stormglass").arg(name));
  setWindowModified(has_unsaved_changes());
}

void MainWindow::add_recent(const QString& path) {
  QString absolute = QFileInfo(path).absoluteFilePath();
  recent_.removeAll(absolute);
  recent_.prepend(absolute);
  while (recent_.size() > kMaxRecent) recent_.removeLast();
  rebuild_recent_menu();
}

void MainWindow::rebuild_recent_menu() {
  if (!recent_menu_) return;
  recent_menu_->clear();
  for (const QString& path : recent_)
    recent_menu_->addAction(path, this, [this, path] {
      if (maybe_save()) open_file(path);
    });
  recent_menu_->setEnabled(!recent_.isEmpty());
}

bool MainWindow::maybe_save(bool* discarded) {
  if (discarded) *discarded = false;
  if (!has_unsaved_changes()) return true;
  QMessageBox box(QMessageBox::Warning, tr("Stormglass"), tr("Save the changes to “%1”?").arg(document_name()),
                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
  box.setInformativeText(tr("If you don't save them, your changes are lost."));
  box.setDefaultButton(QMessageBox::Save);
  box.setEscapeButton(QMessageBox::Cancel);
  box.setWindowModality(Qt::WindowModal);
  switch (box.exec()) {
    case QMessageBox::Save:
      return save();  // a save that fails, or a dialog cancelled, keeps the window and the changes
    case QMessageBox::Discard:
      if (discarded) *discarded = true;
      return true;
    default:
      return false;
  }
}

Scenario MainWindow::saved_version(QString& path) const {
  if (!path.isEmpty()) {
    try {
      return is_bundled(path) ? load_bundled(path) : load_scenario(path.toStdString());
    } catch (const std::exception&) {
      // Gone or broken since: the session starts from the default.
    }
  }
  path.clear();
  return default_scenario();
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  close_accepted_ = false;  // shown again: closing asks again
  if (restore_session_ && !placed_after_show_) {
    // The decorations are known once shown: the frame, title bar included, is fitted again.
    placed_after_show_ = true;
    QTimer::singleShot(0, this, [this] { fit_window_to_screen(this); });
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (close_accepted_) {  // the application quitting after this window closed: answered already
    event->accept();
    return;
  }
  bool discarded = false;
  if (!maybe_save(&discarded)) {
    event->ignore();
    return;
  }
  close_accepted_ = true;
  wait_for_figure_writes();  // a PNG being exported is finished, not cut off
  if (restore_session_) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("main_splitter")))
      settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
    settings.setValue(QStringLiteral("files/recent"), recent_);
    settings.setValue(QStringLiteral("files/last_folder"), last_folder_);
    // Discarded changes are gone: the next session starts from what was saved.
    QString path = file_path_;
    const Scenario next = discarded ? saved_version(path) : scenario_;
    settings.setValue(QStringLiteral("files/current"), path);
    settings.setValue(QStringLiteral("session/scenario"), QString::fromStdString(scenario_to_json(next)));
    settings.setValue(QStringLiteral("session/saved"), discarded || !has_unsaved_changes());
  }
  event->accept();
}

}  // namespace sg::ui
