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

ClientGates::ClientGates(const Client& client, double step_s)
    : c_(client), h_(step_s), instances_(client.instances) {
  active_ = any_enabled(client);
  // Windows are whole numbers of steps (at least one).
  auto steps = [&](double seconds) { return std::max(1L, std::lround(seconds / h_)); };
  budget_window_s_ = static_cast<double>(steps(c_.retry_budget.window_s)) * h_;
  // Clients start full, as a client that has not failed yet is.
  tokens_ = c_.retry_throttling.max_tokens;
  quota_ = c_.retry_quota.capacity;
  paid_per_retry_ = c_.retry_quota.retry_cost;
  if (c_.retry_budget.enabled) {
    budget_jobs_.reset(steps(c_.retry_budget.window_s));
    budget_retries_.reset(steps(c_.retry_budget.window_s));
    longest_window_ = std::max(longest_window_, steps(c_.retry_budget.window_s));
  }
  if (c_.adaptive_throttling.enabled) {
    throttle_requests_.reset(steps(c_.adaptive_throttling.window_s));
    throttle_accepts_.reset(steps(c_.adaptive_throttling.window_s));
    longest_window_ = std::max(longest_window_, steps(c_.adaptive_throttling.window_s));
  }
  if (c_.circuit_breaker.enabled) {
    breaker_calls_.reset(steps(c_.circuit_breaker.window_s));
    breaker_failures_.reset(steps(c_.circuit_breaker.window_s));
    longest_window_ = std::max(longest_window_, steps(c_.circuit_breaker.window_s));
  }
  steps_since_failure_ = longest_window_ + 1;
}

bool ClientGates::any_enabled(const Client& c) {
  return c.retry_throttling.enabled || c.retry_quota.enabled || c.retry_budget.enabled ||
         c.adaptive_throttling.enabled || c.circuit_breaker.enabled;
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

double ClientGates::preview_share(double after_timeout, double after_reject) const {
  const double wanting = after_timeout + after_reject;
  if (!active_ || wanting <= 0) return 1;
  double g = throttling_share();
  if (c_.retry_quota.enabled) {
    const double cost = c_.retry_quota.timeout_cost * after_timeout + c_.retry_quota.retry_cost * after_reject;
    if (cost > 0) g = std::min(g, std::max(0.0, quota_) * instances_ / cost);
  }
  if (c_.retry_budget.enabled) g = std::min(g, std::max(0.0, budget_left()) / wanting);
  return std::clamp(g, 0.0, 1.0);
}

double ClientGates::retry_share(double after_timeout, double after_reject, double fixed_share) {
  const double wanting = after_timeout + after_reject;
  if (!active_ || wanting <= 0) return 1;
  const double cost = c_.retry_quota.enabled
                          ? c_.retry_quota.timeout_cost * after_timeout + c_.retry_quota.retry_cost * after_reject
                          : 0.0;
  const double g = std::clamp(fixed_share >= 0 ? fixed_share : preview_share(after_timeout, after_reject), 0.0, 1.0);
  if (c_.retry_quota.enabled && cost > 0) {
    quota_ = std::max(0.0, quota_ - g * cost / instances_);
    paid_ += g * cost;
    paid_retries_ += g * wanting;
  }
  if (c_.retry_budget.enabled) budget_retries_now_ += g * wanting;
  return g;
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
