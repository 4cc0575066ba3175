// The dashboard as a user drives it, offscreen.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QMenu>
#include <QDoubleSpinBox>
#include <QFile>
#include <QProcess>
#include <QPushButton>
#include <QTableWidget>
#include <QSettings>
#include <QWheelEvent>
#include <QSignalSpy>
#include <QTest>
#include <QSlider>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QUndoStack>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

#include <gtest/gtest.h>

#include <QDirIterator>
#include <QFileInfo>
#include <QHelpEvent>
#include <QRegularExpression>
#include <QToolTip>
#include "analysis/parameter_map.h"
#include "capacity_schedule_editor.h"
#include "dashboard_text.h"
#include "figure_export.h"
#include "help.h"
#include "hysteresis_view.h"
#include "legend_swatch.h"
#include "legend_tooltip.h"
#include "load_curves_view.h"
#include "main_window.h"
#include "model/fluid_solver.h"
#include "parameter_control.h"
#include "qcustomplot.h"
#include "scenario/client_policies.h"
#include "scenario/parameters.h"
#include "summary_view.h"
#include "scenario/policy_fields.h"
#include "scenario/scenario_file.h"
#include "stability_map_view.h"
#include "window_waits.h"

namespace sg::ui {
namespace {

using test::wait_for_run;

struct DashboardTest : ::testing::Test {
  void SetUp() override {
    window = std::make_unique<MainWindow>(false);
    window->resize(1280, 800);
    ASSERT_TRUE(wait_for_run(*window));
  }
  std::unique_ptr<MainWindow> window;
  QTemporaryDir dir;
};

TEST_F(DashboardTest, OpensOnTheDefaultScenarioInAStorm) {
  EXPECT_EQ(window->scenario().demand.base_rate, 800);
  EXPECT_EQ(window->scenario().server.capacity, 1000);
  // Healthy before the surge (goodput 800/s), collapsed to the end (goodput 0).
  QVector<double> goodput = window->curves()->curve("goodput");
  ASSERT_EQ(goodput.size(), 3600);
  EXPECT_NEAR(goodput[100], 800, 1e-9);
  EXPECT_NEAR(goodput.back(), 0, 1e-9);
  EXPECT_TRUE(window->summary_text().contains("Still in a storm at the end")) << window->summary_text().toStdString();
  EXPECT_TRUE(window->summary_text().contains("at t = 600 s")) << window->summary_text().toStdString();
  EXPECT_EQ(window->policy_chooser()->currentText(), "Exponential backoff, full jitter");
}

TEST_F(DashboardTest, MovingTheCapacitySliderChangesTheCurves) {
  QVector<double> before = window->curves()->curve("goodput");
  QSlider* slider = window->control("server.capacity")->slider();
  slider->setValue(slider->value() + 150);  // 150 of 1000 notches on a 0-2000/s slider: +300/s
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(window->scenario().server.capacity, 1300);
  QVector<double> after = window->curves()->curve("goodput");
  EXPECT_NE(before, after);
  // The plotted run is the new scenario's run, value for value.
  RunResult expected = solve(window->scenario());
  for (int i = 0; i < after.size(); ++i)
    ASSERT_EQ(after[i], expected.intervals[static_cast<std::size_t>(i)].goodput) << i;
}

TEST_F(DashboardTest, PlottedCurvesEqualTheCommandLineRun) {
  window->set_parameter("server.queue_limit", "2500");
  window->set_parameter("client.backoff.jitter", "decorrelated");
  // Policies that make every curve of the policies non-zero somewhere:
  // admission sheds, the stop signal stops, the budget denies, autoscaling
  // moves capacity, adaptive throttling refuses locally.
  window->set_parameter("server.admission.start_s", "700");
  window->set_parameter("server.stop_signal.start_s", "800");
  window->set_parameter("server.autoscaling", "true");
  window->set_parameter("client.retry_budget", "true");
  window->set_parameter("client.adaptive_throttling", "true");
  ASSERT_TRUE(wait_for_run(*window));
  for (const char* name : {"capacity", "throttled", "denied", "stopped", "shed"}) {
    QVector<double> v = window->curves()->curve(name);
    EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return x > 0; })) << name;
  }
  const QString file = dir.filePath("shown.json");
  ASSERT_TRUE(window->save_file(file).isEmpty());
  QProcess cli;
  cli.start(QStringLiteral(STORMGLASS_CLI), {"run", file});
  ASSERT_TRUE(cli.waitForFinished(30000));
  ASSERT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
  QList<QByteArray> lines = cli.readAllStandardOutput().split('\n');
  QList<QByteArray> header = lines[0].split(',');
  ASSERT_EQ(lines.size() - 2, window->curves()->times().size());  // header and the final newline
  for (const QString& name : LoadCurvesView::curve_names()) {
    int column = header.indexOf(name.toUtf8());
    // A single service's rows have no failed and waiting (spec/graph.md: a
    // graph's run adds them); its curves are zero and not drawn.
    if (column < 0 && (name == QLatin1String("failed") || name == QLatin1String("waiting"))) {
      const QVector<double> v = window->curves()->curve(name);
      EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](double x) { return x == 0; })) << name.toStdString();
      continue;
    }
    ASSERT_GE(column, 0) << name.toStdString();
    QVector<double> plotted = window->curves()->curve(name);
    for (int i = 0; i < plotted.size(); ++i) {
      double printed = lines[i + 1].split(',')[column].toDouble();
      // The CSV has 10 significant digits.
      ASSERT_NEAR(plotted[i], printed, 1e-9 * std::max(1.0, std::fabs(printed))) << name.toStdString() << " row " << i;
    }
  }
}

TEST_F(DashboardTest, ChoosingAPolicySetsItsKnobsAndAKnobMakesItCustom) {
  int immediate = -1;
  for (std::size_t i = 0; i < client_policies().size(); ++i)
    if (client_policies()[i].name == "Immediate retry, 3 attempts") immediate = static_cast<int>(i);
  ASSERT_GE(immediate, 0);
  window->choose_policy(immediate);
  EXPECT_EQ(window->scenario().client.backoff.base_s, 0);
  EXPECT_EQ(window->control("client.backoff.base_s")->spin_box()->value(), 0);
  EXPECT_EQ(window->control("client.max_attempts")->spin_box()->value(), 3);
  EXPECT_EQ(window->policy_chooser()->currentText(), "Immediate retry, 3 attempts");
  // Changing any knob: the chooser says custom.
  window->control("client.timeout_s")->spin_box()->setValue(7);
  EXPECT_EQ(window->scenario().client.timeout_s, 7);
  EXPECT_EQ(window->policy_chooser()->currentText(), "Custom");
}

TEST_F(DashboardTest, UndoRestoresThePreviousCurves) {
  QVector<double> original = window->curves()->curve("offered");
  window->control("demand.base_rate")->spin_box()->setValue(300);
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_NE(window->curves()->curve("offered"), original);
  window->undo_stack()->undo();
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(window->scenario().demand.base_rate, 800);
  EXPECT_EQ(window->control("demand.base_rate")->spin_box()->value(), 800);
  EXPECT_EQ(window->curves()->curve("offered"), original);
  window->undo_stack()->redo();
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(window->scenario().demand.base_rate, 300);
}

