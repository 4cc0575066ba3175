#include "scenario/scenario_file.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <vector>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "graph/service_graph.h"
#include "io/atomic_file.h"
#include "scenario/input_error.h"
#include "scenario/number_text.h"
#include "scenario/policy_fields.h"

namespace sg {
namespace {

using nlohmann::json;

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string show(const json& value) { return value.dump(); }

std::string show(double value) { return format_number(value); }

/// Refuses keys of `object` (found at `path`) that are not in `known`.
void require_known_keys(const json& object, const std::string& path, const std::vector<const char*>& known) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool found = false;
    for (const char* k : known) found = found || it.key() == k;
    if (!found) {
      std::string list;
      for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
      throw InputError("", join(path, it.key()), "", "unknown field (known here: " + list + ")");
    }
  }
}

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

void require_object(const json& value, const std::string& path) {
  if (!value.is_object())
    throw InputError("", path.empty() ? "(top level)" : path, show(value), "expected a JSON object");
}

void read_number(const json& object, const char* key, const std::string& path, double& out) {
  const json* v = member(object, key);
  if (!v) return;
  if (!v->is_number()) throw InputError("", join(path, key), show(*v), "expected a number");
  out = v->get<double>();
}

void read_bool(const json& object, const char* key, const std::string& path, bool& out) {
  const json* v = member(object, key);
  if (!v) return;
  if (!v->is_boolean()) throw InputError("", join(path, key), show(*v), "expected true or false");
  out = v->get<bool>();
}

void read_string(const json& object, const char* key, const std::string& path, std::string& out) {
  const json* v = member(object, key);
  if (!v) return;
  if (!v->is_string()) throw InputError("", join(path, key), show(*v), "expected a string");
  out = v->get<std::string>();
}

/// A whole number given as a JSON number (2000 or 2000.0, not 2000.5).
long long whole_number(const json& v, const std::string& field, const char* expected) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15)
      return static_cast<long long>(d);
  }
  throw InputError("", field, show(v), expected);
}

Surge read_surge(const json& v, const std::string& path) {
  require_object(v, path);
  require_known_keys(v, path, {"start_s", "duration_s", "extra_rate", "ramp_s"});
  Surge s;
  read_number(v, "start_s", path, s.start_s);
  read_number(v, "duration_s", path, s.duration_s);
  read_number(v, "extra_rate", path, s.extra_rate);
  read_number(v, "ramp_s", path, s.ramp_s);
  return s;
}

std::vector<std::pair<double, double>> read_profile(const json& v, const std::string& path,
                                                    const std::string& point = "[t_s, rate]") {
  if (!v.is_array())
    throw InputError("", path, show(v), "expected null or a list of " + point + " points");
  std::vector<std::pair<double, double>> points;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const json& p = v[i];
    std::string field = path + "[" + std::to_string(i) + "]";
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
      throw InputError("", field, show(p), "expected a point " + point + " of two numbers");
    points.emplace_back(p[0].get<double>(), p[1].get<double>());
  }
  return points;
}

/// The policy objects that live in the object at `table` ("server" or
/// "client"), each with its key there.
std::vector<std::pair<const PolicyObject*, std::string>> policies_in(const std::string& table) {
  std::vector<std::pair<const PolicyObject*, std::string>> found;
  for (const PolicyObject& p : policy_objects()) {
    const std::string full = p.path;
    if (full.compare(0, table.size() + 1, table + ".") == 0) found.emplace_back(&p, full.substr(table.size() + 1));
  }
  return found;
}

