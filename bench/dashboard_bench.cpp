// From a slider change to the finished replot, offscreen (issue 3): the time a
// user waits to see the curves follow a drag.
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QSlider>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "headless.h"
#include "main_window.h"
#include "parameter_control.h"
#include "qcustomplot.h"
#include "resources_init.h"

namespace {

sg::ui::MainWindow* window_under_test = nullptr;

/// Moves a slider one notch and waits until the plot has been replotted
/// with the new run: solve (worker thread), hand-over, data copy, replot
/// (and, for a scenario with calls, its call graph, drawn from the same
/// run). One sample per repetition, so that the statistics are over single
/// slider moves. The map recomputes meanwhile, as it does for a user.
void move_and_wait(benchmark::State& state, const char* path) {
  sg::ui::MainWindow& window = *window_under_test;
  QSlider* slider = window.control(path)->slider();
  QCustomPlot* plot = window.curves()->plot();
  static int direction = 1;
  for (auto _ : state) {
    QElapsedTimer timer;
    timer.start();
    // The UI thread sleeps in its event loop until then, as it does for a
    // user (a loop of processEvents() would spin, taking a core from the
    // solver and counting its own polling as the dashboard's time).
    QEventLoop wait;
    bool replotted = false;
    auto connection = QObject::connect(plot, &QCustomPlot::afterReplot, [&] {
      if (window.shown() && window.shown()->generation == window.runs()->latest()) {
        replotted = true;
        wait.quit();
      }
    });
    // One notch from where the slider is now (its range follows the value,
    // so the notch is taken from the slider, not counted here).
    int position = slider->value() + direction;
    if (position >= slider->maximum() || position <= slider->minimum()) {
      direction = -direction;
      position = slider->value() + direction;
    }
    slider->setValue(position);
    if (!replotted) wait.exec();
    QObject::disconnect(connection);
    state.SetIterationTime(static_cast<double>(timer.nsecsElapsed()) * 1e-9);
  }
}

double p95(const std::vector<double>& v) {
  std::vector<double> s = v;
  std::sort(s.begin(), s.end());
  return s[static_cast<std::size_t>(0.95 * (s.size() - 1))];
}

/// The default scenario's capacity slider.
void SliderToReplot(benchmark::State& state) { move_and_wait(state, "server.capacity"); }
BENCHMARK(SliderToReplot)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(200)
    ->ReportAggregatesOnly(true)
    ->ComputeStatistics("p95", p95);

/// The bundled three-service chain (issue 11): the users' demand slider,
/// with the curves, the call graph and the map live.
void open_chain_once() {
  static bool opened = false;
  if (opened) return;
  QSignalSpy shown(window_under_test, &sg::ui::MainWindow::run_shown);
  window_under_test->open_file(QStringLiteral(":/scenarios/graphs/chain-db-outage.json"));
  shown.wait(20000);
  opened = true;
}

void ChainSliderToReplot(benchmark::State& state) {
  open_chain_once();
  move_and_wait(state, "demand.base_rate");
}
BENCHMARK(ChainSliderToReplot)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(200)
    ->ReportAggregatesOnly(true)
    ->ComputeStatistics("p95", p95);

/// The curves' replot alone, of the chain's run on screen: the share of a
/// move that painting takes on the UI thread (replot, then the widget's
/// synchronous repaint), without the solve and its scheduling noise.
void ChainCurvesReplot(benchmark::State& state) {
  open_chain_once();
  QCustomPlot* plot = window_under_test->curves()->plot();
  for (auto _ : state) plot->replot(QCustomPlot::rpImmediateRefresh);
}
BENCHMARK(ChainCurvesReplot)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
  sg::ui::prepare_for_missing_display();
  QApplication app(argc, argv);
  sg::ui::init_resources();
  sg::ui::MainWindow window(false);
  window.resize(1280, 800);
  window.show();
  QSignalSpy first(&window, &sg::ui::MainWindow::run_shown);
  first.wait(20000);
  window_under_test = &window;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