TEST_F(DashboardTest, TheWheelOverAnUnfocusedSliderScrollsInsteadOfEditing) {
  QSlider* slider = window->control("server.capacity")->slider();
  const int before = slider->value();
  QWheelEvent wheel(QPointF(5, 5), QPointF(5, 5), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(slider, &wheel);
  EXPECT_EQ(slider->value(), before);
  EXPECT_EQ(window->scenario().server.capacity, 1000);
}

TEST_F(DashboardTest, UntickingNoneGivesAUsefulQueueLimit) {
  ParameterControl* limit = window->control("server.queue_limit");
  ASSERT_TRUE(limit->special_box()->isChecked());
  limit->special_box()->setChecked(false);
  EXPECT_EQ(window->scenario().server.queue_limit, 2000);  // not 1
}

TEST_F(DashboardTest, DraggingASliderIsOneUndoStep) {
  QSlider* slider = window->control("demand.base_rate")->slider();
  const int start = slider->value();
  for (int i = 1; i <= 10; ++i) slider->setValue(start - 10 * i);
  EXPECT_EQ(window->undo_stack()->count(), 1);
  EXPECT_TRUE(window->undo_stack()->text(0).contains(QString::number(window->scenario().demand.base_rate)))
      << window->undo_stack()->text(0).toStdString();  // the merged step names the final value
  window->undo_stack()->undo();
  EXPECT_EQ(window->scenario().demand.base_rate, 800);
}

TEST_F(DashboardTest, SeparateEditsOfOneParameterAreSeparateUndoSteps) {
  // Typed values: each its own step (a review found them merged).
  window->control("server.capacity")->spin_box()->setValue(1200);
  window->control("server.capacity")->spin_box()->setValue(1500);
  EXPECT_EQ(window->undo_stack()->count(), 2);
  window->undo_stack()->undo();
  EXPECT_EQ(window->scenario().server.capacity, 1200);
  // Two drags, the slider let go in between: two steps.
  QSlider* slider = window->control("demand.base_rate")->slider();
  slider->setValue(slider->value() + 5);
  slider->setValue(slider->value() + 5);
  emit slider->sliderReleased();
  slider->setValue(slider->value() + 5);
  EXPECT_EQ(window->undo_stack()->count(), 3);  // capacity 1200, first drag, second drag
}

TEST_F(DashboardTest, SavedAndReopenedScenarioGivesTheSameCurves) {
  window->set_parameter("server.capacity", "1234");
  window->set_parameter("server.drop_expired", "true");
  ASSERT_TRUE(wait_for_run(*window));
  QVector<double> curves = window->curves()->curve("goodput");
  const QString file = dir.filePath("saved.json");
  ASSERT_TRUE(window->save_file(file).isEmpty());
  MainWindow reopened(false);
  ASSERT_TRUE(wait_for_run(reopened));
  ASSERT_TRUE(reopened.open_file(file).isEmpty());
  ASSERT_TRUE(wait_for_run(reopened));
  EXPECT_EQ(reopened.scenario().server.capacity, 1234);
  EXPECT_TRUE(reopened.scenario().server.drop_expired);
  EXPECT_EQ(reopened.curves()->curve("goodput"), curves);
}

TEST_F(DashboardTest, ABrokenFileLeavesTheDashboardUnchangedAndSaysWhy) {
  const QString file = dir.filePath("broken.json");
  QFile f(file);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write(R"({"server": {"capacity": -5}})");
  f.close();
  Scenario before = window->scenario();
  QVector<double> curves = window->curves()->curve("offered");
  QString error = window->open_file(file);
  EXPECT_TRUE(error.contains("server.capacity")) << error.toStdString();
  EXPECT_TRUE(error.contains("-5")) << error.toStdString();
  EXPECT_TRUE(window->banner_text().contains("server.capacity")) << window->banner_text().toStdString();
  EXPECT_EQ(scenario_to_json(window->scenario()), scenario_to_json(before));
  EXPECT_EQ(window->curves()->curve("offered"), curves);
  EXPECT_EQ(window->undo_stack()->count(), 0);
}

TEST_F(DashboardTest, ARefusedCombinationIsExplainedAndNotApplied) {
  // Unlimited immediate retries against a queue limit: refused by spec/system.md.
  window->set_parameter("server.queue_limit", "100");
  int unlimited = -1;
  for (std::size_t i = 0; i < client_policies().size(); ++i)
    if (client_policies()[i].name == "Immediate retry, unlimited") unlimited = static_cast<int>(i);
  window->choose_policy(unlimited);
  EXPECT_TRUE(window->banner_text().contains("client.max_attempts")) << window->banner_text().toStdString();
  EXPECT_EQ(window->scenario().client.max_attempts, 3);
}

TEST_F(DashboardTest, EachExportWritesAValidFile) {
  struct Kind {
    const char* suffix;
    QByteArray magic;
  };
  for (Kind k : {Kind{"png", QByteArray("\x89PNG", 4)}, Kind{"pdf", "%PDF-"}, Kind{"svg", "<?xml"}}) {
    for (bool whole : {false, true}) {
      const QString path = dir.filePath(QStringLiteral("%1.%2").arg(whole ? "dashboard" : "curves", k.suffix));
      QString error = whole ? export_dashboard(*window->curves(), window->scenario(), window->shown()->health, path,
                                               {1280, 800, 2})
                            : export_curves(*window->curves(), path, {1280, 800, 1});
      ASSERT_TRUE(error.isEmpty()) << error.toStdString();
      QFile f(path);
      ASSERT_TRUE(f.open(QIODevice::ReadOnly)) << path.toStdString();
      QByteArray bytes = f.readAll();
      EXPECT_GT(bytes.size(), 10000) << path.toStdString();
      EXPECT_TRUE(bytes.startsWith(k.magic)) << path.toStdString();
      if (QString(k.suffix) == "svg") {
        EXPECT_TRUE(bytes.contains("<svg")) << path.toStdString();
      }
      if (QString(k.suffix) == "png") {
        QImage image(path);
        EXPECT_EQ(image.width(), whole ? 2560 : 1280);  // the scale doubles a dashboard's pixels
      }
    }
  }
  EXPECT_FALSE(export_curves(*window->curves(), dir.filePath("figure.gif")).isEmpty());
  EXPECT_FALSE(export_curves(*window->curves(), "/nonexistent/folder/figure.png").isEmpty());
}

TEST_F(DashboardTest, PinningKeepsAFadedRunAndClearRemovesIt) {
  const int graphs = window->curves()->plot()->graphCount();
  window->pin_current_run();
  EXPECT_EQ(window->pinned_count(), 1u);
  EXPECT_EQ(window->curves()->plot()->graphCount(), 2 * graphs);
  window->set_parameter("server.queue_limit", "2000");
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(window->curves()->plot()->graphCount(), 2 * graphs);  // the pin stays
  // It is named by what sets it apart from the run in force now.
  bool named = false;
  for (int i = 0; i < window->curves()->plot()->graphCount(); ++i)
    named = named || window->curves()->plot()->graph(i)->name() == "pinned: queue limit none";
  EXPECT_TRUE(named);
  window->clear_pins();
  EXPECT_EQ(window->pinned_count(), 0u);
  EXPECT_EQ(window->curves()->plot()->graphCount(), graphs);
}

TEST_F(DashboardTest, ReadoutGivesEveryCurveUnderTheCursor) {
  window->curves()->show_readout_at(1000);
  QString text = window->curves()->readout_text();
  // At t = 1000 s the example is collapsed: 2400 attempts/s offered, all 1000/s of service wasted,
  // backlog 800 x (0.05 + 0.1) = 120 jobs (docs/model.md, 7.6).
  for (const char* name : {"demand 800", "offered 2,400", "goodput 0", "wasted 1,000", "queue 1,607,840", "backlog 120", "wait 1,608 s"})
    EXPECT_TRUE(text.contains(QString::fromLatin1(name))) << name << " in " << text.toStdString();
}

TEST_F(DashboardTest, TheReadoutFollowsTheRunShownAtTheSameTime) {
  // A review found the readout still giving the previous scenario's values
  // after another one was opened.
  window->curves()->show_readout_at(1998);
  const QString before = window->curves()->readout_text();
  ASSERT_TRUE(window->open_file(QStringLiteral(":/scenarios/teaching/04-retry-budget.json")).isEmpty());
  ASSERT_TRUE(wait_for_run(*window));
  const QString after = window->curves()->readout_text();
  EXPECT_NE(after, before);
  EXPECT_TRUE(after.startsWith("t = 1,998 s")) << after.toStdString();
  window->curves()->show_readout_at(1998);  // what the mouse would read there now
  EXPECT_EQ(window->curves()->readout_text(), after);
  // A parameter change too: capacity 1300 reads 1,300 on the capacity curve.
  window->set_parameter("server.capacity", "1300");
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_TRUE(window->curves()->readout_text().contains("capacity 1,300")) << window->curves()->readout_text().toStdString();
  // A horizon that ends before the cursor: the readout clears.
  window->set_parameter("duration_s", "1000");
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_TRUE(window->curves()->readout_text().startsWith("Move the mouse")) << window->curves()->readout_text().toStdString();
}

/// The caption with ordinary spaces (its items hold non-breaking ones and word joiners).
QString plain_caption(const MainWindow& w) {
  return w.curves()->caption().replace(QChar(0x00A0), QLatin1Char(' ')).remove(QChar(0x2060));
}

TEST_F(DashboardTest, TheCaptionNamesThePoliciesThatAreOn) {
  window->set_parameter("client.backoff.jitter", "none");
  window->set_parameter("client.timeout_s", "7");  // no preset has it: custom
  ASSERT_TRUE(wait_for_run(*window));
  // Custom: the knobs, with "no jitter" (not "none jitter").
  EXPECT_TRUE(plain_caption(*window).contains("timeout 7 s · 3 attempts · backoff 0.1 s x2 to 20 s, no jitter"))
      << plain_caption(*window).toStdString();
  EXPECT_FALSE(plain_caption(*window).contains("retry budget"));
  window->set_parameter("client.retry_budget", "true");  // the defaults: 10 % of jobs started over 10 s
  window->set_parameter("server.admission", "true");
  window->set_parameter("server.admission.start_s", "3600");
  window->set_parameter("server.admission.duration_s", "1800");
  ASSERT_TRUE(wait_for_run(*window));
  const QString caption = plain_caption(*window);
  EXPECT_TRUE(caption.contains("retry budget 10 % / 10 s")) << caption.toStdString();
  EXPECT_TRUE(caption.contains("admission 50 % 3600-5400 s")) << caption.toStdString();
  // Two lines: the system with its server policies, then the client with its own.
  EXPECT_EQ(caption.count('\n'), 1);
  EXPECT_TRUE(caption.section('\n', 1).contains("retry budget")) << caption.toStdString();
  // A named policy: its name, and the settings of the policies it switches on.
  for (std::size_t i = 0; i < client_policies().size(); ++i)
    if (client_policies()[i].name == "resilience4j defaults") window->choose_policy(static_cast<int>(i));
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_TRUE(plain_caption(*window).section('\n', 1).startsWith("resilience4j defaults · breaker 50 % of ≥100 calls / 60 s open"))
      << plain_caption(*window).toStdString();
}

TEST_F(DashboardTest, OpeningAnotherScenarioClearsThePins) {
  window->pin_current_run();
  window->set_parameter("server.capacity", "1100");  // a parameter change keeps them
  EXPECT_EQ(window->pinned_count(), 1u);
  ASSERT_TRUE(window->open_file(QStringLiteral(":/scenarios/teaching/04-retry-budget.json")).isEmpty());
  EXPECT_EQ(window->pinned_count(), 0u);
  ASSERT_TRUE(wait_for_run(*window));
  for (int i = 0; i < window->curves()->plot()->graphCount(); ++i)
    EXPECT_FALSE(window->curves()->plot()->graph(i)->name().startsWith("pinned")) << i;
}

TEST_F(DashboardTest, UntickingAPolicyFoldsItsFieldsAndTheyReadAsWords) {
  QCheckBox* box = window->policy_box("client.retry_budget");
  ParameterControl* ratio = window->control("client.retry_budget.ratio");
  box->click();
  EXPECT_TRUE(ratio->isVisibleTo(window.get()));
  box->click();
  EXPECT_FALSE(window->scenario().client.retry_budget.enabled);
  EXPECT_FALSE(ratio->isVisibleTo(window.get()));
  EXPECT_FALSE(ratio->isEnabled());
  EXPECT_EQ(policy_field_label("client.retry_budget.min_per_s"), "Minimum retries/s");
  EXPECT_EQ(policy_field_label("server.stop_signal.start_s"), "Start");
  EXPECT_EQ(policy_field_label("client.adaptive_throttling.window_s"), "Window");
  EXPECT_EQ(policy_field_label("client.retry_throttling.max_tokens"), "Maximum tokens");
}

TEST_F(DashboardTest, ANewerRequestSupersedesOlderOnes) {
  QSignalSpy shown(window.get(), &MainWindow::run_shown);
  // Twenty changes in a row, as a fast drag would make, before any result returns.
  for (int i = 0; i < 20; ++i) window->set_parameter("demand.base_rate", std::to_string(300 + 10 * i));
  ASSERT_TRUE(wait_for_run(*window));
  QTest::qWait(200);
  EXPECT_EQ(window->shown()->scenario.demand.base_rate, 490);
  EXPECT_LT(shown.count(), 20);  // older requests were dropped or cancelled, not all shown
}

TEST_F(DashboardTest, ClickingALegendEntryHidesAndShowsItsCurve) {
  window->show();
  QCustomPlot* plot = window->curves()->plot();
  plot->replot();
  QCPGraph* goodput = nullptr;
  for (int i = 0; i < plot->graphCount(); ++i)
    if (plot->graph(i)->name() == "goodput") goodput = plot->graph(i);
  ASSERT_NE(goodput, nullptr);
  QCPPlottableLegendItem* entry = nullptr;
  for (QCPLegend* legend : plot->findChildren<QCPLegend*>())
    if (auto* item = legend->itemWithPlottable(goodput)) entry = item;
  ASSERT_NE(entry, nullptr);
  const QPoint center = entry->rect().center();
  QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, center);
  EXPECT_FALSE(goodput->visible());
  QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, center);
  EXPECT_TRUE(goodput->visible());
}

