// Service graphs in scenario files (spec/graph.md, "The scenario file", "Bad
// input", "Parameter paths") and the call graph built on Boost.Graph.
#include <string>

#include <gtest/gtest.h>

#include "analysis/parameter_map.h"
#include "graph/service_graph.h"
#include "scenario/input_error.h"
#include "scenario/parameters.h"
#include "scenario/scenario_file.h"

namespace sg {
namespace {

/// spec/graph.md's example, word for word.
const char* const kExample = R"({
  "server": {
    "capacity": 1000,
    "calls": {
      "auth": { "fan_out": 1, "timeout_s": 2, "max_attempts": 3,
                "backoff": { "base_s": 0.05, "multiplier": 2, "cap_s": 1, "jitter": "full" } },
      "db":   { "fan_out": 2, "timeout_s": 1, "max_attempts": 2 }
    }
  },
  "services": {
    "auth": { "capacity": 1500, "queue_limit": 3000,
              "calls": { "db": { "timeout_s": 0.5, "max_attempts": 2 } } },
    "db":   { "capacity": 4000, "outage": { "start_s": 600, "duration_s": 60, "capacity_factor": 0.3 } }
  }
})";

/// The error parsing `text` raises: "field 'F': value V: problem", or "" when none.
std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "graph.json");
  } catch (const InputError& e) {
    EXPECT_EQ(e.source(), "graph.json");
    return e.what();
  }
  return "";
}

/// The example with one JSON member replaced: `services` as given.
std::string with_services(const std::string& server_calls, const std::string& services) {
  return R"({"server": {"calls": )" + server_calls + R"(}, "services": )" + services + "}";
}

TEST(ServiceGraph, ReadsGraphMdsExample) {
  const Scenario s = parse_scenario(kExample, "example.json");
  ASSERT_EQ(s.server.calls.size(), 2u);
  const Call& auth = s.server.calls.at("auth");
  EXPECT_EQ(auth.fan_out, 1);
  EXPECT_EQ(auth.client.timeout_s, 2);
  EXPECT_EQ(auth.client.max_attempts, 3);
  EXPECT_EQ(auth.client.backoff.base_s, 0.05);
  EXPECT_EQ(auth.client.backoff.cap_s, 1);
  const Call& db = s.server.calls.at("db");
  EXPECT_EQ(db.fan_out, 2);
  EXPECT_EQ(db.client.timeout_s, 1);
  EXPECT_EQ(db.client.max_attempts, 2);
  // A call does not inherit from the users' client: interfaces.md's defaults.
  EXPECT_EQ(db.client.backoff.base_s, 0.1);
  EXPECT_EQ(db.client.backoff.cap_s, 20);
  EXPECT_EQ(db.client.backoff.jitter, Jitter::Full);
  ASSERT_EQ(s.services.size(), 2u);
  EXPECT_EQ(s.services.at("auth").capacity, 1500);
  EXPECT_EQ(s.services.at("auth").queue_limit, 3000);
  EXPECT_EQ(s.services.at("auth").calls.at("db").client.timeout_s, 0.5);
  EXPECT_EQ(s.services.at("auth").calls.at("db").fan_out, 1);  // default fan-out
  EXPECT_EQ(s.services.at("db").outage.capacity_factor, 0.3);
  EXPECT_EQ(s.services.at("db").drop_margin_s, 0);
  EXPECT_TRUE(s.services.at("db").calls.empty());
  EXPECT_TRUE(has_calls(s));
  // The trigger is the surge (600-900 s) and every service's outage (600-660 s).
  EXPECT_EQ(trigger_end_s(s), 900);
}

TEST(ServiceGraph, TopologicalOrderPutsCallersFirst) {
  const Scenario s = parse_scenario(kExample, "example.json");
  const ServiceGraph g(s);
  ASSERT_EQ(g.size(), 3u);
  std::vector<std::string> order;
  for (ServiceId v : g.order()) order.push_back(g.name(v));
  // server calls auth and db, auth calls db: the only order is server, auth, db.
  EXPECT_EQ(order, (std::vector<std::string>{"server", "auth", "db"}));
  EXPECT_EQ(boost::num_edges(g.graph()), 3u);
  EXPECT_EQ(g.server(g.find("db")).capacity, 4000);
  EXPECT_EQ(g.find("nope"), g.size());
}

