#include <gtest/gtest.h>

#include <set>

#include "scenario/parameter_labels.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

TEST(ParameterLabels, NameTheOwnerTheFieldAndTheUnit) {
  // Issue 10, item 8: the map's axis choosers showed raw paths.
  EXPECT_EQ(parameter_label("demand.base_rate"), "Demand: base rate (jobs/s)");
  EXPECT_EQ(parameter_label("server.capacity"), "Server: capacity (attempts/s)");
  EXPECT_EQ(parameter_label("client.timeout_s"), "Client: timeout (s)");
  EXPECT_EQ(parameter_label("client.max_attempts"), "Client: max attempts");  // not "(attempts)" again
  EXPECT_EQ(parameter_label("client.backoff.base_s"), "Backoff: base (s)");
  EXPECT_EQ(parameter_label("client.retry_budget.window_s"), "Retry budget: window (s)");
  EXPECT_EQ(parameter_label("client.retry_budget.min_per_s"), "Retry budget: minimum retries/s");
  EXPECT_EQ(parameter_label("client.retry_budget"), "Retry budget");
}

TEST(ParameterLabels, GraphPathsAreOwnedByTheirServiceOrCall) {
  // spec/graph.md, "Parameter paths": the entry is "server".
  EXPECT_EQ(parameter_label("services.db.capacity"), "db: capacity (attempts/s)");
  EXPECT_EQ(parameter_label("services.db.outage.capacity_factor"), "db: outage capacity factor");
  EXPECT_EQ(parameter_label("server.calls.db.timeout_s"), "server \u2192 db: timeout (s)");
  EXPECT_EQ(parameter_label("services.api.calls.db.max_attempts"), "api \u2192 db: max attempts");
  EXPECT_EQ(parameter_label("server.calls.db.fan_out"), "server \u2192 db: fan-out (jobs)");
  EXPECT_EQ(parameter_label("services.db.admission.share"), "db: admission control share admitted");
  EXPECT_EQ(parameter_words("services.db.capacity"), "db capacity");
  EXPECT_EQ(parameter_words("server.calls.api.backoff.base_s"), "server \u2192 api backoff base");
}

TEST(ParameterLabels, WordsForSentencesLeaveOutTheObviousOwner) {
  EXPECT_EQ(parameter_words("client.timeout_s"), "timeout");
  EXPECT_EQ(parameter_words("server.capacity"), "capacity");
  EXPECT_EQ(parameter_words("demand.surge.start_s"), "surge start");
  EXPECT_EQ(parameter_words("client.retry_budget.window_s"), "retry budget window");
  EXPECT_EQ(parameter_words("client.retry_throttling.max_tokens"), "gRPC retry throttling maximum tokens");
  EXPECT_EQ(parameter_words("no.such.path"), "no.such.path");
  EXPECT_EQ(parameter_label("no.such.path"), "no.such.path");
}

TEST(ParameterLabels, EveryParameterOfABundledGraphHasOneOfItsOwn) {
  // One table covers every path: none falls back to its raw path, and no two
  // share a label (a chooser would show two alike).
  const Scenario s = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/graph-md-example.json");
  std::set<std::string> seen;
  for (const ParameterInfo& p : parameters(s)) {
    const std::string label = parameter_label(p.path);
    EXPECT_NE(label, p.path) << p.path;
    EXPECT_EQ(label.find('_'), std::string::npos) << p.path << ": " << label;
    EXPECT_TRUE(seen.insert(label).second) << p.path << ": " << label;
    // "name" and "description" are words already.
    if (p.kind != ParameterKind::Text) {
      EXPECT_NE(parameter_words(p.path), p.path) << p.path;
    }
  }
}

}  // namespace
}  // namespace sg
