#include "model/client_gates.h"

#include <algorithm>
#include <cmath>

namespace sg {

void ClientGates::Window::reset(long steps) {
  values_.assign(static_cast<std::size_t>(std::max(1L, steps)), 0.0);
  next_ = 0;
  sum_ = 0;
}

void ClientGates::Window::push(double value) {
  double& slot = values_[next_];
  sum_ += value - slot;
  slot = value;
  next_ = (next_ + 1) % values_.size();
  // Rounding of the running sum never leaves a negative count.
  if (sum_ < 0) sum_ = 0;
}

void ClientGates::Window::clear() { reset(static_cast<long>(values_.size())); }

ClientGates::ClientGates(const Client& client, double step_s, long run_steps)
    : c_(client), h_(step_s), instances_(client.instances) {
  active_ = any_enabled(client);
  // Windows are whole numbers of steps (at least one).
  auto steps = [&](double seconds) { return std::max(1L, std::lround(seconds / h_)); };
  // A window's slots: nothing leaves a window longer than the run, so the
  // run's steps are all it needs (docs/model.md, 5.4).
  auto slots = [&](double seconds) { return std::min(steps(seconds), std::max(1L, run_steps + 1)); };
  budget_window_s_ = static_cast<double>(steps(c_.retry_budget.window_s)) * h_;
  // Clients start full, as a client that has not failed yet is.
  tokens_ = c_.retry_throttling.max_tokens;
  quota_ = c_.retry_quota.capacity;
  paid_per_retry_ = c_.retry_quota.retry_cost;
  if (c_.retry_budget.enabled) {
    budget_jobs_.reset(slots(c_.retry_budget.window_s));
    budget_retries_.reset(slots(c_.retry_budget.window_s));
    longest_window_ = std::max(longest_window_, steps(c_.retry_budget.window_s));
  }
  if (c_.adaptive_throttling.enabled) {
    throttle_requests_.reset(slots(c_.adaptive_throttling.window_s));
    throttle_accepts_.reset(slots(c_.adaptive_throttling.window_s));
    longest_window_ = std::max(longest_window_, steps(c_.adaptive_throttling.window_s));
  }
  if (c_.circuit_breaker.enabled) {
    breaker_calls_.reset(slots(c_.circuit_breaker.window_s));
    breaker_failures_.reset(slots(c_.circuit_breaker.window_s));
    longest_window_ = std::max(longest_window_, steps(c_.circuit_breaker.window_s));
  }
  steps_since_failure_ = longest_window_ + 1;
}

bool ClientGates::any_enabled(const Client& c) {
  return c.retry_throttling.enabled || c.retry_quota.enabled || c.retry_budget.enabled ||
         c.concurrent_retry_budget.enabled || c.adaptive_throttling.enabled || c.circuit_breaker.enabled;
}

double ClientGates::send_share(double requested) {
  if (requested <= 0) return 1;
  double share = 1;
  if (c_.adaptive_throttling.enabled) {
    // The SRE book's max(0, (requests - K accepts) / (requests + 1)) of one
    // client, in totals over all clients: (R - K A) / (R + instances).
    const double r = throttle_requests_.sum(), a = throttle_accepts_.sum();
    const double refuse = std::max(0.0, (r - c_.adaptive_throttling.k * a) / (r + instances_));
    share *= 1.0 - refuse;
  }
  if (c_.circuit_breaker.enabled) {
    if (breaker_ == Breaker::Open) {
      share = 0;
    } else if (breaker_ == Breaker::HalfOpen) {
      // Each client lets half_open_calls probes through, then waits for them.
      const double allowance = c_.circuit_breaker.half_open_calls * instances_ - probes_sent_;
      const double wanting = requested * share;
      const double probes = std::clamp(allowance, 0.0, wanting);
      probes_sent_ += probes;
      share = probes / requested;
    }
  }
  return share;
}

double ClientGates::retry_share(double after_timeout, double after_reject) {
  return retry_share(after_timeout, after_reject, -1);
}

double ClientGates::throttling_share() const {
  if (!c_.retry_throttling.enabled) return 1;
  // Retries only while tokens exceed half the bucket. Over many clients the
  // share allowed falls from 1 to 0 over the last token above the threshold
  // (docs/model.md, 10.1).
  const double threshold = 0.5 * c_.retry_throttling.max_tokens;
  const double band = std::min(1.0, threshold);
  return std::clamp((tokens_ - threshold) / band, 0.0, 1.0);
}

double ClientGates::budget_left() const {
  const RetryBudget& b = c_.retry_budget;
  return b.ratio * budget_jobs_.sum() + b.min_per_s * budget_window_s_ * instances_ - budget_retries_.sum() -
         budget_retries_now_;
}

namespace {

/// Attempts sent less those whose fate reached their clients, in a step's sums.
double net_in_flight(const GateStep& s) { return (s.requested - s.refused) - (s.successes + s.failures); }

/// Retries whose attempt ended (succeeded, failed, or refused by the client) in a step's sums.
double retries_ended(const GateStep& s) {
  return (s.successes - s.first_successes) + (s.failures - s.first_failures) + (s.refused - s.first_refused);
}

}  // namespace

double ClientGates::concurrency_share() const {
  // The share of a slot one attempt moves the cap by: budget_percent while
  // the percentage sets the cap, none while its minimum does.
  const ConcurrentRetryBudget& b = c_.concurrent_retry_budget;
  return 0.01 * b.budget_percent * in_flight_ > b.min_retry_concurrency * instances_ ? 0.01 * b.budget_percent : 0.0;
}

double ClientGates::concurrency_left() const {
  // Per client max(min, percent x its active requests); the clients share
  // the flows evenly (docs/model.md, 10.0), so in totals:
  // max(min x instances, percent x active requests). The active retries are
  // as they stand now, within the step under way: the retries whose attempt
  // ended in it so far are released first, as Envoy does. The requests in
  // flight are their mean over the step (10.11): a failure falls anywhere
  // in it, and sees on average half of the step's ends and half of its
  // sends, which are not made yet and are taken as the last step's.
  const ConcurrentRetryBudget& b = c_.concurrent_retry_budget;
  const double active = active_retries_ + granted_now_ - (live_ ? retries_ended(*live_) : 0.0);
  const double ended = live_ ? live_->successes + live_->failures : 0.0;
  const double in_flight = std::max(0.0, in_flight_ + 0.5 * (last_sent_ - ended));
  const double limit = std::max(b.min_retry_concurrency * instances_, 0.01 * b.budget_percent * in_flight);
  return limit - active;
}

double ClientGates::preview_share(double after_timeout, double after_reject) const {
  return preview_share(after_timeout, after_reject, true);
}

double ClientGates::preview_share(double after_timeout, double after_reject, bool with_concurrency) const {
  const double wanting = after_timeout + after_reject;
  if (!active_ || wanting <= 0) return 1;
  double g = throttling_share();
  if (c_.retry_quota.enabled) {
    const double cost = c_.retry_quota.timeout_cost * after_timeout + c_.retry_quota.retry_cost * after_reject;
    if (cost > 0) g = std::min(g, std::max(0.0, quota_) * instances_ / cost);
  }
  if (c_.retry_budget.enabled) g = std::min(g, std::max(0.0, budget_left()) / wanting);
  if (with_concurrency && c_.concurrent_retry_budget.enabled)
    g = std::min(g, std::max(0.0, concurrency_left()) / wanting);
  return std::clamp(g, 0.0, 1.0);
}

double ClientGates::retry_share(double after_timeout, double after_reject, double fixed_share, double later,
                                double* later_share) {
  const double wanting = after_timeout + after_reject;
  if (later_share) *later_share = 1;
  if (!active_ || wanting <= 0) return 1;
  const bool fixed = fixed_share >= 0;
  const bool split = c_.concurrent_retry_budget.enabled && !fixed;
  // The share every other policy allows (tokens, quota, budget), then
  // Envoy's, which serves the failures of retries first (10.11).
  double g = std::clamp(fixed ? fixed_share : preview_share(after_timeout, after_reject, !split), 0.0, 1.0);
  double g_first = g, g_later = g;
  if (split) {
    later = std::clamp(later, 0.0, wanting);
    double room = std::max(0.0, concurrency_left());
    const double want_later = g * later, want_first = g * (wanting - later);
    if (room < want_later + want_first) {
      // Saturated. A failing retry frees its own slot and asks at once, but
      // its attempt's end also lowers the cap by budget_percent of a slot:
      // with the clients' room spread evenly over a slot (each send and end
      // moves it by that much), it keeps its slot with probability 1 - p
      // (10.11); the static limit (p = 0) gives it back always. The first
      // attempts' failures share what is left.
      const double p = concurrency_share();
      if (want_later > 0) {
        g_later = g * std::min(1.0 - p, room / want_later);
        room = std::max(0.0, room - g_later * later);
      }
      if (want_first > 0) g_first = g * std::min(1.0, room / want_first);
    }
  }
  if (later_share) *later_share = g_later;
  const double granted = g_first * (wanting - later) + g_later * later;
  // The policies' costs, for the retries granted (the quota's split of
  // timeouts and rejections taken as the same among both kinds of failure).
  const double cost = c_.retry_quota.enabled
                          ? c_.retry_quota.timeout_cost * after_timeout + c_.retry_quota.retry_cost * after_reject
                          : 0.0;
  if (c_.retry_quota.enabled && cost > 0) {
    quota_ = std::max(0.0, quota_ - cost * (granted / wanting) / instances_);
    paid_ += cost * (granted / wanting);
    paid_retries_ += granted;
  }
  if (c_.retry_budget.enabled) budget_retries_now_ += granted;
  if (c_.concurrent_retry_budget.enabled) granted_now_ += granted;
  return g_first;
}

void ClientGates::end_step(const GateStep& s) {
  if (!active_) return;
  const double per_client = 1.0 / instances_;
  if (s.failures > 0 || s.refused > 0)
    steps_since_failure_ = 0;
  else
    ++steps_since_failure_;
  if (c_.retry_throttling.enabled) {
    const RetryThrottling& t = c_.retry_throttling;
    tokens_ = std::clamp(tokens_ + (t.token_ratio * s.successes - s.failures) * per_client, 0.0, t.max_tokens);
  }
  if (c_.retry_quota.enabled) {
    // A first-try success returns success_reward; a success after retries
    // returns what its retry cost (the mean of the costs paid lately).
    if (paid_retries_ > 0) paid_per_retry_ = paid_ / paid_retries_;
    paid_ = paid_retries_ = 0;
    const double refill = c_.retry_quota.success_reward * s.first_successes +
                          paid_per_retry_ * std::max(0.0, s.successes - s.first_successes);
    quota_ = std::min(c_.retry_quota.capacity, quota_ + refill * per_client);
  }
  if (c_.retry_budget.enabled) {
    budget_jobs_.push(s.first_requested);
    budget_retries_.push(budget_retries_now_);
    budget_retries_now_ = 0;
  }
  if (c_.concurrent_retry_budget.enabled) {
    // Every attempt sent is in flight until its client learns its fate; a
    // granted retry is active from the grant to the end of its attempt
    // (Envoy releases it when the retry's request ends), or until the client
    // refuses to send it.
    in_flight_ = std::max(0.0, in_flight_ + net_in_flight(s));
    last_sent_ = s.requested - s.refused;
    active_retries_ = std::max(0.0, active_retries_ + granted_now_ - retries_ended(s));
    granted_now_ = 0;
  }
  if (c_.adaptive_throttling.enabled) {
    throttle_requests_.push(s.requested);
    throttle_accepts_.push(s.successes);
  }
  if (c_.circuit_breaker.enabled) {
    const CircuitBreaker& b = c_.circuit_breaker;
    switch (breaker_) {
      case Breaker::Closed: {
        breaker_calls_.push(s.successes + s.failures);
        breaker_failures_.push(s.failures);
        const double calls = breaker_calls_.sum();
        if (calls > 0 && calls * per_client >= b.min_calls && breaker_failures_.sum() >= b.failure_ratio * calls) {
          breaker_ = Breaker::Open;
          breaker_open_left_s_ = b.open_s;
        }
        break;
      }
      case Breaker::Open:
        breaker_open_left_s_ -= h_;
        if (breaker_open_left_s_ <= 1e-9 * h_) {
          breaker_ = Breaker::HalfOpen;
          probes_sent_ = probe_outcomes_ = probe_failures_ = 0;
        }
        break;
      case Breaker::HalfOpen: {
        // The first outcomes after the break decide (Polly: the next call;
        // resilience4j: the permitted calls).
        probe_outcomes_ += s.successes + s.failures;
        probe_failures_ += s.failures;
        const double needed = b.half_open_calls * instances_;
        if (probe_outcomes_ >= needed * (1 - 1e-9)) {
          if (probe_failures_ >= b.failure_ratio * probe_outcomes_) {
            breaker_ = Breaker::Open;
            breaker_open_left_s_ = b.open_s;
          } else {
            breaker_ = Breaker::Closed;
            breaker_calls_.clear();
            breaker_failures_.clear();
          }
        }
        break;
      }
    }
  }
}

bool ClientGates::settled() const {
  if (!active_) return true;
  return breaker_ == Breaker::Closed && steps_since_failure_ > longest_window_;
}

}  // namespace sg
