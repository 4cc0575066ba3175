// The command line of stormglass-cli on CLI11: one subcommand per command,
// each with the options it uses, so that CLI11 types the values and writes
// each command's help. What CLI11 would say differently from the messages
// scripts and tests know (spec/interfaces.md, "Command line") is said here.

#include "command_line.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>
#include <QString>

#include "figure_preset.h"
#include "scenario/input_error.h"
#include "scenario/number_text.h"

namespace sg::cli {
namespace {

// The top-level help: help2man makes the man page from it, word for word, so
// it is written out here rather than generated.
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

const char* const kProgram = "stormglass-cli";

const char* const kFooter = R"(stormglass-cli --help lists every command and option.
Exit status: 0 on success; 2 for bad input (the message names the file or option,
the field and the value); 1 for anything else.)";

// ---- The values' checks. Each throws sg::InputError naming the option and
// the value, as the options' messages always have. CLI11 catches only its own
// ValidationError from a check, so the InputError reaches main unchanged.

double parse_positive(const std::string& option, const std::string& text) {
  auto v = sg::parse_decimal(text);
  if (!v || *v <= 0) throw sg::InputError(option, "", "'" + text + "'", "expected a positive number");
  return *v;
}

/// The text of a number that CLI11's own conversion reads back as exactly `v`
/// (17 significant digits are far from any rounding boundary).
std::string exact_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

/// A check that may also rewrite the value, for CLI11's conversion to the option's type.
CLI::Validator check(const char* name, std::function<std::string(const std::string&)> canonical) {
  return CLI::Validator(
      [canonical](std::string& text) {
        text = canonical(text);
        return std::string();
      },
      "", name);
}

CLI::Validator positive_number(const std::string& option) {
  return check("positive",
               [option](const std::string& text) { return exact_text(parse_positive(option, text)); });
}

CLI::Validator thread_count() {
  return check("threads", [](const std::string& text) {
    const double t = parse_positive("--threads", text);
    if (std::floor(t) != t || t > 1024)
      throw sg::InputError("--threads", "", "'" + text + "'", "expected a whole number from 1 to 1024");
    return std::to_string(static_cast<unsigned>(t));
  });
}

CLI::Validator scale_factor() {
  return check("scale", [](const std::string& text) {
    const double s = parse_positive("--scale", text);
    if (s > 8) throw sg::InputError("--scale", "", "'" + text + "'", "expected a scale from 0 to 8");
    return exact_text(s);
  });
}

CLI::Validator preset_name() {
  return check("preset", [](const std::string& text) {
    if (!sg::ui::find_figure_preset(QString::fromStdString(text)))
      throw sg::InputError("--preset", "", "'" + text + "'",
                           "expected " + sg::ui::figure_preset_names().toStdString() + " (see --help)");
    return text;
  });
}

/// "WIDTHxHEIGHT" in whole points from 100 to 20000.
void parse_size(const std::string& text, Options& o) {
  const auto x = text.find('x');
  const auto w = x == std::string::npos ? std::nullopt : sg::parse_decimal(text.substr(0, x));
  const auto h = x == std::string::npos ? std::nullopt : sg::parse_decimal(text.substr(x + 1));
  if (!w || !h || *w < 100 || *h < 100 || *w > 20000 || *h > 20000 || std::floor(*w) != *w ||
      std::floor(*h) != *h)
    throw sg::InputError("--size", "", "'" + text + "'",
                         "expected WIDTHxHEIGHT in whole points from 100 to 20000, e.g. 1600x1000");
  o.width = static_cast<int>(*w);
  o.height = static_cast<int>(*h);
}

// ---- The commands and their options, worded as kUsage words them.

/// A value option given once; given again, the last one counts (as it always has).
template <typename T>
CLI::Option* value_option(CLI::App& command, const std::string& name, T& value, const std::string& help,
                          const std::string& type) {
  return command.add_option(name, value, help)
      ->type_name(type)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void add_scenario(CLI::App& command, Options& o, const std::string& help = "The scenario file (required).") {
  command.add_option("SCENARIO.json", o.scenario_path, help)->type_name("");
}

void add_set(CLI::App& command, Options& o) {
  // One value per --set: the next word after it is not another assignment.
  command
      .add_option("--set", o.sets,
                  "Override one field of the scenario by its parameter path,\n"
                  "e.g. --set server.queue_limit=2000, --set client.max_attempts=unlimited,\n"
                  "--set server.queue_limit=none, --set server.drop_expired=true.\n"
                  "Repeatable; applied in order (stormglass-cli params lists the paths).")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
}

void add_solver_step(CLI::App& command, Options& o) {
  value_option(command, "--solver-step", o.solver_step,
               "The solver's internal step. By default the solver picks one\n"
               "(a 25th of the client timeout, at most the output interval).\n"
               "Rounded down so the output interval is a whole number of\n"
               "steps; it must not exceed the client timeout.",
               "SECONDS")
      ->transform(positive_number("--solver-step"));
}

void add_csv(CLI::App& command, Options& o) {
  value_option(command, "--csv", o.csv_path,
               "Write the CSV to this file (atomically) instead of standard output.", "OUT.csv");
}

void add_figure(CLI::App& command, Options& o) {
  command
      .add_option_function<std::string>(
          "--size", [&o](const std::string& text) { parse_size(text, o); },
          "The figure's size in points (default 1600x1000).")
      ->type_name("WIDTHxHEIGHT")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  value_option(command, "--preset", o.preset,
               "A figure for a paper or a slide, its size in physical units\n"
               "(PDF page and SVG width/height) and its text and lines chosen for it:\n"
               "  column  one paper column, 3.5 x 3.5 in (252 x 252 pt), text 8 pt\n"
               "  page    the full paper width, 7 x 4 in (504 x 288 pt), text 9 pt\n"
               "  slide   a 16:9 slide, 13.33 x 7.5 in (960 x 540 pt), text 18 pt\n"
               "A preset sets the size: it does not go with --size.\n"
               "--scale overrides its PNG dpi/72.",
               "column|page|slide")
      ->transform(preset_name());
  value_option(command, "--scale", o.scale, "PNG pixels per point (default 1; 2 for slides).", "S")
      ->transform(scale_factor());
}

void add_out(CLI::App& command, Options& o, const std::string& help, const std::string& type) {
  value_option(command, "--out", o.out, help, type);
}

/// The command-line parser, bound to `o`.
std::unique_ptr<CLI::App> make_parser(Options& o) {
  auto app = std::make_unique<CLI::App>("", kProgram);
  // Anything CLI11 does not take is kept, to be named in today's words (check_extras).
  app->allow_extras();
  app->require_subcommand(0, 1);

  CLI::App* run =
      app->add_subcommand("run",
                          "Solve the fluid model of the scenario; one CSV row per output interval:\n"
                          "t_s,demand,offered,retries,rejected,served,goodput,wasted,dropped,\n"
                          "timeouts,gave_up,queue,wait_s,backlog,throttled,denied,stopped,shed,capacity\n"
                          "(rates per second averaged over the interval, levels at its end;\n"
                          "the last five are the policies of docs/scenario-extensions.md).\n"
                          "For a service graph (spec/graph.md), the rows of one service\n"
                          "(--service NAME, default server, the entry), with two more\n"
                          "columns: failed,waiting.");
  add_scenario(*run, o);
  value_option(*run, "--service", o.service, "The service whose rows to write (default server).", "NAME");
  add_set(*run, o);
  add_csv(*run, o);
  add_solver_step(*run, o);

  CLI::App* map =
      app->add_subcommand("map",
                          "Classify every point of a grid over two parameters as stable,\n"
                          "metastable or overloaded; one CSV row per point, x varying slowest:\n"
                          "x,y,class,recovery_s,goodput_ratio,drains_at_s\n"
                          "(drains_at_s: for a metastable point whose storm drains after the\n"
                          "run's end, when it would recover; docs/model.md 7.5)\n"
                          "With --out, draws the map (as the dashboard's map panel does) to a\n"
                          "figure instead; the CSV then goes only to --csv, if given.\n"
                          "On a terminal, standard error shows how many points are done and the time left.");
  add_scenario(*map, o);
  value_option(*map, "--x", o.x, "The map's first axis: COUNT values from FROM to TO, both included.",
               "PATH=FROM:TO:COUNT");
  value_option(*map, "--y", o.y, "The map's second axis.", "PATH=FROM:TO:COUNT");
  add_set(*map, o);
  add_csv(*map, o);
  add_out(*map, o, "The figure's file; .png, .pdf or .svg.", "FILE");
  add_figure(*map, o);
  add_solver_step(*map, o);
  value_option(*map, "--threads", o.threads, "Threads for map (default: all cores).", "N")
      ->transform(thread_count());

  CLI::App* summary =
      app->add_subcommand("summary",
                          "Solve the scenario and say in a few lines what happened: healthy or\n"
                          "not, when the storm began, whether and when it recovered, peak\n"
                          "offered load against demand, wasted work. For a service graph,\n"
                          "also where the storm began and how it spread, the attempts per\n"
                          "user job at every service, and which are unhealthy at the end.");
  add_scenario(*summary, o);
  add_set(*summary, o);
  add_solver_step(*summary, o);

  CLI::App* plot =
      app->add_subcommand("plot",
                          "Draw the dashboard figure (title, key parameters, load curves, summary)\n"
                          "to a PNG, PDF or SVG file, with the same code as the desktop\n"
                          "dashboard's export; --curves-only draws the load curves alone.");
  add_scenario(*plot, o);
  add_out(*plot, o, "The figure's file; .png, .pdf or .svg.", "FILE");
  add_set(*plot, o);
  add_figure(*plot, o);
  plot->add_flag("--curves-only", o.curves_only, "The load curves without title and summary.");
  add_solver_step(*plot, o);

  CLI::App* graph =
      app->add_subcommand("graph",
                          "Draw the call graph (spec/graph.md): a box per service with its state\n"
                          "at the end of the run (healthy or not, offered attempts/s and per\n"
                          "user job, utilisation, queue), an arrow per call with the jobs/s it\n"
                          "starts and the attempts/s it sends, each also per user job. .dot\n"
                          "writes the Graphviz text; .svg, .png and .pdf are laid out by\n"
                          "Graphviz's dot. A scenario without calls draws one box.");
  add_scenario(*graph, o);
  add_out(*graph, o, "The drawing's file; .dot, .svg, .png or .pdf.", "FILE");
  add_set(*graph, o);
  add_solver_step(*graph, o);

  CLI::App* params =
      app->add_subcommand("params",
                          "List every parameter path with its unit and meaning; with a scenario,\n"
                          "the paths of its services and calls too (services.db.capacity,\n"
                          "server.calls.db.timeout_s, ...).");
  add_scenario(*params, o, "A scenario whose services' and calls' paths to list too.");

  for (CLI::App* command : app->get_subcommands([](CLI::App*) { return true; })) {
    command->allow_extras();
    command->footer(kFooter);
  }
  return app;
}

/// Every option of any command, and whether it takes a value.
std::map<std::string, bool> all_options(const CLI::App& app) {
  std::map<std::string, bool> options;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; }))
    for (const CLI::Option* option : command->get_options())
      for (const std::string& name : option->get_lnames())
        options["--" + name] = option->get_items_expected_min() > 0;
  return options;
}