TEST(ServiceGraph, RoundTripKeepsEveryGraphField) {
  Scenario s = parse_scenario(kExample, "example.json");
  s.services.at("db").drop_expired = true;
  s.services.at("db").drop_margin_s = 0.25;
  s.services.at("auth").drop_expired = true;
  s.services.at("auth").drop_margin_s = 0.1;
  Call& c = s.services.at("auth").calls.at("db");
  c.client.retry_budget.enabled = true;
  c.client.retry_budget.ratio = 0.2;
  c.client.circuit_breaker.min_calls = 7;  // kept while off
  c.client.backoff.jitter = Jitter::Decorrelated;
  c.client.max_attempts.reset();
  c.client.backoff.base_s = 0.2;
  s.services.at("db").stop_signal.enabled = true;
  const Scenario back = parse_scenario(scenario_to_json(s), "back.json");
  EXPECT_EQ(scenario_to_json(back), scenario_to_json(s));
  const Call& b = back.services.at("auth").calls.at("db");
  EXPECT_TRUE(b.client.retry_budget.enabled);
  EXPECT_EQ(b.client.retry_budget.ratio, 0.2);
  EXPECT_FALSE(b.client.circuit_breaker.enabled);
  EXPECT_EQ(b.client.circuit_breaker.min_calls, 7);
  EXPECT_FALSE(b.client.max_attempts.has_value());
  EXPECT_EQ(back.services.at("db").drop_margin_s, 0.25);
  EXPECT_TRUE(back.services.at("db").stop_signal.enabled);
  EXPECT_EQ(back.server.calls.at("db").fan_out, 2);
}

TEST(ServiceGraph, AFileWithoutCallsIsWrittenAsBefore) {
  // No "calls" and no "services" members: the file reads as it did before spec/graph.md.
  const std::string text = scenario_to_json(Scenario{});
  EXPECT_EQ(text.find("\"calls\""), std::string::npos);
  EXPECT_EQ(text.find("\"services\""), std::string::npos);
  EXPECT_FALSE(has_calls(Scenario{}));
}

TEST(ServiceGraph, RefusesACallToAnUndefinedService) {
  EXPECT_EQ(error_of(with_services(R"({"auht": {}})", R"({"auth": {}})")),
            "graph.json: field 'server.calls.auht': value \"auht\": calls a service that services does not define "
            "(defined: auth)");
  EXPECT_NE(error_of(R"({"server": {"calls": {"db": {}}}})").find("(it defines none)"), std::string::npos);
}

TEST(ServiceGraph, NamesACycleInOrderFromWhereTheWalkFirstReachedIt) {
  // server -> auth -> db -> auth: the walk reaches auth first, so the cycle
  // reads from auth; the call that closes it is db's call to auth.
  EXPECT_EQ(error_of(with_services(R"({"auth": {}})",
                                   R"({"auth": {"calls": {"db": {}}}, "db": {"calls": {"auth": {}}}})")),
            "graph.json: field 'services.db.calls.auth': value auth -> db -> auth: calls form a cycle; a call graph "
            "must have none");
  // A call of a service to itself, and a call back to the entry.
  EXPECT_NE(error_of(with_services(R"({"db": {}})", R"({"db": {"calls": {"db": {}}}})")).find("value db -> db"),
            std::string::npos);
  EXPECT_NE(error_of(with_services(R"({"db": {}})", R"({"db": {"calls": {"server": {}}}})"))
                .find("field 'services.db.calls.server': value server -> db -> server"),
            std::string::npos);
}

TEST(ServiceGraph, RefusesAServiceNoCallReaches) {
  EXPECT_EQ(error_of(with_services(R"({"auth": {}})", R"({"auth": {}, "dbb": {}})")),
            "graph.json: field 'services.dbb': no call reaches this service from server");
}

TEST(ServiceGraph, RefusesBadServiceNames) {
  EXPECT_NE(error_of(with_services(R"({"1db": {}})", R"({"1db": {}})")).find("field 'services.1db': value \"1db\""),
            std::string::npos);
  EXPECT_NE(error_of(with_services(R"({"d b": {}})", R"({"d b": {}})")).find("a letter followed by"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"services": {"server": {}}})").find("entry service's name"), std::string::npos);
  // Letters, digits, '_' and '-' after the first letter are fine.
  EXPECT_EQ(error_of(with_services(R"({"db_2-eu": {}})", R"({"db_2-eu": {}})")), "");
}

TEST(ServiceGraph, RefusesFanOutsOutsideOneToAThousand) {
  EXPECT_EQ(error_of(R"({"server": {"calls": {"db": {"fan_out": 0}}}, "services": {"db": {}}})"),
            "graph.json: field 'server.calls.db.fan_out': value 0: a fan-out is a whole number of jobs from 1 to 1000");
  EXPECT_NE(error_of(R"({"server": {"calls": {"db": {"fan_out": 1001}}}, "services": {"db": {}}})").find("1001"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"server": {"calls": {"db": {"fan_out": 1.5}}}, "services": {"db": {}}})")
                .find("field 'server.calls.db.fan_out': value 1.5"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"server": {"calls": {"db": {"fan_out": 1000}}}, "services": {"db": {}}})"), "");
}

