#include "analysis/condition.h"

#include "analysis/health.h"

namespace sg {

Condition condition_of(const Interval& i) {
  if (!is_healthy(i)) return Condition::Storm;
  if (i.capacity > 0 && i.served >= kBusyUtilisation * i.capacity) return Condition::AtRisk;
  if (i.demand > 0 && i.retries > kRetryShare * i.demand) return Condition::AtRisk;
  return Condition::Healthy;
}

const char* to_string(Condition c) {
  switch (c) {
    case Condition::Healthy: return "healthy";
    case Condition::AtRisk: return "at risk";
    case Condition::Storm: return "in a storm";
  }
  return "";
}

}  // namespace sg