TEST_F(DashboardTest, WheelZoomsTimeAndResetShowsTheWholeRun) {
  window->show();
  QCustomPlot* plot = window->curves()->plot();
  plot->replot();
  QCPAxis* time = plot->axisRect(0)->axis(QCPAxis::atBottom);
  ASSERT_DOUBLE_EQ(time->range().upper, 3600);
  QPoint middle = plot->axisRect(0)->rect().center();
  QWheelEvent wheel(middle, plot->mapToGlobal(middle), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(plot, &wheel);
  EXPECT_LT(time->range().size(), 3600 * 0.9);  // zoomed in on time
  window->curves()->reset_zoom();
  EXPECT_DOUBLE_EQ(time->range().lower, 0);
  EXPECT_DOUBLE_EQ(time->range().upper, 3600);
}

TEST_F(DashboardTest, APolicyCheckBoxSwitchesItsFlagInOneUndoStepAndGreysItsFields) {
  QCheckBox* box = window->policy_box("client.retry_budget");
  ASSERT_NE(box, nullptr);
  ParameterControl* ratio = window->control("client.retry_budget.ratio");
  ASSERT_NE(ratio, nullptr);
  EXPECT_FALSE(box->isChecked());
  EXPECT_FALSE(ratio->isEnabled());  // off: its fields are greyed out
  box->click();
  EXPECT_TRUE(window->scenario().client.retry_budget.enabled);
  EXPECT_EQ(get_text(window->scenario(), "client.retry_budget"), "true");
  EXPECT_TRUE(ratio->isEnabled());
  EXPECT_EQ(window->undo_stack()->count(), 1);
  window->undo_stack()->undo();
  EXPECT_FALSE(window->scenario().client.retry_budget.enabled);
  EXPECT_FALSE(box->isChecked());
  EXPECT_FALSE(ratio->isEnabled());
  // Every policy of the table has its check box and a control per field.
  for (const PolicyObject& p : policy_objects()) {
    EXPECT_NE(window->policy_box(p.path), nullptr) << p.path;
    for (const PolicyField& f : p.fields) EXPECT_NE(window->control(field_path(p, f)), nullptr) << p.path << f.key;
  }
  EXPECT_NE(window->control("client.instances"), nullptr);
}

TEST_F(DashboardTest, ChoosingAPolicyKeepsTheChooserAndPolicyBoxesInStep) {
  // A preset may carry client policy objects: after choosing it, the chooser
  // names it and the boxes show what it switched on.
  for (std::size_t i = 0; i < client_policies().size(); ++i) {
    window->choose_policy(static_cast<int>(i));
    if (!window->banner_text().isEmpty()) continue;  // refused against this server
    EXPECT_EQ(window->policy_chooser()->currentText().toStdString(), client_policies()[i].name);
    Scenario s = window->scenario();
    for (const PolicyObject& p : policy_objects())
      EXPECT_EQ(window->policy_box(p.path)->isChecked(), *p.enabled(s)) << client_policies()[i].name << " " << p.path;
  }
}

using Steps = std::vector<std::pair<double, double>>;

/// The capacity curve's value over the interval that ends at t (step 1 s).
double capacity_at(const MainWindow& w, int t) { return w.curves()->curve("capacity")[t - 1]; }

/// Types `text` into a cell of the schedule's table, as a committed edit.
void type_cell(MainWindow& w, int row, int column, const QString& text) {
  w.capacity_schedule_editor()->table()->item(row, column)->setText(text);
}

TEST_F(DashboardTest, EditingTheCapacityScheduleChangesTheScenarioTheCurveAndTheMap) {
  QCheckBox* box = window->capacity_schedule_box();
  CapacityScheduleEditor* editor = window->capacity_schedule_editor();
  ASSERT_NE(box, nullptr);
  EXPECT_FALSE(box->isChecked());
  EXPECT_TRUE(editor->isHidden());
  // Ticked on an empty schedule: one step at half the 3600 s run, 1.5 x the capacity of 1000/s.
  box->click();
  EXPECT_EQ(window->scenario().server.capacity_schedule, (Steps{{1800, 1500}}));
  EXPECT_FALSE(editor->isHidden());
  EXPECT_EQ(editor->table()->rowCount(), 1);
  EXPECT_EQ(window->undo_stack()->count(), 1);
  const quint64 map_before = window->maps()->latest();
  type_cell(*window, 0, 1, "2000");
  EXPECT_EQ(window->scenario().server.capacity_schedule, (Steps{{1800, 2000}}));
  EXPECT_EQ(window->undo_stack()->count(), 2);  // one committed edit, one step
  EXPECT_GT(window->maps()->latest(), map_before);  // the map follows
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(capacity_at(*window, 1000), 1000);  // before the step: server.capacity
  EXPECT_EQ(capacity_at(*window, 2000), 2000);  // after it: the step's capacity
  // Add step: halfway from the last step to the end of the run, same capacity.
  editor->add_button()->click();
  EXPECT_EQ(window->scenario().server.capacity_schedule, (Steps{{1800, 2000}, {2700, 2000}}));
  type_cell(*window, 1, 1, "500");
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(capacity_at(*window, 3000), 500);
  EXPECT_EQ(window->undo_stack()->count(), 4);
  // Undo: the previous schedule, in the scenario and the table.
  window->undo_stack()->undo();
  EXPECT_EQ(window->scenario().server.capacity_schedule, (Steps{{1800, 2000}, {2700, 2000}}));
  EXPECT_EQ(editor->table()->item(1, 1)->text(), "2000");
  window->undo_stack()->undo();
  EXPECT_EQ(window->scenario().server.capacity_schedule, (Steps{{1800, 2000}}));
  EXPECT_EQ(editor->table()->rowCount(), 1);
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(capacity_at(*window, 3000), 2000);
}

TEST_F(DashboardTest, ABadCapacityStepIsRefusedAndTheScheduleInForceStays) {
  window->capacity_schedule_box()->click();
  window->capacity_schedule_editor()->add_button()->click();  // {1800, 1500}, {2700, 1500}
  const Steps good{{1800, 1500}, {2700, 1500}};
  ASSERT_EQ(window->scenario().server.capacity_schedule, good);
  const int steps = window->undo_stack()->count();
  struct Bad {
    int row, column;
    const char* text;
    const char* field;
  };
  for (Bad bad : {Bad{0, 1, "lots", "server.capacity_schedule[0]"}, Bad{1, 1, "-5", "server.capacity_schedule[1]"},
                  Bad{1, 0, "100", "server.capacity_schedule[1]"}}) {  // before the step at 1800 s
    type_cell(*window, bad.row, bad.column, bad.text);
    EXPECT_TRUE(window->banner_text().contains(bad.field)) << window->banner_text().toStdString();
    EXPECT_TRUE(window->banner_text().contains(QStringLiteral("value %1").arg(bad.text)))
        << window->banner_text().toStdString();
    EXPECT_EQ(window->scenario().server.capacity_schedule, good) << bad.text;
    EXPECT_EQ(window->undo_stack()->count(), steps);
    // The table shows the schedule in force again.
    EXPECT_EQ(window->capacity_schedule_editor()->table()->item(bad.row, bad.column)->text(),
              bad.column == 0 ? "2700" : "1500");
  }
  // The next good edit applies and clears the banner.
  type_cell(*window, 1, 0, "3000");
  EXPECT_EQ(window->scenario().server.capacity_schedule, (Steps{{1800, 1500}, {3000, 1500}}));
  EXPECT_TRUE(window->banner_text().isEmpty());
}

TEST_F(DashboardTest, UntickingTheCapacityScheduleKeepsItsStepsForTickingAgain) {
  QCheckBox* box = window->capacity_schedule_box();
  box->click();
  type_cell(*window, 0, 0, "1200");
  window->capacity_schedule_editor()->add_button()->click();
  const Steps mine{{1200, 1500}, {2400, 1500}};
  ASSERT_EQ(window->scenario().server.capacity_schedule, mine);
  box->click();
  EXPECT_FALSE(window->scenario().server.capacity_schedule.has_value());
  EXPECT_TRUE(window->capacity_schedule_editor()->isHidden());
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(capacity_at(*window, 3000), 1000);
  box->click();
  EXPECT_EQ(window->scenario().server.capacity_schedule, mine);
  EXPECT_EQ(window->capacity_schedule_editor()->table()->rowCount(), 2);
  Scenario without = window->scenario();
  without.server.capacity_schedule.reset();
  EXPECT_EQ(pin_label(window->scenario(), without), "capacity schedule (2 steps)");
  EXPECT_EQ(pin_label(without, window->scenario()), "no capacity schedule");
  // Undo of the tick and of the untick: off, then on with the same steps.
  window->undo_stack()->undo();
  EXPECT_FALSE(box->isChecked());
  EXPECT_FALSE(window->scenario().server.capacity_schedule.has_value());
  window->undo_stack()->undo();
  EXPECT_TRUE(box->isChecked());
  EXPECT_EQ(window->scenario().server.capacity_schedule, mine);
}

TEST_F(DashboardTest, OpeningAScenarioWithACapacityScheduleShowsItsSteps) {
  Scenario s = window->scenario();
  s.server.capacity_schedule = Steps{{600, 800}, {1500, 2500}};
  const QString file = dir.filePath("schedule.json");
  save_scenario(s, file.toStdString());
  ASSERT_TRUE(window->open_file(file).isEmpty());
  EXPECT_TRUE(window->capacity_schedule_box()->isChecked());
  QTableWidget* table = window->capacity_schedule_editor()->table();
  ASSERT_EQ(table->rowCount(), 2);
  EXPECT_EQ(table->item(1, 0)->text(), "1500");
  EXPECT_EQ(table->item(1, 1)->text(), "2500");
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_EQ(capacity_at(*window, 1000), 800);
  EXPECT_EQ(capacity_at(*window, 2000), 2500);
  // Another scenario without one: unticked, and ticking starts afresh there.
  ASSERT_TRUE(window->open_file(QStringLiteral(":/scenarios/default.json")).isEmpty());
  EXPECT_FALSE(window->capacity_schedule_box()->isChecked());
  window->capacity_schedule_box()->click();
  EXPECT_EQ(window->scenario().server.capacity_schedule, (Steps{{1800, 1500}}));
}

TEST_F(DashboardTest, ChoosingCustomShowsTheMatchingPresetAgain) {
  QComboBox* chooser = window->policy_chooser();
  const QString preset = chooser->currentText();
  ASSERT_NE(preset, "Custom");
  const std::string before = scenario_to_json(window->scenario());
  chooser->setCurrentIndex(chooser->count() - 1);  // the user picks "Custom"
  emit chooser->activated(chooser->count() - 1);
  EXPECT_EQ(chooser->currentText(), preset);  // the client is still the preset
  EXPECT_EQ(scenario_to_json(window->scenario()), before);
  EXPECT_EQ(window->undo_stack()->count(), 0);
  // A client that matches no preset stays Custom.
  window->set_parameter("client.timeout_s", "7");
  ASSERT_EQ(chooser->currentText(), "Custom");
  emit chooser->activated(chooser->count() - 1);
  EXPECT_EQ(chooser->currentText(), "Custom");
}

TEST(DashboardSummary, ARetryFloodAfterRecoveryIsSaidUnderTheVerdict) {
  Scenario s;
  RunHealth h;
  h.storm_start_s = 600;
  h.storm_first_interval_end_s = 601;
  h.trigger_end_s = 900;
  h.recovered = true;
  h.recovery_s = 0;
  h.base_demand = 800;
  h.flood_end_s = 2355;
  QString html = summary_html(s, h);
  const int verdict_at = html.indexOf("Recovered as soon as the trigger ended");
  const int flood_at = html.indexOf("But retries kept the offered load above 1.5&times; demand until <b>t = 2355 s</b>.");
  ASSERT_GE(verdict_at, 0) << html.toStdString();
  ASSERT_GT(flood_at, verdict_at) << html.toStdString();
  EXPECT_LT(flood_at, html.indexOf("Goodput fell below 95%")) << "right under the verdict";
  // A flood that ends with the trigger is no news; nor is one in a run that did not recover.
  h.flood_end_s = 900;
  EXPECT_FALSE(summary_html(s, h).contains("But retries")) << summary_html(s, h).toStdString();
  h.flood_end_s = 2355;
  h.recovered = false;
  EXPECT_FALSE(summary_html(s, h).contains("But retries"));
}

TEST(DashboardSummary, AFloodThatEndedBeforeTheRecoveryIsNoNewsAndNinetyTwoPercentIsNotAStorm) {
  // Issue 10, item 7, the two reports: "Recovered 6 s after the trigger
  // ended" followed by a flood "until t = 901 s" (over before the run was
  // healthy again at 906 s), and a run with 92 % goodput headlined "Still in
  // a storm".
  Scenario s;
  RunHealth h;
  h.storm_start_s = 600;
  h.storm_first_interval_end_s = 601;
  h.trigger_end_s = 900;
  h.recovered = true;
  h.recovery_s = 6;
  h.base_demand = 800;
  h.flood_end_s = 901;
  QString html = summary_html(s, h);
  EXPECT_TRUE(html.contains("Recovered 6 s after the trigger ended")) << html.toStdString();
  EXPECT_FALSE(html.contains("But retries")) << html.toStdString();
  EXPECT_TRUE(html.contains("Healthy means goodput of at least 95% of demand")) << html.toStdString();
  h.flood_end_s = 907;  // one second past the recovery: said
  EXPECT_TRUE(summary_html(s, h).contains("But retries")) << summary_html(s, h).toStdString();
  RunHealth close;
  close.storm_start_s = 600;
  close.trigger_end_s = 900;
  close.recovered = false;
  close.healthy_at_end = false;
  close.goodput_ratio_at_end = 0.92;
  EXPECT_EQ(verdict(close), "Unhealthy at the end: goodput 92% of demand, short of the 95% rule");
  close.goodput_ratio_at_end = 0.02;
  EXPECT_EQ(verdict(close), "Still in a storm at the end, long after the trigger ended: goodput 2% of demand");
}

TEST(DashboardControls, WhatHasNoEffectInTheScenarioShownIsSaid) {
  // Issue 10, item 10: the jitter scenario (120 s, no surge) showed surge
  // controls at 600 s without a word; a surge or an outage after the run's
  // end changes nothing.
  MainWindow window(false);
  auto* note = window.findChild<QLabel*>("trigger_note");
  ASSERT_NE(note, nullptr);
  EXPECT_TRUE(note->isHidden()) << note->text().toStdString();  // the default scenario: everything applies
  window.set_parameter("duration_s", "500");  // its surge starts at 600 s
  EXPECT_FALSE(note->isHidden());
  EXPECT_TRUE(note->text().contains("The surge starts at 600 s, after the run ends at 500 s")) << note->text().toStdString();
  window.set_parameter("duration_s", "3600");
  EXPECT_TRUE(note->isHidden());
  ASSERT_TRUE(window.open_file(QStringLiteral(":/scenarios/teaching/02-jitter-herd.json")).isEmpty());
  EXPECT_FALSE(note->isHidden());
  EXPECT_TRUE(note->text().contains("No surge in this scenario")) << note->text().toStdString();
  window.set_parameter("server.outage.start_s", "200");
  EXPECT_TRUE(note->text().contains("The outage starts at 200 s, after the run ends at 120 s")) << note->text().toStdString();
}

TEST(DashboardWords, CountsAgreeWithTheirNumbersAndRangesShowNoNeedlessDecimals) {
  // Issue 10, item 8: "1 attempts" in the max attempts box, "100.00" in the
  // map's range boxes, "/s²" for the ramp, and "retried up to 3 times" for
  // 3 attempts (2 retries) in the default scenario's text.
  MainWindow window(false);
  QDoubleSpinBox* attempts = nullptr;
  for (auto* c : window.findChildren<ParameterControl*>())
    if (c->path() == "client.max_attempts") attempts = c->spin_box();
  ASSERT_NE(attempts, nullptr);
  EXPECT_EQ(attempts->text(), "3 attempts");
  window.set_parameter("client.max_attempts", "1");
  EXPECT_EQ(attempts->text(), "1 attempt");
  auto* x_from = window.findChild<QDoubleSpinBox*>("map_x_from");
  ASSERT_NE(x_from, nullptr);
  EXPECT_EQ(x_from->text(), "100");
  x_from->setValue(0.25);
  EXPECT_EQ(x_from->text(), "0.25");
  for (auto* b : window.hysteresis_view()->findChildren<QDoubleSpinBox*>())
    EXPECT_FALSE(b->suffix().contains(QChar(0x00B2))) << b->suffix().toStdString();
  const QString description = QString::fromStdString(window.scenario().description);
  EXPECT_FALSE(description.contains("retried up to 3 times")) << description.toStdString();
  EXPECT_TRUE(description.contains("3 of its attempts (its first and 2 retries)")) << description.toStdString();
}

TEST(DashboardMap, ChoosingAnotherAxisPathGivesItARangeAroundItsValue) {
  // Issue 10, item 2: the range boxes kept demand's 100-1500 when the x path
  // became the timeout (5 s). A new path gets half to twice its current
  // value, its top pulled in to where the scenario is valid: a jitter spread
  // of 0.8 may not pass 1, so 0.4 to 1.2 x 0.8.
  StabilityMapView view;
  Scenario s;
  s.client.backoff.spread = 0.8;
  view.show_operating_point(s);
  auto* x_path = view.findChild<QComboBox*>("map_x_path");
  auto* x_from = view.findChild<QDoubleSpinBox*>("map_x_from");
  auto* x_to = view.findChild<QDoubleSpinBox*>("map_x_to");
  ASSERT_TRUE(x_path && x_from && x_to);
  QSignalSpy changed(&view, &StabilityMapView::axes_changed);
  x_path->setCurrentIndex(x_path->findData("client.timeout_s"));
  emit x_path->activated(x_path->currentIndex());
  EXPECT_EQ(x_from->value(), 2.5);
  EXPECT_EQ(x_to->value(), 10);
  EXPECT_EQ(changed.count(), 1);  // one new map, not one per box
  x_path->setCurrentIndex(x_path->findData("client.backoff.spread"));
  ASSERT_EQ(view.x_axis().path, "client.backoff.spread");
  emit x_path->activated(x_path->currentIndex());
  EXPECT_EQ(x_from->value(), 0.4);
  EXPECT_NEAR(x_to->value(), 0.96, 1e-9);
}

TEST(DashboardWords, MapAxisChoosersShowFriendlyNamesAndChooseByPath) {
  // Issue 10, item 8: the axis choosers listed raw paths
  // ("client.backoff.base_s"). Each item now shows the parameter's label
  // (sg::parameter_label), holds the path as its data and gives it in its
  // tooltip; the map still asks for the path.
  StabilityMapView view;
  view.show_operating_point(Scenario{});
  auto* x_path = view.findChild<QComboBox*>("map_x_path");
  auto* y_path = view.findChild<QComboBox*>("map_y_path");
  ASSERT_TRUE(x_path && y_path);
  EXPECT_EQ(x_path->currentText(), "Demand: base rate (jobs/s)");
  EXPECT_EQ(x_path->currentData().toString(), "demand.base_rate");
  EXPECT_EQ(y_path->currentText(), "Server: capacity (attempts/s)");
  EXPECT_EQ(view.x_axis().path, "demand.base_rate");
  EXPECT_EQ(view.y_axis().path, "server.capacity");
  for (QComboBox* c : {x_path, y_path})
    for (int i = 0; i < c->count(); ++i) {
      const QString path = c->itemData(i).toString();
      EXPECT_FALSE(path.isEmpty());
      EXPECT_NE(c->itemText(i), path);
      EXPECT_FALSE(c->itemText(i).contains('_')) << c->itemText(i).toStdString();
      EXPECT_TRUE(c->itemData(i, Qt::ToolTipRole).toString().startsWith(path + ": "))
          << c->itemData(i, Qt::ToolTipRole).toString().toStdString();
    }
  const int timeout = x_path->findData("client.timeout_s");
  ASSERT_GE(timeout, 0);
  EXPECT_EQ(x_path->itemText(timeout), "Client: timeout (s)");
  x_path->setCurrentIndex(timeout);
  emit x_path->activated(timeout);
  EXPECT_EQ(view.x_axis().path, "client.timeout_s");
  EXPECT_TRUE(x_path->toolTip().contains("Client: timeout (s)")) << x_path->toolTip().toStdString();
  EXPECT_TRUE(x_path->toolTip().contains("client.timeout_s")) << x_path->toolTip().toStdString();
  // A map of a graph path titles its axis in words, not by its path.
  ParameterMap map;
  map.x = MapAxis{"services.db.capacity", 500, 2000, 2};
  map.y = MapAxis{"server.calls.db.timeout_s", 0.5, 2, 2};
  map.points.resize(4);
  QFile f(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  view.show_map(map, 1, parse_scenario(f.readAll().toStdString(), "graph-md-example.json"));
  EXPECT_EQ(view.plot()->xAxis->label(), "db capacity (attempts/s)");
  EXPECT_EQ(view.plot()->yAxis->label(), "server \u2192 db timeout (s)");
}

/// Where `text` miscounts attempts and retries (issue 10, item 8): a job
/// makes up to max_attempts attempts, its first and max_attempts - 1
/// retries. `max_attempts` is the client's the text speaks of (0: unknown,
/// -1: unlimited). Each problem quotes the words found.
QStringList miscounts(QString text, long long max_attempts) {
  text.remove(QRegularExpression(QStringLiteral("<[^>]*>")));  // rich text: the words only
  QStringList problems;
  // A count of one is singular.
  for (const auto& m :
       QRegularExpression(QStringLiteral("(?<![\\d.,])1 (attempts|retries|jobs|tries)\\b")).globalMatch(text))
    problems << m.captured(0);
  if (max_attempts <= 0) return problems;
  const QString attempts = QString::number(max_attempts), retries = QString::number(max_attempts - 1);
  // "retried up to 3 times" or "3 retries" for 3 attempts.
  for (const auto& m :
       QRegularExpression(QStringLiteral("retried (up to )?(\\d+) times|(\\d+) retr(y|ies)\\b|"
                                         "(up to|at most) (\\d+) retr(y|ies)"))
           .globalMatch(text)) {
    const QString n = !m.captured(2).isEmpty()   ? m.captured(2)
                      : !m.captured(3).isEmpty() ? m.captured(3)
                                                 : m.captured(6);
    if (n != retries) problems << m.captured(0);
  }
  // "up to 4 attempts" or "4 attempts per job" for 3 ("at most 2000 attempts" may be a queue's).
  for (const auto& m :
       QRegularExpression(QStringLiteral("up to (\\d+) attempts\\b|(\\d+) attempts (per job|in all)"))
           .globalMatch(text)) {
    const QString n = !m.captured(1).isEmpty() ? m.captured(1) : m.captured(2);
    if (n != attempts) problems << m.captured(0);
  }
  if (text.contains(QRegularExpression(QStringLiteral("max(imum)? retries"),
                                       QRegularExpression::CaseInsensitiveOption)))
    problems << QStringLiteral("max retries");
  return problems;
}

TEST(DashboardWords, AGraphsMapOffersItsServicesAndCallsAndForgetsThemWithTheGraph) {
  // Issue 10, item 8 and issue 9, item 1: the map's axes can take any
  // service's or call's parameter. The choosers listed only the entry's and
  // the users' paths, so a graph's db capacity could not be mapped from the
  // dashboard. They now list the open scenario's own (parameters(scenario)),
  // labelled in words; an axis on a service the next scenario does not have
  // goes back to demand, with a range around the new scenario's value.
  MainWindow window(false);
  auto* x_path = window.map_view()->findChild<QComboBox*>("map_x_path");
  auto* y_path = window.map_view()->findChild<QComboBox*>("map_y_path");
  ASSERT_TRUE(x_path && y_path);
  EXPECT_LT(x_path->findData("services.db.capacity"), 0);
  ASSERT_TRUE(window.open_file(QStringLiteral(":/scenarios/graphs/graph-md-example.json")).isEmpty());
  for (QComboBox* c : {x_path, y_path}) {
    const int db = c->findData("services.db.capacity");
    ASSERT_GE(db, 0);
    EXPECT_EQ(c->itemText(db), "db: capacity (attempts/s)");
    const int call = c->findData("services.auth.calls.db.timeout_s");
    ASSERT_GE(call, 0);
    EXPECT_EQ(c->itemText(call), "auth \u2192 db: timeout (s)");
    EXPECT_GE(c->findData("server.calls.db.fan_out"), 0);
  }
  // The default axes stay demand across and the entry's capacity up.
  EXPECT_EQ(window.map_view()->x_axis().path, "demand.base_rate");
  EXPECT_EQ(window.map_view()->y_axis().path, "server.capacity");
  const int db = x_path->findData("services.db.capacity");
  x_path->setCurrentIndex(db);
  emit x_path->activated(db);
  // db's 4000/s: half to twice.
  EXPECT_EQ(window.map_view()->x_axis().path, "services.db.capacity");
  EXPECT_EQ(window.map_view()->x_axis().from, 2000);
  EXPECT_EQ(window.map_view()->x_axis().to, 8000);
  // Reopening the same graph keeps the axis and its range.
  ASSERT_TRUE(window.open_file(QStringLiteral(":/scenarios/graphs/graph-md-example.json")).isEmpty());
  EXPECT_EQ(window.map_view()->x_axis().path, "services.db.capacity");
  EXPECT_EQ(window.map_view()->x_axis().to, 8000);
  // A single service has no db: the axis goes back to demand, around the
  // default scenario's 300 jobs/s (half to twice), and db leaves the lists.
  window.open_default_scenario();
  EXPECT_LT(x_path->findData("services.db.capacity"), 0);
  EXPECT_LT(y_path->findData("services.db.capacity"), 0);
  EXPECT_EQ(window.map_view()->x_axis().path, "demand.base_rate");
  EXPECT_EQ(x_path->currentText(), "Demand: base rate (jobs/s)");
  EXPECT_TRUE(x_path->toolTip().contains("demand.base_rate")) << x_path->toolTip().toStdString();
  EXPECT_EQ(window.map_view()->x_axis().from, window.scenario().demand.base_rate / 2);
  EXPECT_EQ(window.map_view()->x_axis().to, window.scenario().demand.base_rate * 2);
  EXPECT_EQ(window.map_view()->y_axis().path, "server.capacity");
}

TEST(DashboardWords, APinIsLabelledByWhatDiffersInWordsWithItsUnit) {
  // Issue 10, item 8: a pin differing in its backoff base was labelled
  // "base s 0.1" (the path's last part); a graph's service was not looked at.
  Scenario current;
  Scenario pinned = current;
  pinned.client.backoff.base_s = 0.25;
  EXPECT_EQ(pin_label(pinned, current), "backoff base 0.25 s");
  pinned.server.queue_limit.reset();
  current.server.queue_limit = 500;
  EXPECT_EQ(pin_label(pinned, current), "queue limit none, backoff base 0.25 s");
  QFile f(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const Scenario graph = parse_scenario(f.readAll().toStdString(), "graph-md-example.json");
  Scenario slower = graph;
  ASSERT_NO_THROW(set_text(slower, "services.db.capacity", "800"));
  ASSERT_NO_THROW(set_text(slower, "server.calls.db.timeout_s", "0.25"));
  EXPECT_EQ(pin_label(slower, graph), "server \u2192 db timeout 0.25 s, db capacity 800 attempts/s");
}

/// The miscounts of `text`, as one line for a test's message.
std::string miscounted(const QString& text, long long max_attempts) {
  return miscounts(text, max_attempts).join(QStringLiteral(" | ")).toStdString();
}

TEST(DashboardWords, AttemptsAndRetriesAreCountedAlikeInEveryText) {
  // Issue 10, item 8. The checker itself first: the default scenario's old
  // text, and counts of one.
  EXPECT_EQ(miscounted("each job is retried up to 3 times", 3), "retried up to 3 times");
  EXPECT_EQ(miscounted("<b>1</b> retries denied", 0), "1 retries");
  EXPECT_TRUE(
      miscounts("3 of its attempts (its first and 2 retries), 10,000 attempts, 0.1 attempts", 3).isEmpty());

  // Every bundled scenario's description, teaching and graph ones included,
  // against its users' client.
  int scenarios = 0;
  for (QDirIterator it(QStringLiteral(":/scenarios"), {QStringLiteral("*.json")}, QDir::Files,
                       QDirIterator::Subdirectories);
       it.hasNext();) {
    QFile f(it.next());
    ASSERT_TRUE(f.open(QIODevice::ReadOnly)) << f.fileName().toStdString();
    const Scenario s = parse_scenario(f.readAll().toStdString(), f.fileName().toStdString());
    EXPECT_EQ(miscounted(QString::fromStdString(s.description), s.client.max_attempts.value_or(-1)), "")
        << f.fileName().toStdString();
    ++scenarios;
  }
  EXPECT_EQ(scenarios, 15);

  // The parameters' and the policies' help, as the controls' tooltips show it.
  for (const ParameterInfo& p : parameters())
    EXPECT_EQ(miscounted(QString::fromStdString(p.help), 0), "") << p.path;
  for (const PolicyObject& p : policy_objects()) {
    EXPECT_EQ(miscounted(QString::fromLatin1(p.help), 0), "") << p.path;
    for (const PolicyField& f : p.fields) EXPECT_EQ(miscounted(QString::fromLatin1(f.help), 0), "") << f.key;
  }
  EXPECT_EQ(find_parameter("client.max_attempts")->help,
            "Attempts per job, the first included; 1 means no retries.");

  // The client presets: each says its attempts and, where it retries, how
  // many retries that is.
  for (const NamedPolicy& p : client_policies()) {
    const QString text = QString::fromStdString(p.name + ". " + p.summary);
    const long long m = p.client.max_attempts.value_or(-1);
    EXPECT_EQ(miscounted(text, m), "") << p.name;
    if (m == 1) {
      EXPECT_TRUE(text.contains("One attempt per job")) << p.summary;
    } else if (m < 0) {
      EXPECT_TRUE(text.contains("nlimited")) << p.summary;
    } else {
      EXPECT_TRUE(text.contains(QStringLiteral("%1 attempts").arg(m))) << p.summary;
      EXPECT_TRUE(text.contains(QRegularExpression(QStringLiteral("\\b%1 retr(y|ies)\\b").arg(m - 1))))
          << p.summary;
    }
  }
  auto preset = [](const std::string& name) {
    for (const NamedPolicy& p : client_policies())
      if (p.name == name) return p.summary;
    return std::string();
  };
  // Three attempts wait twice, 0.1 s then 0.2 s: no "0.4 s ..." that never comes.
  EXPECT_EQ(
      preset("Exponential backoff, no jitter"),
      "3 attempts (the first and 2 retries): waits 0.1 s before the first retry, 0.2 s before the second "
      "(doubling, at most 20 s).");
  EXPECT_EQ(
      preset("Envoy defaults"),
      "2 attempts (1 retry), full jitter up to 25 ms (doubling, at most 250 ms: Envoy's router defaults), and at "
      "most 3 active retries per client (its default max_retries).");

  // The summary beside the curves, the CLI's summary, with counts of one
  // (counts of events, not of one job's retries: no max_attempts to hold them to).
  Scenario s;
  RunHealth h;
  h.storm_start_s = 600;
  h.recovered = true;
  h.recovery_s = 30;
  h.gave_up_after_trigger = 1;
  h.throttled = 1;
  h.denied = 1;
  h.stopped = 1;
  h.shed = 1;
  const QString html = summary_html(s, h);
  EXPECT_EQ(miscounted(html, 0), "") << html.toStdString();
  EXPECT_TRUE(html.contains(
      "Policies: <b>1</b> attempt refused by the clients themselves; <b>1</b> retry denied by a "
      "token bucket, quota or budget; <b>1</b> job stopped by the server's signal; <b>1</b> "
      "attempt of a job refused by admission control."))
      << html.toStdString();
  const QString cli = QString::fromStdString(describe_run(s, h));
  EXPECT_EQ(miscounted(cli, 0), "") << cli.toStdString();
  EXPECT_TRUE(cli.contains("After the trigger ended, 1 more job gave up.")) << cli.toStdString();
  EXPECT_TRUE(
      cli.contains("Policies: 1 attempt refused by the clients themselves; 1 retry denied by a token bucket, "
                   "quota or budget;"))
      << cli.toStdString();
  h.denied = 2;
  EXPECT_TRUE(QString::fromStdString(describe_run(s, h)).contains("2 retries denied"));

  // The figure caption of a client of one attempt, and the Help text.
  s.client.timeout_s = 3;  // no preset: the caption gives the knobs
  s.client.max_attempts = 1;
  const QString caption = scenario_caption(s);
  EXPECT_EQ(miscounted(caption, 1), "") << caption.toStdString();
  EXPECT_TRUE(caption.contains(QStringLiteral("1\u00a0attempt\u00a0(no\u00a0retries)")))
      << caption.toStdString();
  s.client.max_attempts = 4;
  EXPECT_TRUE(scenario_caption(s).contains(QStringLiteral("4\u00a0attempts")))
      << scenario_caption(s).toStdString();
  EXPECT_EQ(miscounted(about_text(), 0), "");
}

/// The entry of `legend` named `name` (a curve's or a swatch's), or nullptr.
QCPAbstractLegendItem* legend_entry(QCPLegend* legend, const QString& name) {
  for (int i = 0; i < legend->itemCount(); ++i) {
    QCPAbstractLegendItem* item = legend->item(i);
    if (auto* curve = qobject_cast<QCPPlottableLegendItem*>(item);
        curve && curve->plottable()->name() == name)
      return item;
    if (auto* swatch = dynamic_cast<LegendSwatch*>(item); swatch && swatch->text() == name) return item;
  }
  return nullptr;
}

/// The tooltip shown when the pointer rests on the middle of `entry` of `plot`.
QString hover_tooltip(QCustomPlot* plot, QCPAbstractLegendItem* entry) {
  const QPoint at = entry->rect().center();
  QHelpEvent help(QEvent::ToolTip, at, plot->mapToGlobal(at));
  QApplication::sendEvent(plot, &help);
  return QToolTip::text();
}

TEST(DashboardWords, LegendEntriesSayWhatTheirCurveOrClassMeans) {
  // Issue 10, item 8: hovering a legend entry showed nothing; QCustomPlot's
  // legends have no tooltips of their own (legend_tooltip.h).
  LoadCurvesView curves;
  curves.resize(1000, 700);
  curves.show();
  curves.plot()->replot();  // lays the legends out
  auto* rates_legend = qobject_cast<QCPLegend*>(curves.plot()->plotLayout()->element(0, 0));
  ASSERT_NE(rates_legend, nullptr);
  QCPAbstractLegendItem* goodput = legend_entry(rates_legend, "goodput");
  ASSERT_NE(goodput, nullptr);
  const QString meaning = "Jobs completed within the client's timeout, per second.";
  EXPECT_EQ(legend_tooltip_at(*curves.plot(), goodput->rect().center()), meaning);
  EXPECT_EQ(hover_tooltip(curves.plot(), goodput), meaning);
  EXPECT_EQ(legend_tooltip_at(*curves.plot(), QPointF(-5, -5)), "");
  // Every curve's entry has a sentence of its own.
  for (const char* name : {"demand", "offered", "wasted", "rejected", "gave up", "capacity"}) {
    QCPAbstractLegendItem* entry = legend_entry(rates_legend, name);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_TRUE(legend_tooltip_at(*curves.plot(), entry->rect().center()).endsWith(".")) << name;
  }
  EXPECT_EQ(legend_tooltip_at(*curves.plot(), legend_entry(rates_legend, "offered")->rect().center()),
            "Attempts sent per second: first attempts and retries.");

  StabilityMapView map;
  map.resize(600, 600);
  map.show();
  map.plot()->replot();
  QCPAbstractLegendItem* metastable = legend_entry(map.legend(), "metastable");
  ASSERT_NE(metastable, nullptr);
  EXPECT_EQ(
      hover_tooltip(map.plot(), metastable),
      "Metastable: healthy without a trigger, but the trigger tips it into a retry storm that outlasts it.");
  for (const char* name : {"stable (darker: slower recovery)", "draining (recovers after the run ends)",
                           "overloaded", "operating point"}) {
    QCPAbstractLegendItem* entry = legend_entry(map.legend(), name);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_FALSE(legend_tooltip_at(*map.plot(), entry->rect().center()).isEmpty()) << name;
  }

  HysteresisView hysteresis;
  hysteresis.resize(600, 500);
  hysteresis.show();
  hysteresis.plot()->replot();
  QCPAbstractLegendItem* falling = legend_entry(hysteresis.plot()->legend, "goodput, demand falling");
  ASSERT_NE(falling, nullptr);
  EXPECT_TRUE(
      hover_tooltip(hysteresis.plot(), falling)
          .startsWith("Jobs completed within the client's timeout, per second, as demand ramps back down"))
      << QToolTip::text().toStdString();
  QToolTip::hideText();
}

TEST(DashboardMap, AnAxisOverAPolicyThatIsOffShowsNoOperatingPoint) {
  // Issue 10, item 10: every point of a map over a policy's field has the
  // policy on; with it off the current settings are nowhere on the map, so
  // the marker goes (and the status says why) instead of moving with a
  // field that has no effect.
  StabilityMapView view;
  ParameterMap map;
  map.x = MapAxis{"client.retry_budget.ratio", 0.05, 0.5, 2};
  map.y = MapAxis{"server.capacity", 500, 2000, 2};
  map.points.resize(4);
  Scenario s;
  view.show_map(map, 1, s);
  auto* marker = qobject_cast<QCPGraph*>(view.plot()->graph(0));
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(marker->dataCount(), 0);
  EXPECT_TRUE(view.status_text().contains("Retry budget is off")) << view.status_text().toStdString();
  s.client.retry_budget.enabled = true;
  view.show_operating_point(s);
  EXPECT_EQ(marker->dataCount(), 1);
  EXPECT_FALSE(view.status_text().contains("is off"));
}

TEST(DashboardSummary, WhatThePoliciesDidIsOneLineWhenTheyDidAnything) {
  Scenario s;
  RunHealth h;
  EXPECT_FALSE(summary_html(s, h).contains("Policies:"));
  h.stopped = 600;
  h.shed = 0.4;  // less than one attempt: not worth a word
  h.denied = 1234567;
  QString html = summary_html(s, h);
  EXPECT_TRUE(html.contains("Policies: <b>1,234,567</b> retries denied by a token bucket, quota or budget; "
                            "<b>600</b> jobs stopped by the server's signal."))
      << html.toStdString();
}

TEST_F(DashboardTest, AdmissionControlFromTheStartIsNotCalledAStorm) {
  // Admitting half the new jobs from t = 0: goodput is half of demand from
  // the first interval, by design.
  window->set_parameter("server.admission", "true");
  ASSERT_TRUE(wait_for_run(*window));
  const QString text = window->summary_text();
  EXPECT_TRUE(text.contains("Goodput is below 95% of demand from t = 0 s: admission control refuses <b>50%</b> of new jobs."))
      << text.toStdString();
  EXPECT_FALSE(text.contains("Goodput fell below")) << text.toStdString();
  // Admitted jobs are served (goodput 400/s, 50% of demand) to the end: the headline is no storm either.
  EXPECT_TRUE(text.contains("Admission control refuses jobs to the end")) << text.toStdString();
  EXPECT_FALSE(text.contains("storm")) << text.toStdString();
  EXPECT_TRUE(text.contains("attempts of jobs refused by admission control")) << text.toStdString();
  // Admission from after the storm began: the storm is worded as before.
  window->set_parameter("server.admission.start_s", "700");
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_TRUE(window->summary_text().contains("Goodput fell below 95% of demand at t = 600 s"))
      << window->summary_text().toStdString();
}

TEST_F(DashboardTest, TheSignalScenarioWithAutoscalingSaysTheFloodOutlastsRecovery) {
  ASSERT_TRUE(window->open_file(QStringLiteral(":/scenarios/teaching/06-signal-2021.json")).isEmpty());
  window->set_parameter("server.autoscaling", "true");
  ASSERT_TRUE(wait_for_run(*window));
  // As stormglass-cli summary says: the flood goes on until t = 3896 s, long
  // after goodput is back at the trigger's end (3000 s).
  EXPECT_TRUE(window->summary_text().contains("Recovered")) << window->summary_text().toStdString();
  EXPECT_TRUE(window->summary_text().contains("demand until <b>t = 3896 s</b>")) << window->summary_text().toStdString();
}

TEST_F(DashboardTest, OpensAServiceGraphAndShowsTheEntrysCurves) {
  // Issue 9, item 8: the dashboard shows the entry's curves until the graph
  // view exists; they are the CLI's rows of service "server".
  ASSERT_TRUE(window->open_file(QStringLiteral(":/scenarios/graphs/chain-db-outage.json")).isEmpty())
      << window->banner_text().toStdString();
  ASSERT_TRUE(wait_for_run(*window));
  EXPECT_TRUE(window->banner_text().isEmpty()) << window->banner_text().toStdString();
  EXPECT_FALSE(window->description_text().isEmpty());
  // The database's outage at 300 s takes the entry down in the same second.
  EXPECT_TRUE(window->summary_text().contains("Goodput fell below 95% of demand at t = 300 s"))
      << window->summary_text().toStdString();
}

TEST_F(DashboardTest, TheLearnMenuOpensEachTeachingScenarioWithItsDescription) {
  QMenu* menu = window->teaching_menu();
  ASSERT_NE(menu, nullptr);
  // The six scenarios of issue 5, item 11, and the six graph lessons of
  // issue 11, item 5 (after "Default scenario" and a separator).
  QList<QAction*> lessons;
  for (QAction* a : menu->actions())
    if (!a->isSeparator() && a->objectName() != QLatin1String("default_scenario_action")) lessons << a;
  ASSERT_EQ(lessons.size(), 12);
  QStringList names;
  for (QAction* a : lessons) names << a->text();
  for (const char* name : {"Signal, January 2021", "Backoff alone does not save an open system",
                           "Jitter against a thundering herd", "A queue limit below the timeout",
                           "A retry budget caps amplification", "The server tells clients to stop",
                           "Retries multiply across layers: 4 x 4 x 4 = 64 attempts at the bottom",
                           "Retry at one layer only: the chain's outage, and every layer recovers",
                           "A short inner timeout under a long outer one leaves orphaned work",
                           "Fan-out: one slow shard holds every request",
                           "Retry budgets at every hop: the chain's outage, and every layer recovers",
                           "Deadline propagation against orphaned work"})
    EXPECT_TRUE(names.contains(QString::fromUtf8(name))) << name;
  for (QAction* a : lessons) {
    a->trigger();
    EXPECT_TRUE(window->banner_text().isEmpty()) << window->banner_text().toStdString();
    EXPECT_EQ(QString::fromStdString(window->scenario().name), a->text());
    EXPECT_FALSE(window->description_text().isEmpty()) << a->text().toStdString();
    // Bundled in the program, named by its name as the default scenario is (issue 10, item 9).
    EXPECT_EQ(window->windowTitle(), a->text() + QString::fromUtf8("[*] — Stormglass"));
    EXPECT_EQ(window->undo_stack()->count(), 0);  // a file opened starts its own history
  }
  ASSERT_TRUE(wait_for_run(*window));
  // The default scenario's description shows too; an empty one hides the panel.
  window->set_parameter("description", "");
  EXPECT_TRUE(window->description_text().isEmpty());
}

TEST(DashboardTeaching, EveryBundledTeachingScenarioParses) {
  const QStringList files = QDir(QStringLiteral(":/scenarios/teaching")).entryList({QStringLiteral("*.json")});
  EXPECT_EQ(files.size(), 12);
  for (const QString& name : files) {
    QFile f(QStringLiteral(":/scenarios/teaching/") + name);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly)) << name.toStdString();
    Scenario s;
    EXPECT_NO_THROW(s = parse_scenario(f.readAll().toStdString(), name.toStdString())) << name.toStdString();
    EXPECT_FALSE(s.description.empty()) << name.toStdString();
  }
}

TEST(DashboardSession, LayoutAndLastScenarioAreRestoredOnStart) {
  {
    QSettings().clear();
    MainWindow first(true);
    ASSERT_TRUE(wait_for_run(first));
    first.set_parameter("server.capacity", "1500");
    first.resize(1300, 820);  // fits the test's primary screen (1920 x 1200)
    QTemporaryDir dir;
    ASSERT_TRUE(first.save_file(dir.filePath("kept.json")).isEmpty());  // saved: closing asks nothing
    first.close();  // saves the session
  }
  MainWindow second(true);
  ASSERT_TRUE(wait_for_run(second));
  EXPECT_EQ(second.scenario().server.capacity, 1500);
  EXPECT_EQ(second.size(), QSize(1300, 820));
  EXPECT_FALSE(second.has_unsaved_changes());
  QSettings().clear();
}

}  // namespace
}  // namespace sg::ui

