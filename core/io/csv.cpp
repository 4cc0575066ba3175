#include "io/csv.h"

#include <cstdio>

namespace sg {

const char* const kRunCsvHeader =
    "t_s,demand,offered,retries,rejected,served,goodput,wasted,dropped,timeouts,gave_up,queue,wait_s,backlog,"
    "throttled,denied,stopped,shed,capacity";
const char* const kMapCsvHeader = "x,y,class,recovery_s,goodput_ratio,drains_at_s";

namespace {

void append(std::string& out, double v, char after) {
  char buf[32];
  // 10 significant digits: exact enough for any rate or level, and free of
  // the binary noise of step arithmetic (0.30000000000000004).
  int n = std::snprintf(buf, sizeof buf, "%.10g", v == 0 ? 0.0 : v);
  out.append(buf, static_cast<std::size_t>(n));
  out.push_back(after);
}

}  // namespace

std::string run_csv(const RunResult& run, bool graph_columns) {
  std::string out = kRunCsvHeader;
  if (graph_columns) out += ",failed,waiting";
  out.push_back('\n');
  out.reserve(out.size() + run.intervals.size() * 160);
  for (const Interval& i : run.intervals) {
    for (double v : {i.t_s, i.demand, i.offered, i.retries, i.rejected, i.served, i.goodput, i.wasted,
                     i.dropped, i.timeouts, i.gave_up, i.queue, i.wait_s, i.backlog, i.throttled, i.denied,
                     i.stopped, i.shed})
      append(out, v, ',');
    if (!graph_columns) {
      append(out, i.capacity, '\n');
      continue;
    }
    append(out, i.capacity, ',');
    append(out, i.failed, ',');
    append(out, i.waiting, '\n');
  }
  return out;
}

std::string map_csv(const ParameterMap& map) {
  std::string out = kMapCsvHeader;
  out.push_back('\n');
  for (const MapPoint& p : map.points) {
    append(out, p.x, ',');
    append(out, p.y, ',');
    out += to_string(p.verdict.point_class);
    out.push_back(',');
    if (p.verdict.recovery_s) append(out, *p.verdict.recovery_s, ',');
    else out.push_back(',');
    append(out, p.verdict.goodput_ratio, ',');
    // Beyond spec/interfaces.md: a metastable point whose collapse drains
    // after the horizon (docs/model.md, 7.5), empty otherwise.
    if (p.verdict.drains_at_s) append(out, *p.verdict.drains_at_s, '\n');
    else out.push_back('\n');
  }
  return out;
}

}  // namespace sg
