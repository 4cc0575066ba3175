// stormglass-cli as scripts use it (spec/interfaces.md, "Command line").
#include <fcntl.h>
#include <pty.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace {

const std::string kCli = STORMGLASS_CLI;
const std::string kExample = std::string(STORMGLASS_SCENARIOS) + "/default.json";

struct Outcome {
  int status = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A file name private to this test process: ctest runs tests in parallel.
std::string temp(const std::string& name) {
  return ::testing::TempDir() + "sg-" + std::to_string(::getpid()) + "-" + name;
}

Outcome cli(const std::string& args) {
  const std::string out = temp("cli.out"), err = temp("cli.err");
  int raw = std::system((kCli + " " + args + " >" + out + " 2>" + err).c_str());
  Outcome o;
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = temp(name);
  std::ofstream(path) << text;
  return path;
}

/// Bad input: exit status 2 and one line on standard error that contains every part.
void expect_bad_input(const Outcome& o, std::initializer_list<std::string> parts) {
  EXPECT_EQ(o.status, 2) << o.err;
  EXPECT_TRUE(o.out.empty()) << o.out;
  ASSERT_FALSE(o.err.empty());
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "one line: " << o.err;
  for (const std::string& p : parts) EXPECT_NE(o.err.find(p), std::string::npos) << "'" << p << "' in: " << o.err;
}

TEST(Cli, RunWritesTheColumnsOfInterfacesMdInOrder) {
  Outcome o = cli("run " + kExample);
  ASSERT_EQ(o.status, 0) << o.err;
  std::istringstream lines(o.out);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  // The columns of spec/interfaces.md in their order, then the extensions of docs/scenario-extensions.md.
  EXPECT_EQ(header, "t_s,demand,offered,retries,rejected,served,goodput,wasted,dropped,timeouts,gave_up,queue,wait_s,backlog,"
                    "throttled,denied,stopped,shed,capacity");
  EXPECT_EQ(first, "1,800,800,0,0,800,800,0,0,0,0,0,0,0,0,0,0,0,1000");
  // One row per output interval: 3600 s at 1 s, plus the header.
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 3601);
}

TEST(Cli, SetAndCsvFileWork) {
  std::string csv = temp("limited.csv");
  Outcome o = cli("run " + kExample + " --set server.queue_limit=2000 --set demand.base_rate=700 --csv " + csv);
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_TRUE(o.out.empty());
  std::string text = slurp(csv);
  EXPECT_NE(text.find("\n1,700,700,"), std::string::npos) << text.substr(0, 300);
}

TEST(Cli, MapClassifiesTheExamplePointMetastable) {
  Outcome o = cli("map " + kExample + " --x demand.base_rate=800:800:1 --y server.capacity=1000:1000:1");
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "x,y,class,recovery_s,goodput_ratio,drains_at_s\n800,1000,metastable,,0,\n");
}

TEST(Cli, MapWithDropExpiredOrALimitIsStable) {
  for (const char* set : {"server.drop_expired=true", "server.queue_limit=2000"}) {
    Outcome o = cli("map " + kExample + " --x demand.base_rate=800:800:1 --y server.capacity=1000:1000:1 --set " + set);
    ASSERT_EQ(o.status, 0) << o.err;
    EXPECT_NE(o.out.find("800,1000,stable,0,1"), std::string::npos) << set << ": " << o.out;
  }
}

TEST(Cli, SolverStepIsHonoured) {
  Outcome coarse = cli("run " + kExample + " --solver-step 0.5");
  Outcome fine = cli("run " + kExample + " --solver-step 0.05");
  ASSERT_EQ(coarse.status, 0) << coarse.err;
  ASSERT_EQ(fine.status, 0) << fine.err;
  EXPECT_NE(coarse.out, fine.out);
  expect_bad_input(cli("run " + kExample + " --solver-step 0"), {"--solver-step", "'0'"});
  expect_bad_input(cli("run " + kExample + " --solver-step 10"), {"--solver-step", "10", "client.timeout_s"});
}

TEST(Cli, RunTooLongForMemoryIsRefusedNamingTheTimeoutThatSetsTheStep) {
  // 1e8 s at the default step (5 s / 25 = 0.2 s) would be 5e8 steps, some 20 GB.
  std::string path = write_temp("too_long.json", R"({"duration_s": 1e8, "step_s": 100})");
  expect_bad_input(cli("run " + path), {path, "client.timeout_s", "value 5", "duration_s", "--solver-step"});
}

/// Runs the CLI with `args` (stdout and stderr to files) and returns its exit
/// status and its peak resident memory in kilobytes (wait4's ru_maxrss).
std::pair<int, long> cli_peak_memory(const std::string& args) {
  const std::string command = "exec " + kCli + " " + args + " >" + temp("mem.out") + " 2>" + temp("mem.err");
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int raw = 0;
  struct rusage usage {};
  ::wait4(child, &raw, 0, &usage);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, usage.ru_maxrss};
}

TEST(Cli, TheLargestRunsTheValidatorAllowsStayUnderAGigabyte) {
  // The validator allows a million output intervals over a run's services
  // and the solvers ten million steps (docs/model.md, 5.4): about 200 bytes
  // per interval kept and 30 per step. Measured here: 495 MB for the single
  // service (1e6 intervals, 1e7 steps, CSV written), 347 MB for the
  // three-service chain (333 333 intervals and 3.3e6 steps at each).
  const std::string csv = temp("largest.csv");
  const auto single = cli_peak_memory("run " + kExample + " --set duration_s=1e6 --set client.timeout_s=25 " +
                                      "--solver-step 0.1 --csv " + csv);
  EXPECT_EQ(single.first, 0) << slurp(temp("mem.err"));
  EXPECT_LT(single.second, 1024L * 1024) << "kB at the largest single-service run";
  std::ifstream rows(csv);
  EXPECT_EQ(std::count(std::istreambuf_iterator<char>(rows), std::istreambuf_iterator<char>(), '\n'), 1000001)
      << "a header and a row per second";
  std::remove(csv.c_str());
  const std::string chain = std::string(STORMGLASS_SCENARIOS) + "/graphs/chain-db-outage.json";
  const auto graph = cli_peak_memory("run " + chain + " --set duration_s=333333 --solver-step 0.1 --csv " + csv);
  EXPECT_EQ(graph.first, 0) << slurp(temp("mem.err"));
  EXPECT_LT(graph.second, 1024L * 1024) << "kB at the largest chain run";
  std::remove(csv.c_str());
  // One more output interval than a million is refused, by name.
  expect_bad_input(cli("summary " + kExample + " --set duration_s=1000001"),
                   {"--set duration_s=1000001", "duration_s", "1000001", "more than a million output intervals"});
  expect_bad_input(cli("summary " + chain + " --set duration_s=333334"),
                   {"duration_s", "333334", "more than a million output intervals of step_s over its services"});
}