/// The policy objects of docs/scenario-extensions.md found in `object`, a
/// server object (table "server") or a client object (table "client") at
/// `path` in the file; they are read into `holder`'s entry server or users'
/// client, which the policy table addresses. Null switches one off, an
/// object switches it on with its fields (the others keep their defaults).
void read_policies(const json& object, const std::string& table, const std::string& path, Scenario& holder) {
  for (const auto& [policy, key] : policies_in(table)) {
    const PolicyObject& p = *policy;
    const std::string full = join(path, key);
    const json* v = member(object, key.c_str());
    if (!v) continue;
    if (v->is_null()) {
      *p.enabled(holder) = false;
      continue;
    }
    if (!v->is_object()) throw InputError("", full, show(*v), "expected null (off) or an object of settings");
    std::vector<const char*> known = {"enabled"};
    for (const PolicyField& f : p.fields) known.push_back(f.key);
    require_known_keys(*v, full, known);
    *p.enabled(holder) = true;
    read_bool(*v, "enabled", full, *p.enabled(holder));
    for (const PolicyField& f : p.fields) read_number(*v, f.key, full, *f.value(holder));
  }
}

void read_demand(const json& v, Demand& d) {
  const std::string path = "demand";
  require_object(v, path);
  require_known_keys(v, path, {"base_rate", "surge", "profile"});
  read_number(v, "base_rate", path, d.base_rate);
  if (const json* s = member(v, "surge")) {
    if (s->is_null())
      d.surge.reset();
    else
      d.surge = read_surge(*s, "demand.surge");
  }
  if (const json* p = member(v, "profile")) {
    if (p->is_null())
      d.profile.reset();
    else
      d.profile = read_profile(*p, "demand.profile");
  }
}

std::map<std::string, Call> read_calls(const json& v, const std::string& path);

/// A server object (the entry's at "server", or a service's at
/// "services.NAME"): every field of spec/interfaces.md's server, the
/// policies, and spec/graph.md's drop_margin_s and calls.
Server read_server(const json& v, const std::string& path) {
  Scenario holder;  // the policy table addresses the entry server
  Server& s = holder.server;
  require_object(v, path);
  require_known_keys(v, path,
                     {"capacity", "queue_limit", "drop_expired", "reject_latency_s", "outage",
                      "capacity_schedule", "stop_signal", "admission", "autoscaling", "drop_margin_s", "calls"});
  read_number(v, "capacity", path, s.capacity);
  if (const json* q = member(v, "queue_limit")) {
    if (q->is_null())
      s.queue_limit.reset();
    else
      s.queue_limit = whole_number(*q, join(path, "queue_limit"), "expected a whole number of attempts or null");
  }
  read_bool(v, "drop_expired", path, s.drop_expired);
  read_number(v, "reject_latency_s", path, s.reject_latency_s);
  if (const json* o = member(v, "outage")) {
    const std::string opath = join(path, "outage");
    require_object(*o, opath);
    require_known_keys(*o, opath, {"start_s", "duration_s", "capacity_factor"});
    read_number(*o, "start_s", opath, s.outage.start_s);
    read_number(*o, "duration_s", opath, s.outage.duration_s);
    read_number(*o, "capacity_factor", opath, s.outage.capacity_factor);
  }
  if (const json* c = member(v, "capacity_schedule")) {
    if (c->is_null())
      s.capacity_schedule.reset();
    else
      s.capacity_schedule = read_profile(*c, join(path, "capacity_schedule"), "[t_s, capacity]");
  }
  read_policies(v, "server", path, holder);
  read_number(v, "drop_margin_s", path, s.drop_margin_s);
  if (const json* c = member(v, "calls")) s.calls = read_calls(*c, join(path, "calls"));
  return std::move(s);
}

