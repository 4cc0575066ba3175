#include "model/collapse_drain.h"

#include <algorithm>

#include "scenario/policy_fields.h"

namespace sg {

std::optional<double> collapse_drain_rate(const Scenario& s) {
  if (has_calls(s) || !s.services.empty() || !s.client.max_attempts) return std::nullopt;
  const Server& server = s.server;
  if (server.queue_limit || server.drop_expired || server.capacity_schedule || s.demand.profile) return std::nullopt;
  Scenario probe = s;  // PolicyObject::enabled takes a mutable scenario
  for (const PolicyObject& p : policy_objects())  // every client and server policy
    if (*p.enabled(probe)) return std::nullopt;
  if (trigger_end_s(s) >= s.duration_s) return std::nullopt;  // demand or capacity not back at base by the end
  const double rate = server.capacity - static_cast<double>(*s.client.max_attempts) * s.demand.base_rate;
  if (!(rate > 0)) return std::nullopt;
  return rate;
}

std::optional<double> drained_recovery_at_s(const Scenario& s, double queue, double at_s) {
  const std::optional<double> rate = collapse_drain_rate(s);
  if (!rate) return std::nullopt;
  const double timeout_work = s.server.capacity * s.client.timeout_s;
  return at_s + std::max(0.0, queue - timeout_work) / *rate + s.client.timeout_s;
}

}  // namespace sg