TEST(Cli, HelpDocumentsEveryOption) {
  Outcome o = cli("--help");
  EXPECT_EQ(o.status, 0);
  for (const char* option : {"run", "map", "--set", "--csv", "--x", "--y", "--solver-step", "--help", "Exit status",
                             "--preset", "column", "page", "slide"})
    EXPECT_NE(o.out.find(option), std::string::npos) << option;
}

TEST(Cli, MissingFile) { expect_bad_input(cli("run /nonexistent/s.json"), {"/nonexistent/s.json"}); }

TEST(Cli, MalformedJsonGivesLineAndColumn) {
  std::string path = write_temp("malformed.json", "{\n  \"duration_s\": 10\n  \"step_s\": 1\n}\n");
  // The position is where reading stopped: the end of the unexpected "step_s".
  expect_bad_input(cli("run " + path), {path, "line 3, column 10"});
}

TEST(Cli, UnknownField) {
  std::string path = write_temp("unknown.json", R"({"client": {"timeout": 5}})");
  expect_bad_input(cli("run " + path), {path, "client.timeout", "unknown field"});
}

TEST(Cli, NegativeCapacity) {
  std::string path = write_temp("negative.json", R"({"server": {"capacity": -1000}})");
  expect_bad_input(cli("run " + path), {path, "server.capacity", "-1000"});
}

TEST(Cli, ZeroStep) {
  std::string path = write_temp("zero_step.json", R"({"step_s": 0})");
  expect_bad_input(cli("run " + path), {path, "step_s", "value 0"});
}

TEST(Cli, MultiplierBelowOne) {
  std::string path = write_temp("multiplier.json", R"({"client": {"backoff": {"multiplier": 0.5}}})");
  expect_bad_input(cli("run " + path), {path, "client.backoff.multiplier", "0.5"});
}

TEST(Cli, UnknownJitter) {
  std::string path = write_temp("jitter.json", R"({"client": {"backoff": {"jitter": "gaussian"}}})");
  expect_bad_input(cli("run " + path), {path, "client.backoff.jitter", "gaussian"});
}

TEST(Cli, MalformedSet) {
  expect_bad_input(cli("run " + kExample + " --set server.capacity"), {"--set", "server.capacity", "PATH=VALUE"});
  expect_bad_input(cli("run " + kExample + " --set server.capacity=-5"), {"--set", "server.capacity", "-5"});
  expect_bad_input(cli("run " + kExample + " --set server.capacty=5"), {"--set", "server.capacty", "unknown"});
  expect_bad_input(cli("run " + kExample + " --set client.backoff.jitter=gaussian"), {"--set", "gaussian"});
}

TEST(Cli, MalformedAxis) {
  expect_bad_input(cli("map " + kExample + " --x demand.base_rate=1:2 --y server.capacity=1:2:2"),
                   {"--x", "demand.base_rate", "FROM:TO:COUNT"});
  expect_bad_input(cli("map " + kExample + " --x demand.base_rate=1:2:2"), {"--y"});
  expect_bad_input(cli("map " + kExample + " --x bogus=1:2:2 --y server.capacity=1:2:2"), {"--x", "bogus"});
}

TEST(Cli, UnknownCommandAndOption) {
  expect_bad_input(cli("draw " + kExample), {"draw"});
  expect_bad_input(cli("run " + kExample + " --fast"), {"--fast"});
}

TEST(Cli, OptionsACommandWouldIgnoreAreRefused) {
  expect_bad_input(cli("summary " + kExample + " --csv out.csv"), {"summary", "--csv"});
  expect_bad_input(cli("run " + kExample + " --x server.capacity=1:2:2"), {"run", "--x"});
  expect_bad_input(cli("params --csv out.csv"), {"params", "--csv"});
  expect_bad_input(cli("summary " + kExample + " --service db"), {"summary", "--service"});
  expect_bad_input(cli("map " + kExample + " --x server.capacity=1:2:2 --y server.capacity=1:2:2"),
                   {"--y", "server.capacity"});
}

TEST(Cli, DirectoryDuplicateKeysAndHugeNumbersAreBadInput) {
  expect_bad_input(cli("run " + ::testing::TempDir()), {"directory"});
  std::string dup = write_temp("dup.json", R"({"server": {"capacity": 900, "capacity": 1100}})");
  expect_bad_input(cli("run " + dup), {dup, "server.capacity", "twice"});
  std::string huge = write_temp("huge.json", R"({"demand": {"base_rate": 1e400}})");
  expect_bad_input(cli("run " + huge), {huge, "1e400"});
  std::string inf = write_temp("inf.json", R"({"demand": {"surge": {"extra_rate": 1e308}}})");
  expect_bad_input(cli("run " + inf), {inf, "demand.surge.extra_rate", "1e+308"});
  expect_bad_input(cli("run " + kExample + " --set server.capacity=0x10"), {"--set", "'0x10'"});
}

TEST(Cli, CsvToAnUnwritablePlaceIsAFailureNotBadInput) {
  Outcome o = cli("run " + kExample + " --csv /nonexistent/dir/out.csv");
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.err.find("/nonexistent/dir/out.csv"), std::string::npos) << o.err;
}

TEST(Cli, PlotDrawsTheDashboardFigureInEachFormat) {
  struct Kind {
    const char* suffix;
    std::string magic;
  };
  for (Kind k : {Kind{"png", "\x89PNG"}, Kind{"pdf", "%PDF-"}, Kind{"svg", "<?xml"}}) {
    std::string out = temp(std::string("figure.") + k.suffix);
    std::remove(out.c_str());
    Outcome o = cli("plot " + kExample + " --set server.queue_limit=2000 --out " + out);
    ASSERT_EQ(o.status, 0) << o.err;
    std::string bytes = slurp(out);
    EXPECT_GT(bytes.size(), 10000u) << k.suffix;
    EXPECT_EQ(bytes.compare(0, k.magic.size(), k.magic), 0) << k.suffix;
  }
  Outcome curves = cli("plot " + kExample + " --curves-only --size 800x600 --scale 2 --out " + temp("curves.png"));
  EXPECT_EQ(curves.status, 0) << curves.err;
  expect_bad_input(cli("plot " + kExample + " --out " + temp("figure.gif")), {"--out", "figure.gif", ".png"});
  expect_bad_input(cli("plot " + kExample), {"--out"});
  expect_bad_input(cli("plot " + kExample + " --out x.png --size 800"), {"--size", "WIDTHxHEIGHT"});
}

/// A PDF page's width and height in points, from its MediaBox.
std::pair<double, double> media_box(const std::string& pdf) {
  const auto at = pdf.find("/MediaBox [0 0 ");
  if (at == std::string::npos) return {-1, -1};
  std::istringstream numbers(pdf.substr(at + 15, 40));
  double w = -1, h = -1;
  numbers >> w >> h;
  return {w, h};
}