/// A client object: the users' at "client", or a call's (at
/// "server.calls.NAME", beside its fan_out).
Client read_client(const json& v, const std::string& path, const std::vector<const char*>& more_keys = {}) {
  Scenario holder;  // the policy table addresses the users' client
  Client& c = holder.client;
  require_object(v, path);
  std::vector<const char*> known = {"timeout_s",    "max_attempts", "backoff",
                                    "instances",    "retry_throttling", "retry_quota",
                                    "retry_budget", "concurrent_retry_budget", "adaptive_throttling",
                                    "circuit_breaker"};
  known.insert(known.end(), more_keys.begin(), more_keys.end());
  require_known_keys(v, path, known);
  read_number(v, "instances", path, c.instances);
  read_policies(v, "client", path, holder);
  read_number(v, "timeout_s", path, c.timeout_s);
  if (const json* m = member(v, "max_attempts")) {
    if (m->is_string() && m->get<std::string>() == "unlimited")
      c.max_attempts.reset();
    else
      c.max_attempts = whole_number(*m, join(path, "max_attempts"), "expected a whole number >= 1 or \"unlimited\"");
  }
  if (const json* b = member(v, "backoff")) {
    const std::string bpath = join(path, "backoff");
    require_object(*b, bpath);
    require_known_keys(*b, bpath, {"base_s", "multiplier", "cap_s", "jitter", "spread"});
    read_number(*b, "base_s", bpath, c.backoff.base_s);
    read_number(*b, "multiplier", bpath, c.backoff.multiplier);
    read_number(*b, "cap_s", bpath, c.backoff.cap_s);
    if (const json* j = member(*b, "jitter")) {
      auto kind = j->is_string() ? jitter_from_string(j->get<std::string>()) : std::nullopt;
      if (!kind) throw InputError("", join(bpath, "jitter"), show(*j), "unknown jitter (expected " + jitter_names() + ")");
      c.backoff.jitter = *kind;
    }
    read_number(*b, "spread", bpath, c.backoff.spread);
  }
  return std::move(c);
}

/// spec/graph.md, "The scenario file": an object from the callee's name to a
/// call, which holds fan_out and every field of a client (with the defaults
/// of spec/interfaces.md, not those of the users' client).
std::map<std::string, Call> read_calls(const json& v, const std::string& path) {
  if (!v.is_object()) throw InputError("", path, show(v), "expected an object from a service's name to a call");
  std::map<std::string, Call> calls;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string cpath = join(path, it.key());
    Call call;
    call.client = read_client(*it, cpath, {"fan_out", "propagate_deadline"});
    if (const json* f = member(*it, "fan_out"))
      call.fan_out = whole_number(*f, join(cpath, "fan_out"), "expected a whole number of jobs from 1 to 1000");
    read_bool(*it, "propagate_deadline", cpath, call.propagate_deadline);
    calls.emplace(it.key(), std::move(call));
  }
  return calls;
}

/// spec/graph.md: the services beyond the entry, by name.
std::map<std::string, Server> read_services(const json& v) {
  if (!v.is_object()) throw InputError("", "services", show(v), "expected an object from a service's name to a server");
  std::map<std::string, Server> services;
  for (auto it = v.begin(); it != v.end(); ++it) services.emplace(it.key(), read_server(*it, join("services", it.key())));
  return services;
}

/// Line and column (both from 1) of a byte offset in `text`.
std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

/// A list of [t_s, value] points (demand.profile, server.capacity_schedule):
/// at least one, times from 0 to 1e9 s and not decreasing, values 0 to 1e12.
void validate_points(const std::vector<std::pair<double, double>>& points, const std::string& path,
                     const std::string& list, const std::string& value) {
  if (points.empty())
    throw InputError("", path, "[]", list + " needs at least one [t_s, " + value + "] point");
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::string field = path + "[" + std::to_string(i) + "]";
    auto [t, v] = points[i];
    if (!std::isfinite(t) || t < 0 || t > 1e9)
      throw InputError("", field, show(t), "the time must be a number from 0 to 1e9 s");
    if (!std::isfinite(v) || v < 0 || v > 1e12)
      throw InputError("", field, show(v), "a " + value + " must be a number from 0 to 1e12");
    if (i > 0 && t < points[i - 1].first)
      throw InputError("", field, show(t), "times must not decrease from point to point");
  }
}

struct DuplicateKey {
  std::string field;
};

