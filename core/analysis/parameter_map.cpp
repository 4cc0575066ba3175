#include "analysis/parameter_map.h"

#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "scenario/input_error.h"
#include "scenario/number_text.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

bool parse_double(const std::string& text, double& out) {
  auto v = parse_decimal(text);
  if (v) out = *v;
  return v.has_value();
}

bool whole_number_kind(ParameterKind kind) {
  return kind == ParameterKind::WholeOrNone || kind == ParameterKind::WholeOrUnlimited || kind == ParameterKind::Whole;
}

/// The point's value before whole-number parameters are rounded.
double exact_value(const MapAxis& a, int i) {
  return a.count <= 1 ? a.from : a.from + (a.to - a.from) * static_cast<double>(i) / static_cast<double>(a.count - 1);
}

}  // namespace

double MapAxis::value(int i) const {
  double v = exact_value(*this, i);
  // Whole-number parameters (queue limit, attempts, fan-out) take the nearest
  // whole value: an axis built in the dashboard may fall between them.
  const auto info = describe_parameter(path);
  if (info && whole_number_kind(info->kind)) v = std::round(v);
  return v;
}

MapAxis parse_axis(const std::string& text, const std::string& option, const Scenario& base) {
  const std::string shown = "'" + text + "'";
  const char* form = "expected PATH=FROM:TO:COUNT, e.g. server.capacity=500:2000:64";
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw InputError(option, "", shown, form);
  MapAxis axis;
  axis.path = text.substr(0, eq);
  const std::string range = text.substr(eq + 1);
  auto c1 = range.find(':');
  auto c2 = c1 == std::string::npos ? std::string::npos : range.find(':', c1 + 1);
  if (c2 == std::string::npos || range.find(':', c2 + 1) != std::string::npos)
    throw InputError(option, axis.path, shown, form);
  double count = 0;
  if (!parse_double(range.substr(0, c1), axis.from) || !parse_double(range.substr(c1 + 1, c2 - c1 - 1), axis.to) ||
      !parse_double(range.substr(c2 + 1), count))
    throw InputError(option, axis.path, shown, form);
  if (count < 1 || count > 4096 || std::floor(count) != count)
    throw InputError(option, axis.path, shown, "COUNT must be a whole number from 1 to 4096");
  axis.count = static_cast<int>(count);
  try {
    get_number(base, axis.path);  // refuses unknown paths and text fields
  } catch (const InputError& e) {
    throw e.with_source(option);
  }
  const ParameterKind kind = describe_parameter(axis.path)->kind;
  if (kind == ParameterKind::Choice)
    throw InputError(option, axis.path, shown,
                     "a choice is not a numeric axis; compare its values with --set in separate maps");
  if (whole_number_kind(kind))
    for (int i = 0; i < axis.count; ++i) {
      const double v = exact_value(axis, i);
      if (std::fabs(v - std::round(v)) > 1e-9 * std::max(1.0, std::fabs(v)))
        throw InputError(option, axis.path, shown,
                         "point " + std::to_string(i + 1) + " is " + format_number(v) +
                             ", not a whole number: choose FROM, TO and COUNT so that every point is whole");
    }
  return axis;
}

Scenario scenario_at(const Scenario& base, const MapAxis& x, double xv, const MapAxis& y, double yv) {
  Scenario s = base;
  const MapAxis* axes[2] = {&x, &y};
  const double values[2] = {xv, yv};
  const char* options[2] = {"--x", "--y"};
  for (int a = 0; a < 2; ++a) {
    try {
      set_number(s, axes[a]->path, values[a]);
    } catch (const InputError& e) {
      throw e.with_source(options[a]);
    }
  }
  try {
    validate_scenario(s);
  } catch (const InputError& e) {
    for (int a = 0; a < 2; ++a)
      if (e.field() == axes[a]->path) throw e.with_source(options[a]);
    throw e.with_source(std::string("the map point ") + x.path + "=" + std::to_string(xv) + ", " + y.path +
                        "=" + std::to_string(yv));
  }
  return s;
}

ParameterMap compute_map(const Scenario& base, const MapAxis& x, const MapAxis& y,
                         const SolverOptions& options, unsigned threads) {
  return compute_map_progressively(base, x, y, options, threads, nullptr);
}

ParameterMap compute_map_progressively(const Scenario& base, const MapAxis& x, const MapAxis& y,
                                       const SolverOptions& options, unsigned threads, const MapProgress& progress,
                                       const std::atomic<bool>* cancel, const MapCellProgress& cell_progress) {
  ParameterMap map{x, y, {}};
  std::vector<Scenario> scenarios;
  scenarios.reserve(static_cast<std::size_t>(x.count) * static_cast<std::size_t>(y.count));
  for (int i = 0; i < x.count; ++i)
    for (int j = 0; j < y.count; ++j) {
      scenarios.push_back(scenario_at(base, x, x.value(i), y, y.value(j)));
      map.points.push_back({x.value(i), y.value(j), {}, false});
    }
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  SolverOptions solver = options;
  solver.cancel = cancel;
  auto index = [&](int i, int j) { return static_cast<std::size_t>(i) * static_cast<std::size_t>(y.count) + j; };

  // Coarse to fine: only with a progress callback is there anyone to show a coarse pass to.
  const int first_stride = progress ? 8 : 1;
  int passes = 0;
  for (int stride = first_stride; stride >= 1; stride /= 2) ++passes;
  int pass = 0;
  for (int stride = first_stride; stride >= 1; stride /= 2) {
    ++pass;
    std::vector<std::size_t> todo;
    for (int i = 0; i < x.count; i += stride)
      for (int j = 0; j < y.count; j += stride)
        if (!map.points[index(i, j)].solved) todo.push_back(index(i, j));
    if (cell_progress) cell_progress(0, todo.size(), pass, passes);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
      for (std::size_t k = next++; k < todo.size(); k = next++) {
        try {
          map.points[todo[k]].verdict = classify_point(scenarios[todo[k]], solver);
          map.points[todo[k]].solved = true;
          const std::size_t finished = ++done;
          if (cell_progress) cell_progress(finished, todo.size(), pass, passes);
        } catch (...) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          next = todo.size();
        }
      }
    };
    const unsigned workers = std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, todo.size())));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < workers; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    if (!progress) continue;
    if (stride > 1) {
      // Unsolved points show the solved point at the corner of their block.
      for (int i = 0; i < x.count; ++i)
        for (int j = 0; j < y.count; ++j) {
          MapPoint& p = map.points[index(i, j)];
          if (!p.solved) p.verdict = map.points[index(i - i % stride, j - j % stride)].verdict;
        }
    }
    progress(map, stride);
  }
  return map;
}

}  // namespace sg
