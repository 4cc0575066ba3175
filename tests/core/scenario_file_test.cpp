#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "scenario/input_error.h"
#include "scenario/policy_fields.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

/// The message of the InputError that parsing `text` throws, or "" if none.
std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "bad.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioFile, EmptyObjectGivesTheDefaultsOfInterfacesMd) {
  Scenario s = parse_scenario("{}", "empty.json");
  // Every default of spec/interfaces.md, "Scenario file".
  EXPECT_EQ(s.name, "Surge against a naive client");
  EXPECT_EQ(s.duration_s, 3600);
  EXPECT_EQ(s.step_s, 1.0);
  EXPECT_EQ(s.demand.base_rate, 800);
  ASSERT_TRUE(s.demand.surge.has_value());
  EXPECT_EQ(s.demand.surge->start_s, 600);
  EXPECT_EQ(s.demand.surge->duration_s, 300);
  EXPECT_EQ(s.demand.surge->extra_rate, 1200);
  EXPECT_EQ(s.demand.surge->ramp_s, 0);
  EXPECT_FALSE(s.demand.profile.has_value());
  EXPECT_EQ(s.server.capacity, 1000);
  EXPECT_FALSE(s.server.queue_limit.has_value());
  EXPECT_FALSE(s.server.drop_expired);
  EXPECT_EQ(s.server.reject_latency_s, 0);
  EXPECT_EQ(s.server.outage.capacity_factor, 1.0);
  EXPECT_EQ(s.server.outage.duration_s, 0);
  EXPECT_EQ(s.client.timeout_s, 5);
  EXPECT_EQ(s.client.max_attempts, 3);
  EXPECT_EQ(s.client.backoff.base_s, 0.1);
  EXPECT_EQ(s.client.backoff.multiplier, 2);
  EXPECT_EQ(s.client.backoff.cap_s, 20);
  EXPECT_EQ(s.client.backoff.jitter, Jitter::Full);
}

TEST(ScenarioFile, ReadsEveryField) {
  Scenario s = parse_scenario(R"({
    "name": "n", "description": "d", "duration_s": 100, "step_s": 0.5,
    "demand": {"base_rate": 10, "surge": null, "profile": [[0, 5], [50, 20]]},
    "server": {"capacity": 30, "queue_limit": 40, "drop_expired": true, "reject_latency_s": 0.2,
               "outage": {"start_s": 10, "duration_s": 5, "capacity_factor": 0.5}},
    "client": {"timeout_s": 2, "max_attempts": "unlimited",
               "backoff": {"base_s": 0.5, "multiplier": 1.5, "cap_s": 8, "jitter": "decorrelated"}}
  })", "all.json");
  EXPECT_EQ(s.description, "d");
  EXPECT_FALSE(s.demand.surge.has_value());
  ASSERT_TRUE(s.demand.profile.has_value());
  EXPECT_EQ(s.demand.profile->size(), 2u);
  EXPECT_EQ((*s.demand.profile)[1].second, 20);
  EXPECT_EQ(s.server.queue_limit, 40);
  EXPECT_TRUE(s.server.drop_expired);
  EXPECT_EQ(s.server.outage.capacity_factor, 0.5);
  EXPECT_FALSE(s.client.max_attempts.has_value());
  EXPECT_EQ(s.client.backoff.jitter, Jitter::Decorrelated);
}