/// A parser callback that throws DuplicateKey when an object repeats a key
/// (nlohmann would silently keep the last one: a typo must not hide).
json::parser_callback_t refuse_duplicate_keys() {
  struct Frame {
    std::vector<std::string> keys;
    std::string path;
  };
  auto stack = std::make_shared<std::vector<Frame>>();
  auto last_key = std::make_shared<std::string>();
  return [stack, last_key](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: {
        std::string path = stack->empty() ? "" : join(stack->back().path, *last_key);
        stack->push_back({{}, path});
        break;
      }
      case json::parse_event_t::key: {
        *last_key = parsed.get<std::string>();
        if (stack->empty()) break;
        auto& keys = stack->back().keys;
        if (std::find(keys.begin(), keys.end(), *last_key) != keys.end())
          throw DuplicateKey{join(stack->back().path, *last_key)};
        keys.push_back(*last_key);
        break;
      }
      case json::parse_event_t::object_end:
        if (!stack->empty()) stack->pop_back();
        break;
      default: break;
    }
    return true;
  };
}

}  // namespace

Scenario parse_scenario(const std::string& json_text, const std::string& source) {
  json root;
  try {
    root = json::parse(json_text, refuse_duplicate_keys());
  } catch (const json::parse_error& e) {
    // nlohmann reports the byte where reading stopped, just past the offence.
    std::size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    auto [line, column] = line_and_column(json_text, byte);
    // nlohmann: "[json.exception.parse_error.101] parse error at line 3, column 10:
    // syntax error while parsing object - unexpected string literal; expected '}'".
    std::string detail = e.what();
    if (auto at = detail.find(", column "); at != std::string::npos)
      if (auto colon = detail.find(": ", at); colon != std::string::npos) detail = detail.substr(colon + 2);
    // The "last read" text can be a whole unterminated string: keep its start.
    if (auto last = detail.find("; last read: '"); last != std::string::npos && detail.size() - last > 60)
      detail = detail.substr(0, last + 50) + "...'";
    throw InputError(source, "", "",
                     "malformed JSON at line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + detail);
  } catch (const DuplicateKey& d) {
    throw InputError(source, d.field, "", "appears twice in the same object; keep one");
  } catch (const json::exception& e) {
    // A number too large for a double (1e400), for instance.
    std::string detail = e.what();
    if (auto end = detail.find("] "); end != std::string::npos) detail = detail.substr(end + 2);
    throw InputError(source, "", "", "malformed JSON: " + detail);
  }
  try {
    require_object(root, "");
    require_known_keys(root, "",
                       {"name", "description", "duration_s", "step_s", "demand", "server", "client", "services"});
    Scenario s;
    read_string(root, "name", "", s.name);
    read_string(root, "description", "", s.description);
    read_number(root, "duration_s", "", s.duration_s);
    read_number(root, "step_s", "", s.step_s);
    if (const json* d = member(root, "demand")) read_demand(*d, s.demand);
    if (const json* v = member(root, "server")) s.server = read_server(*v, "server");
    if (const json* c = member(root, "client")) s.client = read_client(*c, "client");
    if (const json* v = member(root, "services")) s.services = read_services(*v);
    validate_scenario(s);
    return s;
  } catch (const InputError& e) {
    throw e.with_source(source);
  }
}

Scenario load_scenario(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored))
    throw InputError(path, "", "", "is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "", "cannot open the scenario file (missing or unreadable)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path, "", "", "cannot read the scenario file");
  return parse_scenario(text.str(), path);
}

