#include "scenario/policy_fields.h"

#include <cmath>

#include "scenario/input_error.h"
#include "scenario/number_text.h"

namespace sg {
namespace {

constexpr double kBig = 1e12, kTime = 1e9;

/// 1e9 and 1e12 as a reader writes them.
std::string bound_text(double v) {
  if (v >= 1e6) {
    const double exponent = std::round(std::log10(v));
    if (std::pow(10.0, exponent) == v) return "1e" + format_number(exponent);
  }
  return format_number(v);
}

std::string range_text(const PolicyField& f) {
  std::string low = bound_text(f.low), high = bound_text(f.high);
  if (f.low_open) return "must be a number above " + low + " and at most " + high;
  return "must be a number from " + low + " to " + high;
}

}  // namespace

const std::vector<PolicyObject>& policy_objects() {
  static const std::vector<PolicyObject> table = {
      {"server.stop_signal", "Stop-retrying signal",
       "The server answers a share of the attempts it rejects with a signal that makes clients give the job up.",
       [](Scenario& s) { return &s.server.stop_signal.enabled; },
       {{"share", 0, 1, false, "", "Share of rejected attempts answered with the signal.",
         [](Scenario& s) { return &s.server.stop_signal.share; }},
        {"ignored_share", 0, 1, false, "", "Share of clients that ignore the signal and retry anyway.",
         [](Scenario& s) { return &s.server.stop_signal.ignored_share; }},
        {"start_s", 0, kTime, false, "s", "When the server starts sending the signal.",
         [](Scenario& s) { return &s.server.stop_signal.start_s; }}}},
      {"server.admission", "Admission control",
       "The server admits only a share of the jobs that arrive and refuses every attempt of the others at no cost.",
       [](Scenario& s) { return &s.server.admission.enabled; },
       {{"share", 0, 1, false, "", "Share of new jobs admitted.",
         [](Scenario& s) { return &s.server.admission.share; }},
        {"start_s", 0, kTime, false, "s", "Jobs arriving from this time on are subject to admission.",
         [](Scenario& s) { return &s.server.admission.start_s; }},
        {"duration_s", 0, kTime, false, "s",
         "How long admission control lasts (0: to the end); then every job, refused ones too, is admitted.",
         [](Scenario& s) { return &s.server.admission.duration_s; }}}},
      {"server.autoscaling", "Autoscaling",
       "Capacity is added when utilisation stays high for a window, after a provisioning delay, up to a maximum.",
       [](Scenario& s) { return &s.server.autoscaling.enabled; },
       {{"threshold", 0, 1, true, "", "Utilisation (served over capacity) that calls for more capacity.",
         [](Scenario& s) { return &s.server.autoscaling.threshold; }},
        {"window_s", 0, kTime, true, "s", "How long utilisation must stay at the threshold.",
         [](Scenario& s) { return &s.server.autoscaling.window_s; }},
        {"delay_s", 0, kTime, false, "s", "Provisioning delay: new capacity serves this long after the decision.",
         [](Scenario& s) { return &s.server.autoscaling.delay_s; }},
        {"step", 0, kBig, true, "attempts/s", "Capacity added by each scale-up.",
         [](Scenario& s) { return &s.server.autoscaling.step; }},
        {"max_capacity", 0, kBig, true, "attempts/s", "Scaling stops at this capacity.",
         [](Scenario& s) { return &s.server.autoscaling.max_capacity; }}}},
      {"client.retry_throttling", "gRPC retry throttling",
       "Per client, a failure takes a token and a success returns token_ratio; retries only while tokens exceed half.",
       [](Scenario& s) { return &s.client.retry_throttling.enabled; },
       {{"max_tokens", 0, 1000, true, "tokens", "Tokens a client holds when full (gRFC A6: at most 1000).",
         [](Scenario& s) { return &s.client.retry_throttling.max_tokens; }},
        {"token_ratio", 0, 1000, true, "tokens", "Tokens a success returns.",
         [](Scenario& s) { return &s.client.retry_throttling.token_ratio; }}}},
      {"client.retry_quota", "AWS retry quota",
       "Per client, a retry costs tokens from a quota that successes refill; no tokens, no retry.",
       [](Scenario& s) { return &s.client.retry_quota.enabled; },
       {{"capacity", 0, kTime, true, "tokens", "Tokens a client holds when full.",
         [](Scenario& s) { return &s.client.retry_quota.capacity; }},
        {"retry_cost", 0, kTime, false, "tokens", "Cost of a retry after a rejection.",
         [](Scenario& s) { return &s.client.retry_quota.retry_cost; }},
        {"timeout_cost", 0, kTime, false, "tokens", "Cost of a retry after a timeout.",
         [](Scenario& s) { return &s.client.retry_quota.timeout_cost; }},
        {"success_reward", 0, kTime, false, "tokens", "Tokens a first-try success returns.",
         [](Scenario& s) { return &s.client.retry_quota.success_reward; }}}},
      {"client.retry_budget", "Retry budget",
       "Over a sliding window, retries may be at most a share of the jobs started, plus a minimum rate.",
       [](Scenario& s) { return &s.client.retry_budget.enabled; },
       {{"ratio", 0, 1000, false, "", "Retries allowed per job started (SRE book: 0.1).",
         [](Scenario& s) { return &s.client.retry_budget.ratio; }},
        {"min_per_s", 0, kBig, false, "retries/s", "Retries per second per client always allowed (Finagle: 10).",
         [](Scenario& s) { return &s.client.retry_budget.min_per_s; }},
        {"window_s", 0, kTime, true, "s", "The sliding window the budget counts over.",
         [](Scenario& s) { return &s.client.retry_budget.window_s; }}}},
      {"client.concurrent_retry_budget", "Concurrent retry budget",
       "Envoy's budget: a failure retries only while the client's active retries stay under a share of its "
       "active requests (or a minimum).",
       [](Scenario& s) { return &s.client.concurrent_retry_budget.enabled; },
       {{"budget_percent", 0, 100, false, "%", "Active retries allowed, in percent of active requests (Envoy: 20).",
         [](Scenario& s) { return &s.client.concurrent_retry_budget.budget_percent; }},
        {"min_retry_concurrency", 0, kBig, false, "retries",
         "Active retries per client always allowed (Envoy: 3, also its default limit without a budget).",
         [](Scenario& s) { return &s.client.concurrent_retry_budget.min_retry_concurrency; }}}},
      {"client.adaptive_throttling", "Adaptive throttling",
       "Each attempt is refused locally with probability max(0, (requests - k accepts) / (requests + 1)).",
       [](Scenario& s) { return &s.client.adaptive_throttling.enabled; },
       {{"k", 1, 1000, false, "", "Requests allowed per accepted request (SRE book: 2).",
         [](Scenario& s) { return &s.client.adaptive_throttling.k; }},
        {"window_s", 0, kTime, true, "s", "The window requests and accepts are counted over.",
         [](Scenario& s) { return &s.client.adaptive_throttling.window_s; }}}},
      {"client.circuit_breaker", "Circuit breaker",
       "Opens when the failure ratio of a window reaches a threshold, fails fast while open, then probes.",
       [](Scenario& s) { return &s.client.circuit_breaker.enabled; },
       {{"failure_ratio", 0, 1, true, "", "Failure ratio that opens the breaker.",
         [](Scenario& s) { return &s.client.circuit_breaker.failure_ratio; }},
        {"min_calls", 0, kBig, false, "calls", "Calls per client the window needs before the breaker may open.",
         [](Scenario& s) { return &s.client.circuit_breaker.min_calls; }},
        {"window_s", 0, kTime, true, "s", "The window the failure ratio is measured over.",
         [](Scenario& s) { return &s.client.circuit_breaker.window_s; }},
        {"open_s", 0, kTime, true, "s", "How long the breaker stays open.",
         [](Scenario& s) { return &s.client.circuit_breaker.open_s; }},
        {"half_open_calls", 1, kBig, false, "calls", "Probe calls per client let through when half-open.",
         [](Scenario& s) { return &s.client.circuit_breaker.half_open_calls; }}}},
  };
  return table;
}

const PolicyObject* find_policy(const std::string& path) {
  for (const PolicyObject& p : policy_objects())
    if (path == p.path) return &p;
  return nullptr;
}

std::string field_path(const PolicyObject& policy, const PolicyField& field) {
  return std::string(policy.path) + "." + field.key;
}

void validate_policy_field(const PolicyField& f, const std::string& path, double v) {
  bool ok = std::isfinite(v) && v <= f.high && (f.low_open ? v > f.low : v >= f.low);
  if (!ok) throw InputError("", path, format_number(v), range_text(f));
}

}  // namespace sg