namespace sg::ui {
namespace {

/// Waits until the map shows every point solved for the newest request.
bool wait_for_final_map(MainWindow& w, int timeout_ms = 120000) {
  QSignalSpy spy(&w, &MainWindow::map_shown);
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    const ParameterMap& m = w.map_view()->map();
    bool all = !m.points.empty() &&
               std::all_of(m.points.begin(), m.points.end(), [](const MapPoint& p) { return p.solved; });
    if (all && spy.count() > 0 && spy.last().at(0).toBool()) return true;
    spy.wait(20);
  }
  return false;
}

/// A window whose map is 32 x 32: quick enough under the sanitizers too.
struct SmallMapWindow : MainWindow {
  SmallMapWindow() : MainWindow(false) { map_view()->set_resolution(32); }
};

TEST(DashboardMap, ShowsTheExamplesThreeClassesAndTheOperatingPoint) {
  SmallMapWindow window;
  ASSERT_TRUE(wait_for_final_map(window));
  const ParameterMap& m = window.map_view()->map();
  EXPECT_EQ(m.x.path, "demand.base_rate");
  EXPECT_EQ(m.y.path, "server.capacity");
  int counts[3] = {0, 0, 0};
  for (const MapPoint& p : m.points) ++counts[static_cast<int>(p.verdict.point_class)];
  EXPECT_GT(counts[0], 0);
  EXPECT_GT(counts[1], 0);
  EXPECT_GT(counts[2], 0);
  // Hovering the operating point (800, 1000) reads metastable.
  EXPECT_TRUE(window.map_view()->describe_at(800, 1000).contains("metastable"))
      << window.map_view()->describe_at(800, 1000).toStdString();
}

TEST(DashboardMap, PointsThatOnlyRanOutOfTimeShowAsDrainingWithTheirRecoveryTime) {
  // Issue 10, item 6: between demand = capacity/3 and the orange edge the
  // default scenario's storms drain (docs/model.md 7.5); such points keep
  // the class metastable but are drawn draining (cell value 1.5, not 2) and
  // the hover text says when the run would recover.
  SmallMapWindow window;
  ASSERT_TRUE(wait_for_final_map(window));
  const ParameterMap& m = window.map_view()->map();
  auto* cells = qobject_cast<QCPColorMap*>(window.map_view()->plot()->plottable(0));
  ASSERT_NE(cells, nullptr);
  int draining = 0, lasting = 0;
  for (int i = 0; i < m.x.count; ++i)
    for (int j = 0; j < m.y.count; ++j) {
      const MapPoint& p = m.points[static_cast<std::size_t>(i * m.y.count + j)];
      if (p.verdict.point_class != PointClass::Metastable) continue;
      const double value = cells->data()->cell(i, j);
      if (p.verdict.drains_at_s) {
        ++draining;
        EXPECT_EQ(value, 1.5);
        // Below c/M: M * demand < capacity.
        EXPECT_LT(3 * p.x, p.y) << p.x << " " << p.y;
        const QString hover = window.map_view()->describe_at(p.x, p.y);
        EXPECT_TRUE(hover.contains("draining")) << hover.toStdString();
        EXPECT_TRUE(hover.contains(QString::number(std::round(*p.verdict.drains_at_s)))) << hover.toStdString();
      } else {
        ++lasting;
        EXPECT_EQ(value, 2.0);
      }
    }
  EXPECT_GT(draining, 0);
  EXPECT_GT(lasting, 0);
  // The operating point (800/s against 1000/s) is above c/3: it lasts.
  EXPECT_FALSE(window.map_view()->describe_at(800, 1000).contains("draining"));
}

TEST(DashboardMap, ClickingTheMapMovesTheOperatingPointAndTheSliders) {
  SmallMapWindow window;
  window.resize(1280, 800);
  window.show();
  ASSERT_TRUE(wait_for_final_map(window));
  QCustomPlot* plot = window.map_view()->plot();
  plot->replot();
  // Click where demand is 200 and capacity 1300: a stable point (3 x 200 <
  // 1300, so the surge's backlog drains). It lands on the nearest grid point.
  QPoint at(static_cast<int>(plot->xAxis->coordToPixel(200)), static_cast<int>(plot->yAxis->coordToPixel(1300)));
  QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, at);
  EXPECT_NEAR(window.scenario().demand.base_rate, 200, 1400.0 / 31);
  EXPECT_NEAR(window.scenario().server.capacity, 1300, 1500.0 / 31);
  // The spin boxes show whole jobs/s and attempts/s.
  EXPECT_NEAR(window.control("demand.base_rate")->spin_box()->value(), window.scenario().demand.base_rate, 0.5);
  EXPECT_NEAR(window.control("server.capacity")->spin_box()->value(), window.scenario().server.capacity, 0.5);
  ASSERT_TRUE(wait_for_run(window));
  EXPECT_TRUE(window.summary_text().contains("Recovered")) << window.summary_text().toStdString();
  // One undo step puts both back.
  window.undo_stack()->undo();
  EXPECT_EQ(window.scenario().demand.base_rate, 800);
  EXPECT_EQ(window.scenario().server.capacity, 1000);
}

