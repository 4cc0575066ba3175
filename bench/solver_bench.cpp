// Speed of the core: one run of the example scenario, and a full-grid map.
#include <benchmark/benchmark.h>

#include <atomic>

#include "analysis/health.h"
#include "analysis/parameter_map.h"
#include "model/fluid_solver.h"
#include "scenario/client_policies.h"

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

/// The example with each client preset of docs/scenario-extensions.md, and
/// with each server policy on (admission control doubles the classes).
void ExampleRunPerPreset(benchmark::State& state) {
  const sg::NamedPolicy& p = sg::client_policies()[static_cast<std::size_t>(state.range(0))];
  sg::Scenario s;
  sg::apply_policy(p, s.client);
  state.SetLabel(p.name);
  for (auto _ : state) benchmark::DoNotOptimize(sg::solve(s));
}
BENCHMARK(ExampleRunPerPreset)->DenseRange(0, static_cast<int>(sg::client_policies().size()) - 1)->Unit(benchmark::kMillisecond);

void ExampleRunPerServerPolicy(benchmark::State& state) {
  sg::Scenario s;
  s.server.queue_limit = 2000;
  switch (state.range(0)) {
    case 0: state.SetLabel("queue limit only"); break;
    case 1: s.server.stop_signal = {true, 1, 0, 900}; state.SetLabel("stop signal"); break;
    case 2: s.server.admission = {true, 0.5, 900}; state.SetLabel("admission control"); break;
    case 3: s.server.autoscaling = {true, 0.8, 60, 120, 250, 4000}; state.SetLabel("autoscaling"); break;
  }
  for (auto _ : state) benchmark::DoNotOptimize(sg::solve(s));
}
BENCHMARK(ExampleRunPerServerPolicy)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

// The example's plane: demand 100-1500/s x capacity 500-2000/s.
sg::MapAxis demand_axis(int size) { return {"demand.base_rate", 100, 1500, size}; }
sg::MapAxis capacity_axis(int size) { return {"server.capacity", 500, 2000, size}; }

/// The reference: every point from two complete runs, one thread.
void ExampleMapFullGridSingleThread(benchmark::State& state) {
  const int size = static_cast<int>(state.range(0));
  sg::Scenario s;
  sg::MapAxis x = demand_axis(size), y = capacity_axis(size);
  for (auto _ : state) {
    for (int i = 0; i < size; ++i)
      for (int j = 0; j < size; ++j)
        benchmark::DoNotOptimize(sg::classify_point_fully(sg::scenario_at(s, x, x.value(i), y, y.value(j))));
  }
  state.counters["points"] = size * size;
}
BENCHMARK(ExampleMapFullGridSingleThread)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

/// The map engine: runs stop once decided, every core, every point solved.
void ExampleMapFast(benchmark::State& state) {
  const int size = static_cast<int>(state.range(0));
  const unsigned threads = static_cast<unsigned>(state.range(1));
  sg::Scenario s;
  for (auto _ : state) benchmark::DoNotOptimize(sg::compute_map(s, demand_axis(size), capacity_axis(size), {}, threads));
  state.counters["points"] = size * size;
}
BENCHMARK(ExampleMapFast)->Args({64, 1})->Args({64, 0})->Args({128, 1})->Args({128, 0})->Unit(benchmark::kMillisecond)->UseRealTime();

/// The same map with the SRE book's client: its gates forbid the early stop
/// of a collapse, so each unhealthy point runs to the horizon.
void ExampleMapFastSre(benchmark::State& state) {
  const int size = static_cast<int>(state.range(0));
  sg::Scenario s;
  for (const sg::NamedPolicy& p : sg::client_policies())
    if (p.name == "SRE book") sg::apply_policy(p, s.client);
  for (auto _ : state) benchmark::DoNotOptimize(sg::compute_map(s, demand_axis(size), capacity_axis(size), {}, 0));
  state.counters["points"] = size * size;
}
BENCHMARK(ExampleMapFastSre)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Time to the first coarse picture of a 128 x 128 map (its stride-8 pass), all cores.
void ExampleMapFirstPicture(benchmark::State& state) {
  sg::Scenario s;
  for (auto _ : state) {
    try {
      std::atomic<bool> stop{false};
      sg::compute_map_progressively(s, demand_axis(128), capacity_axis(128), {}, 0,
                                    [&](const sg::ParameterMap&, int) { stop = true; }, &stop);
    } catch (const sg::Cancelled&) {
      // stopped right after the first pass, as a newer request would
    }
  }
}
BENCHMARK(ExampleMapFirstPicture)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
