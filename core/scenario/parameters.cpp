#include "scenario/parameters.h"

#include <cmath>

#include "scenario/input_error.h"
#include "scenario/number_text.h"
#include "scenario/policy_fields.h"

namespace sg {
namespace {

Surge& surge(Scenario& s) {
  // Setting a surge field on a scenario without one creates the default surge.
  if (!s.demand.surge) s.demand.surge = Surge{};
  return *s.demand.surge;
}

/// How to reach the field behind one path; exactly one member is set,
/// matching the parameter's kind.
struct Access {
  double* (*number)(Scenario&) = nullptr;
  std::optional<long long>* (*whole)(Scenario&) = nullptr;
  bool* (*flag)(Scenario&) = nullptr;
  Jitter* (*choice)(Scenario&) = nullptr;
  std::string* (*text)(Scenario&) = nullptr;
};

struct Entry {
  ParameterInfo info;
  Access access;
  /// A field of a policy object: setting it switches the policy on (as
  /// setting a surge field creates the surge).
  bool* (*switch_on)(Scenario&) = nullptr;
};

Entry number(std::string path, std::string unit, std::string help, double* (*f)(Scenario&)) {
  Access a;
  a.number = f;
  return {{std::move(path), ParameterKind::Number, std::move(unit), std::move(help), {}}, a};
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = [] {
    std::vector<Entry> t;
    Access a;
    a.text = [](Scenario& s) { return &s.name; };
    t.push_back({{"name", ParameterKind::Text, "", "The scenario's title.", {}}, a});
    a = {};
    a.text = [](Scenario& s) { return &s.description; };
    t.push_back({{"description", ParameterKind::Text, "", "Free text shown to the user.", {}}, a});
    t.push_back(number("duration_s", "s", "The horizon: how long the run lasts.",
                       [](Scenario& s) { return &s.duration_s; }));
    t.push_back(number("step_s", "s", "The output interval: one CSV row and one health verdict each.",
                       [](Scenario& s) { return &s.step_s; }));
    t.push_back(number("demand.base_rate", "jobs/s", "New jobs (sign-ups, sends) arriving per second.",
                       [](Scenario& s) { return &s.demand.base_rate; }));
    t.push_back(number("demand.surge.start_s", "s", "When the demand surge begins.",
                       [](Scenario& s) { return &surge(s).start_s; }));
    t.push_back(number("demand.surge.duration_s", "s", "How long the demand surge lasts, ramps included.",
                       [](Scenario& s) { return &surge(s).duration_s; }));
    t.push_back(number("demand.surge.extra_rate", "jobs/s", "Extra jobs per second at the surge's height.",
                       [](Scenario& s) { return &surge(s).extra_rate; }));
    t.push_back(number("demand.surge.ramp_s", "s", "Time the surge takes to rise, and to fall.",
                       [](Scenario& s) { return &surge(s).ramp_s; }));
    t.push_back(number("server.capacity", "attempts/s", "Attempts the server completes per second while it has work.",
                       [](Scenario& s) { return &s.server.capacity; }));
    a = {};
    a.whole = [](Scenario& s) { return &s.server.queue_limit; };
    t.push_back({{"server.queue_limit", ParameterKind::WholeOrNone, "attempts",
                  "Attempts the queue may hold; more are rejected at once. none: unbounded.", {}},
                 a});
    a = {};
    a.flag = [](Scenario& s) { return &s.server.drop_expired; };
    t.push_back({{"server.drop_expired", ParameterKind::Flag, "",
                  "Discard, at no cost, queued attempts whose client has already timed out.", {}},
                 a});
    t.push_back(number("server.reject_latency_s", "s", "Time a rejection takes to reach the client.",
                       [](Scenario& s) { return &s.server.reject_latency_s; }));
    t.push_back(number("server.drop_margin_s", "s",
                       "With drop_expired, also discard attempts whose sender times out less than this later.",
                       [](Scenario& s) { return &s.server.drop_margin_s; }));
    t.push_back(number("server.outage.start_s", "s", "When the capacity outage begins.",
                       [](Scenario& s) { return &s.server.outage.start_s; }));
    t.push_back(number("server.outage.duration_s", "s", "How long the capacity outage lasts.",
                       [](Scenario& s) { return &s.server.outage.duration_s; }));
    t.push_back(number("server.outage.capacity_factor", "", "Capacity is multiplied by this during the outage.",
                       [](Scenario& s) { return &s.server.outage.capacity_factor; }));
    t.push_back(number("client.timeout_s", "s", "The client gives up on an attempt this long after sending it.",
                       [](Scenario& s) { return &s.client.timeout_s; }));
    a = {};
    a.whole = [](Scenario& s) { return &s.client.max_attempts; };
    t.push_back({{"client.max_attempts", ParameterKind::WholeOrUnlimited, "attempts",
                  "Attempts per job, the first included; 1 means no retries.", {}},
                 a});
    t.push_back(number("client.backoff.base_s", "s", "Delay before the first retry (before jitter).",
                       [](Scenario& s) { return &s.client.backoff.base_s; }));
    t.push_back(number("client.backoff.multiplier", "", "Each further retry waits this many times longer.",
                       [](Scenario& s) { return &s.client.backoff.multiplier; }));
    t.push_back(number("client.backoff.cap_s", "s", "No backoff delay exceeds this.",
                       [](Scenario& s) { return &s.client.backoff.cap_s; }));
    a = {};
    a.choice = [](Scenario& s) { return &s.client.backoff.jitter; };
    t.push_back({{"client.backoff.jitter", ParameterKind::Choice, "",
                  "How each delay is randomised: none, full, equal, decorrelated or proportional.",
                  {"none", "full", "equal", "decorrelated", "proportional"}},
                 a});
    t.push_back(number("client.backoff.spread", "", "Proportional jitter: each delay times a uniform factor 1 +/- spread.",
                       [](Scenario& s) { return &s.client.backoff.spread; }));
    t.push_back(number("client.instances", "clients", "Client instances the demand is spread over (per-client policies).",
                       [](Scenario& s) { return &s.client.instances; }));
    // docs/scenario-extensions.md: server policies after the server's fields,
    // client policies after the client's.
    std::size_t server_end = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i].info.path.rfind("server.", 0) == 0) server_end = i + 1;
    std::vector<Entry> server_policies, client_policies;
    for (const PolicyObject& p : policy_objects()) {
      auto& out = std::string(p.path).rfind("server.", 0) == 0 ? server_policies : client_policies;
      Access toggle;
      toggle.flag = p.enabled;
      out.push_back({{p.path, ParameterKind::Flag, "", p.help, {}}, toggle});
      for (const PolicyField& f : p.fields) {
        Entry e = number(field_path(p, f), f.unit, f.help, f.value);
        e.switch_on = p.enabled;
        out.push_back(e);
      }
    }
    t.insert(t.begin() + static_cast<long>(server_end), server_policies.begin(), server_policies.end());
    t.insert(t.end(), client_policies.begin(), client_policies.end());
    return t;
  }();
  return table;
}

