// stormglass-cli: the headless program of spec/interfaces.md ("Command line").

#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <QApplication>
#include <QString>

#include "analysis/graph_summary.h"
#include "analysis/health.h"
#include "analysis/parameter_map.h"
#include "graph/topology_drawing.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "model/fluid_solver.h"
#include "model/graph_solver.h"
#include "scenario/input_error.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"
#include "command_line.h"
#include "figure_preset.h"
#include "headless.h"
#include "map_progress.h"
#include "offscreen_render.h"
#include "resources_init.h"

// GCC says __SANITIZE_ADDRESS__; clang answers __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define SG_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SG_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(SG_ADDRESS_SANITIZER)
// Under AddressSanitizer: what Graphviz's library keeps until exit (the
// plugin configuration gvContext reads, the font caches of its pango
// plugin) is not this program's leak. (Without frame pointers in the
// libraries, their stacks end in the library that allocated.)
extern "C" const char* __lsan_default_suppressions() { return "leak:libgvc.so\nleak:libfontconfig.so\n"; }
extern "C" const char* __lsan_default_options() { return "print_suppressions=0"; }
#endif

namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kBadInput = 2;

using sg::cli::Options;
using sg::cli::UsageError;

/// Loads the scenario and applies --set in order. An invalid result is
/// attributed to the --set that named the field, else to the file.
sg::Scenario load_with_overrides(const Options& o) {
  sg::Scenario s = sg::load_scenario(o.scenario_path);
  for (const std::string& assignment : o.sets) {
    try {
      sg::apply_assignment(s, assignment);
    } catch (const sg::InputError& e) {
      throw e.with_source("--set " + assignment);
    }
  }
  try {
    sg::validate_scenario(s);
  } catch (const sg::InputError& e) {
    for (auto it = o.sets.rbegin(); it != o.sets.rend(); ++it)
      if (it->rfind(e.field() + "=", 0) == 0) throw e.with_source("--set " + *it);
    throw e.with_source(o.scenario_path);
  }
  return s;
}

void write_output(const Options& o, const std::string& text) {
  if (o.csv_path)
    sg::write_file_atomically(*o.csv_path, text);
  else
    std::cout << text << std::flush;
}

sg::SolverOptions solver_options(const Options& o) {
  sg::SolverOptions so;
  so.step_s = o.solver_step;
  return so;
}

/// The figure's size: --size and --scale, or a preset's (--scale overriding its resolution).
sg::ui::FigureSize figure_size(const Options& o) {
  if (!o.preset) return {o.width, o.height, o.scale};
  sg::ui::FigureSize size = sg::ui::preset_figure_size(*sg::ui::find_figure_preset(QString::fromStdString(*o.preset)));
  if (o.scale_given) size.scale = o.scale;
  return size;
}

/// Runs `work`; a scenario error it raises without a source is the file's.
template <typename Work>
auto attributed_to_file(const Options& o, Work work) {
  try {
    return work();
  } catch (const sg::InputError& e) {
    if (!e.source().empty()) throw;
    throw e.with_source(o.scenario_path);
  }
}

int run(const Options& o) {
  sg::Scenario s = load_with_overrides(o);
  const std::string name = o.service.value_or("server");
  if (name != "server" && !s.services.count(name)) {
    std::string known = "server";
    for (const auto& entry : s.services) known += ", " + entry.first;
    throw sg::InputError("--service", "", "'" + name + "'", "no such service in " + o.scenario_path + " (services: " + known + ")");
  }
  auto services = attributed_to_file(o, [&] { return sg::solve_services(s, solver_options(o)); });
  for (sg::ServiceRun& service : services)
    if (service.name == name) write_output(o, sg::run_csv(service.run, sg::has_calls(s)));
  return kOk;
}

int summary(const Options& o) {
  sg::Scenario s = load_with_overrides(o);
  if (!sg::has_calls(s)) {
    sg::RunResult r = attributed_to_file(o, [&] { return sg::solve(s, solver_options(o)); });
    std::cout << sg::describe_run(s, sg::assess_run(s, r));
    return kOk;
  }
  // A graph: the users' view at the entry, then every service's.
  auto services = attributed_to_file(o, [&] { return sg::solve_services(s, solver_options(o)); });
  std::cout << sg::describe_run(s, sg::assess_run(s, services.front().run));
  std::cout << sg::describe_services(sg::assess_services(services));
  return kOk;
}

