// Saves a scenario file, its run's CSV and its dashboard figure (PNG, SVG,
// PDF) into DIR, over and over, with the same code as the dashboard and the
// command line, alternating between two scenarios: the default one in even
// cycles, the same with twice the demand in odd ones. Prints each finished
// cycle's number. save_under_kill_test.cpp kills it with SIGKILL at random
// moments and checks that every file is always whole: one scenario's or the
// other's, never part of one.
//
// Usage: save_repeatedly DIR [CYCLES]   (without CYCLES: until killed)
#include <QApplication>
#include <QString>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "headless.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "model/fluid_solver.h"
#include "offscreen_render.h"
#include "resources_init.h"
#include "scenario/scenario.h"
#include "scenario/scenario_file.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: save_repeatedly DIR [CYCLES]\n");
    return 2;
  }
  sg::ui::prepare_for_missing_display();
  QApplication app(argc, argv);
  sg::ui::init_resources();
  const std::string dir = argv[1];
  const long cycles = argc > 2 ? std::atol(argv[2]) : -1;
  sg::Scenario scenarios[2];
  scenarios[1].demand.base_rate *= 2;
  scenarios[1].name = "twice the demand";
  for (long i = 0; cycles < 0 || i < cycles; ++i) {
    const sg::Scenario& s = scenarios[i % 2];
    sg::save_scenario(s, dir + "/scenario.json");
    sg::write_file_atomically(dir + "/run.csv", sg::run_csv(sg::solve(s)));
    for (const char* kind : {"png", "svg", "pdf"}) {
      const QString error = sg::ui::render_scenario_figure(
          s, {}, QString::fromStdString(dir + "/figure." + kind), sg::ui::FigureSize(800, 500), false);
      if (!error.isEmpty()) {
        std::fprintf(stderr, "%s\n", error.toUtf8().constData());
        return 1;
      }
    }
    std::printf("%ld\n", i);
    std::fflush(stdout);
  }
  return 0;
}