const Entry& entry(const std::string& path) {
  for (const Entry& e : entries())
    if (e.info.path == path) return e;
  std::string known;
  for (const Entry& e : entries()) known += (known.empty() ? "" : ", ") + e.info.path;
  throw InputError("", path, "", "unknown parameter path (known: " + known + ")");
}

long long whole(double value, const std::string& path, const std::string& shown) {
  if (!std::isfinite(value) || std::floor(value) != value || std::fabs(value) > 9e15)
    throw InputError("", path, shown, "expected a whole number");
  return static_cast<long long>(value);
}

const std::vector<ParameterInfo>& parameters_of_entry() {
  static const std::vector<ParameterInfo> infos = [] {
    std::vector<ParameterInfo> v;
    for (const Entry& e : entries()) v.push_back(e.info);
    return v;
  }();
  return infos;
}

std::optional<double> entry_get_number(const Scenario& scenario, const std::string& path) {
  const Entry& e = entry(path);
  // The accessors take a mutable scenario (surge fields create a surge);
  // read from a copy so that reading never changes the caller's scenario.
  Scenario s = scenario;
  const Access& a = e.access;
  if (a.number) return *a.number(s);
  if (a.whole) {
    auto v = *a.whole(s);
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
  }
  if (a.flag) return *a.flag(s) ? 1.0 : 0.0;
  if (a.choice) return static_cast<double>(*a.choice(s));
  throw InputError("", path, "", "this parameter is text, not a number");
}

