// stormglass-cli: the headless program of spec/interfaces.md ("Command line").

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

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
#include "scenario/number_text.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"
#include "figure_preset.h"
#include "headless.h"
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

const char* const kUsage = R"(Usage: stormglass-cli COMMAND SCENARIO.json [OPTION]...
  or:  stormglass-cli params [SCENARIO.json]
  or:  stormglass-cli --help

The options each command takes:
  run       SCENARIO.json [--service NAME] [--set PATH=VALUE]... [--csv OUT.csv]
            [--solver-step SECONDS]
  map       SCENARIO.json --x PATH=FROM:TO:COUNT --y PATH=FROM:TO:COUNT
            [--set PATH=VALUE]... [--csv OUT.csv] [--out FILE.png|.pdf|.svg]
            [--size WIDTHxHEIGHT | --preset column|page|slide] [--scale S]
            [--solver-step SECONDS] [--threads N]
  summary   SCENARIO.json [--set PATH=VALUE]... [--solver-step SECONDS]
  plot      SCENARIO.json --out FILE.png|.pdf|.svg [--set PATH=VALUE]...
            [--size WIDTHxHEIGHT | --preset column|page|slide] [--scale S]
            [--curves-only] [--solver-step SECONDS]
  graph     SCENARIO.json --out FILE.dot|.svg|.png|.pdf [--set PATH=VALUE]...
            [--solver-step SECONDS]
  params    [SCENARIO.json]

Commands:
  run       Solve the fluid model of the scenario; one CSV row per output interval:
            t_s,demand,offered,retries,rejected,served,goodput,wasted,dropped,
            timeouts,gave_up,queue,wait_s,backlog,throttled,denied,stopped,shed,capacity
            (rates per second averaged over the interval, levels at its end;
            the last five are the policies of docs/scenario-extensions.md).
            For a service graph (spec/graph.md), the rows of one service
            (--service NAME, default server, the entry), with two more
            columns: failed,waiting.
  map       Classify every point of a grid over two parameters as stable,
            metastable or overloaded; one CSV row per point, x varying slowest:
            x,y,class,recovery_s,goodput_ratio,drains_at_s
            (drains_at_s: for a metastable point whose storm drains after the
            run's end, when it would recover; docs/model.md 7.5)
            With --out, draws the map (as the dashboard's map panel does) to a
            figure instead; the CSV then goes only to --csv, if given.
  summary   Solve the scenario and say in a few lines what happened: healthy or
            not, when the storm began, whether and when it recovered, peak
            offered load against demand, wasted work. For a service graph,
            also where the storm began and how it spread, the attempts per
            user job at every service, and which are unhealthy at the end.
  plot      Draw the dashboard figure (title, key parameters, load curves, summary)
            to a PNG, PDF or SVG file, with the same code as the desktop
            dashboard's export; --curves-only draws the load curves alone.
  graph     Draw the call graph (spec/graph.md): a box per service with its state
            at the end of the run (healthy or not, offered attempts/s and per
            user job, utilisation, queue), an arrow per call with the jobs/s it
            starts and the attempts/s it sends, each also per user job. .dot
            writes the Graphviz text; .svg, .png and .pdf are laid out by
            Graphviz's dot. A scenario without calls draws one box.
  params    List every parameter path with its unit and meaning; with a scenario,
            the paths of its services and calls too (services.db.capacity,
            server.calls.db.timeout_s, ...).

Options:
  --set PATH=VALUE       Override one field of the scenario by its parameter path,
                         e.g. --set server.queue_limit=2000, --set
                         client.max_attempts=unlimited, --set server.queue_limit=none,
                         --set server.drop_expired=true. Repeatable; applied in order.
  --service NAME         run: the service whose rows to write (default server).
  --csv OUT.csv          Write the CSV to this file (atomically) instead of standard output.
  --x PATH=FROM:TO:COUNT The map's first axis: COUNT values from FROM to TO, both included.
  --y PATH=FROM:TO:COUNT The map's second axis.
  --solver-step SECONDS  The solver's internal step. By default the solver picks one
                         (a 25th of the client timeout, at most the output interval).
                         Rounded down so the output interval is a whole number of
                         steps; it must not exceed the client timeout.
  --threads N            Threads for map (default: all cores).
  --out FILE             plot, map: the figure's file; .png, .pdf or .svg.
                         graph: the drawing's file; .dot, .svg, .png or .pdf.
  --size WIDTHxHEIGHT    plot, map: the figure's size in points (default 1600x1000).
  --preset NAME          plot, map: a figure for a paper or a slide, its size in
                         physical units (PDF page and SVG width/height) and its text
                         and lines chosen for that size:
                           column  one paper column, 3.5 x 3.5 in (252 x 252 pt), text 8 pt,
                                   tick labels 7 pt, PNG at 300 dpi
                           page    the full paper width, 7 x 4 in (504 x 288 pt), text 9 pt,
                                   tick labels 8 pt, PNG at 300 dpi
                           slide   a 16:9 slide, 13.33 x 7.5 in (960 x 540 pt), text 18 pt,
                                   tick labels 16 pt, PNG at 144 dpi (1920 x 1080 pixels)
                         The dashboard figure (plot without --curves-only) keeps the
                         width and puts the summary under the curves. A preset sets the
                         size: it does not go with --size. --scale overrides its PNG dpi/72.
  --scale S              plot, map: PNG pixels per point (default 1; 2 for slides).
  --curves-only          plot: the load curves without title and summary.
  -h, --help             Show this help.

Exit status: 0 on success; 2 for bad input (the message names the file or option,
the field and the value); 1 for anything else.
)";

/// A command line that does not fit the usage: exit 2 with a one-line message.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string command;
  std::string scenario_path;
  std::vector<std::string> sets;
  std::optional<std::string> csv_path;
  std::optional<std::string> x, y;
  std::optional<std::string> service;
  double solver_step = 0;
  unsigned threads = 0;
  bool help = false;
  std::optional<std::string> out;
  int width = 1600, height = 1000;
  double scale = 1;
  bool scale_given = false;
  std::optional<std::string> preset;
  bool curves_only = false;
};