TEST(Cli, PresetDrawsPlotAndMapAtThePresetsPhysicalSize) {
  // A column is 3.5 in (252 pt) square, a page 7 x 4 in, a slide 13.33 x 7.5 in.
  const std::string pdf = temp("column.pdf"), svg = temp("slide-map.svg"), page = temp("page.pdf");
  Outcome column = cli("plot " + kExample + " --curves-only --preset column --out " + pdf);
  ASSERT_EQ(column.status, 0) << column.err;
  EXPECT_EQ(media_box(slurp(pdf)), std::make_pair(252.0, 252.0));
  // The dashboard figure on a landscape preset is exactly the preset's size,
  // the summary beside the curves (a slide at 960 x 1852 pt was no slide); on
  // the column it keeps the width, and the summary under the curves makes it taller.
  Outcome dashboard = cli("plot " + kExample + " --preset page --out " + page);
  ASSERT_EQ(dashboard.status, 0) << dashboard.err;
  EXPECT_EQ(media_box(slurp(page)), std::make_pair(504.0, 288.0));
  const std::string slide = temp("slide.pdf"), column_dashboard = temp("column-dashboard.pdf");
  ASSERT_EQ(cli("plot " + kExample + " --preset slide --out " + slide).status, 0);
  EXPECT_EQ(media_box(slurp(slide)), std::make_pair(960.0, 540.0));
  ASSERT_EQ(cli("plot " + kExample + " --preset column --out " + column_dashboard).status, 0);
  EXPECT_EQ(media_box(slurp(column_dashboard)).first, 252.0);
  EXPECT_GT(media_box(slurp(column_dashboard)).second, 252.0);
  Outcome map = cli("map " + kExample + " --x demand.base_rate=100:1500:8 --y server.capacity=500:2000:8 --preset slide --out " + svg);
  ASSERT_EQ(map.status, 0) << map.err;
  // 960 x 540 pt = 338.667 x 190.5 mm.
  EXPECT_NE(slurp(svg).find("width=\"338.667mm\" height=\"190.5mm\""), std::string::npos) << slurp(svg).substr(0, 200);
  EXPECT_NE(slurp(svg).find("operating point"), std::string::npos);  // the map's legend is in the figure
  // --scale overrides the preset's 300 dpi: 252 pt at one pixel a point.
  const std::string png = temp("column.png");
  Outcome scaled = cli("plot " + kExample + " --curves-only --preset column --scale 1 --out " + png);
  ASSERT_EQ(scaled.status, 0) << scaled.err;
  const std::string bytes = slurp(png);
  ASSERT_GT(bytes.size(), 24u);
  const auto byte = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[i])); };
  EXPECT_EQ((byte(16) << 24) | (byte(17) << 16) | (byte(18) << 8) | byte(19), 252u);  // the IHDR width
}

TEST(Cli, PresetIsRefusedWhenUnknownWithSizeOrWhereNoFigureIsDrawn) {
  expect_bad_input(cli("plot " + kExample + " --preset poster --out " + temp("x.pdf")),
                   {"--preset", "'poster'", "column, page or slide"});
  expect_bad_input(cli("plot " + kExample + " --preset column --size 500x320 --out " + temp("x.pdf")),
                   {"--preset", "--size"});
  expect_bad_input(cli("summary " + kExample + " --preset column"), {"summary", "--preset"});
  expect_bad_input(cli("plot " + kExample + " --preset"), {"--preset", "needs a value"});
}

TEST(Cli, SummarySaysWhatHappened) {
  Outcome o = cli("summary " + kExample);
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("interval 600-601 s"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Not recovered"), std::string::npos) << o.out;
  // 800 jobs/s x 3 attempts against 1000/s: the queue grows by 1400/s.
  EXPECT_NE(o.out.find("growing, by 1400/s: the overload sustains itself"), std::string::npos) << o.out;
  // 100 jobs/s x 3 against 500/s drains at 200/s: not yet recovered, but draining.
  Outcome draining = cli("summary " + kExample + " --set demand.base_rate=100 --set server.capacity=500");
  EXPECT_NE(draining.out.find("draining at 200/s"), std::string::npos) << draining.out;
  Outcome limited = cli("summary " + kExample + " --set server.queue_limit=2000");
  EXPECT_NE(limited.out.find("Recovered"), std::string::npos) << limited.out;
}

}  // namespace