TEST(ServiceGraph, NamesTheFieldOfABadValueInAServiceOrACall) {
  EXPECT_EQ(error_of(with_services(R"({"db": {}})", R"({"db": {"capacity": -3}})")),
            "graph.json: field 'services.db.capacity': value -3: capacity must be a number of attempts per second, "
            "> 0 and at most 1e12");
  EXPECT_NE(error_of(with_services(R"({"db": {"timeout_s": 0}})", R"({"db": {}})"))
                .find("field 'server.calls.db.timeout_s': value 0"),
            std::string::npos);
  EXPECT_NE(error_of(with_services(R"({"db": {"backoff": {"jitter": "some"}}})", R"({"db": {}})"))
                .find("field 'server.calls.db.backoff.jitter': value \"some\""),
            std::string::npos);
  EXPECT_NE(error_of(with_services(R"({"db": {"retry_budget": {"ratio": -1}}})", R"({"db": {}})"))
                .find("field 'server.calls.db.retry_budget.ratio': value -1"),
            std::string::npos);
  EXPECT_NE(error_of(with_services(R"({"db": {}})", R"({"db": {"admission": {"share": 2}}})"))
                .find("field 'services.db.admission.share': value 2"),
            std::string::npos);
  // Unknown fields, as everywhere.
  EXPECT_NE(error_of(with_services(R"({"db": {"fanout": 2}})", R"({"db": {}})"))
                .find("field 'server.calls.db.fanout': unknown field (known here: timeout_s"),
            std::string::npos);
  EXPECT_NE(error_of(with_services(R"({"db": {}})", R"({"db": {"capacty": 2}})"))
                .find("field 'services.db.capacty': unknown field"),
            std::string::npos);
}

TEST(ServiceGraph, RefusesDropExpiredWithCallsAndNoMargin) {
  EXPECT_NE(error_of(R"({"server": {"drop_expired": true, "calls": {"db": {}}}, "services": {"db": {}}})")
                .find("field 'server.drop_margin_s': value 0: drop_expired at a service with calls needs a positive "
                      "drop_margin_s"),
            std::string::npos);
  EXPECT_EQ(
      error_of(R"({"server": {"drop_expired": true, "drop_margin_s": 0.5, "calls": {"db": {}}}, "services": {"db": {}}})"),
      "");
  // Without calls a margin of 0 is the system of spec/system.md.
  EXPECT_EQ(error_of(R"({"server": {"drop_expired": true}})"), "");
  EXPECT_NE(error_of(R"({"server": {"drop_margin_s": -1}})").find("field 'server.drop_margin_s': value -1"),
            std::string::npos);
}

TEST(ServiceGraph, RefusesRetriesInfinitelyOftenInNoTimeThroughCalls) {
  // The users retry without limit and without delay; the entry has no queue
  // limit, but its one call makes one attempt at a db that rejects at once:
  // an attempt at the entry can fail in no time.
  const std::string loop = R"({"client": {"max_attempts": "unlimited", "backoff": {"base_s": 0}},
    "server": {"calls": {"db": {"max_attempts": 1}}}, "services": {"db": {"queue_limit": 10}}})";
  EXPECT_NE(error_of(loop).find("field 'client.max_attempts': value \"unlimited\": unlimited attempts with a zero "
                                "delay against a service whose calls can fail in no time"),
            std::string::npos);
  // A rejection that takes time, a call that waits before retrying or a
  // users' delay breaks the loop.
  EXPECT_EQ(error_of(R"({"client": {"max_attempts": "unlimited", "backoff": {"base_s": 0}},
    "server": {"calls": {"db": {"max_attempts": 1}}}, "services": {"db": {"queue_limit": 10, "reject_latency_s": 0.01}}})"),
            "");
  EXPECT_EQ(error_of(R"({"client": {"max_attempts": "unlimited", "backoff": {"base_s": 0}},
    "server": {"calls": {"db": {"max_attempts": 2}}}, "services": {"db": {"queue_limit": 10}}})"),
            "");
  EXPECT_EQ(error_of(R"({"client": {"max_attempts": "unlimited", "backoff": {"base_s": 0.1}},
    "server": {"calls": {"db": {"max_attempts": 1}}}, "services": {"db": {"queue_limit": 10}}})"),
            "");
  // Two layers down, with zero delays in between, and on a call's own client.
  EXPECT_NE(error_of(R"({"server": {"calls": {"a": {"max_attempts": "unlimited", "backoff": {"cap_s": 0}}}},
    "services": {"a": {"calls": {"b": {"max_attempts": 3, "backoff": {"base_s": 0}}}}, "b": {"queue_limit": 5}}})")
                .find("field 'server.calls.a.max_attempts': value \"unlimited\""),
            std::string::npos);
  // spec/system.md's rule holds on a call too.
  EXPECT_NE(error_of(R"({"server": {"calls": {"b": {"max_attempts": "unlimited", "backoff": {"base_s": 0}}}},
    "services": {"b": {"queue_limit": 5}}})")
                .find("field 'server.calls.b.max_attempts': value \"unlimited\": unlimited attempts against a queue limit"),
            std::string::npos);
}

