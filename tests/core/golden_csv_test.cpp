// A scenario without calls is exactly the system of spec/system.md
// (spec/graph.md): every bundled scenario's CSV must stay what the solver gave
// before service graphs existed, to the last digit. tests/data/golden holds
// the CSVs `stormglass-cli run` wrote at commit 7e4fd26, the last one before.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "io/csv.h"
#include "model/fluid_solver.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The first line where two CSV texts differ, for a readable failure.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string lx, ly;
  for (int line = 1;; ++line) {
    const bool more_x = static_cast<bool>(std::getline(x, lx)), more_y = static_cast<bool>(std::getline(y, ly));
    if (!more_x && !more_y) return "";
    if (lx != ly || more_x != more_y)
      return "line " + std::to_string(line) + ":\n  now:    " + lx + "\n  before: " + ly;
  }
}

TEST(GoldenCsv, EveryBundledScenarioWithoutCallsKeepsItsCsvToTheLastDigit) {
  const std::filesystem::path golden = STORMGLASS_GOLDEN;
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(STORMGLASS_SCENARIOS)) {
    if (entry.path().extension() != ".json") continue;
    const Scenario s = load_scenario(entry.path().string());
    if (has_calls(s)) continue;
    const std::filesystem::path expected = golden / (entry.path().stem().string() + ".csv");
    ASSERT_TRUE(std::filesystem::exists(expected)) << "no golden CSV for " << entry.path();
    const std::string now = run_csv(solve(s));
    const std::string before = read(expected);
    EXPECT_TRUE(now == before) << entry.path() << " changed at " << first_difference(now, before);
    ++checked;
  }
  EXPECT_EQ(checked, 7);  // default.json and the six teaching scenarios
}

}  // namespace
}  // namespace sg