namespace {

// ---- The command line's own words on CLI11, each command's help, and map's
// progress on a terminal (issue 12, item 6).

TEST(Cli, UsageMistakesAreNamedInTheWordsScriptsKnow) {
  // Whole messages, word for word those of the hand-written parser CLI11 replaced.
  const std::pair<std::string, std::string> cases[] = {
      {"run " + kExample + " --fast", "unknown option '--fast' (see --help)"},
      {"run " + kExample + " -- x", "unknown option '--' (see --help)"},
      {"run " + kExample + " extra.json", "unexpected argument 'extra.json' (see --help)"},
      {"draw " + kExample, "unknown command 'draw' (expected run, map, summary, plot, graph or params; see --help)"},
      {"summary", "summary needs a scenario file (see --help)"},
      {"run " + kExample + " --set", "--set needs a value (see --help)"},
      {"plot " + kExample + " --csv x.csv --out x.png", "plot does not take --csv (see --help)"},
      {"params --set duration_s=10", "params does not take --set (see --help)"},
      {"plot " + kExample + " --preset column --size 500x320 --out x.pdf",
       "--preset column sets the figure's size; it does not go with --size (see --help)"},
      {"map " + kExample + " --threads 0", "--threads: value '0': expected a positive number"},
      {"map " + kExample + " --threads 2.5", "--threads: value '2.5': expected a whole number from 1 to 1024"},
      {"map " + kExample + " --threads 1025", "--threads: value '1025': expected a whole number from 1 to 1024"},
      {"run " + kExample + " --solver-step -1", "--solver-step: value '-1': expected a positive number"},
      {"plot " + kExample + " --scale 9 --out x.png", "--scale: value '9': expected a scale from 0 to 8"},
      {"plot " + kExample + " --size 50x50 --out x.png",
       "--size: value '50x50': expected WIDTHxHEIGHT in whole points from 100 to 20000, e.g. 1600x1000"},
  };
  for (const auto& [args, message] : cases) {
    const Outcome o = cli(args);
    EXPECT_EQ(o.status, 2) << args;
    EXPECT_EQ(o.err, "stormglass-cli: " + message + "\n") << args;
    EXPECT_TRUE(o.out.empty()) << args;
  }
}

TEST(Cli, SetsApplyInOrderAndOptionsMayComeBeforeTheCommand) {
  // The last of two --set of one field counts: 600 jobs/s in the first row (demand, then offered).
  const Outcome twice = cli("run " + kExample + " --set duration_s=10 --set demand.base_rate=700 --set demand.base_rate=600");
  ASSERT_EQ(twice.status, 0) << twice.err;
  EXPECT_NE(twice.out.find("\n1,600,600,"), std::string::npos) << twice.out.substr(0, 200);
  // Options before the command were always taken, in their order among the rest.
  const Outcome before = cli("--set duration_s=10 --set demand.base_rate=700 run " + kExample + " --set demand.base_rate=600");
  ASSERT_EQ(before.status, 0) << before.err;
  EXPECT_EQ(before.out, twice.out);
}

TEST(Cli, TheTopLevelHelpIsTheUsageWhereverItIsAskedFor) {
  const Outcome help = cli("--help");
  ASSERT_EQ(help.status, 0);
  // Its first line is the GNU form help2man reads for the man page's synopsis.
  EXPECT_EQ(help.out.substr(0, help.out.find('\n')), "Usage: stormglass-cli COMMAND SCENARIO.json [OPTION]...");
  for (const char* args : {"-h", "--help run", "draw --help"}) {
    const Outcome o = cli(args);
    EXPECT_EQ(o.status, 0) << args;
    EXPECT_EQ(o.out, help.out) << args;
  }
  // No command at all: the same text, but exit 2, for a script that forgot one.
  const Outcome none = cli("");
  EXPECT_EQ(none.status, 2);
  EXPECT_EQ(none.out, help.out);
}

TEST(Cli, EachCommandHasItsOwnHelpWithTheOptionsItTakes) {
  const Outcome map = cli("map --help");
  EXPECT_EQ(map.status, 0) << map.err;
  EXPECT_TRUE(map.err.empty()) << map.err;
  for (const char* part : {"Usage: stormglass-cli map", "--x PATH=FROM:TO:COUNT", "--y PATH=FROM:TO:COUNT", "--threads N",
                           "--set PATH=VALUE", "--csv", "--out", "--preset", "--solver-step", "Exit status"})
    EXPECT_NE(map.out.find(part), std::string::npos) << part << " in:\n" << map.out;
  EXPECT_EQ(map.out.find("--curves-only"), std::string::npos) << "plot's option, which map refuses";
  const Outcome plot = cli("plot " + kExample + " -h");
  EXPECT_EQ(plot.status, 0) << plot.err;
  EXPECT_NE(plot.out.find("--curves-only"), std::string::npos) << plot.out;
  EXPECT_EQ(plot.out.find("--threads"), std::string::npos) << plot.out;
}

struct TerminalOutcome {
  int status = -1;
  std::string terminal, out;
};

/// Runs stormglass-cli with standard error on a pseudo-terminal, as at a
/// user's terminal, and standard output to a file. The terminal is raw, so
/// that it passes the program's bytes as they are ('\n' not made "\r\n").
TerminalOutcome cli_on_terminal(const std::vector<std::string>& args) {
  TerminalOutcome o;
  int master = -1, slave = -1;
  termios raw{};
  cfmakeraw(&raw);
  if (openpty(&master, &slave, nullptr, &raw, nullptr) != 0) {
    ADD_FAILURE() << "openpty: " << std::strerror(errno);
    return o;
  }
  const std::string out = temp("terminal.out");
  const pid_t pid = fork();
  if (pid == 0) {
    const int file = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(file, 1);
    dup2(slave, 2);
    close(file);
    close(slave);
    close(master);
    std::vector<char*> argv{const_cast<char*>(kCli.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(kCli.c_str(), argv.data());
    _exit(127);
  }
  close(slave);
  char buffer[4096];
  for (;;) {  // until the program's end closes the terminal (EIO)
    const ssize_t n = read(master, buffer, sizeof buffer);
    if (n > 0)
      o.terminal.append(buffer, static_cast<std::size_t>(n));
    else if (n < 0 && errno == EINTR)
      continue;
    else
      break;
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = slurp(out);
  return o;
}

const std::vector<std::string> kSmallMap{"map", kExample, "--x", "demand.base_rate=100:1500:4",
                                         "--y", "server.capacity=500:2000:4", "--threads", "2"};

TEST(Cli, MapShowsItsProgressOnATerminalInOneRewrittenLine) {
  const TerminalOutcome o = cli_on_terminal(kSmallMap);
  ASSERT_EQ(o.status, 0) << o.terminal;
  // 4 x 4 = 16 points: the line starts at none of them, is rewritten in place ('\r') and
  // ends, with its newline, at all of them.
  EXPECT_EQ(o.terminal.rfind("\rmap: 0 of 16 cells", 0), 0u) << o.terminal;
  const std::size_t last = o.terminal.rfind('\r');
  ASSERT_NE(last, std::string::npos) << o.terminal;
  EXPECT_EQ(o.terminal.compare(last, 23, "\rmap: 16 of 16 cells, d"), 0) << o.terminal;
  EXPECT_EQ(std::count(o.terminal.begin(), o.terminal.end(), '\n'), 1) << "one line: " << o.terminal;
  EXPECT_EQ(o.terminal.back(), '\n');
  // The map itself is what it is without a terminal: 16 rows and the header.
  const Outcome piped = cli("map " + kExample + " --x demand.base_rate=100:1500:4 --y server.capacity=500:2000:4 --threads 2");
  EXPECT_EQ(o.out, piped.out);
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 17);
}

TEST(Cli, MapSaysNothingOnStandardErrorWhenItIsNotATerminal) {
  // A file (as here) or a pipe keeps every byte: the progress line would be noise in a log.
  const Outcome o = cli("map " + kExample + " --x demand.base_rate=100:1500:4 --y server.capacity=500:2000:4 --threads 2");
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.err, "");
  const Outcome piped = cli("map " + kExample + " --x demand.base_rate=100:1500:4 --y server.capacity=500:2000:4 2>&1 | cat");
  EXPECT_EQ(piped.out.find("cells"), std::string::npos) << piped.out;
}

const std::string kChain = std::string(STORMGLASS_SCENARIOS) + "/graphs/chain-db-outage.json";
const std::string kGraphExample = std::string(STORMGLASS_SCENARIOS) + "/graphs/graph-md-example.json";

TEST(CliGraph, RunWritesTheRowsOfTheNamedServiceWithFailedAndWaiting) {
  Outcome o = cli("run " + kChain + " --service db --set duration_s=400");
  ASSERT_EQ(o.status, 0) << o.err;
  std::istringstream lines(o.out);
  std::string header, row;
  std::getline(lines, header);
  // spec/graph.md: interfaces.md's columns, then failed and waiting.
  EXPECT_EQ(header,
            "t_s,demand,offered,retries,rejected,served,goodput,wasted,dropped,timeouts,gave_up,queue,wait_s,backlog,"
            "throttled,denied,stopped,shed,capacity,failed,waiting");
  int rows = 0;
  while (std::getline(lines, row)) ++rows;
  EXPECT_EQ(rows, 400);
  // The entry by default; a bundled scenario without calls keeps its 19 columns.
  Outcome entry = cli("run " + kChain + " --set duration_s=10");
  EXPECT_EQ(entry.out.substr(0, entry.out.find('\n')), header);
  Outcome single = cli("run " + kExample + " --set duration_s=10");
  EXPECT_EQ(single.out.find("failed"), std::string::npos);
}

TEST(CliGraph, SummaryNamesWhereTheStormBeganAndTheAmplification) {
  Outcome o = cli("summary " + kChain + " --set duration_s=600");
  ASSERT_EQ(o.status, 0) << o.err;
  // The database's outage at 300 s tips it first.
  EXPECT_NE(o.out.find("Storm began at db (t = 300 s)"), std::string::npos) << o.out;
  // db: 3 user attempts x 3 server->api attempts... api saturates at 2500/s,
  // so db sees 2500 x 3 = 7500 attempts/s for 600 user jobs/s: 12.5.
  EXPECT_NE(o.out.find("12.5 at the end"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Unhealthy at the end: server, api, db."), std::string::npos) << o.out;
}

TEST(CliGraph, BadGraphsAndServicesAreBadInput) {
  expect_bad_input(cli("run " + kChain + " --service dbx"), {"--service", "'dbx'", "services: server, api, db"});
  const std::string cycle = write_temp("cycle.json", R"({"server": {"calls": {"a": {}}},
    "services": {"a": {"calls": {"b": {}}}, "b": {"calls": {"a": {}}}}})");
  expect_bad_input(cli("run " + cycle), {"cycle.json", "services.b.calls.a", "a -> b -> a"});
  expect_bad_input(cli("run " + kChain + " --set services.db.capacity=-1"),
                   {"--set services.db.capacity=-1", "services.db.capacity", "-1"});
  expect_bad_input(cli("map " + kChain + " --x server.calls.api.max_attempts=1:4:3 --y services.db.capacity=500:2000:2"),
                   {"--x", "server.calls.api.max_attempts", "not a whole number"});
}

TEST(CliGraph, ParamsOfAScenarioListItsServicesAndCalls) {
  Outcome o = cli("params " + kGraphExample);
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* path : {"services.db.capacity [attempts/s]", "server.calls.db.fan_out [jobs]",
                           "services.auth.calls.db.backoff.jitter", "server.calls.auth.timeout_s [s]"})
    EXPECT_NE(o.out.find(path), std::string::npos) << path;
}

}  // namespace

// stormglass-cli graph: the call graph drawn with every service's state and
// every call's load at the end of the run (docs/scenario-extensions.md).
namespace {

/// The statements of DOT text as boost::write_graphviz_dp writes them, one a
/// line: graph attributes (`rankdir=LR;`), nodes (`db [label="...", ...];`)
/// and edges (`api->db  [label="...", ...];`).
struct Dot {
  std::map<std::string, std::string> graph;
  std::map<std::string, std::map<std::string, std::string>> nodes, edges;
};

/// `key=value, key="quoted \" value", ...` up to the closing bracket.
std::map<std::string, std::string> dot_attributes(const std::string& text) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    const std::size_t eq = text.find('=', i);
    if (eq == std::string::npos) break;
    const std::string key = text.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < text.size() && text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '"') ++i;
        value += text[i];
      }
      ++i;
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != ']' && text[i] != ';') value += text[i++];
    }
    out[key] = value;
  }
  return out;
}

