/// The per-client state of the client policies beyond spec/system.md (retry
/// throttling, retry quota, retry budget, adaptive throttling, circuit
/// breaker), in the mean-field approximation of docs/model.md, section 10:
/// every client instance sees the same share of every flow, so one
/// representative client's state stands for all of them.
#pragma once

#include <vector>

#include "scenario/scenario.h"

namespace sg {

/// What one solver step did, in masses summed over all clients.
struct GateStep {
  double requested = 0;        ///< attempts the clients tried to send (sent + refused by the client)
  double first_requested = 0;  ///< of those, jobs' first attempts (jobs started)
  double successes = 0;        ///< attempts completed within their timeout
  double first_successes = 0;  ///< of those, jobs' first attempts
  double failures = 0;         ///< attempts that failed (timed out, or rejected and told so)
  double first_failures = 0;   ///< of those, jobs' first attempts
  double refused = 0;          ///< attempts the clients refused themselves
  double first_refused = 0;    ///< of those, jobs' first attempts
};

class ClientGates {
public:
  /// For `client`, in steps of `step_s` seconds, over a run of `run_steps`
  /// steps (a window longer than the run keeps a slot per step of the run).
  ClientGates(const Client& client, double step_s, long run_steps);

  /// Whether any client policy is on (otherwise every share is 1).
  bool active() const { return active_; }
  static bool any_enabled(const Client& client);

  /// Share of the attempts about to be sent in this step that the clients
  /// let out (adaptive throttling, then the breaker); the rest are refused
  /// locally and their jobs fail. `requested` is this step's mass.
  double send_share(double requested);

  /// Failures that want a retry: `after_timeout` timed out, `after_reject`
  /// were rejected. Returns the share allowed to retry, and takes its cost
  /// from the tokens or budget. A failure always takes its gRPC token.
  double retry_share(double after_timeout, double after_reject);
  /// The same with the share fixed in advance (retries that fell in the
  /// same step as their failure were sent with it): only takes the cost
  /// (fixed_share < 0: not fixed). `later`: of the failures, those of
  /// retries (attempt 2 on); with Envoy's budget they get back the slot
  /// their attempt frees, before the first attempts' failures are served
  /// (docs/model.md, 10.11): their share goes to `later_share`, and the
  /// share returned is then the first attempts'. Otherwise both are equal.
  double retry_share(double after_timeout, double after_reject, double fixed_share, double later = 0,
                     double* later_share = nullptr);

  /// The share retry_share would grant these failures now, taking nothing.
  double preview_share(double after_timeout, double after_reject) const;

  /// The most any failure may be granted now, whatever their number (the
  /// gRPC token share; 1 without it).
  double retry_share_ceiling() const { return active_ ? throttling_share() : 1; }

  /// Whether a quota or budget caps the number of retries (the share then
  /// depends on how many failures ask).
  bool limits_by_count() const {
    return c_.retry_quota.enabled || c_.retry_budget.enabled || c_.concurrent_retry_budget.enabled;
  }

  /// Whether the gates need a step's first attempts told apart from its
  /// retries in its successes, failures and refusals (the quota's reward,
  /// the concurrent budget's active retries).
  bool counts_first_attempts() const { return c_.retry_quota.enabled || c_.concurrent_retry_budget.enabled; }

  /// The solver's running sums of the step under way (the same object it
  /// hands to end_step): Envoy's budget releases a retry the moment its
  /// attempt ends, so a failure retrying in the step sees the slots freed
  /// before it in that step (docs/model.md, 10.11).
  void watch(const GateStep* live) { live_ = live; }

  /// Closes a step: refills tokens, moves the windows, and steps the breaker.
  void end_step(const GateStep& step);

  /// True when nothing the gates remember can refuse or deny anything while
  /// every attempt keeps succeeding (an early healthy stop is then exact).
  bool settled() const;

  // Read-outs for tests and the dashboard (per client).
  double throttling_tokens() const { return tokens_; }
  double quota_tokens() const { return quota_; }
  bool breaker_open() const { return breaker_ == Breaker::Open; }
  /// Envoy's budget, over all clients: attempts in flight (sent, their fate
  /// not yet known to the client) and active retries (granted, waiting out
  /// their backoff or in flight).
  double active_requests() const { return in_flight_; }
  double active_retries() const { return active_retries_; }

private:
  /// A sliding sum over the last `size` steps.
  class Window {
  public:
    void reset(long steps);
    void push(double value);
    double sum() const { return sum_; }
    void clear();

  private:
    std::vector<double> values_;
    std::size_t next_ = 0;
    double sum_ = 0;
  };

  enum class Breaker { Closed, Open, HalfOpen };

  double throttling_share() const;  // gRPC: the share of clients above half their tokens
  double budget_left() const;       // retry budget: retries still allowed in the window
  double concurrency_left() const;  // Envoy's budget: retries that may still become active
  double concurrency_share() const;  // Envoy's budget: the share of a slot an attempt moves the cap by
  double preview_share(double after_timeout, double after_reject, bool with_concurrency) const;

  const Client& c_;
  const double h_, instances_;
  bool active_ = false;

  double tokens_ = 0;            // gRPC retry throttling, per client
  double quota_ = 0;             // AWS retry quota, per client
  double paid_per_retry_ = 0;    // mean cost of the retries paid in the latest step that paid any
  double paid_ = 0, paid_retries_ = 0;
  Window budget_jobs_, budget_retries_;  // retry budget
  double budget_retries_now_ = 0;
  double in_flight_ = 0, active_retries_ = 0, granted_now_ = 0, last_sent_ = 0;  // Envoy's budget
  const GateStep* live_ = nullptr;
  Window throttle_requests_, throttle_accepts_;  // adaptive throttling
  Window breaker_calls_, breaker_failures_;  // circuit breaker
  Breaker breaker_ = Breaker::Closed;
  double breaker_open_left_s_ = 0;
  double probe_outcomes_ = 0, probe_failures_ = 0, probes_sent_ = 0;
  double budget_window_s_ = 0;  // the budget's window, rounded to whole steps
  long steps_since_failure_ = 0;
  long longest_window_ = 0;
};

}  // namespace sg