int map(const Options& o) {
  if (!o.x || !o.y) throw UsageError("map needs both --x PATH=FROM:TO:COUNT and --y PATH=FROM:TO:COUNT");
  sg::Scenario s = load_with_overrides(o);
  sg::MapAxis x = sg::parse_axis(*o.x, "--x", s);
  sg::MapAxis y = sg::parse_axis(*o.y, "--y", s);
  if (x.path == y.path)
    throw sg::InputError("--y", y.path, "", "is already the --x axis; choose two different parameters");
  QString out;
  if (o.out) {
    out = QString::fromStdString(*o.out);
    if (sg::ui::figure_format(out).isEmpty())
      throw sg::InputError("--out", "", "'" + *o.out + "'", "expected a file name ending in .png, .pdf or .svg");
  }
  // Progress only where someone watches: a pipe or a file gets the same bytes as ever.
  std::optional<sg::cli::MapProgressLine> progress;
  if (::isatty(STDERR_FILENO)) progress.emplace(std::cerr);
  sg::ParameterMap m = attributed_to_file(o, [&] {
    // Without a MapProgress, one pass: the points of compute_map, solved as it solves them.
    return sg::compute_map_progressively(s, x, y, solver_options(o), o.threads, {}, nullptr,
                                         progress ? progress->callback() : sg::MapCellProgress{});
  });
  progress.reset();  // the line ends before anything else is said
  if (!o.out || o.csv_path) write_output(o, sg::map_csv(m));
  if (o.out) {
    sg::ui::prepare_for_missing_display();
    int argc = 1;
    char name[] = "stormglass-cli";
    char* argv[] = {name, nullptr};
    QApplication app(argc, argv);
    sg::ui::init_resources();
    QString error = sg::ui::render_map_figure(s, m, out, figure_size(o));
    if (!error.isEmpty()) {
      std::cerr << "stormglass-cli: " << error.toStdString() << "\n";
      return kFailure;
    }
  }
  return kOk;
}

int plot(const Options& o, int argc, char** argv) {
  if (!o.out) throw UsageError("plot needs --out FILE.png|.pdf|.svg (see --help)");
  const QString out = QString::fromStdString(*o.out);
  if (sg::ui::figure_format(out).isEmpty())
    throw sg::InputError("--out", "", "'" + *o.out + "'", "expected a file name ending in .png, .pdf or .svg");
  sg::Scenario s = load_with_overrides(o);
  // Drawing needs a QApplication, but no screen.
  sg::ui::prepare_for_missing_display();
  QApplication app(argc, argv);
  sg::ui::init_resources();
  QString error = attributed_to_file(o, [&] {
    return sg::ui::render_scenario_figure(s, solver_options(o), out, figure_size(o), o.curves_only);
  });
  if (!error.isEmpty()) {
    std::cerr << "stormglass-cli: " << error.toStdString() << "\n";
    return kFailure;
  }
  return kOk;
}

/// The call graph with every service's state and every call's load at the
/// end of the run, drawn by Graphviz.
int graph(const Options& o) {
  if (!o.out) throw UsageError("graph needs --out FILE.dot|.svg|.png|.pdf (see --help)");
  if (sg::topology_format(*o.out).empty())
    throw sg::InputError("--out", "", "'" + *o.out + "'", "expected a file name ending in .dot, .svg, .png or .pdf");
  sg::Scenario s = load_with_overrides(o);
  auto services = attributed_to_file(o, [&] { return sg::solve_services(s, solver_options(o)); });
  sg::write_topology(*o.out, sg::topology_dot(s, sg::topology_state(s, services)));
  return kOk;
}

/// Every parameter path; with a scenario, its services' and calls' too.
int params(const Options& o) {
  const auto all = o.scenario_path.empty() ? sg::parameters() : sg::parameters(load_with_overrides(o));
  for (const sg::ParameterInfo& p : all) {
    std::cout << p.path;
    if (!p.unit.empty()) std::cout << " [" << p.unit << "]";
    std::cout << ": " << p.help << "\n";
  }
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Qt is only started by plot and map --out; run, summary and graph stay plain.
  try {
    const Options o = sg::cli::parse_command_line(argc, argv);
    if (!o.help_text.empty()) {
      std::cout << o.help_text;
      return o.help ? kOk : kBadInput;
    }
    if (o.command == "params") return params(o);
    if (o.command == "run") return run(o);
    if (o.command == "map") return map(o);
    if (o.command == "plot") return plot(o, argc, argv);
    if (o.command == "graph") return graph(o);
    return summary(o);
  } catch (const sg::InputError& e) {
    std::cerr << "stormglass-cli: " << e.what() << "\n";
    return kBadInput;
  } catch (const UsageError& e) {
    std::cerr << "stormglass-cli: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "stormglass-cli: " << e.what() << "\n";
    return kFailure;
  }
}