Dot parse_dot(const std::string& text) {
  Dot dot;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "digraph G {");
  while (std::getline(lines, line)) {
    if (line == "}") break;
    const std::size_t bracket = line.find(" [");
    if (bracket == std::string::npos) {  // a graph attribute
      const std::size_t eq = line.find('=');
      EXPECT_NE(eq, std::string::npos) << line;
      if (eq == std::string::npos) continue;
      dot.graph[line.substr(0, eq)] = dot_attributes(line.substr(0, line.size() - 1))[line.substr(0, eq)];
      continue;
    }
    std::string head = line.substr(0, bracket);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    auto attributes = dot_attributes(line.substr(bracket + 2));
    if (head.find("->") != std::string::npos)
      dot.edges[head] = attributes;
    else
      dot.nodes[head] = attributes;
  }
  return dot;
}

/// The last row of a CSV, by column name.
std::map<std::string, double> last_row(const std::string& csv) {
  std::istringstream lines(csv);
  std::string header, row, last;
  std::getline(lines, header);
  while (std::getline(lines, row))
    if (!row.empty()) last = row;
  std::map<std::string, double> out;
  std::istringstream names(header), values(last);
  std::string name, value;
  while (std::getline(names, name, ',') && std::getline(values, value, ',')) out[name] = std::stod(value);
  return out;
}

/// The number that follows `before` in `label` (after `from`, when given);
/// NaN (failing every comparison) when it is not there.
double number_after(const std::string& label, const std::string& before, const std::string& from = "") {
  const std::size_t start = from.empty() ? 0 : label.find(from);
  const std::size_t at = start == std::string::npos ? start : label.find(before, start);
  if (at == std::string::npos) return std::nan("");
  return std::strtod(label.c_str() + at + before.size(), nullptr);
}

/// A label's number: `digits` significant digits, whole numbers from 10 000
/// up; `expected` comes from the CLI's CSV (10 digits).
void expect_shown(double shown, double expected, const std::string& what, int digits = 4) {
  const double tolerance = std::fabs(expected) >= 1e4 ? 0.5 : 0.501 * std::pow(10.0, 1 - digits) * std::fabs(expected);
  EXPECT_NEAR(shown, expected, tolerance + 1e-8 * std::fabs(expected) + 1e-12) << what;
}

struct CallOf {
  std::string caller, callee;
  int fan_out;
};

/// Draws `scenario` to DOT and checks every node and edge against what
/// `run --service` and `summary` say of the same run (`args`: --set, --solver-step).
/// `stormglass-cli graph SCENARIO ARGS --out X.dot`, parsed.
Dot draw(const std::string& scenario, const std::string& args) {
  const std::string out = temp("topology.dot");
  std::remove(out.c_str());
  Outcome o = cli("graph " + scenario + " " + args + " --out " + out);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_TRUE(o.out.empty()) << o.out;
  return parse_dot(slurp(out));
}

