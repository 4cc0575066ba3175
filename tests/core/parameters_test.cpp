#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "scenario/input_error.h"
#include "scenario/parameters.h"
#include "scenario/policy_fields.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

TEST(Parameters, ReadAndSetEveryNumericPath) {
  Scenario s;
  for (const ParameterInfo& p : parameters()) {
    if (p.kind != ParameterKind::Number) continue;
    double before = get_number(s, p.path).value();
    set_number(s, p.path, before + 1);
    EXPECT_EQ(get_number(s, p.path).value(), before + 1) << p.path;
  }
}

TEST(Parameters, TextRoundTripsThroughSetText) {
  Scenario s;
  set_text(s, "server.queue_limit", "2000");
  EXPECT_EQ(s.server.queue_limit, 2000);
  EXPECT_EQ(get_text(s, "server.queue_limit"), "2000");
  set_text(s, "server.queue_limit", "none");
  EXPECT_FALSE(s.server.queue_limit.has_value());
  EXPECT_EQ(get_text(s, "server.queue_limit"), "none");
  set_text(s, "client.max_attempts", "unlimited");
  EXPECT_FALSE(s.client.max_attempts.has_value());
  EXPECT_EQ(get_text(s, "client.max_attempts"), "unlimited");
  set_text(s, "server.drop_expired", "true");
  EXPECT_TRUE(s.server.drop_expired);
  set_text(s, "client.backoff.jitter", "decorrelated");
  EXPECT_EQ(s.client.backoff.jitter, Jitter::Decorrelated);
  EXPECT_EQ(get_text(s, "client.backoff.jitter"), "decorrelated");
  set_text(s, "server.capacity", "1250.5");
  EXPECT_EQ(s.server.capacity, 1250.5);
}

TEST(Parameters, SettingASurgeFieldWithoutASurgeCreatesTheDefaultSurge) {
  Scenario s;
  s.demand.surge.reset();
  set_number(s, "demand.surge.extra_rate", 500);
  ASSERT_TRUE(s.demand.surge.has_value());
  EXPECT_EQ(s.demand.surge->extra_rate, 500);
  EXPECT_EQ(s.demand.surge->start_s, 600);  // the default of spec/interfaces.md
}

TEST(Parameters, ReadingNeverChangesTheScenario) {
  Scenario s;
  s.demand.surge.reset();
  EXPECT_EQ(get_number(s, "demand.surge.extra_rate").value(), 1200);
  EXPECT_FALSE(s.demand.surge.has_value());
}

TEST(Parameters, ACallsOwnFieldWithoutACallIsAnUnknownPathNotACrash) {
  // Found by the fuzzer (tests/fuzz/regressions/assignment-fan-out-alone):
  // "fan_out" and "propagate_deadline" are fields of a call
  // (server.calls.db.fan_out); alone they name nothing on the entry, and
  // reading or setting them dereferenced a call that was not there.
  for (const char* field : {"fan_out", "propagate_deadline"}) {
    Scenario s;
    for (auto attempt : std::vector<std::function<void()>>{
             [&] { get_number(s, field); }, [&] { set_number(s, field, 1); }, [&] { get_text(s, field); },
             [&] { set_text(s, field, "1"); }, [&] { apply_assignment(s, std::string(field) + "=1"); }}) {
      try {
        attempt();
        ADD_FAILURE() << field << " was accepted";
      } catch (const InputError& e) {
        EXPECT_EQ(e.field(), field);
        EXPECT_EQ(e.problem().rfind("unknown parameter path", 0), 0u) << e.problem();
      }
    }
  }
}

TEST(Parameters, BadAssignmentsNameThePathAndValue) {
  Scenario s;
  auto message = [&](const std::string& assignment) -> std::string {
    try {
      apply_assignment(s, assignment);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message("server.capacity").find("PATH=VALUE"), std::string::npos);
  EXPECT_NE(message("server.capacit=5").find("server.capacit"), std::string::npos);
  std::string e = message("server.capacity=fast");
  EXPECT_NE(e.find("server.capacity"), std::string::npos) << e;
  EXPECT_NE(e.find("'fast'"), std::string::npos) << e;
  EXPECT_NE(message("client.max_attempts=2.5").find("whole number"), std::string::npos);
  EXPECT_NE(message("client.backoff.jitter=sometimes").find("'sometimes'"), std::string::npos);
  EXPECT_NE(message("server.drop_expired=maybe").find("true or false"), std::string::npos);
}

TEST(Parameters, SetNumberRefusesFractionsForWholeFields) {
  Scenario s;
  EXPECT_THROW(set_number(s, "server.queue_limit", 10.5), InputError);
  EXPECT_THROW(set_number(s, "name", 1), InputError);
  set_number(s, "client.max_attempts", 5);
  EXPECT_EQ(s.client.max_attempts, 5);
}

}  // namespace
}  // namespace sg

namespace sg {
namespace {

TEST(Parameters, EveryPolicyIsAFlagPathAndSettingItsFieldSwitchesItOn) {
  Scenario s;
  EXPECT_EQ(get_text(s, "client.retry_budget"), "false");
  set_text(s, "client.retry_budget.ratio", "0.2");
  EXPECT_TRUE(s.client.retry_budget.enabled);
  EXPECT_EQ(get_text(s, "client.retry_budget"), "true");
  set_text(s, "client.retry_budget", "null");  // as in a file
  EXPECT_FALSE(s.client.retry_budget.enabled);
  EXPECT_EQ(s.client.retry_budget.ratio, 0.2);  // kept for when it is switched back on
  set_number(s, "server.admission.share", 0.3);
  EXPECT_TRUE(s.server.admission.enabled);
  for (const PolicyObject& p : policy_objects()) {
    ASSERT_NE(find_parameter(p.path), nullptr) << p.path;
    EXPECT_EQ(find_parameter(p.path)->kind, ParameterKind::Flag);
    for (const PolicyField& f : p.fields) EXPECT_NE(find_parameter(field_path(p, f)), nullptr) << f.key;
  }
}

}  // namespace
}  // namespace sg
