// libFuzzer: solving what a valid fuzzed scenario describes (issue 12, item
// 1), single service or call graph, under a small budget of steps. It must
// finish, keep its books and give finite, non-negative numbers.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "model/fluid_solver.h"
#include "model/graph_solver.h"
#include "scenario/input_error.h"
#include "scenario/scenario_file.h"

namespace {

/// The most steps one input may take (the solver's step times the horizon),
/// over all its services: a fuzzer wants many inputs a second.
constexpr double kStepBudget = 1e4;

void check(const sg::RunResult& run, const char* service) {
  // Books to 1e-9 of what entered (spec/system.md, "Conservation").
  if (!(run.audit.attempts <= 1e-9) || !(run.audit.jobs <= 1e-9)) {
    std::fprintf(stderr, "%s: books off by %g (attempts), %g (jobs)\n", service, run.audit.attempts, run.audit.jobs);
    std::abort();
  }
  for (const sg::Interval& i : run.intervals)
    for (double v : {i.demand, i.offered, i.retries, i.rejected, i.served, i.goodput, i.wasted, i.dropped, i.timeouts,
                     i.gave_up, i.queue, i.wait_s, i.backlog, i.throttled, i.denied, i.stopped, i.shed, i.capacity,
                     i.failed, i.waiting})
      if (!std::isfinite(v) || v < -1e-9 * (1 + std::abs(i.offered) + std::abs(i.queue))) {
        std::fprintf(stderr, "%s: t = %g s: a value %g that is not finite and non-negative\n", service, i.t_s, v);
        std::abort();
      }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sg::Scenario scenario;
  try {
    scenario = sg::parse_scenario(text, "fuzzed.json");
    sg::validate_scenario(scenario);
  } catch (const sg::InputError&) {
    return 0;
  }
  const double services = 1.0 + static_cast<double>(scenario.services.size());
  const double step = sg::has_calls(scenario) ? sg::default_graph_step(scenario) : sg::default_solver_step(scenario);
  if (scenario.duration_s / step * services > kStepBudget) return 0;
  sg::SolverOptions options;
  options.audit = true;
  try {
    if (sg::has_calls(scenario)) {
      for (const sg::ServiceRun& r : sg::solve_services(scenario, options)) check(r.run, r.name.c_str());
    } else {
      check(sg::solve(scenario, options), "server");
    }
  } catch (const sg::InputError&) {
    // A scenario the solver refuses (a step that does not fit): refused, by name.
  }
  return 0;
}