Dot check_drawing(const std::string& scenario, const std::string& args, const std::vector<std::string>& services,
                  const std::vector<CallOf>& calls) {
  const Dot dot = draw(scenario, args);
  EXPECT_EQ(dot.graph.count("rankdir") ? dot.graph.at("rankdir") : "", "LR");
  EXPECT_EQ(dot.nodes.size(), services.size());
  EXPECT_EQ(dot.edges.size(), calls.size());

  std::map<std::string, std::map<std::string, double>> end;
  for (const std::string& s : services) {
    Outcome run = cli("run " + scenario + " --service " + s + " " + args);
    EXPECT_EQ(run.status, 0) << run.err;
    end[s] = last_row(run.out);
  }
  const double users = end["server"]["demand"];
  Outcome summary = cli("summary " + scenario + " " + args);
  EXPECT_EQ(summary.status, 0) << summary.err;
  auto unhealthy_in_summary = [&](const std::string& s) {
    const std::size_t at = summary.out.find("Unhealthy at the end: ");
    if (services.size() == 1) return summary.out.find("still unhealthy at the end") != std::string::npos;
    if (at == std::string::npos) return false;
    const std::string list = ", " + summary.out.substr(at + 22, summary.out.find('\n', at) - at - 23) + ",";
    return list.find(", " + s + ",") != std::string::npos;
  };

  for (const std::string& s : services) {
    SCOPED_TRACE("service " + s);
    EXPECT_EQ(dot.nodes.count(s), 1u) << "a node for " << s;
    if (!dot.nodes.count(s)) continue;
    const auto& node = dot.nodes.at(s);
    const std::string label = node.count("label") ? node.at("label") : "";
    EXPECT_EQ(label.rfind(s + "\\n", 0), 0u) << label;
    const bool unhealthy = unhealthy_in_summary(s);
    EXPECT_NE(label.find(unhealthy ? "UNHEALTHY at the end" : "healthy at the end"), std::string::npos) << label;
    EXPECT_FALSE(node.count("fillcolor") ? node.at("fillcolor").empty() : true);
    std::map<std::string, double> r = end[s];
    expect_shown(number_after(label, "offered "), r["offered"], label);
    if (users > 0) expect_shown(number_after(label, "attempts/s, "), r["offered"] / users, label);
    if (r["capacity"] > 0) expect_shown(number_after(label, "utilisation "), 100 * r["served"] / r["capacity"], label, 3);
    expect_shown(number_after(label, "served "), r["served"], label);
    expect_shown(number_after(label, "queue "), r["queue"], label);
  }

  std::map<std::string, double> split;  // per callee with several calls in: their attempts' sum
  for (const CallOf& c : calls) {
    SCOPED_TRACE(c.caller + "->" + c.callee);
    EXPECT_EQ(dot.edges.count(c.caller + "->" + c.callee), 1u) << "an edge for the call";
    if (!dot.edges.count(c.caller + "->" + c.callee)) continue;
    const auto& edge = dot.edges.at(c.caller + "->" + c.callee);
    const std::string label = edge.count("label") ? edge.at("label") : "";
    EXPECT_GE(edge.count("penwidth") ? std::stod(edge.at("penwidth")) : 0.0, 1.0);
    // spec/graph.md: the callee's demand is the sum of fan-out x caller's served.
    const double jobs = c.fan_out * end[c.caller]["served"];
    EXPECT_EQ(number_after(label, "fan-out "), c.fan_out) << label;
    expect_shown(number_after(label, ": "), jobs, label);
    if (users > 0) expect_shown(number_after(label, "jobs/s, "), jobs / users, label);
    const long callers = std::count_if(calls.begin(), calls.end(), [&](const CallOf& k) { return k.callee == c.callee; });
    const std::map<std::string, double>& callee = end[c.callee];
    if (callers == 1 || callee.at("retries") == 0) {
      // Exact: all the callee's attempts, or (no retries) the call's jobs.
      const double attempts = callers == 1 ? callee.at("offered") : jobs;
      expect_shown(number_after(label, "attempts "), attempts, label);
      if (users > 0) expect_shown(number_after(label, "/s, ", "attempts "), attempts / users, label);
    } else {
      // Several calls in, with retries: each call's own attempts (the
      // solver counts them per sender), at least its jobs' first attempts;
      // together they are all the callee's (below).
      const double attempts = number_after(label, "attempts ");
      EXPECT_GE(attempts, jobs * (1 - 1e-3)) << label;
      if (users > 0) expect_shown(number_after(label, "/s, ", "attempts "), attempts / users, label, 3);
      split[c.callee] += attempts;
    }
  }
  for (const auto& [callee, sum] : split) expect_shown(sum, end[callee]["offered"], callee + "'s calls in, summed", 3);
  return dot;
}

const std::vector<CallOf> kChainCalls = {{"server", "api", 1}, {"api", "db", 1}};
const std::vector<CallOf> kExampleCalls = {{"server", "auth", 1}, {"server", "db", 2}, {"auth", "db", 1}};

const std::string kCalmChain = "--set duration_s=60 --set services.db.outage.capacity_factor=1";

TEST(CliGraph, GraphDrawsTheChainInAStormWithTheRunsNumbers) {
  // db's outage, moved to 10-20 s (the tests stay fast), begins a storm that holds all three down.
  Dot storm = check_drawing(
      kChain, "--set duration_s=60 --set services.db.outage.start_s=10 --set services.db.outage.duration_s=10",
      {"server", "api", "db"}, kChainCalls);
  // Health shows in the colour too.
  Dot calm = draw(kChain, kCalmChain);
  EXPECT_NE(storm.nodes["db"]["fillcolor"], calm.nodes["db"]["fillcolor"]);
  EXPECT_NE(storm.nodes["db"]["color"], calm.nodes["db"]["color"]);
}

TEST(CliGraph, GraphDrawsTheHealthyChainWithTheRunsNumbers) {
  // The same chain without the outage: every service healthy.
  check_drawing(kChain, kCalmChain, {"server", "api", "db"}, kChainCalls);
}

TEST(CliGraph, GraphDrawsGraphMdsExampleWhereTwoCallsFeedDb) {
  // In the storm, db's retries come from two calls: each edge says its own
  // (they were "not split by call" before the solver counted per sender).
  Dot storm = check_drawing(kGraphExample,
                            "--set duration_s=60 --set demand.surge.start_s=10 --set services.db.outage.start_s=10 "
                            "--solver-step 0.05",
                            {"server", "auth", "db"}, kExampleCalls);
  EXPECT_EQ(storm.edges["server->db"]["label"].find("not split by call"), std::string::npos);
  EXPECT_NE(storm.edges["server->db"]["label"].find("attempts "), std::string::npos);
  EXPECT_NE(storm.edges["auth->db"]["label"].find("attempts "), std::string::npos);
}

TEST(CliGraph, GraphDrawsEachCallsAttemptsWhereTheCalleeSendsNoRetries) {
  // Without surge and outage, db sends no retries: each call's attempts are its jobs.
  Dot calm = check_drawing(kGraphExample,
                           "--set duration_s=60 --set demand.surge.extra_rate=0 --set services.db.outage.capacity_factor=1",
                           {"server", "auth", "db"}, kExampleCalls);
  EXPECT_NE(calm.edges["server->db"]["label"].find("attempts 1600/s, 2 per user job"), std::string::npos)
      << calm.edges["server->db"]["label"];
}

TEST(CliGraph, GraphOfAScenarioWithoutCallsIsOneNode) {
  // Mid-surge: unhealthy.
  Dot dot = check_drawing(kExample, "--set duration_s=120 --set demand.surge.start_s=10", {"server"}, {});
  EXPECT_NE(dot.nodes["server"]["label"].find("UNHEALTHY"), std::string::npos);
  EXPECT_TRUE(dot.edges.empty());
}

TEST(CliGraph, GraphRendersSvgPngAndPdfWithGraphviz) {
  struct Kind {
    const char* suffix;
    std::string magic;
  };
  for (Kind k : {Kind{"svg", "<?xml"}, Kind{"png", std::string("\x89PNG\r\n\x1a\n", 8)}, Kind{"pdf", "%PDF-"}}) {
    SCOPED_TRACE(k.suffix);
    const std::string out = temp(std::string("topology.") + k.suffix);
    std::remove(out.c_str());
    Outcome o = cli("graph " + kGraphExample + " --set duration_s=60 --out " + out);
    ASSERT_EQ(o.status, 0) << o.err;
    const std::string bytes = slurp(out);
    EXPECT_EQ(bytes.compare(0, k.magic.size(), k.magic), 0);
    if (std::string(k.suffix) == "svg") {
      EXPECT_NE(bytes.find("<svg"), std::string::npos);
      for (const char* name : {"server", "auth", "db"}) EXPECT_NE(bytes.find(name), std::string::npos) << name;
    } else {
      EXPECT_GT(bytes.size(), 1000u);
    }
  }
}

