// libFuzzer: the command line's parameter assignments and map axes (--set
// PATH=VALUE, --x PATH=FROM:TO:COUNT; issue 12, item 1), on the default
// scenario and on a call graph. Each line of the input is one of them in
// turn; a bad one must be refused with an InputError, never anything else.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "analysis/parameter_map.h"
#include "scenario/input_error.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"

namespace {

sg::Scenario chain() {
  sg::Scenario s;
  s.server.calls["api"].client.timeout_s = 2;
  s.services["api"].calls["db"].client.timeout_s = 1;
  s.services["db"];
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (sg::Scenario scenario : {sg::Scenario{}, chain()}) {
    std::istringstream lines(text);
    std::string line;
    bool axis = false;
    while (std::getline(lines, line)) {
      try {
        if (axis)
          sg::parse_axis(line, "--x", scenario);
        else
          sg::apply_assignment(scenario, line);
      } catch (const sg::InputError&) {
      }
      axis = !axis;
    }
    // Whatever the assignments made is either valid or refused.
    try {
      sg::validate_scenario(scenario);
    } catch (const sg::InputError&) {
    }
  }
  return 0;
}
