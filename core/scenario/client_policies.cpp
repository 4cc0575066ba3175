#include "scenario/client_policies.h"

#include "scenario/policy_fields.h"

namespace sg {
namespace {

Client client(std::optional<long long> attempts, Backoff backoff) {
  Client c;
  c.timeout_s = 5;
  c.max_attempts = attempts;
  c.backoff = backoff;
  return c;
}

/// Envoy's router defaults: one retry (num_retries 1), fully jittered
/// exponential backoff from 25 ms to 250 ms.
Client envoy_router() { return client(2, Backoff{0.025, 2, 0.25, Jitter::Full}); }

template <class T>
Client with(Client c, T Client::*member, T value) {
  value.enabled = true;
  c.*member = value;
  return c;
}

/// Whether two client policies are the same: off on both sides, or on with equal settings.
bool same_policy(const Client& a, const Client& b) {
  Scenario x, y;
  x.client = a;
  y.client = b;
  for (const PolicyObject& p : policy_objects()) {
    if (std::string(p.path).rfind("client.", 0) != 0) continue;
    const bool on = *p.enabled(x);
    if (on != *p.enabled(y)) return false;
    if (!on) continue;
    for (const PolicyField& f : p.fields)
      if (*f.value(x) != *f.value(y)) return false;
  }
  return true;
}

bool same(const Client& a, const Client& b) {
  return a.timeout_s == b.timeout_s && a.max_attempts == b.max_attempts && a.backoff.base_s == b.backoff.base_s &&
         a.backoff.multiplier == b.backoff.multiplier && a.backoff.cap_s == b.backoff.cap_s &&
         a.backoff.jitter == b.backoff.jitter &&
         (a.backoff.jitter != Jitter::Proportional || a.backoff.spread == b.backoff.spread) && same_policy(a, b);
}

}  // namespace

const std::vector<NamedPolicy>& client_policies() {
  static const std::vector<NamedPolicy> catalogue = {
      {"No retries", "One attempt per job: a failure is final.",
       client(1, Backoff{0.1, 2, 20, Jitter::Full})},
      {"Immediate retry, 3 attempts",
       "Retries at once after a failure: 3 attempts in all (the first and 2 retries).",
       client(3, Backoff{0, 1, 0, Jitter::None})},
      {"Immediate retry, unlimited", "Retries at once after every failure, forever: the naive client.",
       client(std::nullopt, Backoff{0, 1, 0, Jitter::None})},
      {"Exponential backoff, no jitter",
       "3 attempts (the first and 2 retries): waits 0.1 s before the first retry, 0.2 s before the second "
       "(doubling, at most 20 s).",
       client(3, Backoff{0.1, 2, 20, Jitter::None})},
      {"Exponential backoff, full jitter",
       "3 attempts (the first and 2 retries): waits a random time up to 0.1 s before the first retry, up to "
       "0.2 s before the second (doubling, at most 20 s).",
       client(3, Backoff{0.1, 2, 20, Jitter::Full})},
      // Signal-Android's job backoff (jobmanager/impl/BackoffUtil.java):
      // min(2^n s, max) x U(0.75, 1.25) after the n-th attempt, with the 60 s
      // maximum of 2021, retried without limit. The timeout is not part of it.
      {"Signal Android 2021",
       "Unlimited attempts: waits min(2^n s, 60 s) x U(0.75, 1.25) after the n-th failure, never "
       "giving up.",
       client(std::nullopt, Backoff{2, 2, 60, Jitter::Proportional, 0.25})},
      // AWS SDKs, standard retry mode (docs.aws.amazon.com/sdkref, "Retry
      // behavior"): 3 attempts, delay U(0, 1 s x 2^(n-1)) capped at 20 s, a
      // quota of 500 tokens, 5 per retry, 10 after a timeout, 1 back per
      // first-try success.
      {"AWS SDK standard",
       "3 attempts (2 retries), full jitter from 1 s doubling (at most 20 s), and a retry quota of 500 "
       "tokens per client (a retry costs 5, 10 after a timeout; a first-try success returns 1).",
       with(client(3, Backoff{1, 2, 20, Jitter::Full}), &Client::retry_quota,
            RetryQuota{true, 500, 5, 10, 1})},
      // gRFC A6's example service config: maxAttempts 4, initialBackoff 0.1 s,
      // maxBackoff 1 s, multiplier 2, delays U(0, backoff); retryThrottling
      // maxTokens 10, tokenRatio 0.1.
      {"gRPC with retry throttling",
       "4 attempts (3 retries), full jitter from 0.1 s doubling (at most 1 s; gRFC A6's example); retries "
       "stop while a client's tokens (10, a failure takes 1, a success returns 0.1) are at half or below.",
       with(client(4, Backoff{0.1, 2, 1, Jitter::Full}), &Client::retry_throttling,
            RetryThrottling{true, 10, 0.1})},
      // Site Reliability Engineering (2016), chapters 21 and 22: at most 3
      // attempts, a per-client retry budget of 10 %, client-side adaptive
      // throttling with K = 2 over 2 minutes. The book gives no backoff
      // numbers or budget window: exponential backoff with full jitter and a
      // 60 s window are our choice.
      {"SRE book",
       "3 attempts (2 retries) with jittered backoff, a 10 % retry budget per client, and adaptive "
       "throttling (K = 2 over 2 minutes), as in Google's SRE book.",
       with(with(client(3, Backoff{0.1, 2, 20, Jitter::Full}), &Client::retry_budget,
                 RetryBudget{true, 0.1, 0, 60}),
            &Client::adaptive_throttling, AdaptiveThrottling{true, 2, 120})},
      // Envoy's router defaults: one retry (num_retries 1), fully jittered
      // exponential backoff from 25 ms to 250 ms, and the cluster's default
      // circuit breaker of 3 concurrent retries (max_retries), the
      // concurrent budget with no percentage.
      {"Envoy defaults",
       "2 attempts (1 retry), full jitter up to 25 ms (doubling, at most 250 ms: Envoy's router "
       "defaults), and at most 3 active retries per client (its default max_retries).",
       with(envoy_router(), &Client::concurrent_retry_budget,
            ConcurrentRetryBudget{true, 0, 3})},
      // Envoy's cluster retry_budget (circuit_breakers.thresholds): active
      // retries at most budget_percent (default 20 %) of the active requests,
      // never below min_retry_concurrency (default 3), over the router's
      // default retries.
      {"Envoy with retry budget",
       "2 attempts (1 retry), full jitter up to 25 ms (doubling, at most 250 ms), and Envoy's retry budget: "
       "a client's active retries at most 20 % of its active requests (never fewer than 3).",
       with(envoy_router(), &Client::concurrent_retry_budget,
            ConcurrentRetryBudget{true, 20, 3})},
      // Linkerd's budgeted retries (ServiceProfile retryBudget, the proxy's
      // defaults): retryRatio 0.2, minRetriesPerSecond 10, ttl 10 s, and no
      // limit on a request's retries but the budget; a ServiceProfile has no
      // backoff setting, so retries leave at once.
      {"Linkerd retry budget",
       "Unlimited attempts, retried at once, within Linkerd's budget per client: retries at most 20 % of the "
       "jobs started over 10 s, plus 10 a second.",
       with(client(std::nullopt, Backoff{0, 1, 0, Jitter::None}), &Client::retry_budget,
            RetryBudget{true, 0.2, 10, 10})},
      // Polly v8 defaults: retry 3 times (4 attempts) after a constant 2 s, no
      // jitter; circuit breaker FailureRatio 0.1, MinimumThroughput 100,
      // SamplingDuration 30 s, BreakDuration 5 s, one probe when half-open.
      {"Polly v8 defaults",
       "4 attempts (3 retries) 2 s apart, and a circuit breaker per client: opens at 10 % failures over 30 s "
       "(at least 100 calls), stays open 5 s, then lets one probe through.",
       with(client(4, Backoff{2, 1, 2, Jitter::None}), &Client::circuit_breaker,
            CircuitBreaker{true, 0.1, 100, 30, 5, 1})},
      // resilience4j defaults: Retry maxAttempts 3, waitDuration 500 ms;
      // CircuitBreaker failureRateThreshold 50 %, minimumNumberOfCalls 100,
      // waitDurationInOpenState 60 s, 10 calls when half-open. Its window is
      // the last 100 calls; here it is 60 s (docs/scenario-extensions.md).
      {"resilience4j defaults",
       "3 attempts (2 retries) 0.5 s apart, and a circuit breaker per client: opens at 50 % failures (at "
       "least 100 "
       "calls), stays open 60 s, then lets 10 probes through.",
       with(client(3, Backoff{0.5, 1, 0.5, Jitter::None}), &Client::circuit_breaker,
            CircuitBreaker{true, 0.5, 100, 60, 60, 10})},
  };
  return catalogue;
}

void apply_policy(const NamedPolicy& policy, Client& client, bool keep_timeout) {
  const double instances = client.instances, timeout = client.timeout_s;
  client = policy.client;
  client.instances = instances;
  if (keep_timeout) client.timeout_s = timeout;
}

std::optional<std::size_t> matching_policy(const Client& c, bool ignore_timeout) {
  const auto& all = client_policies();
  for (std::size_t i = 0; i < all.size(); ++i) {
    Client preset = all[i].client;
    if (ignore_timeout) preset.timeout_s = c.timeout_s;
    if (same(preset, c)) return i;
  }
  return std::nullopt;
}

}  // namespace sg