void entry_set_number(Scenario& scenario, const std::string& path, double value) {
  const Entry& e = entry(path);
  const Access& a = e.access;
  std::string shown = format_number(value);
  if (a.number) {
    *a.number(scenario) = value;
    if (e.switch_on) *e.switch_on(scenario) = true;
  } else if (a.whole) {
    *a.whole(scenario) = whole(value, path, shown);
  } else if (a.flag) {
    if (value != 0 && value != 1) throw InputError("", path, shown, "expected 0 or 1 (false or true)");
    *a.flag(scenario) = value == 1;
  } else if (a.choice) {
    long long index = whole(value, path, shown);
    if (index < 0 || index >= static_cast<long long>(e.info.choices.size()))
      throw InputError("", path, shown, "expected the index of a choice");
    *a.choice(scenario) = static_cast<Jitter>(index);
  } else {
    throw InputError("", path, shown, "this parameter is text, not a number");
  }
}

std::string entry_get_text(const Scenario& scenario, const std::string& path) {
  const Entry& e = entry(path);
  Scenario s = scenario;
  const Access& a = e.access;
  if (a.text) return *a.text(s);
  if (a.choice) return to_string(*a.choice(s));
  if (a.flag) return *a.flag(s) ? "true" : "false";
  if (a.whole) {
    auto v = *a.whole(s);
    if (v) return std::to_string(*v);
    return e.info.kind == ParameterKind::WholeOrNone ? "none" : "unlimited";
  }
  return format_number(*a.number(s));
}

void entry_set_text(Scenario& scenario, const std::string& path, const std::string& text) {
  const Entry& e = entry(path);
  const Access& a = e.access;
  const std::string shown = "'" + text + "'";
  if (a.text) {
    *a.text(scenario) = text;
  } else if (a.choice) {
    auto kind = jitter_from_string(text);
    if (!kind)
      throw InputError("", path, shown, "unknown jitter (expected " + jitter_names() + ")");
    *a.choice(scenario) = *kind;
  } else if (a.flag) {
    if (text == "true" || text == "1")
      *a.flag(scenario) = true;
    else if (text == "false" || text == "0" || (find_policy(path) && (text == "null" || text == "none")))
      *a.flag(scenario) = false;
    else
      throw InputError("", path, shown, "expected true or false");
  } else if (a.whole) {
    bool none = e.info.kind == ParameterKind::WholeOrNone && (text == "none" || text == "null");
    bool unlimited = e.info.kind == ParameterKind::WholeOrUnlimited && text == "unlimited";
    if (none || unlimited) {
      a.whole(scenario)->reset();
      return;
    }
    auto v = parse_decimal(text);
    if (!v)
      throw InputError("", path, shown,
                       e.info.kind == ParameterKind::WholeOrNone
                           ? "expected a whole number or none"
                           : "expected a whole number or unlimited");
    *a.whole(scenario) = whole(*v, path, shown);
  } else {
    auto v = parse_decimal(text);
    if (!v) throw InputError("", path, shown, "expected a number");
    *a.number(scenario) = *v;
    if (e.switch_on) *e.switch_on(scenario) = true;
  }
}