namespace {

// Upper bounds keep every total finite: 1e12/s over 1e9 s is 1e21.
constexpr double kMaxTime = 1e9, kMaxRate = 1e12;
/// The most output intervals a run may keep, over all its services.
constexpr double kMaxIntervals = 1e6;

/// A field named by the object's path and its key, joined only when it is
/// reported: validation runs for every point of a map.
struct FieldName {
  const std::string* path = nullptr;
  const char* key = "";
  std::string text() const { return path ? join(*path, key) : std::string(key); }
};

void require(bool ok, FieldName field, double value, const char* rule) {
  if (!ok) throw InputError("", field.text(), show(value), rule);
}

void require(bool ok, const char* field, double value, const char* rule) { require(ok, FieldName{nullptr, field}, value, rule); }

void require_time(FieldName field, double v, const char* what) {
  require(std::isfinite(v) && v >= 0 && v <= kMaxTime, field, v, what);
}

void require_time(const char* field, double v, const char* what) { require_time(FieldName{nullptr, field}, v, what); }

/// `path` with its leading `from` (a table's "server" or "client") replaced by `to`.
std::string rebased(const std::string& path, const std::string& from, const std::string& to) {
  return to + path.substr(from.size());
}

/// The policy fields of table "server" or "client" in `holder`, named under `path`.
/// Settings kept with a policy switched off are validated too: they are one
/// click from being used.
void validate_policies(Scenario& holder, const std::string& table, const std::string& path) {
  for (const auto& [policy, key] : policies_in(table))
    for (const PolicyField& f : policy->fields) {
      try {
        validate_policy_field(f, "", *f.value(holder));
      } catch (const InputError& e) {
        throw InputError("", rebased(field_path(*policy, f), table, path), e.value(), e.problem());
      }
    }
}

/// Every rule of a server object, the entry's or a service's, at `path`.
void validate_server(const Server& server, const std::string& path) {
  auto field = [&](const char* key) { return FieldName{&path, key}; };
  require(std::isfinite(server.capacity) && server.capacity > 0 && server.capacity <= kMaxRate, field("capacity"),
          server.capacity, "capacity must be a number of attempts per second, > 0 and at most 1e12");
  if (server.queue_limit && (*server.queue_limit < 1 || *server.queue_limit > 1'000'000'000'000'000LL))
    throw InputError("", field("queue_limit").text(), std::to_string(*server.queue_limit),
                     "a queue limit must be a whole number from 1 to 1e15, or null for none");
  require_time(field("reject_latency_s"), server.reject_latency_s, "must be a duration from 0 to 1e9 s");
  const Outage& o = server.outage;
  require_time(field("outage.start_s"), o.start_s, "must be a time from 0 to 1e9 s");
  require_time(field("outage.duration_s"), o.duration_s, "must be a duration from 0 to 1e9 s");
  require(std::isfinite(o.capacity_factor) && o.capacity_factor >= 0 && o.capacity_factor <= 1e6,
          field("outage.capacity_factor"), o.capacity_factor, "must be a number from 0 to 1e6");
  if (server.capacity_schedule)
    validate_points(*server.capacity_schedule, field("capacity_schedule").text(), "a schedule", "capacity");
  Scenario holder;  // the policy table addresses the entry server
  holder.server = server;
  validate_policies(holder, "server", path);
  require_time(field("drop_margin_s"), server.drop_margin_s, "must be a duration from 0 to 1e9 s");
  // spec/graph.md, "Drop expired": with a margin of 0 whether a served
  // attempt's calls answer in time is a race with no fluid limit.
  if (server.drop_expired && !server.calls.empty() && server.drop_margin_s == 0)
    throw InputError("", field("drop_margin_s").text(), "0",
                     "drop_expired at a service with calls needs a positive drop_margin_s (spec/graph.md, "
                     "\"Drop expired\"): the time its calls may take before the sender's timeout");
}

/// Every rule of a client object, the users' or a call's, at `path`.
void validate_client(const Client& c, const std::string& path) {
  auto field = [&](const char* key) { return FieldName{&path, key}; };
  require(std::isfinite(c.instances) && c.instances >= 1 && c.instances <= kMaxRate, field("instances"), c.instances,
          "must be a number of clients from 1 to 1e12");
  Scenario holder;  // the policy table addresses the users' client
  holder.client = c;
  validate_policies(holder, "client", path);
  require(std::isfinite(c.timeout_s) && c.timeout_s > 0 && c.timeout_s <= kMaxTime, field("timeout_s"), c.timeout_s,
          "the timeout must be a positive number of seconds, at most 1e9");
  if (c.max_attempts && *c.max_attempts < 1)
    throw InputError("", field("max_attempts").text(), std::to_string(*c.max_attempts),
                     "must be a whole number >= 1, or \"unlimited\"");
  if (c.max_attempts && *c.max_attempts > 1000)
    throw InputError("", field("max_attempts").text(), std::to_string(*c.max_attempts),
                     "more than 1000 attempts: use \"unlimited\"");
  const Backoff& b = c.backoff;
  require_time(field("backoff.base_s"), b.base_s, "must be a delay from 0 to 1e9 s");
  require(std::isfinite(b.multiplier) && b.multiplier >= 1 && b.multiplier <= 1e6, field("backoff.multiplier"),
          b.multiplier, "the multiplier must be from 1 to 1e6");
  require(std::isfinite(b.cap_s) && b.cap_s >= 0 && b.cap_s <= 1e6, field("backoff.cap_s"), b.cap_s,
          "must be a delay from 0 to 1e6 s");
  require(std::isfinite(b.spread) && b.spread >= 0 && b.spread <= 1, field("backoff.spread"), b.spread,
          "the spread of proportional jitter must be from 0 to 1");
}

/// spec/system.md, "The client", and spec/graph.md, "Bad input": jobs that
/// could retry infinitely often in no time. `client` (at `path`) sends its
/// jobs to `target`; `fails_at_once` says whether an attempt there can fail
/// in no time through the target's calls.
void validate_retry_loop(const Client& c, const std::string& path, const Server& target, bool fails_at_once) {
  if (c.max_attempts) return;
  const Backoff& b = c.backoff;
  const double fastest_loop = target.reject_latency_s + std::min(b.base_s, b.cap_s);
  // Loops faster than a millisecond are refused too: they retry millions of
  // times a second per job, beyond any meaning (and any floating point).
  if (target.queue_limit && fastest_loop < 1e-3)
    throw InputError("", join(path, "max_attempts"), "\"unlimited\"",
                     "unlimited attempts against a queue limit, with reject_latency_s + backoff under "
                     "1 ms, would retry (almost) infinitely often in no time; limit the attempts, "
                     "add a backoff or a reject latency, or remove the queue limit");
  // The jobs admission control refuses are rejected at every attempt.
  if (target.admission.enabled && target.admission.share < 1 && fastest_loop < 1e-3)
    throw InputError("", join(path, "max_attempts"), "\"unlimited\"",
                     "unlimited attempts against admission control, with reject_latency_s + backoff under "
                     "1 ms, would retry the refused jobs (almost) infinitely often in no time; limit the "
                     "attempts, or add a backoff or a reject latency");
  if (fails_at_once && std::min(b.base_s, b.cap_s) == 0)
    throw InputError("", join(path, "max_attempts"), "\"unlimited\"",
                     "unlimited attempts with a zero delay against a service whose calls can fail in no time "
                     "would retry infinitely often in no time (spec/graph.md, \"Bad input\"); limit the "
                     "attempts or add a backoff");
}

/// spec/graph.md, "Bad input": a service name is a letter followed by
/// letters, digits, '_' or '-', and is not "server".
void validate_service_name(const std::string& name, const std::string& field) {
  auto letter = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); };
  bool ok = !name.empty() && letter(name[0]);
  for (char ch : name) ok = ok && (letter(ch) || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-');
  if (!ok)
    throw InputError("", field, "\"" + name + "\"",
                     "a service name is a letter followed by letters, digits, '_' or '-'");
  if (name == "server")
    throw InputError("", field, "\"server\"", "\"server\" is the entry service's name; choose another");
}

}  // namespace

void validate_scenario(const Scenario& s) {
  require(std::isfinite(s.duration_s) && s.duration_s > 0 && s.duration_s <= kMaxTime, "duration_s",
          s.duration_s, "the horizon must be a positive number of seconds, at most 1e9");
  require(std::isfinite(s.step_s) && s.step_s > 0, "step_s", s.step_s,
          "the output interval must be a positive number of seconds");
  require(s.step_s <= s.duration_s, "step_s", s.step_s, "the output interval must not exceed duration_s");
  // Each output interval a run keeps costs about 200 bytes a service: a
  // million in all keeps the largest run allowed to about half a gigabyte
  // (docs/model.md, 5.4).
  const double services = 1.0 + static_cast<double>(s.services.size());
  require(s.duration_s / s.step_s * services <= kMaxIntervals, "duration_s", s.duration_s,
          services == 1 ? "more than a million output intervals of step_s: shorten the run or lengthen step_s"
                        : "more than a million output intervals of step_s over its services: shorten the run or "
                          "lengthen step_s");

  auto rate = [&](const char* field, double v) {
    require(std::isfinite(v) && v >= 0 && v <= kMaxRate, field, v, "a rate must be a number from 0 to 1e12");
  };
  rate("demand.base_rate", s.demand.base_rate);
  if (s.demand.surge) {
    const Surge& g = *s.demand.surge;
    require_time("demand.surge.start_s", g.start_s, "must be a time from 0 to 1e9 s");
    require_time("demand.surge.duration_s", g.duration_s, "must be a duration from 0 to 1e9 s");
    rate("demand.surge.extra_rate", g.extra_rate);
    require_time("demand.surge.ramp_s", g.ramp_s, "must be a duration from 0 to 1e9 s");
  }
  if (s.demand.profile) validate_points(*s.demand.profile, "demand.profile", "a profile", "rate");

  validate_server(s.server, "server");
  validate_client(s.client, "client");
  for (const auto& [name, service] : s.services) {
    validate_service_name(name, join("services", name));
    validate_server(service, join("services", name));
  }
  for (const CallSite& site : call_sites(s)) {
    if (site.call->fan_out < 1 || site.call->fan_out > 1000)
      throw InputError("", join(site.path, "fan_out"), std::to_string(site.call->fan_out),
                       "a fan-out is a whole number of jobs from 1 to 1000");
    validate_client(site.call->client, site.path);
    const Client& k = site.call->client;
    if (site.call->propagate_deadline &&
        (k.retry_throttling.enabled || k.retry_quota.enabled || k.retry_budget.enabled ||
         k.concurrent_retry_budget.enabled || k.adaptive_throttling.enabled || k.circuit_breaker.enabled))
      throw InputError("", join(site.path, "propagate_deadline"), "true",
                       "deadline propagation is not modelled together with a client policy (retry throttling, quota, "
                       "budgets, adaptive throttling, circuit breaker) on the same call: switch one of them off");
  }
  // A single service has no shape to check (and a map validates every point).
  if (s.services.empty() && s.server.calls.empty()) {
    validate_retry_loop(s.client, "client", s.server, s.server.queue_limit && s.server.reject_latency_s == 0);
    return;
  }
  // The shape: every callee defined, no cycle, every service reached.
  const ServiceGraph graph(s);
  // Whether an attempt at each service can fail in no time (spec/graph.md,
  // "Bad input"), callees before callers.
  std::map<std::string, bool> fails_at_once;
  const auto& order = graph.order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Server& v = graph.server(*it);
    bool fast = v.queue_limit && v.reject_latency_s == 0;
    for (const auto& [callee, call] : v.calls) {
      const Client& c = call.client;
      const bool gives_up_at_once = c.max_attempts && (*c.max_attempts == 1 || std::min(c.backoff.base_s, c.backoff.cap_s) == 0);
      fast = fast || (gives_up_at_once && fails_at_once[callee]);
    }
    fails_at_once[graph.name(*it)] = fast;
  }
  validate_retry_loop(s.client, "client", s.server, fails_at_once["server"]);
  for (const CallSite& site : call_sites(s))
    validate_retry_loop(site.call->client, site.path, *graph.find_server(site.callee), fails_at_once[site.callee]);
}

