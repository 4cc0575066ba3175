// The call graph above the load curves (issue 11): drawn for scenarios with
// calls only, live from the model, clicking a service shows its curves, and
// its time slider replays each service's condition.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QMenu>
#include <QContextMenuEvent>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QTest>

#include <gtest/gtest.h>

#include "analysis/condition.h"
#include "analysis/graph_summary.h"
#include "dashboard_text.h"
#include "figure_export.h"
#include "figure_preset.h"
#include "main_window.h"
#include "parameter_control.h"
#include "scenario/client_policies.h"
#include "model/graph_solver.h"
#include "scenario/scenario_file.h"
#include "topology_view.h"
#include "window_waits.h"

namespace sg::ui {
namespace {

using test::wait_for_run;

struct CallGraphTest : ::testing::Test {
  void open(const QString& path) {
    window = std::make_unique<MainWindow>(false);
    window->resize(1600, 1000);
    window->show();
    ASSERT_TRUE(wait_for_run(*window));
    ASSERT_TRUE(window->open_file(path).isEmpty());
    ASSERT_TRUE(wait_for_run(*window));
    services = solve_services(window->scenario());
  }
  const ServiceRun& run(const std::string& name) const {
    for (const ServiceRun& r : services)
      if (r.name == name) return r;
    throw std::runtime_error("no service " + name);
  }
  std::unique_ptr<MainWindow> window;
  std::vector<ServiceRun> services;
};

TEST_F(CallGraphTest, AScenarioWithoutCallsHasNoCallGraph) {
  window = std::make_unique<MainWindow>(false);
  window->show();
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_TRUE(window->topology_view()->isHidden());
}

TEST_F(CallGraphTest, GraphMdsExampleIsDrawnWithItsServicesAndEachCallsAttemptsPerUserJob) {
  // server calls auth (1 job) and db (2 jobs), auth calls db: at t = 1 s,
  // healthy, 800 users/s: server -> db carries 1600 attempts/s, 2 per user
  // job, server -> auth and auth -> db 800/s, 1 per user job (the model's
  // senders, as stormglass-cli graph labels them).
  open(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  TopologyView* view = window->topology_view();
  ASSERT_FALSE(view->isHidden());
  EXPECT_EQ(view->services(), (QStringList{"server", "auth", "db"}));
  // It opens at the end of the run, as the CLI's drawing and the summary.
  EXPECT_EQ(view->time(), window->scenario().duration_s);
  EXPECT_EQ(view->condition("db"), Condition::Storm);
  view->set_time(1);
  EXPECT_EQ(view->call_label("server", "db"), "1600 attempts/s\n2 per user job");
  EXPECT_EQ(view->call_label("server", "auth"), "800 attempts/s\n1 per user job");
  EXPECT_EQ(view->call_label("auth", "db"), "800 attempts/s\n1 per user job");
  for (const QString& name : view->services()) {
    EXPECT_EQ(view->condition(name), Condition::Healthy) << name.toStdString();
    EXPECT_FALSE(view->service_box(name).isEmpty()) << name.toStdString();
  }
  // In the storm (t = 1000 s) every label carries the model's numbers there.
  view->set_time(1000);
  const ServiceRun& db = run("db");
  const std::size_t k = 999;
  const double users = run("server").run.intervals[k].demand;
  for (const SenderRun& s : db.senders) {
    const QString label = view->call_label(QString::fromStdString(s.caller), "db");
    EXPECT_TRUE(label.startsWith(QString::number(s.attempts[k], 'g', 4) + " attempts/s\n" +
                                 QString::number(s.attempts[k] / users, 'g', 4) + " per user job"))
        << label.toStdString();
    // db's queue is unlimited: nothing is rejected, and most attempts time out.
    EXPECT_FALSE(label.contains("rejected")) << label.toStdString();
    EXPECT_TRUE(label.contains("timed out")) << label.toStdString();
  }
}

TEST_F(CallGraphTest, AQueueOfMillionsReadsInMillions) {
  // chain-db-outage at its end: api's queue holds about 4.3 million
  // attempts, db's about 9.7 million (the CLI's run --service gives them);
  // a box shows three digits and M, the entry's empty queue 0.
  open(QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  TopologyView* view = window->topology_view();
  const auto queue_of = [&](const char* name) {
    for (const ServiceRun& r : window->shown()->services)
      if (r.name == name) return r.run.intervals.back().queue;
    return -1.0;
  };
  const double api = queue_of("api"), db = queue_of("db");
  ASSERT_GT(api, 1e6);
  ASSERT_GT(db, 1e6);
  ASSERT_LT(db, 1e9);
  EXPECT_TRUE(view->service_label("api").endsWith("\nqueue " + QString::number(api / 1e6, 'g', 3) + " M"))
      << view->service_label("api").toStdString();
  EXPECT_TRUE(view->service_label("db").endsWith("\nqueue " + QString::number(db / 1e6, 'g', 3) + " M"))
      << view->service_label("db").toStdString();
  EXPECT_TRUE(view->service_label("server").endsWith("\nqueue 0")) << view->service_label("server").toStdString();
  EXPECT_EQ(view->service_label("nobody"), QString());
}

TEST_F(CallGraphTest, ClickingAServiceShowsItsCurvesAsTheCliGivesThem) {
  open(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  TopologyView* view = window->topology_view();
  const quint64 map_request = window->maps()->latest();
  QTest::mouseClick(view, Qt::LeftButton, {}, view->service_box("db").center().toPoint());
  QTest::qWait(50);
  EXPECT_EQ(window->curves_service(), "db");
  EXPECT_EQ(view->chosen(), "db");
  // Choosing changes nothing: no step to undo, the map computing goes on.
  EXPECT_EQ(window->undo_stack()->count(), 0);
  EXPECT_EQ(window->maps()->latest(), map_request);
  // `stormglass-cli run --service db` writes solve_services' db run (cli_tests).
  const QVector<double> offered = window->curves()->curve("offered");
  const RunResult& db = run("db").run;
  ASSERT_EQ(offered.size(), static_cast<qsizetype>(db.intervals.size()));
  for (std::size_t k = 0; k < db.intervals.size(); ++k) ASSERT_EQ(offered[static_cast<qsizetype>(k)], db.intervals[k].offered) << k;
  EXPECT_TRUE(window->summary_text().contains("Service db")) << window->summary_text().toStdString();
  // Worded for a service inside the graph: its load per user job (db's peak
  // over the users' 1000 jobs/s), its own work wasted; not the entry's words.
  double peak = 0;
  for (const Interval& i : db.intervals) peak = std::max(peak, i.offered);
  const QString text = window->summary_text();
  EXPECT_TRUE(text.contains(QStringLiteral("attempts per user job"))) << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("Work of db wasted"))) << text.toStdString();
  EXPECT_FALSE(text.contains(QStringLiteral("Server work wasted"))) << text.toStdString();
  EXPECT_FALSE(text.contains(QStringLiteral("the base demand"))) << text.toStdString();
  EXPECT_GT(peak, 0);
  // And back to the entry.
  QTest::mouseClick(view, Qt::LeftButton, {}, view->service_box("server").center().toPoint());
  EXPECT_EQ(window->curves()->curve("offered")[900], run("server").run.intervals[900].offered);
  EXPECT_FALSE(window->summary_text().contains("Service "));
  EXPECT_TRUE(window->summary_text().contains("Server work wasted"));
}

TEST_F(CallGraphTest, JitterSpreadIsOnlyOfferedUnderProportionalJitter) {
  open(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  // The users' full jitter and the call's: their spreads are greyed out.
  ASSERT_NE(window->control("client.backoff.spread"), nullptr);
  EXPECT_FALSE(window->control("client.backoff.spread")->isEnabled());
  ParameterControl* call_spread = window->control("server.calls.auth.backoff.spread");
  ASSERT_NE(call_spread, nullptr);
  EXPECT_FALSE(call_spread->isEnabled());
  window->set_parameter("server.calls.auth.backoff.jitter", "proportional");
  EXPECT_TRUE(window->control("server.calls.auth.backoff.spread")->isEnabled());
  EXPECT_FALSE(window->control("client.backoff.spread")->isEnabled());
  window->set_parameter("client.backoff.jitter", "proportional");
  EXPECT_TRUE(window->control("client.backoff.spread")->isEnabled());
}

TEST_F(CallGraphTest, TheSliderReplaysEachServicesConditionAtTheMomentsItChanges) {
  // The chain whose database outage tips every layer: each service's colour
  // at every interval is its condition in the model's run there, so it
  // changes exactly where the run's condition does (db first).
  open(QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  TopologyView* view = window->topology_view();
  int changes = 0;
  for (const ServiceRun& r : services) {
    Condition before = condition_of(r.run.intervals.front());
    for (std::size_t k = 0; k < r.run.intervals.size(); k += 7) {
      view->set_time(r.run.intervals[k].t_s);
      const Condition now = condition_of(r.run.intervals[k]);
      ASSERT_EQ(view->condition(QString::fromStdString(r.name)), now) << r.name << " at " << r.run.intervals[k].t_s;
      changes += now != before;
      before = now;
    }
  }
  EXPECT_GE(changes, 3);  // every layer leaves its healthy colour at least once
  // The summary says where the storm began and how it spread, as the CLI's
  // summary does (db first: its outage at 300 s).
  const std::vector<ServiceHealth> health = assess_services(services);
  const std::vector<std::size_t> order = unhealthy_order(health);
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(health[order.front()].name, "db");
  const QString summary = window->summary_text();
  EXPECT_TRUE(summary.contains("The storm began at <b>db</b> (t = " +
                               QString::number(*health[order.front()].unhealthy_from_s, 'g', 6) + " s); then"))
      << summary.toStdString();
  EXPECT_TRUE(summary.contains("Orphaned work")) << summary.toStdString();
  // The play button moves the cursor forward.
  view->set_time(0);
  const double start = view->time();
  view->play();
  QTest::qWait(300);
  view->pause();
  EXPECT_GT(view->time(), start);
}

TEST_F(CallGraphTest, TheShownServicesCsvIsTheClisAndTheGraphExportsInEveryFormat) {
  open(QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  TopologyView* view = window->topology_view();
  QTest::mouseClick(view, Qt::LeftButton, {}, view->service_box("db").center().toPoint());
  ASSERT_EQ(window->curves_service(), "db");
  // Export Data as CSV writes what `stormglass-cli run --service db` writes.
  QTemporaryDir dir;
  const QString file = dir.filePath("chain.json");
  ASSERT_TRUE(window->save_file(file).isEmpty());
  QProcess cli;
  cli.start(QStringLiteral(STORMGLASS_CLI), {"run", file, "--service", "db"});
  ASSERT_TRUE(cli.waitForFinished(30000));
  ASSERT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
  EXPECT_EQ(window->shown_csv(), cli.readAllStandardOutput().toStdString());
  // The call graph at t = 320 s (the storm) in each format and at a slide's size.
  view->set_time(320);
  EXPECT_TRUE(window->call_graph_caption().endsWith("the call graph at t = 320 s")) << window->call_graph_caption().toStdString();
  for (const char* suffix : {"png", "pdf", "svg"}) {
    const QString out = dir.filePath(QStringLiteral("graph.") + suffix);
    ASSERT_TRUE(export_topology(*view, window->call_graph_caption(), out, {960, 540, 2}).isEmpty()) << suffix;
    QFile f(out);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly)) << suffix;
    const QByteArray bytes = f.readAll();
    EXPECT_GT(bytes.size(), 2000) << suffix;
    if (QByteArray(suffix) == "png") {
      const QImage image(out);
      EXPECT_EQ(image.size(), QSize(1920, 1080));
      // Drawn in the print palette: a white page, whatever the screen's theme.
      EXPECT_EQ(image.pixelColor(2, 2), QColor(Qt::white));
    }
    if (QByteArray(suffix) == "svg") {
      EXPECT_TRUE(bytes.contains("db")) << "the services are named";
      EXPECT_TRUE(bytes.contains("per user job")) << "the calls are labelled";
      EXPECT_TRUE(bytes.contains("in a storm")) << "the legend and the boxes say it";
    }
  }
  // The dashboard figure holds the call graph above the curves, at every
  // preset; without a graph it is the figure of one service.
  for (const char* preset : {"", "column", "slide"}) {
    const QString out = dir.filePath(QStringLiteral("dashboard-%1.svg").arg(QLatin1String(preset)));
    FigureSize size;
    if (const FigurePreset* p = find_figure_preset(QLatin1String(preset))) size = preset_figure_size(*p);
    ASSERT_TRUE(export_dashboard(*window->curves(), window->scenario(), window->shown()->health, out, size, view).isEmpty())
        << preset;
    QFile f(out);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    for (const char* text : {"api", "per user job", "in a storm", "goodput"}) EXPECT_TRUE(bytes.contains(text)) << preset << " " << text;
    const QString without = dir.filePath(QStringLiteral("curves-only-%1.svg").arg(QLatin1String(preset)));
    ASSERT_TRUE(export_dashboard(*window->curves(), window->scenario(), window->shown()->health, without, size).isEmpty());
    QFile g(without);
    ASSERT_TRUE(g.open(QIODevice::ReadOnly));
    EXPECT_FALSE(g.readAll().contains("per user job")) << preset;
  }
}

TEST_F(CallGraphTest, AChosenServicesAndItsCallsControlsEditTheirPathsWithOneUndoStepEach) {
  open(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  TopologyView* view = window->topology_view();
  // The entry first: its calls' controls.
  ASSERT_NE(window->control("server.calls.db.fan_out"), nullptr);
  EXPECT_EQ(window->control("services.db.capacity"), nullptr);
  QTest::mouseClick(view, Qt::LeftButton, {}, view->service_box("auth").center().toPoint());
  ParameterControl* capacity = window->control("services.auth.capacity");
  ASSERT_NE(capacity, nullptr);
  EXPECT_EQ(capacity->spin_box()->value(), 1500);
  EXPECT_EQ(capacity->spin_box()->suffix(), " attempts/s");  // the unit of a graph path
  ASSERT_NE(window->control("services.auth.calls.db.timeout_s"), nullptr);
  EXPECT_EQ(window->control("server.calls.db.fan_out"), nullptr);
  // An edit is one undo step, and undone it comes back.
  capacity->spin_box()->setValue(2500);
  capacity->spin_box()->editingFinished();
  EXPECT_EQ(window->scenario().services.at("auth").capacity, 2500);
  EXPECT_EQ(window->undo_stack()->count(), 1);
  // The step says the value with its unit, as the control shows it.
  EXPECT_TRUE(window->undo_stack()->undoText().endsWith(QStringLiteral("to 2500 attempts/s")))
      << window->undo_stack()->undoText().toStdString();
  window->undo_stack()->undo();
  EXPECT_EQ(window->scenario().services.at("auth").capacity, 1500);
  EXPECT_EQ(window->control("services.auth.capacity")->spin_box()->value(), 1500);
  // A scenario without calls has none of them.
  ASSERT_TRUE(window->open_file(QStringLiteral(":/scenarios/default.json")).isEmpty());
  EXPECT_EQ(window->control("services.auth.capacity"), nullptr);
  EXPECT_EQ(window->curves_service(), "server");
}

TEST_F(CallGraphTest, ServicesAndCallsAreAddedAndRemovedInOneUndoStepEachAndACycleIsRefused) {
  open(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  QUndoStack* undo = window->undo_stack();
  const std::string before = scenario_to_json(window->scenario());
  // A cycle (db -> auth while auth calls db) is refused, naming it, and nothing changes.
  const QString refused = window->add_call("db", "auth");
  EXPECT_TRUE(refused.contains("auth -> db -> auth") || refused.contains("db -> auth -> db")) << refused.toStdString();
  EXPECT_EQ(scenario_to_json(window->scenario()), before);
  EXPECT_EQ(undo->count(), 0);
  // A service called by db: one step, drawn once solved.
  ASSERT_TRUE(window->add_service("db").isEmpty());
  EXPECT_EQ(undo->count(), 1);
  EXPECT_TRUE(window->scenario().services.at("db").calls.count("service1"));
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(window->topology_view()->services(), (QStringList{"server", "auth", "db", "service1"}));
  // Removing auth takes server's call to it along, in one step; db is still reached.
  ASSERT_TRUE(window->remove_service("auth").isEmpty());
  EXPECT_EQ(undo->count(), 2);
  EXPECT_FALSE(window->scenario().services.count("auth"));
  EXPECT_FALSE(window->scenario().server.calls.count("auth"));
  // A call added and removed.
  EXPECT_FALSE(window->remove_call("server", "db").isEmpty());  // db would be reached by no call: refused
  EXPECT_TRUE(window->scenario().server.calls.count("db"));
  ASSERT_TRUE(window->add_call("server", "service1").isEmpty());
  ASSERT_TRUE(window->remove_call("db", "service1").isEmpty());
  EXPECT_EQ(undo->count(), 4);
  // Saved and reopened without loss.
  QTemporaryDir dir;
  const QString file = dir.filePath("edited.json");
  const std::string edited = scenario_to_json(window->scenario());
  ASSERT_TRUE(window->save_file(file).isEmpty());
  ASSERT_TRUE(window->open_file(file).isEmpty());
  EXPECT_EQ(scenario_to_json(window->scenario()), edited);
  // Undone step by step, back to graph.md's example.
  ASSERT_TRUE(window->open_file(QStringLiteral(":/scenarios/graphs/graph-md-example.json")).isEmpty());
  ASSERT_TRUE(window->add_service("server").isEmpty());
  ASSERT_TRUE(window->remove_service("service1").isEmpty());
  undo->undo();
  undo->undo();
  EXPECT_EQ(scenario_to_json(window->scenario()), before);
}

TEST_F(CallGraphTest, ACallsClientIsEditedLikeTheUsersPoliciesAndPresetsIncluded) {
  open(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  QUndoStack* undo = window->undo_stack();
  const Client users = window->scenario().client;
  // A client policy of the call server -> db, its check box bound to the
  // call's path: ticked, the call has it and the users do not.
  QCheckBox* envoy = window->policy_box("server.calls.db.concurrent_retry_budget");
  ASSERT_NE(envoy, nullptr);
  EXPECT_FALSE(envoy->isChecked());
  envoy->click();
  EXPECT_TRUE(window->scenario().server.calls.at("db").client.concurrent_retry_budget.enabled);
  EXPECT_FALSE(window->scenario().client.concurrent_retry_budget.enabled);
  EXPECT_EQ(undo->count(), 1);
  EXPECT_TRUE(undo->undoText().startsWith(QStringLiteral("Switch on"))) << undo->undoText().toStdString();
  // A call's policy fields show the call's values from the start (not the
  // users', not zeros): the graph's retry budget... here Envoy's defaults.
  ParameterControl* percent = window->control("server.calls.db.concurrent_retry_budget.budget_percent");
  ASSERT_NE(percent, nullptr);
  EXPECT_EQ(percent->spin_box()->value(), 20);  // Envoy's default
  EXPECT_EQ(percent->spin_box()->suffix(), " %");
  percent->spin_box()->setValue(50);
  percent->spin_box()->editingFinished();
  EXPECT_EQ(window->scenario().server.calls.at("db").client.concurrent_retry_budget.budget_percent, 50);
  EXPECT_EQ(undo->count(), 2);
  // The call's named-policy chooser: one preset, one undo step, the users' client untouched.
  const auto choosers = window->findChildren<QComboBox*>(QStringLiteral("call_policy_chooser"));
  ASSERT_EQ(choosers.size(), 2);  // the entry's calls: auth and db
  QComboBox* auth = choosers[0];
  // Linkerd's preset retries at once without limit: into auth, whose full
  // queue rejects at once, that loop has no end in no time, and the
  // validator's refusal is shown with nothing changed.
  const int linkerd = auth->findText(QStringLiteral("Linkerd retry budget"));
  ASSERT_GE(linkerd, 0);
  emit auth->activated(linkerd);
  EXPECT_TRUE(window->banner_text().contains(QStringLiteral("Linkerd retry budget not applied to the call server.calls.auth")))
      << window->banner_text().toStdString();
  EXPECT_EQ(undo->count(), 2);
  EXPECT_EQ(window->findChildren<QComboBox*>(QStringLiteral("call_policy_chooser"))[0]->currentText(), QStringLiteral("Custom"));
  // Envoy's is taken.
  const int envoy_preset = auth->findText(QStringLiteral("Envoy with retry budget"));
  ASSERT_GE(envoy_preset, 0);
  emit window->findChildren<QComboBox*>(QStringLiteral("call_policy_chooser"))[0]->activated(envoy_preset);
  const Client& call = window->scenario().server.calls.at("auth").client;
  ASSERT_TRUE(matching_policy(call, true));
  EXPECT_EQ(client_policies()[*matching_policy(call, true)].name, "Envoy with retry budget");
  EXPECT_TRUE(call.concurrent_retry_budget.enabled);
  EXPECT_EQ(call.max_attempts, 2);
  EXPECT_EQ(call.timeout_s, 2);  // the call's own timeout, not the preset's 5 s
  Scenario users_now, users_before;
  users_now.client = window->scenario().client;
  users_before.client = users;
  EXPECT_EQ(scenario_to_json(users_now), scenario_to_json(users_before));
  EXPECT_EQ(undo->count(), 3);
  EXPECT_EQ(window->findChildren<QComboBox*>(QStringLiteral("call_policy_chooser"))[0]->currentText(),
            QStringLiteral("Envoy with retry budget"));
  // Saved and reopened without loss.
  QTemporaryDir dir;
  const QString file = dir.filePath("calls.json");
  const std::string edited = scenario_to_json(window->scenario());
  ASSERT_TRUE(window->save_file(file).isEmpty());
  ASSERT_TRUE(window->open_file(file).isEmpty());
  EXPECT_EQ(scenario_to_json(window->scenario()), edited);
  EXPECT_TRUE(window->policy_box("server.calls.db.concurrent_retry_budget")->isChecked());
}

TEST_F(CallGraphTest, ACallPassesItsDeadlineOnFromItsCheckBoxInOneUndoStep) {
  // Issue 11, item 3: deadline propagation (docs/model.md 11.17) on every
  // call, bound to the call's path.
  // graph.md's example runs an hour at 0.02 s steps: its deadline groups
  // would keep more cohort records than a run may, and the box is refused
  // before anything changes, naming the field.
  open(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  QUndoStack* undo = window->undo_stack();
  auto boxes = window->findChildren<QCheckBox*>(QStringLiteral("call_deadline_box"));
  ASSERT_EQ(boxes.size(), 2);  // the entry's calls: auth and db
  boxes[1]->click();
  EXPECT_EQ(undo->count(), 0);
  EXPECT_FALSE(window->scenario().server.calls.at("db").propagate_deadline);
  EXPECT_TRUE(window->banner_text().contains(QStringLiteral("cohort records"))) << window->banner_text().toStdString();
  EXPECT_FALSE(window->findChildren<QCheckBox*>(QStringLiteral("call_deadline_box"))[1]->isChecked());
  // Five minutes of it are taken.
  window->set_parameter("duration_s", "300");
  ASSERT_TRUE(wait_for_run(*window));
  ASSERT_EQ(undo->count(), 1);
  boxes = window->findChildren<QCheckBox*>(QStringLiteral("call_deadline_box"));
  QCheckBox* db = boxes[1];
  EXPECT_FALSE(db->isChecked());
  db->click();
  EXPECT_TRUE(window->scenario().server.calls.at("db").propagate_deadline);
  EXPECT_FALSE(window->scenario().server.calls.at("auth").propagate_deadline);
  EXPECT_EQ(undo->count(), 2);
  EXPECT_TRUE(undo->undoText().startsWith(QStringLiteral("Switch on"))) << undo->undoText().toStdString();
  ASSERT_TRUE(wait_for_run(*window));
  // The curves are the CLI's run of the same setting.
  const std::vector<ServiceRun> runs = solve_services(window->scenario());
  const QVector<double> offered = window->curves()->curve("offered");
  ASSERT_EQ(static_cast<std::size_t>(offered.size()), runs.front().run.intervals.size());
  for (int k : {60, 120, 250}) EXPECT_EQ(offered[k], runs.front().run.intervals[static_cast<std::size_t>(k)].offered) << k;
  // With a client policy on the same call it is refused, naming the field, nothing changed.
  window->policy_box("server.calls.db.retry_budget")->click();
  EXPECT_EQ(undo->count(), 2);
  EXPECT_TRUE(window->banner_text().contains(QStringLiteral("server.calls.db"))) << window->banner_text().toStdString();
  EXPECT_FALSE(window->scenario().server.calls.at("db").client.retry_budget.enabled);
  // Saved and reopened without loss; undone, the box clears.
  QTemporaryDir dir;
  const QString file = dir.filePath("deadline.json");
  ASSERT_TRUE(window->save_file(file).isEmpty());
  ASSERT_TRUE(window->open_file(file).isEmpty());
  EXPECT_TRUE(window->scenario().server.calls.at("db").propagate_deadline);
  EXPECT_TRUE(window->findChildren<QCheckBox*>(QStringLiteral("call_deadline_box"))[1]->isChecked());
  window->findChildren<QCheckBox*>(QStringLiteral("call_deadline_box"))[1]->click();
  EXPECT_FALSE(window->scenario().server.calls.at("db").propagate_deadline);
  window->undo_stack()->undo();
  EXPECT_TRUE(window->scenario().server.calls.at("db").propagate_deadline);
  EXPECT_TRUE(window->findChildren<QCheckBox*>(QStringLiteral("call_deadline_box"))[1]->isChecked());
}

TEST_F(CallGraphTest, RetryingAtOneLayerGivesEveryCallOneAttemptInOneUndoStep) {
  open(QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  const std::string before = scenario_to_json(window->scenario());
  const auto users_attempts = window->scenario().client.max_attempts;
  ASSERT_FALSE(retries_at_one_layer(window->scenario()));
  ASSERT_TRUE(window->retry_at_one_layer_only().isEmpty());
  for (const CallSite& site : call_sites(window->scenario())) EXPECT_EQ(site.call->client.max_attempts, 1) << site.path;
  EXPECT_EQ(window->scenario().client.max_attempts, users_attempts);  // the users keep theirs
  EXPECT_TRUE(retries_at_one_layer(window->scenario()));
  EXPECT_EQ(window->undo_stack()->count(), 1);
  window->undo_stack()->undo();
  EXPECT_EQ(scenario_to_json(window->scenario()), before);
  // A scenario without calls has nothing to set.
  ASSERT_TRUE(window->open_file(QStringLiteral(":/scenarios/default.json")).isEmpty());
  EXPECT_FALSE(window->retry_at_one_layer_only().isEmpty());
}

TEST_F(CallGraphTest, AServiceHasItsOwnOutageAndServerPoliciesAndItsMenuOnARightClick) {
  open(QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  TopologyView* view = window->topology_view();
  // The left panel's Trigger group is the entry's: it says where this
  // scenario's outage is.
  EXPECT_TRUE(trigger_note(window->scenario()).contains(QStringLiteral("outage is at db"))) << trigger_note(window->scenario()).toStdString();
  // A right click chooses the service and opens Edit > Call Graph for it.
  QSignalSpy menu(view, &TopologyView::service_menu_requested);
  const QPoint db = view->service_box("db").center().toPoint();
  QContextMenuEvent click(QContextMenuEvent::Mouse, db, view->mapToGlobal(db));
  QCoreApplication::sendEvent(view, &click);
  ASSERT_EQ(menu.count(), 1);
  EXPECT_EQ(menu.front().front().toString(), QStringLiteral("db"));
  EXPECT_EQ(window->curves_service(), "db");
  if (auto* popup = window->findChild<QMenu*>(QStringLiteral("graph_menu"))) popup->hide();
  // db's own outage and server policies, bound to its paths.
  ParameterControl* factor = window->control("services.db.outage.capacity_factor");
  ASSERT_NE(factor, nullptr);
  EXPECT_NEAR(factor->spin_box()->value(), window->scenario().services.at("db").outage.capacity_factor, 1e-9);
  QCheckBox* stop = window->policy_box("services.db.stop_signal");
  ASSERT_NE(stop, nullptr);
  stop->click();
  EXPECT_TRUE(window->scenario().services.at("db").stop_signal.enabled);
  EXPECT_FALSE(window->scenario().server.stop_signal.enabled);
  EXPECT_EQ(window->undo_stack()->count(), 1);
  ASSERT_NE(window->policy_box("services.db.admission"), nullptr);
  ASSERT_NE(window->policy_box("services.db.autoscaling"), nullptr);
}

TEST_F(CallGraphTest, TheReplayMovesAtTheSpeedChosen) {
  open(QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  TopologyView* view = window->topology_view();
  // 1800 one-second intervals: a tick moves 1800 / 600 = 3 intervals at 1x, 12 at 4x.
  view->set_time(100);
  view->set_speed(4);
  QSignalSpy moved(view, &TopologyView::time_changed);
  view->play();
  ASSERT_TRUE(moved.wait(2000));
  view->pause();
  EXPECT_DOUBLE_EQ(moved.front().front().toDouble(), 112);
  view->set_speed(0.25);  // a tick every 4 at 1x's pace: 0.75 interval a tick
  view->set_time(200);
  moved.clear();
  view->play();
  ASSERT_TRUE(moved.wait(2000));
  view->pause();
  EXPECT_DOUBLE_EQ(moved.front().front().toDouble(), 201);
  view->set_speed(100);
  EXPECT_EQ(view->speed(), 4);  // clamped to the chooser's range
}

}  // namespace
}  // namespace sg::ui
