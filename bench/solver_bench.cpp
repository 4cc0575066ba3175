// Speed of the core: one run of the example scenario, and a full-grid map.
#include <benchmark/benchmark.h>

#include "analysis/parameter_map.h"
#include "model/fluid_solver.h"

namespace {

void ExampleRun3600s(benchmark::State& state) {
  sg::Scenario s;  // the example of spec/interfaces.md
  for (auto _ : state) benchmark::DoNotOptimize(sg::solve(s));
}
BENCHMARK(ExampleRun3600s)->Unit(benchmark::kMillisecond);

void ExampleRunPerJitter(benchmark::State& state) {
  sg::Scenario s;
  s.client.backoff.jitter = static_cast<sg::Jitter>(state.range(0));
  state.SetLabel(sg::to_string(s.client.backoff.jitter));
  for (auto _ : state) benchmark::DoNotOptimize(sg::solve(s));
}
BENCHMARK(ExampleRunPerJitter)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

void ExampleMapFullGrid(benchmark::State& state) {
  // demand 100-1500/s x capacity 500-2000/s, size x size points, two runs each.
  const int size = static_cast<int>(state.range(0));
  const unsigned threads = static_cast<unsigned>(state.range(1));
  sg::Scenario s;
  sg::MapAxis x{"demand.base_rate", 100, 1500, size};
  sg::MapAxis y{"server.capacity", 500, 2000, size};
  for (auto _ : state) benchmark::DoNotOptimize(sg::compute_map(s, x, y, {}, threads));
  state.counters["points"] = size * size;
}
BENCHMARK(ExampleMapFullGrid)->Args({64, 1})->Args({64, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