namespace {

using ojson = nlohmann::ordered_json;

/// A list of [t_s, value] points as written to a file; null when absent.
ojson points_json(const std::optional<std::vector<std::pair<double, double>>>& points) {
  if (!points) return nullptr;
  ojson list = ojson::array();
  for (auto [t, v] : *points) list.push_back({t, v});
  return list;
}

/// The policy objects of table "server" or "client", read from `holder`,
/// into `object`. Off with its default settings: null. Off with settings of
/// its own: kept, marked "enabled": false, so that switching it on restores them.
void write_policies(ojson& object, const std::string& table, Scenario& holder) {
  static Scenario defaults;  // mutable only because the accessors take a mutable scenario
  for (const auto& [policy, key] : policies_in(table)) {
    const PolicyObject& p = *policy;
    const bool on = *p.enabled(holder);
    bool own_settings = false;
    for (const PolicyField& f : p.fields) own_settings = own_settings || *f.value(holder) != *f.value(defaults);
    if (!on && !own_settings) {
      object[key] = nullptr;
      continue;
    }
    ojson fields;
    if (!on) fields["enabled"] = false;
    for (const PolicyField& f : p.fields) fields[f.key] = *f.value(holder);
    object[key] = fields;
  }
}

ojson client_json(const Client& c, ojson object = ojson::object()) {
  object["timeout_s"] = c.timeout_s;
  object["max_attempts"] = c.max_attempts ? ojson(*c.max_attempts) : ojson("unlimited");
  object["backoff"] = ojson{{"base_s", c.backoff.base_s},
                            {"multiplier", c.backoff.multiplier},
                            {"cap_s", c.backoff.cap_s},
                            {"jitter", to_string(c.backoff.jitter)},
                            {"spread", c.backoff.spread}};
  object["instances"] = c.instances;
  Scenario holder;  // the policy table addresses the users' client
  holder.client = c;
  write_policies(object, "client", holder);
  return object;
}

/// A server object; its calls only when it has some (a file without calls
/// reads as it did before spec/graph.md).
ojson server_json(const Server& s) {
  ojson server;
  server["capacity"] = s.capacity;
  server["queue_limit"] = s.queue_limit ? ojson(*s.queue_limit) : ojson(nullptr);
  server["drop_expired"] = s.drop_expired;
  server["reject_latency_s"] = s.reject_latency_s;
  server["outage"] = ojson{{"start_s", s.outage.start_s},
                           {"duration_s", s.outage.duration_s},
                           {"capacity_factor", s.outage.capacity_factor}};
  server["capacity_schedule"] = points_json(s.capacity_schedule);
  Scenario holder;  // the policy table addresses the entry server
  holder.server = s;
  write_policies(server, "server", holder);
  server["drop_margin_s"] = s.drop_margin_s;
  if (!s.calls.empty()) {
    ojson calls = ojson::object();
    for (const auto& [callee, call] : s.calls) {
      ojson own{{"fan_out", call.fan_out}};
      if (call.propagate_deadline) own["propagate_deadline"] = true;
      calls[callee] = client_json(call.client, own);
    }
    server["calls"] = calls;
  }
  return server;
}

}  // namespace

std::string scenario_to_json(const Scenario& s) {
  ojson root;
  root["name"] = s.name;
  root["description"] = s.description;
  root["duration_s"] = s.duration_s;
  root["step_s"] = s.step_s;
  ojson demand;
  demand["base_rate"] = s.demand.base_rate;
  if (s.demand.surge) {
    const Surge& g = *s.demand.surge;
    demand["surge"] = ojson{{"start_s", g.start_s},
                       {"duration_s", g.duration_s},
                       {"extra_rate", g.extra_rate},
                       {"ramp_s", g.ramp_s}};
  } else {
    demand["surge"] = nullptr;
  }
  demand["profile"] = points_json(s.demand.profile);
  root["demand"] = demand;
  root["server"] = server_json(s.server);
  root["client"] = client_json(s.client);
  if (!s.services.empty()) {
    ojson services = ojson::object();
    for (const auto& [name, service] : s.services) services[name] = server_json(service);
    root["services"] = services;
  }
  return root.dump(2) + "\n";
}

void save_scenario(const Scenario& scenario, const std::string& path) {
  write_file_atomically(path, scenario_to_json(scenario));
}

}  // namespace sg