TEST(CliGraph, GraphNeedsADrawingFileAndRefusesOtherOptions) {
  expect_bad_input(cli("graph " + kChain + " --out " + temp("topology.gif")), {"--out", "topology.gif", ".dot", ".png"});
  expect_bad_input(cli("graph " + kChain + " --out topology"), {"--out", "'topology'"});
  expect_bad_input(cli("graph " + kChain), {"graph", "--out"});
  expect_bad_input(cli("graph " + kChain + " --out x.png --size 800x600"), {"graph", "--size"});
  expect_bad_input(cli("graph " + kChain + " --out x.dot --csv x.csv"), {"graph", "--csv"});
  expect_bad_input(cli("graph " + kChain + " --out x.dot --set services.db.capacity=-1"),
                   {"--set services.db.capacity=-1", "-1"});
  Outcome unwritable = cli("graph " + kChain + " --set duration_s=10 --out /nonexistent/dir/topology.svg");
  EXPECT_EQ(unwritable.status, 1);
  EXPECT_NE(unwritable.err.find("/nonexistent/dir/topology.svg"), std::string::npos) << unwritable.err;
  Outcome help = cli("--help");
  // The help's form of each command (the man page's too): "graph", then what it takes.
  for (const char* part : {"  graph     SCENARIO.json --out FILE.dot|.svg|.png|.pdf"})
    EXPECT_NE(help.out.find(part), std::string::npos) << part;
}

// The graph lessons of the Learn menu (teaching/07-12): each description's
// numbers, as stormglass-cli gives them.

/// The rows of a CSV that stormglass-cli wrote, and the index of column `name`.
std::pair<std::vector<std::vector<double>>, std::size_t> csv_rows(const std::string& csv, const std::string& name) {
  std::istringstream lines(csv);
  std::string header, row;
  std::getline(lines, header);
  std::vector<std::string> columns;
  for (std::istringstream h(header); std::getline(h, row, ',');) columns.push_back(row);
  const auto column = static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) - columns.begin());
  std::vector<std::vector<double>> rows;
  while (std::getline(lines, row)) {
    std::vector<double> values;
    for (std::istringstream r(row); std::getline(r, header, ',');) values.push_back(std::stod(header));
    rows.push_back(std::move(values));
  }
  return {std::move(rows), column};
}

/// Column `name` of the row for time t of a CSV that stormglass-cli wrote.
double csv_at(const std::string& csv, double t, const std::string& name) {
  const auto [rows, column] = csv_rows(csv, name);
  for (const std::vector<double>& values : rows)
    if (std::fabs(values[0] - t) < 1e-9) return values.at(column);
  ADD_FAILURE() << "no row for t = " << t;
  return 0;
}

/// The sum over the rows of column `name` of a CSV of rates at 1 s rows: a count.
double csv_total(const std::string& csv, const std::string& name) {
  const auto [rows, column] = csv_rows(csv, name);
  double sum = 0;
  for (const std::vector<double>& values : rows) sum += values.at(column);
  return sum;
}

const std::string kLessons = std::string(STORMGLASS_SCENARIOS) + "/teaching/";

TEST(CliLessons, RetriesMultiplyAcrossLayersTo64AttemptsAtTheBottom) {
  const std::string f = kLessons + "07-layers-multiply.json";
  // In the outage: 4, 16 and 64 attempts per user job (100 users/s).
  EXPECT_NEAR(csv_at(cli("run " + f).out, 130, "offered"), 400, 1e-6);
  EXPECT_NEAR(csv_at(cli("run " + f + " --service mid").out, 130, "offered"), 1600, 1e-6);
  EXPECT_NEAR(csv_at(cli("run " + f + " --service bottom").out, 130, "offered"), 6400, 1e-6);
  const Outcome summary = cli("summary " + f);
  EXPECT_NE(summary.out.find("67.6 at t = 114 s"), std::string::npos) << summary.out;  // the overlap at the start
  EXPECT_NE(summary.out.find("Every service is healthy at the end."), std::string::npos) << summary.out;
  // Try: one attempt below mid: 4 x 4 x 1 = 16 at the bottom.
  EXPECT_NEAR(csv_at(cli("run " + f + " --service bottom --set services.mid.calls.bottom.max_attempts=1").out, 130, "offered"),
              1600, 1e-6);
}