TEST(DashboardMap, ChangingTheClientPolicyRecomputesTheMapAndMovingOnItDoesNot) {
  SmallMapWindow window;
  ASSERT_TRUE(wait_for_final_map(window));
  const quint64 before = window.maps()->latest();
  window.set_parameter("demand.base_rate", "700");  // an axis: only the marker moves
  EXPECT_EQ(window.maps()->latest(), before);
  // A client policy: a new map. "No retries" (M = 1) has no band between
  // capacity/M and capacity; only points that drain too slowly for the
  // horizon stay unrecovered (docs/model.md, 7.5).
  int counts_before[3] = {0, 0, 0};
  for (const MapPoint& p : window.map_view()->map().points) ++counts_before[static_cast<int>(p.verdict.point_class)];
  window.choose_policy(0);
  EXPECT_EQ(window.policy_chooser()->currentText(), "No retries");
  EXPECT_GT(window.maps()->latest(), before);
  ASSERT_TRUE(wait_for_final_map(window));
  int counts_after[3] = {0, 0, 0};
  for (const MapPoint& p : window.map_view()->map().points) ++counts_after[static_cast<int>(p.verdict.point_class)];
  EXPECT_LT(counts_after[1], counts_before[1] / 2) << "metastable points: " << counts_before[1] << " -> " << counts_after[1];
  // And a server change too: with drop_expired the band is gone altogether (4.5).
  window.set_parameter("server.drop_expired", "true");
  ASSERT_TRUE(wait_for_final_map(window));
  for (const MapPoint& p : window.map_view()->map().points)
    EXPECT_NE(p.verdict.point_class, PointClass::Metastable) << p.x << " " << p.y;
}

