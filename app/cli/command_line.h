/// The command line of stormglass-cli (spec/interfaces.md, "Command line"): its commands and options, parsed.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sg::cli {

/// A command line that does not fit the usage: exit 2 with a one-line message.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What the command line asks for, every option at its default unless given.
struct Options {
  std::string command;  // run, map, summary, plot, graph or params
  std::string scenario_path;
  std::vector<std::string> sets;  // --set, in the order given
  std::optional<std::string> csv_path;
  std::optional<std::string> x, y;
  std::optional<std::string> service;
  double solver_step = 0;  // 0: the solver chooses
  unsigned threads = 0;    // 0: all cores
  std::optional<std::string> out;
  int width = 1600, height = 1000;
  double scale = 1;
  bool scale_given = false;
  std::optional<std::string> preset;
  bool curves_only = false;

  /// Text to print on standard output instead of running a command: the
  /// usage, or one command's help. `help` tells whether it was asked for
  /// (exit 0) or is the answer to no command at all (exit 2).
  std::string help_text;
  bool help = false;
};

/// Parses argv. Throws UsageError for a line that does not fit the usage, and
/// sg::InputError for an option's value that is not of its type (naming the
/// option and the value).
Options parse_command_line(int argc, char** argv);

}  // namespace sg::cli