TEST(ServiceGraph, ParameterPathsReachEveryServiceAndCall) {
  Scenario s = parse_scenario(kExample, "example.json");
  // spec/graph.md's examples of paths.
  EXPECT_EQ(get_number(s, "services.db.capacity"), 4000);
  EXPECT_EQ(get_number(s, "services.db.outage.capacity_factor"), 0.3);
  EXPECT_EQ(get_number(s, "server.calls.auth.timeout_s"), 2);
  EXPECT_EQ(get_number(s, "server.calls.db.fan_out"), 2);
  EXPECT_EQ(get_text(s, "services.auth.calls.db.backoff.jitter"), "full");
  EXPECT_EQ(get_number(s, "services.auth.calls.db.max_attempts"), 2);
  set_text(s, "services.db.capacity", "3500");
  set_text(s, "server.calls.db.fan_out", "4");
  set_text(s, "services.auth.calls.db.backoff.jitter", "none");
  set_text(s, "services.auth.calls.db.max_attempts", "unlimited");
  set_number(s, "services.auth.queue_limit", 200);
  set_text(s, "services.auth.calls.db.retry_budget.ratio", "0.2");  // switches the budget on
  EXPECT_EQ(s.services.at("db").capacity, 3500);
  EXPECT_EQ(s.server.calls.at("db").fan_out, 4);
  const Call& c = s.services.at("auth").calls.at("db");
  EXPECT_EQ(c.client.backoff.jitter, Jitter::None);
  EXPECT_FALSE(c.client.max_attempts.has_value());
  EXPECT_TRUE(c.client.retry_budget.enabled);
  EXPECT_EQ(s.services.at("auth").queue_limit, 200);
  // The entry and the users' client are untouched by all of this.
  EXPECT_EQ(s.server.capacity, 1000);
  EXPECT_EQ(s.client.timeout_s, 5);
  EXPECT_EQ(s.client.backoff.jitter, Jitter::Full);
  EXPECT_FALSE(s.client.retry_budget.enabled);
}