/// What CLI11 left over, named as stormglass-cli always has: the first
/// unknown option or stray argument, else the first option that `command`
/// (empty: none given) does not take.
void check_extras(const std::vector<std::string>& extras, const std::string& command,
                  const std::map<std::string, bool>& options) {
  std::optional<std::string> refused;
  for (std::size_t i = 0; i < extras.size(); ++i) {
    const std::string& a = extras[i];
    const std::string name = a.substr(0, a.find('='));
    const auto known = options.find(name);
    if (a.rfind("--", 0) == 0 && known != options.end()) {
      if (!refused) refused = name;
      if (known->second && name == a) ++i;  // its value
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option '" + a + "' (see --help)");
    } else if (command.empty()) {
      throw UsageError("unknown command '" + a +
                       "' (expected run, map, summary, plot, graph or params; see --help)");
    } else {
      throw UsageError("unexpected argument '" + a + "' (see --help)");
    }
  }
  if (refused && !command.empty()) throw UsageError(command + " does not take " + *refused + " (see --help)");
}

Options parse(const std::vector<std::string>& args) {
  // "--" has never ended the options here: CLI11 would take it so.
  if (std::find(args.begin(), args.end(), "--") != args.end())
    throw UsageError("unknown option '--' (see --help)");
  Options o;
  std::unique_ptr<CLI::App> app = make_parser(o);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // as CLI11 consumes them
  try {
    app->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    o.help = true;
    o.help_text = kUsage;
    for (const CLI::App* command : app->get_subcommands())
      if (command->get_help_ptr()->count() > 0) o.help_text = command->help(kProgram);
    return o;
  } catch (const CLI::ArgumentMismatch& e) {
    // CLI11 says "--set: 1 required PATH=VALUE missing".
    const std::string what = e.what();
    const auto colon = what.find(':');
    if (what.rfind("--", 0) == 0 && colon != std::string::npos)
      throw UsageError(what.substr(0, colon) + " needs a value (see --help)");
    throw UsageError(what + " (see --help)");
  } catch (const CLI::ParseError& e) {
    throw UsageError(std::string(e.what()) + " (see --help)");
  }

  const std::vector<CLI::App*> commands = app->get_subcommands();
  const std::vector<std::string> before = app->remaining();
  if (!commands.empty() && !before.empty() && before.size() < args.size() &&
      args[before.size()] == commands.front()->get_name()) {
    // Options before the command were always taken: parse again with the
    // command first and everything else in its order (--set applies in order).
    std::vector<std::string> reordered{args[before.size()]};
    reordered.insert(reordered.end(), args.begin(),
                     args.begin() + static_cast<std::ptrdiff_t>(before.size()));
    reordered.insert(reordered.end(), args.begin() + static_cast<std::ptrdiff_t>(before.size()) + 1,
                     args.end());
    return parse(reordered);
  }

  const auto options = all_options(*app);
  check_extras(before, "", options);
  if (commands.empty()) {
    o.help_text = kUsage;  // not asked for: exit 2
    return o;
  }
  const CLI::App& command = *commands.front();
  o.command = command.get_name();
  check_extras(command.remaining(), o.command, options);
  // A preset is a size (with text and lines for it): two sizes would leave one unsaid.
  if (o.preset && command.count("--size") > 0)
    throw UsageError("--preset " + *o.preset +
                     " sets the figure's size; it does not go with --size (see --help)");
  const CLI::Option* scale = command.get_option_no_throw("--scale");
  o.scale_given = scale && scale->count() > 0;
  if (o.scenario_path.empty() && o.command != "params")
    throw UsageError(o.command + " needs a scenario file (see --help)");
  return o;
}

}  // namespace

Options parse_command_line(int argc, char** argv) {
  return parse(std::vector<std::string>(argv + 1, argv + argc));
}

}  // namespace sg::cli