TEST(CliLessons, RetryingAtOneLayerRecoversWhereRetryingAtEveryLayerDoesNot) {
  const std::string f = kLessons + "08-retry-one-layer.json";
  const Outcome one = cli("summary " + f);
  EXPECT_NE(one.out.find("Recovered: healthy again 179 s after the trigger ended"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("3 at t = 306 s"), std::string::npos) << one.out;  // at most 3 db attempts per user job
  const Outcome every = cli("summary " + f + " --set server.calls.api.max_attempts=3 --set services.api.calls.db.max_attempts=3");
  EXPECT_NE(every.out.find("Unhealthy at the end: server, api, db."), std::string::npos) << every.out;
  EXPECT_NE(every.out.find("db                 25 at the end"), std::string::npos) << every.out;
}

TEST(CliLessons, AShortInnerTimeoutOrphansAllOfTheDatabasesWork) {
  const std::string f = kLessons + "09-orphaned-work.json";
  const std::string db = cli("run " + f + " --service db").out;
  EXPECT_NEAR(csv_at(db, 200, "served"), 1000, 1e-6);
  EXPECT_NEAR(csv_at(db, 200, "wasted"), 1000, 1e-6);  // every attempt served outlived its caller's 0.5 s
  EXPECT_NEAR(csv_at(db, 200, "rejected"), 2000, 1e-6);
  EXPECT_NEAR(csv_at(db, 200, "offered"), 3000, 1e-6);
  EXPECT_NEAR(csv_at(cli("run " + f).out, 200, "offered"), 1000, 1e-6);
  for (const char* fix : {"services.db.queue_limit=400", "server.calls.db.timeout_s=2"}) {
    const Outcome fixed = cli("summary " + f + " --set " + fix);
    EXPECT_NE(fixed.out.find("Every service is healthy at the end."), std::string::npos) << fix << "\n" << fixed.out;
  }
}

TEST(CliLessons, OneSlowShardFailsEveryRequestAndItsRetriesFloodTheOthers) {
  const std::string f = kLessons + "10-fan-out-shard.json";
  EXPECT_NEAR(csv_at(cli("run " + f + " --service shard1").out, 106, "offered"), 2532, 1);
  const Outcome summary = cli("summary " + f);
  EXPECT_NE(summary.out.find("Storm began at shard4 (t = 100 s); then server (t = 100 s), shard1 (t = 104 s)"), std::string::npos)
      << summary.out;
  EXPECT_NE(summary.out.find("6.33 at t = 106 s"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("Every service is healthy at the end."), std::string::npos) << summary.out;
  const Outcome once = cli("summary " + f + " --set client.max_attempts=1");
  EXPECT_NE(once.out.find("Storm began at shard4 (t = 100 s); then server (t = 100 s)."), std::string::npos) << once.out;
}

TEST(CliLessons, TheBundledChainsDescriptionHasTheModelsNumbers) {
  const std::string f = std::string(STORMGLASS_SCENARIOS) + "/graphs/chain-db-outage.json";
  EXPECT_NEAR(csv_at(cli("run " + f + " --service db").out, 1000, "offered"), 7500, 1e-6);
  EXPECT_NEAR(csv_at(cli("run " + f + " --service api").out, 1000, "offered"), 5400, 1e-6);
  EXPECT_NEAR(csv_at(cli("run " + f).out, 1000, "waiting"), 9000, 1e-6);
  EXPECT_NEAR(csv_at(cli("run " + f).out, 1000, "goodput"), 0, 1e-9);
  // Its "Try:": one layer is not enough at 600 jobs/s (1800/s against 1000/s) ...
  const std::string one = " --set server.calls.api.max_attempts=1 --set services.api.calls.db.max_attempts=1";
  const Outcome one_layer = cli("summary " + f + one);
  EXPECT_NE(one_layer.out.find("Unhealthy at the end: server, api, db."), std::string::npos) << one_layer.out;
  EXPECT_NE(one_layer.out.find("db                  3 at the end"), std::string::npos) << one_layer.out;
  // ... no retries at all is, and one layer at half the demand.
  const Outcome none = cli("summary " + f + one + " --set client.max_attempts=1");
  EXPECT_NE(none.out.find("Recovered: healthy again 29 s after the trigger ended"), std::string::npos) << none.out;
  const Outcome half = cli("summary " + f + one + " --set demand.base_rate=300");
  EXPECT_NE(half.out.find("Recovered: healthy again 179 s after the trigger ended"), std::string::npos) << half.out;
}

TEST(CliLessons, DeadlinePropagationWithDropsRemovesTheOrphanedWork) {
  const std::string f = kLessons + "12-deadline-propagation.json";
  // Orphaned work: what db served less what reached a waiting user (the
  // users' goodput: one db success per user success), over the run.
  struct Run {
    double served, orphaned;
    std::string summary;
  };
  auto run = [&](const std::string& set) {
    const std::string db = cli("run " + f + " --service db" + set).out;
    const double served = csv_total(db, "served");
    return Run{served, served - csv_total(cli("run " + f + set).out, "goodput"), cli("summary " + f + set).out};
  };
  const Run bare = run("");
  EXPECT_NEAR(bare.served, 224000, 1e-3);
  EXPECT_NEAR(bare.orphaned, 183680, 1e-3);
  EXPECT_NE(bare.summary.find("db                  3 at the end"), std::string::npos) << bare.summary;
  EXPECT_NE(bare.summary.find("Unhealthy at the end: server, db."), std::string::npos) << bare.summary;
  const std::string db = cli("run " + f + " --service db").out;
  EXPECT_NEAR(csv_at(db, 300, "queue"), 54360, 1e-6);
  EXPECT_NEAR(csv_at(db, 300, "offered"), 1200, 1e-6);
  // The users' deadline passed on: 2 attempts per user job, healthy 54 s
  // after the outage, what was queued still served for nobody.
  const std::string on = " --set server.calls.db.propagate_deadline=true";
  const Run propagated = run(on);
  EXPECT_NEAR(propagated.orphaned, 57560, 1e-3);
  EXPECT_NE(propagated.summary.find("2 at t = 103 s"), std::string::npos) << propagated.summary;
  EXPECT_NE(propagated.summary.find("Recovered: healthy again 54 s after the trigger ended"), std::string::npos)
      << propagated.summary;
  EXPECT_NEAR(csv_at(cli("run " + f + " --service db" + on).out, 150, "offered"), 800, 1e-6);
  // And db drops by that deadline: no orphaned work at all.
  const Run dropped = run(on + " --set services.db.drop_expired=true");
  EXPECT_NEAR(dropped.served, 116320, 1e-3);
  EXPECT_NEAR(dropped.orphaned, 0, 1e-6);
  EXPECT_NE(dropped.summary.find("Recovered: healthy again 0 s after the trigger ended"), std::string::npos)
      << dropped.summary;
  // Dropping by the call's own 0.8 s instead leaves the retries' orphans.
  const Run own = run(" --set services.db.drop_expired=true");
  EXPECT_NEAR(own.orphaned, 2476, 1);
  EXPECT_NE(own.summary.find("Recovered: healthy again 0 s after the trigger ended"), std::string::npos) << own.summary;
}

TEST(CliLessons, RetryBudgetsAtEveryHopRecoverWhereABudgetAtTheBottomDoesNot) {
  const std::string f = kLessons + "11-budgets-every-hop.json";
  const Outcome every = cli("summary " + f);
  EXPECT_NE(every.out.find("Recovered: healthy again 153 s after the trigger ended"), std::string::npos) << every.out;
  EXPECT_NE(every.out.find("6.04 at t = 409 s"), std::string::npos) << every.out;  // db's peak per user job
  EXPECT_NE(every.out.find("47874 retries denied"), std::string::npos) << every.out;
  // The waves 10 s apart: the budgets refill together.
  const std::string db = cli("run " + f + " --service db").out;
  EXPECT_GT(csv_at(db, 479, "offered"), 3 * csv_at(db, 472, "offered"));
  // Without any budget: 25 db attempts per user job, a storm to the end.
  const std::string none = " --set client.retry_budget=false --set server.calls.api.retry_budget=false";
  const Outcome bare = cli("summary " + f + none + " --set services.api.calls.db.retry_budget=false");
  EXPECT_NE(bare.out.find("db                 25 at the end"), std::string::npos) << bare.out;
  // A budget at the bottom hop only: the layers above still multiply.
  const Outcome bottom = cli("summary " + f + none);
  EXPECT_NE(bottom.out.find("db               10.8 at the end"), std::string::npos) << bottom.out;
  EXPECT_NE(bottom.out.find("Unhealthy at the end: server, api, db."), std::string::npos) << bottom.out;
  // Envoy's budget on every hop instead: healthy 23 s after the outage.
  const Outcome envoy = cli("summary " + f + none +
                            " --set services.api.calls.db.retry_budget=false --set client.concurrent_retry_budget=true "
                            "--set server.calls.api.concurrent_retry_budget=true "
                            "--set services.api.calls.db.concurrent_retry_budget=true");
  EXPECT_NE(envoy.out.find("Recovered: healthy again 23 s after the trigger ended"), std::string::npos) << envoy.out;
}

}  // namespace
