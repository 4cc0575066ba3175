/// A scenario: every input of one run, with the defaults of spec/interfaces.md.
#pragma once

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

struct Server {
  double capacity = 1000;
  /// Attempts the queue may hold; absent means unbounded.
  std::optional<long long> queue_limit;
  bool drop_expired = false;
  double reject_latency_s = 0;
  Outage outage;
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
};

struct Scenario {
  std::string name = "Surge against a naive client";
  std::string description;
  double duration_s = 3600;
  double step_s = 1.0;
  Demand demand;
  Server server;
  Client client;
};

const char* to_string(Jitter jitter);
/// Parses a jitter name of spec/interfaces.md; empty when the name is unknown.
std::optional<Jitter> jitter_from_string(const std::string& name);
/// The jitter names, for messages: "none, full, equal, decorrelated or proportional".
std::string jitter_names();

/// The trigger's end (spec/system.md, "Health of a run"): the later of the
/// surge's (or profile's) end and the outage's end; 0 when there is no trigger.
double trigger_end_s(const Scenario& scenario);

/// True when the scenario has a surge, a profile or an outage.
bool has_trigger(const Scenario& scenario);

/// The same scenario at constant demand (its base rate, or a profile's last
/// rate) with no surge and no outage: the "run from an empty system" of the
/// health classification.
Scenario without_trigger(const Scenario& scenario);

}  // namespace sg