/// spec/graph.md, "Parameter paths": a path into a service
/// ("services.db.capacity") or a call ("server.calls.auth.timeout_s") names
/// the same field as the entry's path ("server.capacity", "client.timeout_s")
/// on that object. Focus finds the object; while it lives, the object is
/// swapped into the scenario's entry server or users' client, where the
/// entry's table reaches it.
class Focus {
public:
  Focus(Scenario& s, const std::string& path) : path_(path), entry_path_(path) {
    std::vector<std::string> parts;
    for (std::size_t at = 0;;) {
      const std::size_t dot = path.find('.', at);
      parts.push_back(path.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
      if (dot == std::string::npos) break;
      at = dot + 1;
    }
    std::size_t i = 0;
    if (parts.size() >= 3 && parts[0] == "services") {
      auto it = s.services.find(parts[1]);
      if (it == s.services.end()) throw InputError("", path, "", "no service '" + parts[1] + "' in this scenario" + known(s));
      server_ = &it->second;
      i = 2;
    } else if (parts.size() >= 4 && parts[0] == "server" && parts[1] == "calls") {
      server_ = &s.server;
      i = 1;
    } else {
      return;  // a path of the entry
    }
    std::string rest = join(parts, i);
    if (parts.size() >= i + 3 && parts[i] == "calls") {
      auto it = server_->calls.find(parts[i + 1]);
      if (it == server_->calls.end())
        throw InputError("", path, "", "no call to '" + parts[i + 1] + "' there in this scenario");
      call_ = &it->second;
      server_ = nullptr;
      rest = join(parts, i + 2);
      entry_path_ = own_field(rest) ? rest : "client." + rest;
      if (!own_field(rest)) std::swap(s.client, call_->client);
    } else if (server_ != &s.server) {
      entry_path_ = "server." + rest;
      std::swap(s.server, *server_);
    } else {
      server_ = nullptr;
    }
    scenario_ = &s;
  }
  ~Focus() {
    if (!scenario_) return;
    if (server_) std::swap(scenario_->server, *server_);
    if (call_ && !own_field(entry_path_)) std::swap(scenario_->client, call_->client);
  }
  /// A call's own fields, beside its client's.
  static bool own_field(const std::string& field) { return field == "fan_out" || field == "propagate_deadline"; }
  Focus(const Focus&) = delete;
  Focus& operator=(const Focus&) = delete;

  /// The path on the entry that names the same field ("fan_out" for a call's fan-out).
  const std::string& entry_path() const { return entry_path_; }
  Call* call() const { return call_; }
  /// Whether the path names this field of a call: "fan_out" alone is no
  /// path (the entry has no such field) and goes on to be refused as unknown.
  bool call_field(const char* field) const { return call_ && entry_path_ == field; }

  /// Runs `f` on the entry's path, an error naming the graph path.
  template <class F>
  auto run(F f) const {
    try {
      return f(entry_path_);
    } catch (const InputError& e) {
      if (e.field() != entry_path_ || entry_path_ == path_) throw;
      if (e.problem().rfind("unknown parameter path", 0) == 0) throw InputError(e.source(), path_, "", unknown_here());
      throw InputError(e.source(), path_, e.value(), e.problem());
    }
  }

private:
  static std::string join(const std::vector<std::string>& parts, std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : ".") + parts[i];
    return out;
  }
  static std::string known(const Scenario& s) {
    if (s.services.empty()) return " (it has none)";
    std::string names;
    for (const auto& entry : s.services) names += (names.empty() ? "" : ", ") + entry.first;
    return " (services: " + names + ")";
  }

  /// An unknown field under a service or a call, with the fields known
  /// there (a call holds a client's fields directly, without "client.").
  std::string unknown_here() const {
    const std::string table = call_ ? "client." : "server.";
    const std::string field = entry_path_.substr(table.size());
    std::string known = call_ ? "fan_out, propagate_deadline" : "";
    for (const Entry& e : entries())
      if (e.info.path.rfind(table, 0) == 0) known += (known.empty() ? "" : ", ") + e.info.path.substr(table.size());
    std::string hint;
    if (call_ && field.rfind("client.", 0) == 0)
      hint = "; a call holds the client's fields directly: " + path_.substr(0, path_.size() - entry_path_.size() + table.size()) +
             field.substr(7);
    return std::string("unknown field '") + field + "' of " + (call_ ? "a call" : "a service") + hint + " (known there: " + known + ")";
  }

  std::string path_, entry_path_;
  Scenario* scenario_ = nullptr;
  Server* server_ = nullptr;  // swapped with the entry server
  Call* call_ = nullptr;
};

}  // namespace

const std::vector<ParameterInfo>& parameters() { return parameters_of_entry(); }

std::vector<ParameterInfo> parameters(const Scenario& s) {
  std::vector<ParameterInfo> all = parameters_of_entry();
  // Every entry path of `table` ("server" or "client") again under `at`.
  auto add_all = [&](const std::string& table, const std::string& at) {
    for (const ParameterInfo& p : parameters_of_entry())
      if (p.path.rfind(table + ".", 0) == 0) all.push_back(*describe_parameter(at + p.path.substr(table.size())));
  };
  auto add_calls = [&](const Server& server, const std::string& prefix) {
    for (const auto& entry : server.calls) {
      const std::string at = prefix + ".calls." + entry.first;
      all.push_back(*describe_parameter(at + ".fan_out"));
      all.push_back(*describe_parameter(at + ".propagate_deadline"));
      add_all("client", at);
    }
  };
  add_calls(s.server, "server");
  for (const auto& [name, service] : s.services) {
    add_all("server", "services." + name);
    add_calls(service, "services." + name);
  }
  return all;
}

