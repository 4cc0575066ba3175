// libFuzzer: any bytes read as a scenario file (issue 12, item 1). A bad file
// must be refused with an InputError, never anything else; a file that is
// read and validated must write out and read back to the same scenario.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scenario/input_error.h"
#include "scenario/scenario_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sg::Scenario scenario;
  try {
    scenario = sg::parse_scenario(text, "fuzzed.json");
    sg::validate_scenario(scenario);
  } catch (const sg::InputError&) {
    return 0;  // refused, with a message naming the file, field and value
  }
  // Written out and read back: the same scenario, field for field.
  const std::string written = sg::scenario_to_json(scenario);
  const sg::Scenario again = sg::parse_scenario(written, "written.json");
  sg::validate_scenario(again);
  if (sg::scenario_to_json(again) != written) std::abort();
  return 0;
}