TEST(ServiceGraph, BadGraphPathsAndValuesNameThePath) {
  Scenario s = parse_scenario(kExample, "example.json");
  auto error = [&](const std::string& path, const std::string& value) -> std::string {
    try {
      set_text(s, path, value);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error("services.dbx.capacity", "1"),
            "field 'services.dbx.capacity': no service 'dbx' in this scenario (services: auth, db)");
  EXPECT_NE(error("server.calls.cache.timeout_s", "1").find("no call to 'cache'"), std::string::npos);
  EXPECT_EQ(error("server.calls.db.fan_out", "1.5"), "field 'server.calls.db.fan_out': value '1.5': expected a whole number");
  EXPECT_EQ(error("services.auth.calls.db.backoff.jitter", "some"),
            "field 'services.auth.calls.db.backoff.jitter': value 'some': unknown jitter (expected none, full, equal, "
            "decorrelated or proportional)");
  // An unknown field under a service or a call lists the fields known
  // there, as they are written there (no "server." or "client." prefix).
  const std::string service_typo = error("services.db.capacty", "1");
  EXPECT_EQ(service_typo.rfind("field 'services.db.capacty': unknown field 'capacty' of a service (known there: capacity, "
                               "queue_limit,",
                               0),
            0u)
      << service_typo;
  // A call holds a client's fields directly: "client." inside a call's path
  // is a natural mistake, answered with the path meant.
  const std::string call_prefix = error("services.auth.calls.db.client.retry_budget", "true");
  EXPECT_EQ(call_prefix.rfind("field 'services.auth.calls.db.client.retry_budget': unknown field 'client.retry_budget' of a "
                              "call; a call holds the client's fields directly: services.auth.calls.db.retry_budget "
                              "(known there: fan_out, propagate_deadline, timeout_s,",
                              0),
            0u)
      << call_prefix;
  EXPECT_NE(call_prefix.find(", circuit_breaker.half_open_calls)"), std::string::npos) << call_prefix;
  // A failed set leaves the scenario as it was.
  EXPECT_EQ(scenario_to_json(s), scenario_to_json(parse_scenario(kExample, "example.json")));
}

TEST(ServiceGraph, ParamsListEveryServiceAndCallPath) {
  const Scenario s = parse_scenario(kExample, "example.json");
  const auto all = parameters(s);
  auto has = [&](const std::string& path) {
    for (const ParameterInfo& p : all)
      if (p.path == path) return true;
    return false;
  };
  for (const char* path : {"server.capacity", "client.timeout_s", "services.db.capacity", "services.db.drop_margin_s",
                           "services.db.outage.capacity_factor", "services.auth.stop_signal.share",
                           "server.calls.auth.timeout_s", "server.calls.db.fan_out", "services.auth.calls.db.backoff.jitter",
                           "services.auth.calls.db.max_attempts", "server.calls.auth.retry_budget.ratio"})
    EXPECT_TRUE(has(path)) << path;
  EXPECT_FALSE(has("services.db.calls.auth.timeout_s"));  // db calls nothing
  // Every listed path reads back through get_text.
  for (const ParameterInfo& p : all) EXPECT_NO_THROW(get_text(s, p.path)) << p.path;
  EXPECT_EQ(describe_parameter("server.calls.db.fan_out")->kind, ParameterKind::Whole);
  EXPECT_EQ(describe_parameter("services.db.capacity")->unit, "attempts/s");
  EXPECT_EQ(describe_parameter("services.a.calls.b.max_attempts")->kind, ParameterKind::WholeOrUnlimited);
  EXPECT_FALSE(describe_parameter("services.db.nope").has_value());
  // Every listed path is described by its shape alike.
  for (const ParameterInfo& p : all) EXPECT_EQ(describe_parameter(p.path)->path, p.path);
}

TEST(ServiceGraph, MapAxesTakeGraphPathsAndRefuseFractionalWholeNumbers) {
  const Scenario s = parse_scenario(kExample, "example.json");
  const MapAxis a = parse_axis("services.db.capacity=1000:4000:64", "--y", s);
  EXPECT_EQ(a.path, "services.db.capacity");
  EXPECT_EQ(a.value(63), 4000);
  // 1, 2, 3, 4 are whole; 1, 2.5, 4 are not (spec/graph.md, "Command line").
  EXPECT_EQ(parse_axis("server.calls.db.fan_out=1:4:4", "--x", s).value(3), 4);
  auto error = [&](const std::string& text) -> std::string {
    try {
      parse_axis(text, "--x", s);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error("server.calls.db.fan_out=1:4:3"),
            "--x: field 'server.calls.db.fan_out': value 'server.calls.db.fan_out=1:4:3': point 2 is 2.5, not a whole "
            "number: choose FROM, TO and COUNT so that every point is whole");
  EXPECT_NE(error("services.auth.calls.db.max_attempts=1:2:3").find("point 2 is 1.5"), std::string::npos);
  EXPECT_NE(error("services.auth.queue_limit=100:201:3").find("point 2 is 150.5"), std::string::npos);
  EXPECT_EQ(error("services.auth.queue_limit=100:300:3"), "");
  // A path the scenario does not have.
  EXPECT_NE(error("services.cache.capacity=1:2:2").find("no service 'cache'"), std::string::npos);
}

TEST(ServiceView, AServiceIsSeenWithItsOwnCapacityAndTheTimeoutOfTheCallsIntoIt) {
  // The bundled chain: db has 1000/s and api calls it with a 1 s timeout;
  // the users' demand (600/s) stays. graph.md's example: db is called by
  // server (1 s) and by auth (0.5 s), two timeouts: the users' client stays.
  const Scenario chain = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/chain-db-outage.json");
  const Scenario db = service_view(chain, "db");
  EXPECT_EQ(db.server.capacity, 1000);
  EXPECT_EQ(db.client.timeout_s, 1);
  EXPECT_EQ(db.demand.base_rate, 600);
  EXPECT_FALSE(has_calls(db));
  EXPECT_EQ(service_view(chain, "server").server.capacity, chain.server.capacity);
  const Scenario example = load_scenario(std::string(STORMGLASS_SCENARIOS) + "/graphs/graph-md-example.json");
  EXPECT_EQ(service_view(example, "db").client.timeout_s, example.client.timeout_s);
  EXPECT_THROW(service_view(example, "nope"), std::out_of_range);
}

}  // namespace
}  // namespace sg