const ParameterInfo* find_parameter(const std::string& path) {
  for (const Entry& e : entries())
    if (e.info.path == path) return &e.info;
  return nullptr;
}

std::optional<ParameterInfo> describe_parameter(const std::string& path) {
  if (const ParameterInfo* p = find_parameter(path)) return *p;
  // A graph path by its shape: services.NAME.REST is server.REST there, and
  // CALLER.calls.NAME.REST is client.REST (or the call's fan_out).
  std::string at, rest;
  auto after = [&](const std::string& prefix) {
    if (path.rfind(prefix, 0) != 0) return false;
    const std::size_t dot = path.find('.', prefix.size());
    if (dot == std::string::npos) return false;
    at = path.substr(0, dot);
    rest = path.substr(dot + 1);
    return true;
  };
  std::string service_rest;
  if (after("services.")) {
    service_rest = rest;
    if (rest.rfind("calls.", 0) != 0) {
      const ParameterInfo* p = find_parameter("server." + rest);
      if (!p) return std::nullopt;
      ParameterInfo info = *p;
      info.path = path;
      return info;
    }
    rest = rest.substr(6);
  } else if (path.rfind("server.calls.", 0) == 0) {
    rest = path.substr(13);
  } else {
    return std::nullopt;
  }
  const std::size_t dot = rest.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string callee = rest.substr(0, dot), field = rest.substr(dot + 1);
  if (field == "fan_out") return ParameterInfo{path, ParameterKind::Whole, "jobs", "Jobs each completion starts at " + callee + " (fan-out).", {}};
  if (field == "propagate_deadline")
    return ParameterInfo{path, ParameterKind::Flag, "",
                         "Pass the caller's deadline on (gRPC): each attempt at " + callee +
                             " times out by it at the latest, no retry goes out after it.",
                         {}};
  const ParameterInfo* p = find_parameter("client." + field);
  if (!p) return std::nullopt;
  ParameterInfo info = *p;
  info.path = path;
  return info;
}

std::optional<double> get_number(const Scenario& scenario, const std::string& path) {
  Scenario s = scenario;
  const Focus focus(s, path);
  if (focus.call_field("fan_out")) return static_cast<double>(focus.call()->fan_out);
  if (focus.call_field("propagate_deadline")) return focus.call()->propagate_deadline ? 1.0 : 0.0;
  return focus.run([&](const std::string& p) { return entry_get_number(s, p); });
}

void set_number(Scenario& scenario, const std::string& path, double value) {
  const Focus focus(scenario, path);
  if (focus.call_field("fan_out")) {
    focus.call()->fan_out = whole(value, path, format_number(value));
    return;
  }
  if (focus.call_field("propagate_deadline")) {
    if (value != 0 && value != 1) throw InputError("", path, format_number(value), "expected 0 or 1 (false or true)");
    focus.call()->propagate_deadline = value == 1;
    return;
  }
  focus.run([&](const std::string& p) { entry_set_number(scenario, p, value); });
}

std::string get_text(const Scenario& scenario, const std::string& path) {
  Scenario s = scenario;
  const Focus focus(s, path);
  if (focus.call_field("fan_out")) return std::to_string(focus.call()->fan_out);
  if (focus.call_field("propagate_deadline")) return focus.call()->propagate_deadline ? "true" : "false";
  return focus.run([&](const std::string& p) { return entry_get_text(s, p); });
}

void set_text(Scenario& scenario, const std::string& path, const std::string& text) {
  const Focus focus(scenario, path);
  if (focus.call_field("fan_out")) {
    const auto v = parse_decimal(text);
    if (!v) throw InputError("", path, "'" + text + "'", "expected a whole number of jobs");
    focus.call()->fan_out = whole(*v, path, "'" + text + "'");
    return;
  }
  if (focus.call_field("propagate_deadline")) {
    if (text != "true" && text != "1" && text != "false" && text != "0")
      throw InputError("", path, "'" + text + "'", "expected true or false");
    focus.call()->propagate_deadline = text == "true" || text == "1";
    return;
  }
  focus.run([&](const std::string& p) { entry_set_text(scenario, p, text); });
}

void apply_assignment(Scenario& scenario, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("", "", "'" + assignment + "'", "expected PATH=VALUE, e.g. server.capacity=1200");
  set_text(scenario, assignment.substr(0, eq), assignment.substr(eq + 1));
}

}  // namespace sg