double parse_positive(const std::string& option, const std::string& text) {
  auto v = sg::parse_decimal(text);
  if (!v || *v <= 0) throw sg::InputError(option, "", "'" + text + "'", "expected a positive number");
  return *v;
}

Options parse_command_line(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> given;  // options seen, to refuse those the command ignores
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= args.size()) throw UsageError(std::string(name) + " needs a value (see --help)");
      return args[++i];
    };
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') given.push_back(a);
    if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "--set") {
      o.sets.push_back(value("--set"));
    } else if (a == "--csv") {
      o.csv_path = value("--csv");
    } else if (a == "--service") {
      o.service = value("--service");
    } else if (a == "--x") {
      o.x = value("--x");
    } else if (a == "--y") {
      o.y = value("--y");
    } else if (a == "--solver-step") {
      o.solver_step = parse_positive("--solver-step", value("--solver-step"));
    } else if (a == "--threads") {
      double t = parse_positive("--threads", value("--threads"));
      if (std::floor(t) != t || t > 1024)
        throw sg::InputError("--threads", "", "'" + args[i] + "'", "expected a whole number from 1 to 1024");
      o.threads = static_cast<unsigned>(t);
    } else if (a == "--out") {
      o.out = value("--out");
    } else if (a == "--size") {
      std::string v = value("--size");
      auto x = v.find('x');
      auto w = x == std::string::npos ? std::nullopt : sg::parse_decimal(v.substr(0, x));
      auto h = x == std::string::npos ? std::nullopt : sg::parse_decimal(v.substr(x + 1));
      if (!w || !h || *w < 100 || *h < 100 || *w > 20000 || *h > 20000 || std::floor(*w) != *w || std::floor(*h) != *h)
        throw sg::InputError("--size", "", "'" + v + "'", "expected WIDTHxHEIGHT in whole points from 100 to 20000, e.g. 1600x1000");
      o.width = static_cast<int>(*w);
      o.height = static_cast<int>(*h);
    } else if (a == "--scale") {
      o.scale = parse_positive("--scale", value("--scale"));
      o.scale_given = true;
      if (o.scale > 8) throw sg::InputError("--scale", "", "'" + args[i] + "'", "expected a scale from 0 to 8");
    } else if (a == "--preset") {
      const std::string v = value("--preset");
      if (!sg::ui::find_figure_preset(QString::fromStdString(v)))
        throw sg::InputError("--preset", "", "'" + v + "'",
                             "expected " + sg::ui::figure_preset_names().toStdString() + " (see --help)");
      o.preset = v;
    } else if (a == "--curves-only") {
      o.curves_only = true;
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option '" + a + "' (see --help)");
    } else if (o.command.empty()) {
      o.command = a;
    } else if (o.scenario_path.empty()) {
      o.scenario_path = a;
    } else {
      throw UsageError("unexpected argument '" + a + "' (see --help)");
    }
  }
  // An option the command does not use would be silently ignored: refuse it.
  for (const std::string& option : given) {
    if (option == "--help") continue;
    bool figure = option == "--size" || option == "--scale" || option == "--preset";
    bool used = (option == "--set" || option == "--solver-step") ? o.command != "params"
                : (option == "--csv")                             ? o.command == "run" || o.command == "map"
                : (option == "--out")                             ? o.command == "plot" || o.command == "map" || o.command == "graph"
                : figure                                          ? o.command == "plot" || o.command == "map"
                : (option == "--curves-only")                     ? o.command == "plot"
                : (option == "--service")                         ? o.command == "run"
                                                                  : o.command == "map";  // --x, --y, --threads
    if (!used && !o.command.empty())
      throw UsageError(o.command + " does not take " + option + " (see --help)");
  }
  // A preset is a size (with text and lines for it): two sizes would leave one unsaid.
  if (o.preset && std::find(given.begin(), given.end(), "--size") != given.end())
    throw UsageError("--preset " + *o.preset + " sets the figure's size; it does not go with --size (see --help)");
  return o;
}

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
  sg::ParameterMap m = attributed_to_file(o, [&] { return sg::compute_map(s, x, y, solver_options(o), o.threads); });
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
    Options o = parse_command_line(argc, argv);
    if (o.help || o.command.empty()) {
      std::cout << kUsage;
      return o.help ? kOk : kBadInput;
    }
    if (o.command == "params") return params(o);
    if (o.command != "run" && o.command != "map" && o.command != "summary" && o.command != "plot" && o.command != "graph")
      throw UsageError("unknown command '" + o.command + "' (expected run, map, summary, plot, graph or params; see --help)");
    if (o.scenario_path.empty()) throw UsageError(o.command + " needs a scenario file (see --help)");
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
