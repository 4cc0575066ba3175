/// A scenario: every input of one run, with the defaults of spec/interfaces.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sg {

/// Extra demand on top of the base rate, reached and left along linear ramps.
struct Surge {
  double start_s = 600;
  double duration_s = 300;
  double extra_rate = 1200;
  double ramp_s = 0;
};

struct Demand {
  double base_rate = 800;
  /// Absent (JSON null) means no surge.
  std::optional<Surge> surge = Surge{};
  /// Piecewise-linear [t_s, rate] points; when present it replaces base rate and surge.
  std::optional<std::vector<std::pair<double, double>>> profile;
};

/// Capacity is multiplied by capacity_factor inside [start_s, start_s + duration_s).
struct Outage {
  double start_s = 0;
  double duration_s = 0;
  double capacity_factor = 1.0;
};

/// Server and client policies beyond spec/system.md (docs/scenario-extensions.md).
/// Each is off unless `enabled`; a file enables one by giving its object
/// (with "enabled": false it keeps the settings but stays off), and null (or
/// leaving it out) keeps it off. The values stay when it is switched off, so
/// that switching it back on restores them.

/// A share of the attempts the server cannot take (rejections) carries a
/// "stop retrying" signal (Signal's HTTP 508): clients that honour it give the
/// job up instead of retrying.
struct StopSignal {
  bool enabled = false;
  double share = 1;          ///< of rejected attempts, those answered with the signal
  double ignored_share = 0;  ///< of clients, those that retry anyway
  double start_s = 0;        ///< the server starts sending it at this time
};

/// The server admits only `share` of the jobs that arrive from start_s on
/// and refuses every attempt of the others at no cost (load shedding by job),
/// for duration_s (0: to the end of the run); then every job is admitted.
struct Admission {
  bool enabled = false;
  double share = 0.5;
  double start_s = 0;
  double duration_s = 0;
};

/// Capacity added when utilisation (served over capacity) stays at or above
/// `threshold` for `window_s`: `step` attempts/s more, `delay_s` after the
/// decision, up to `max_capacity` in all.
struct Autoscaling {
  bool enabled = false;
  double threshold = 0.8;
  double window_s = 60;
  double delay_s = 120;
  double step = 250;
  double max_capacity = 4000;
};


/// gRPC retry throttling (gRFC A6): per client, a failure takes a token and a
/// success gives token_ratio; retries only while tokens exceed max_tokens / 2.
struct RetryThrottling {
  bool enabled = false;
  double max_tokens = 10;
  double token_ratio = 0.1;
};

/// The AWS SDKs' standard-mode retry quota: per client, a retry costs
/// retry_cost tokens (timeout_cost after a timeout); a first-try success
/// returns success_reward, a success after retries returns its retry's cost.
struct RetryQuota {
  bool enabled = false;
  double capacity = 500;
  double retry_cost = 5;
  double timeout_cost = 10;
  double success_reward = 1;
};

/// A retry budget (the SRE book; Finagle's RetryBudget): over the last
/// window_s, retries may be at most `ratio` times the jobs started plus
/// min_per_s per second, per client.
struct RetryBudget {
  bool enabled = false;
  double ratio = 0.1;
  double min_per_s = 0;
  double window_s = 10;
};

/// Envoy's retry budget (cluster circuit breakers, `retry_budget`): a
/// failure may retry only while the client's active retries (granted, in
/// their backoff or in flight) stay under max(min_retry_concurrency,
/// budget_percent % of its active requests); the active retry of a job is
/// released when that retry's attempt ends. With budget_percent 0 it is
/// Envoy's default static limit (max_retries 3).
struct ConcurrentRetryBudget {
  bool enabled = false;
  double budget_percent = 20;
  double min_retry_concurrency = 3;
};

/// Client-side adaptive throttling (the SRE book, "Handling Overload"): an
/// attempt is refused locally with probability
/// max(0, (requests - k accepts) / (requests + 1)) over the last window_s.
struct AdaptiveThrottling {
  bool enabled = false;
  double k = 2;
  double window_s = 120;
};

/// A circuit breaker per client: opens when the failure ratio of the calls
/// of the last window_s reaches failure_ratio with at least min_calls calls,
/// refuses calls for open_s, then lets half_open_calls probes through.
struct CircuitBreaker {
  bool enabled = false;
  double failure_ratio = 0.1;
  double min_calls = 100;
  double window_s = 30;
  double open_s = 5;
  double half_open_calls = 1;
};

/// Jitter kinds of spec/system.md, and Proportional: d_k x U(1 - spread, 1 + spread),
/// as the Signal Android client (an extension; docs/scenario-extensions.md).
enum class Jitter { None, Full, Equal, Decorrelated, Proportional };