TEST(ScenarioFile, UnknownFieldIsNamedWithItsPath) {
  std::string e = error_of(R"({"server": {"capacity": 1000, "capactiy": 5}})");
  EXPECT_NE(e.find("bad.json"), std::string::npos) << e;
  EXPECT_NE(e.find("server.capactiy"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown field"), std::string::npos) << e;
}

TEST(ScenarioFile, MalformedJsonGivesLineAndColumn) {
  // The stray comma is on line 3, column 1 (the closing brace after it).
  std::string e = error_of("{\n  \"duration_s\": 10,\n}");
  EXPECT_NE(e.find("bad.json"), std::string::npos) << e;
  EXPECT_NE(e.find("line 3, column 1"), std::string::npos) << e;
}

TEST(ScenarioFile, BadValuesNameFieldAndValue) {
  struct Case {
    const char* json;
    const char* field;
    const char* value;
  };
  const Case cases[] = {
      {R"({"server": {"capacity": -5}})", "server.capacity", "-5"},
      {R"({"step_s": 0})", "step_s", "0"},
      {R"({"client": {"backoff": {"multiplier": 0.5}}})", "client.backoff.multiplier", "0.5"},
      {R"({"client": {"backoff": {"jitter": "sometimes"}}})", "client.backoff.jitter", "\"sometimes\""},
      {R"({"client": {"max_attempts": 0}})", "client.max_attempts", "0"},
      {R"({"client": {"max_attempts": 2.5}})", "client.max_attempts", "2.5"},
      {R"({"server": {"queue_limit": 0}})", "server.queue_limit", "0"},
      {R"({"server": {"queue_limit": 10.5}})", "server.queue_limit", "10.5"},
      {R"({"demand": {"base_rate": -1}})", "demand.base_rate", "-1"},
      {R"({"demand": {"surge": {"extra_rate": -100}}})", "demand.surge.extra_rate", "-100"},
      {R"({"demand": {"profile": [[10, 5], [5, 5]]}})", "demand.profile[1]", "5"},
      {R"({"client": {"timeout_s": 0}})", "client.timeout_s", "0"},
      {R"({"server": {"capacity": "fast"}})", "server.capacity", "\"fast\""},
      {R"({"duration_s": 10, "step_s": 20})", "step_s", "20"},
      {R"({"server": {"outage": {"capacity_factor": -0.5}}})", "server.outage.capacity_factor", "-0.5"},
      {R"({"client": {"backoff": {"jitter": "proportional", "spread": 1.5}}})", "client.backoff.spread", "1.5"},
  };
  for (const Case& c : cases) {
    std::string e = error_of(c.json);
    EXPECT_NE(e.find("bad.json"), std::string::npos) << c.json << " -> " << e;
    EXPECT_NE(e.find(std::string("'") + c.field + "'"), std::string::npos) << c.json << " -> " << e;
    EXPECT_NE(e.find(std::string("value ") + c.value), std::string::npos) << c.json << " -> " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << "one line: " << e;
  }
}

TEST(ScenarioFile, UnlimitedInstantRetriesAgainstALimitAreRefused) {
  // spec/system.md: such a scenario retries infinitely often in no time.
  std::string e = error_of(R"({"server": {"queue_limit": 100},
    "client": {"max_attempts": "unlimited", "backoff": {"base_s": 0}}})");
  EXPECT_NE(e.find("client.max_attempts"), std::string::npos) << e;
  // Nor one under a millisecond: millions of retries a second per job.
  EXPECT_NE(error_of(R"({"server": {"queue_limit": 100, "reject_latency_s": 0.0005},
    "client": {"max_attempts": "unlimited", "backoff": {"base_s": 0}}})").find("client.max_attempts"),
            std::string::npos);
  // With a reject latency the loop takes time, and the scenario is fine.
  EXPECT_EQ(error_of(R"({"server": {"queue_limit": 100, "reject_latency_s": 0.1},
    "client": {"max_attempts": "unlimited", "backoff": {"base_s": 0}}})"), "");
}

TEST(ScenarioFile, MissingFileIsAnInputErrorNamingIt) {
  try {
    load_scenario("/nonexistent/dir/scenario.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/scenario.json"), std::string::npos);
  }
}

TEST(ScenarioFile, SaveThenLoadGivesTheSameScenario) {
  Scenario s;
  s.name = "round trip";
  s.server.queue_limit = 2000;
  s.client.max_attempts.reset();
  s.client.backoff.jitter = Jitter::Equal;
  s.demand.profile = std::vector<std::pair<double, double>>{{0, 100}, {60, 900.5}};
  std::string path = ::testing::TempDir() + "round_trip.json";
  save_scenario(s, path);
  Scenario back = load_scenario(path);
  EXPECT_EQ(scenario_to_json(back), scenario_to_json(s));
  std::remove(path.c_str());
}

TEST(ScenarioFile, SaveReplacesTheFileWhole) {
  std::string path = ::testing::TempDir() + "replace.json";
  {
    std::ofstream old(path);
    old << std::string(100000, 'x');  // a longer old file must not leave a tail
  }
  save_scenario(Scenario{}, path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), scenario_to_json(Scenario{}));
  std::remove(path.c_str());
}