/// The dashed boundary lines drawn on the map.
int boundary_lines(const StabilityMapView& view) {
  int lines = 0;
  for (int i = 0; i < view.plot()->graphCount(); ++i)
    if (view.plot()->graph(i)->pen().style() == Qt::DashLine) ++lines;
  return lines;
}

TEST(DashboardMap, TheNaiveBoundaryGoesWhenAPolicyIsOn) {
  SmallMapWindow window;
  ASSERT_TRUE(wait_for_final_map(window));
  EXPECT_EQ(boundary_lines(*window.map_view()), 2);  // demand = capacity and demand = capacity / 3
  EXPECT_EQ(window.map_view()->plot()->xAxis->label(), "demand (jobs/s)");
  EXPECT_EQ(window.map_view()->plot()->yAxis->label(), "capacity (attempts/s)");
  window.set_parameter("client.retry_budget", "true");
  ASSERT_TRUE(wait_for_final_map(window));
  EXPECT_EQ(boundary_lines(*window.map_view()), 1);  // demand = capacity only
}

TEST(DashboardMap, AGraphsMapDrawsNoSingleServiceBoundaries) {
  // The closed-form lines (docs/model.md 7.5) are one service's. On
  // graph-md-example's demand x capacity map, db (4000/s, fed 3 x demand)
  // saturates at demand 1333/s whatever the entry's capacity: a line
  // "demand = capacity" across it contradicted the red the map showed.
  StabilityMapView view;
  view.resize(700, 600);
  QFile f(QStringLiteral(":/scenarios/graphs/graph-md-example.json"));
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const Scenario graph = parse_scenario(f.readAll().toStdString(), "graph-md-example.json");
  ParameterMap map;
  map.x = MapAxis{"demand.base_rate", 100, 1500, 2};
  map.y = MapAxis{"server.capacity", 500, 2000, 2};
  map.points.resize(4);
  view.show_map(map, 1, graph);
  EXPECT_EQ(boundary_lines(view), 0);
  for (int i = 0; i < view.legend()->itemCount(); ++i) {
    if (auto* swatch = dynamic_cast<LegendSwatch*>(view.legend()->item(i))) {
      EXPECT_NE(swatch->text(), "the model's boundaries");
    }
  }
  // The same axes on one service draw them.
  view.show_map(map, 1, Scenario{});
  EXPECT_EQ(boundary_lines(view), 2);
}

