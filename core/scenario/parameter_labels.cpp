#include "scenario/parameter_labels.h"

#include <cctype>
#include <map>
#include <optional>

#include "scenario/parameters.h"
#include "scenario/policy_fields.h"

namespace sg {
namespace {

/// What a parameter of the entry belongs to, and its name there.
struct Words {
  std::string owner;  ///< "Client", "Surge", "Retry budget"
  std::string name;   ///< "timeout", "start"; empty for a policy's switch
};

/// The parameters of the entry and the users' client (parameters()) in
/// words; the policies' words come from their own table (policy_objects()).
const std::map<std::string, Words>& entry_table() {
  static const std::map<std::string, Words> table = {
      {"name", {"Scenario", "name"}},
      {"description", {"Scenario", "description"}},
      {"duration_s", {"Run", "horizon"}},
      {"step_s", {"Run", "time step"}},
      {"demand.base_rate", {"Demand", "base rate"}},
      {"demand.surge.start_s", {"Surge", "start"}},
      {"demand.surge.duration_s", {"Surge", "duration"}},
      {"demand.surge.extra_rate", {"Surge", "extra rate"}},
      {"demand.surge.ramp_s", {"Surge", "ramp"}},
      {"server.capacity", {"Server", "capacity"}},
      {"server.queue_limit", {"Server", "queue limit"}},
      {"server.drop_expired", {"Server", "drop expired"}},
      {"server.reject_latency_s", {"Server", "reject latency"}},
      {"server.drop_margin_s", {"Server", "drop margin"}},
      {"server.outage.start_s", {"Outage", "start"}},
      {"server.outage.duration_s", {"Outage", "duration"}},
      {"server.outage.capacity_factor", {"Outage", "capacity factor"}},
      {"client.timeout_s", {"Client", "timeout"}},
      {"client.max_attempts", {"Client", "max attempts"}},
      {"client.backoff.base_s", {"Backoff", "base"}},
      {"client.backoff.multiplier", {"Backoff", "multiplier"}},
      {"client.backoff.cap_s", {"Backoff", "cap"}},
      {"client.backoff.jitter", {"Backoff", "jitter"}},
      {"client.backoff.spread", {"Jitter", "spread"}},
      {"client.instances", {"Client", "instances"}},
  };
  return table;
}

/// "Retry budget" reads "retry budget" inside a sentence; "gRPC ..." and
/// "AWS ..." keep their capitals.
std::string in_sentence(std::string text) {
  if (text.size() >= 2 && std::isupper(static_cast<unsigned char>(text[0])) &&
      !std::isupper(static_cast<unsigned char>(text[1])))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::optional<Words> entry_words(const std::string& path) {
  const auto& table = entry_table();
  if (auto it = table.find(path); it != table.end()) return it->second;
  for (const PolicyObject& p : policy_objects()) {
    if (path == p.path) return Words{p.title, ""};
    for (const PolicyField& f : p.fields)
      if (path == field_path(p, f)) return Words{p.title, in_sentence(policy_field_label(path))};
  }
  return std::nullopt;
}

/// The name for a sentence: alone where its owner goes without saying (the
/// server's capacity, the client's timeout), else after it ("surge start").
std::string sentence(const Words& w) {
  if (w.name.empty()) return in_sentence(w.owner);
  if (w.owner == "Server" || w.owner == "Client" || w.owner == "Run" || w.owner == "Scenario") return w.name;
  return in_sentence(w.owner) + " " + w.name;
}

/// A path in words as (owner, name): the entry's from the table; a graph
/// path (spec/graph.md, "Parameter paths") owned by its service ("db") or
/// its call ("server → db"), named as the entry's field it stands for.
std::optional<Words> words(const std::string& path) {
  if (auto w = entry_words(path)) return w;
  if (!describe_parameter(path)) return std::nullopt;
  std::string caller, rest;
  if (path.rfind("services.", 0) == 0) {
    const std::size_t dot = path.find('.', 9);
    caller = path.substr(9, dot - 9);
    rest = path.substr(dot + 1);
    if (rest.rfind("calls.", 0) != 0) {
      auto w = entry_words("server." + rest);
      if (!w) return std::nullopt;
      return Words{caller, sentence(*w)};
    }
    rest = rest.substr(6);
  } else {
    caller = "server";
    rest = path.substr(13);  // after "server.calls."
  }
  const std::size_t dot = rest.find('.');
  const std::string callee = rest.substr(0, dot), field = rest.substr(dot + 1);
  const std::string owner = caller + " \u2192 " + callee;
  if (field == "fan_out") return Words{owner, "fan-out"};
  if (field == "propagate_deadline") return Words{owner, "deadline propagation"};
  auto w = entry_words("client." + field);
  if (!w) return std::nullopt;
  return Words{owner, sentence(*w)};
}

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

}  // namespace

std::string parameter_words(const std::string& path) {
  if (auto w = entry_words(path)) return sentence(*w);
  auto w = words(path);  // a service's or a call's: "db capacity", "server → db timeout"
  return w ? w->owner + " " + w->name : path;
}

std::string parameter_label(const std::string& path) {
  auto w = words(path);
  if (!w) return path;
  std::string label = w->name.empty() ? w->owner : w->owner + ": " + w->name;
  const std::string unit = describe_parameter(path)->unit;
  // "Client: max attempts", not "... (attempts)".
  if (!unit.empty() && !ends_with(w->name, unit)) label += " (" + unit + ")";
  return label;
}

std::string policy_field_label(const std::string& path) {
  // Where the key alone reads poorly or says too little.
  static const std::map<std::string, std::string> names = {
      {"server.stop_signal.share", "Share signalled"},
      {"server.stop_signal.ignored_share", "Share ignoring it"},
      {"server.admission.share", "Share admitted"},
      {"server.autoscaling.step", "Capacity per step"},
      {"client.retry_budget.min_per_s", "Minimum retries/s"},
      {"client.concurrent_retry_budget.budget_percent", "Share of active requests"},
      {"client.concurrent_retry_budget.min_retry_concurrency", "Minimum active retries"},
      {"client.circuit_breaker.open_s", "Open for"},
      {"client.circuit_breaker.half_open_calls", "Half-open probes"}};
  if (auto it = names.find(path); it != names.end()) return it->second;
  // Otherwise from the key: the unit suffix goes (the spin box shows the
  // unit), abbreviations are spelt out: "window_s" "Window", "max_tokens" "Maximum tokens".
  std::string key = path.substr(path.rfind('.') + 1);
  if (ends_with(key, "_s")) key.resize(key.size() - 2);
  if (key.rfind("min_", 0) == 0) key.replace(0, 4, "minimum_");
  if (key.rfind("max_", 0) == 0) key.replace(0, 4, "maximum_");
  for (char& c : key)
    if (c == '_') c = ' ';
  if (!key.empty()) key[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(key[0])));
  return key;
}

}  // namespace sg