TEST(ScenarioFile, SaveToAMissingDirectoryThrowsNamingTheFile) {
  try {
    save_scenario(Scenario{}, "/nonexistent/dir/out.json");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/out.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace sg

namespace sg {
namespace {

// docs/scenario-extensions.md: the policies beyond spec/interfaces.md.

TEST(ScenarioExtensions, PoliciesAreOffByDefaultSoOldFilesMeanWhatTheyMeant) {
  Scenario s = parse_scenario("{}", "empty.json");
  for (const PolicyObject& p : policy_objects()) EXPECT_FALSE(*p.enabled(s)) << p.path;
  EXPECT_FALSE(s.server.capacity_schedule.has_value());
}

TEST(ScenarioExtensions, AnObjectSwitchesAPolicyOnAndNullSwitchesItOff) {
  Scenario s = parse_scenario(R"({"client": {"retry_budget": {"ratio": 0.2}, "circuit_breaker": null}})", "on.json");
  EXPECT_TRUE(s.client.retry_budget.enabled);
  EXPECT_EQ(s.client.retry_budget.ratio, 0.2);
  EXPECT_EQ(s.client.retry_budget.window_s, 10);  // the fields left out keep their defaults
  EXPECT_FALSE(s.client.circuit_breaker.enabled);
}

TEST(ScenarioExtensions, EveryPolicyRoundTripsThroughSaveAndOpen) {
  Scenario s;
  s.server.capacity_schedule = std::vector<std::pair<double, double>>{{100, 500}, {200, 1500}};
  s.client.instances = 250;
  // Every policy on, every field a value other than its default.
  double v = 0.31;
  for (const PolicyObject& p : policy_objects()) {
    *p.enabled(s) = true;
    for (const PolicyField& f : p.fields) {
      *f.value(s) = f.low + std::min(f.high - f.low, 100.0) * v;  // inside the range, never its ends
      v += 0.01;
    }
  }
  validate_scenario(s);
  Scenario back = parse_scenario(scenario_to_json(s), "saved.json");
  EXPECT_EQ(scenario_to_json(back), scenario_to_json(s));
  for (const PolicyObject& p : policy_objects()) {
    EXPECT_TRUE(*p.enabled(back)) << p.path;
    for (const PolicyField& f : p.fields) EXPECT_EQ(*f.value(back), *f.value(s)) << field_path(p, f);
  }
  EXPECT_EQ(back.server.capacity_schedule, s.server.capacity_schedule);
  EXPECT_EQ(back.client.instances, 250);
}

TEST(ScenarioExtensions, APolicySwitchedOffKeepsItsOwnSettings) {
  // A teaching scenario ships a measure tuned but off: the user switches it on.
  Scenario s = parse_scenario(R"({"server": {"admission": {"enabled": false, "share": 0.3}}})", "off.json");
  EXPECT_FALSE(s.server.admission.enabled);
  EXPECT_EQ(s.server.admission.share, 0.3);
  Scenario back = parse_scenario(scenario_to_json(s), "saved.json");
  EXPECT_FALSE(back.server.admission.enabled);
  EXPECT_EQ(back.server.admission.share, 0.3);
  // Off with the default settings is written as null.
  EXPECT_NE(scenario_to_json(Scenario{}).find("\"admission\": null"), std::string::npos);
  EXPECT_EQ(error_of(R"({"server": {"admission": {"enabled": "no"}}})"),
            "bad.json: field 'server.admission.enabled': value \"no\": expected true or false");
}

TEST(ScenarioExtensions, BadPolicyValuesNameFieldAndValue) {
  EXPECT_EQ(error_of(R"({"client": {"retry_budget": {"ratio": -0.1}}})"),
            "bad.json: field 'client.retry_budget.ratio': value -0.1: must be a number from 0 to 1000");
  EXPECT_EQ(error_of(R"({"server": {"stop_signal": {"share": 1.5}}})"),
            "bad.json: field 'server.stop_signal.share': value 1.5: must be a number from 0 to 1");
  EXPECT_EQ(error_of(R"({"client": {"circuit_breaker": {"open_s": 0}}})"),
            "bad.json: field 'client.circuit_breaker.open_s': value 0: must be a number above 0 and at most 1e9");
  EXPECT_EQ(error_of(R"({"client": {"retry_throttling": {"max_tokens": "ten"}}})"),
            "bad.json: field 'client.retry_throttling.max_tokens': value \"ten\": expected a number");
  EXPECT_EQ(error_of(R"({"client": {"retry_quota": {"cost": 5}}})"),
            "bad.json: field 'client.retry_quota.cost': unknown field (known here: enabled, capacity, retry_cost, timeout_cost, success_reward)");
  EXPECT_EQ(error_of(R"({"server": {"admission": 0.5}})"),
            "bad.json: field 'server.admission': value 0.5: expected null (off) or an object of settings");
  EXPECT_EQ(error_of(R"({"server": {"capacity_schedule": [[100, -5]]}})"),
            "bad.json: field 'server.capacity_schedule[0]': value -5: a capacity must be a number from 0 to 1e12");
  EXPECT_EQ(error_of(R"({"client": {"instances": 0}})"),
            "bad.json: field 'client.instances': value 0: must be a number of clients from 1 to 1e12");
}

}  // namespace
}  // namespace sg