TEST(DashboardMap, MapExportsAreValidFiles) {
  SmallMapWindow window;
  ASSERT_TRUE(wait_for_final_map(window));
  QTemporaryDir dir;
  for (const char* suffix : {"png", "pdf", "svg"}) {
    QString path = dir.filePath(QStringLiteral("map.%1").arg(QLatin1String(suffix)));
    QString error = export_plot(*window.map_view()->plot(), window.map_view()->caption(), path, {900, 800, 1});
    ASSERT_TRUE(error.isEmpty()) << error.toStdString();
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_GT(f.size(), 5000) << suffix;
  }
}

}  // namespace
}  // namespace sg::ui

namespace sg::ui {
namespace {

TEST(DashboardHysteresis, AHiddenRampWaitsForTheDragToRestAndAShownOneRunsAtOnce) {
  // Issue 11's chain slider: a hidden hysteresis tab solving its ramp on
  // every step of a drag took a core from the curves' run (p95 57-64 ms ->
  // 35-40 ms when it waited). Hidden, each change restarts the wait; shown,
  // the ramp is solved at once (also when shown while waiting).
  HysteresisView view;
  QSignalSpy shown(&view, &HysteresisView::loop_shown);
  Scenario s;
  view.show_scenario(s);
  EXPECT_TRUE(view.waiting_for_rest());
  s.demand.base_rate = 300;
  view.show_scenario(s);
  EXPECT_TRUE(view.waiting_for_rest());
  ASSERT_TRUE(shown.wait(20000));  // after the rest, the newest scenario's ramp
  EXPECT_FALSE(view.waiting_for_rest());
  EXPECT_EQ(shown.count(), 1);
  s.demand.base_rate = 400;
  view.show_scenario(s);
  EXPECT_TRUE(view.waiting_for_rest());
  view.show();
  EXPECT_FALSE(view.waiting_for_rest());
  s.demand.base_rate = 500;
  view.show_scenario(s);
  EXPECT_FALSE(view.waiting_for_rest());
  ASSERT_TRUE(shown.wait(20000));
}

TEST(DashboardHysteresis, TheExampleShowsABandThatDropExpiredRemoves) {
  MainWindow window(false);
  QSignalSpy shown(window.hysteresis_view(), &HysteresisView::loop_shown);
  ASSERT_TRUE(shown.wait(20000));
  // Up 200 -> 1200 -> 200 jobs/s against 1000/s, 3 attempts: bistable below capacity.
  EXPECT_GT(window.hysteresis_view()->loop().band_hi, window.hysteresis_view()->loop().band_lo);
  EXPECT_LT(window.hysteresis_view()->loop().band_lo, 1000.0 / 3);
  // Issue 10, item 6: the note says what sets the edges, and that the lower
  // one is only where the sweep ended; a branch at no goodput stays visible
  // above the axis line (the range starts below zero).
  const QString note = window.hysteresis_view()->findChild<QLabel*>("hysteresis_note")->text();
  EXPECT_TRUE(note.contains("lower edge is where the way down recovers")) << note.toStdString();
  EXPECT_TRUE(note.contains("had not recovered when the sweep ended at 200")) << note.toStdString();
  EXPECT_LT(window.hysteresis_view()->plot()->yAxis->range().lower, 0.0);
  window.set_parameter("server.drop_expired", "true");
  for (int i = 0; i < 50 && !(window.hysteresis_view()->loop().band_hi <= window.hysteresis_view()->loop().band_lo); ++i)
    shown.wait(100);
  EXPECT_LE(window.hysteresis_view()->loop().band_hi, window.hysteresis_view()->loop().band_lo);
  QTemporaryDir dir;
  QString path = dir.filePath("hysteresis.svg");
  ASSERT_TRUE(export_plot(*window.hysteresis_view()->plot(), window.hysteresis_view()->caption(), path).isEmpty());
  EXPECT_GT(QFileInfo(path).size(), 5000);
}


TEST(DashboardSummary, FitsItsHeightToItsTextAtItsWidthAndShowsWhatItWasGiven) {
  // The run's summary lays its text out once per change and per width (a
  // rich QLabel did so at every size hint and paint: most of the UI
  // thread's time per replot of a graph, by the dashboard benchmark). Its
  // height follows its text and its width; its words are never broken.
  QWidget holder;
  auto* layout = new QVBoxLayout(&holder);
  auto* view = new SummaryView(&holder);
  layout->addWidget(view);
  holder.resize(300, 600);
  holder.show();
  const QString one = QStringLiteral("<p><b>What happened</b></p><p>Healthy throughout.</p>");
  view->set_html(one);
  QCoreApplication::processEvents();
  const int short_height = view->height();
  EXPECT_GT(short_height, 0);
  EXPECT_EQ(view->html(), one);
  QString many = one;
  for (int k = 0; k < 12; ++k) many += QStringLiteral("<p>Goodput fell below 95% of demand at t = 300 s; the trigger ended at t = 330 s.</p>");
  view->set_html(many);
  QCoreApplication::processEvents();
  const int tall = view->height();
  EXPECT_GT(tall, 6 * short_height);
  EXPECT_EQ(tall, static_cast<int>(std::ceil(view->document()->size().height())));
  // Narrower, it wraps to more lines and grows.
  holder.resize(180, 600);
  QCoreApplication::processEvents();
  EXPECT_GT(view->height(), tall);
  EXPECT_EQ(view->wordWrapMode(), QTextOption::WordWrap);
  EXPECT_EQ(view->textInteractionFlags(), Qt::TextSelectableByMouse);
}

}  // namespace
}  // namespace sg::ui