struct Backoff {
  double base_s = 0.1;
  double multiplier = 2;
  double cap_s = 20;
  Jitter jitter = Jitter::Full;
  /// Proportional jitter only: the delay is d_k x U(1 - spread, 1 + spread).
  double spread = 0.25;
};

struct Client {
  double timeout_s = 5;
  /// First attempt included; absent means unlimited.
  std::optional<long long> max_attempts = 3;
  Backoff backoff;
  /// Client instances the demand is spread over evenly; matters only to the
  /// per-client state of the policies below.
  double instances = 10;
  RetryThrottling retry_throttling;
  RetryQuota retry_quota;
  RetryBudget retry_budget;
  ConcurrentRetryBudget concurrent_retry_budget;
  AdaptiveThrottling adaptive_throttling;
  CircuitBreaker circuit_breaker;
};

/// A call from one service to another (spec/graph.md, "Calls"): at each
/// completion of an attempt the caller starts `fan_out` jobs at the callee,
/// each under `client`, the call's own client policy (not the users').
struct Call {
  long long fan_out = 1;
  Client client;
  /// gRPC's deadline propagation (docs/scenario-extensions.md; docs/model.md
  /// 11.17): a job of this call carries the deadline of the attempt that
  /// started it, each of its attempts times out at the earlier of its own
  /// timeout and that deadline, no retry goes out after it, and the callee's
  /// drop_expired drops by it.
  bool propagate_deadline = false;
};

struct Server {
  double capacity = 1000;
  /// Attempts the queue may hold; absent means unbounded.
  std::optional<long long> queue_limit;
  bool drop_expired = false;
  double reject_latency_s = 0;
  Outage outage;
  /// [t_s, capacity] steps: from each t_s on, capacity is the point's value
  /// (before the first point, `capacity`). Absent means constant capacity.
  std::optional<std::vector<std::pair<double, double>>> capacity_schedule;
  StopSignal stop_signal;
  Admission admission;
  Autoscaling autoscaling;
  /// spec/graph.md, "Drop expired": with drop_expired, attempts whose sender
  /// times out less than this many seconds later are discarded too.
  double drop_margin_s = 0;
  /// spec/graph.md, "Calls": the services this one calls at each completion,
  /// by name ("server" is the entry; others are in Scenario::services).
  std::map<std::string, Call> calls;
};

struct Scenario {
  std::string name = "Surge against a naive client";
  std::string description;
  double duration_s = 3600;
  double step_s = 1.0;
  Demand demand;
  Server server;  ///< the entry service, "server" in the graph
  Client client;  ///< the users' client
  /// spec/graph.md: the services beyond the entry, by name; none by default.
  std::map<std::string, Server> services;
};

const char* to_string(Jitter jitter);
/// Parses a jitter name of spec/interfaces.md; empty when the name is unknown.
std::optional<Jitter> jitter_from_string(const std::string& name);
/// The jitter names, for messages: "none, full, equal, decorrelated or proportional".
std::string jitter_names();

/// One call of a scenario, with where it is in the file.
struct CallSite {
  std::string caller;  ///< "server" for the entry
  std::string callee;
  std::string path;    ///< "server.calls.auth", "services.auth.calls.db"
  const Call* call;
};

/// Every call of the scenario: the entry's first, then each service's by
/// name, each caller's calls by the callee's name.
std::vector<CallSite> call_sites(const Scenario& scenario);

/// Retrying at one layer only (the SRE book's advice, docs/model.md 11.7):
/// every call of the graph makes one attempt, so only the users' client
/// retries. The calls' other settings stay as they were.
void retry_at_one_layer(Scenario& scenario);

/// True when every call makes one attempt (and there is a call).
bool retries_at_one_layer(const Scenario& scenario);

/// True when the scenario is a graph: some service calls another.
bool has_calls(const Scenario& scenario);

/// One service of a graph as a single service's words would describe it
/// (the dashboard's caption, timeout line and summary of that service's
/// curves): its own server (without calls) as the server, and as the
/// client the policy of the calls into it when they share one timeout (the
/// users' for the entry). Demand and trigger stay the users'. Throws
/// std::out_of_range for an unknown service.
Scenario service_view(const Scenario& scenario, const std::string& service);

/// The trigger's end (spec/system.md and spec/graph.md, "Health of a run"):
/// the latest of the surge's (or profile's) end and every service's outage's
/// end; 0 when there is no trigger.
double trigger_end_s(const Scenario& scenario);

/// True when the scenario has a surge, a profile or an outage at any service.
bool has_trigger(const Scenario& scenario);

/// The same scenario at constant demand (its base rate, or a profile's last
/// rate) with no surge and no outage at any service: the "run from an empty
/// system" of the health classification.
Scenario without_trigger(const Scenario& scenario);

}  // namespace sg
