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
  double refused = 0;          ///< attempts the clients refused themselves
};

class ClientGates {
public:
  ClientGates(const Client& client, double step_s);

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
  /// same step as their failure were sent with it): only takes the cost.
  double retry_share(double after_timeout, double after_reject, double fixed_share);

  /// The share retry_share would grant these failures now, taking nothing.
  double preview_share(double after_timeout, double after_reject) const;

  /// The most any failure may be granted now, whatever their number (the
  /// gRPC token share; 1 without it).
  double retry_share_ceiling() const { return active_ ? throttling_share() : 1; }

  /// Whether a quota or budget caps the number of retries (the share then
  /// depends on how many failures ask).
  bool limits_by_count() const { return c_.retry_quota.enabled || c_.retry_budget.enabled; }

  /// Closes a step: refills tokens, moves the windows, and steps the breaker.
  void end_step(const GateStep& step);

  /// True when nothing the gates remember can refuse or deny anything while
  /// every attempt keeps succeeding (an early healthy stop is then exact).
  bool settled() const;

  // Read-outs for tests and the dashboard (per client).
  double throttling_tokens() const { return tokens_; }
  double quota_tokens() const { return quota_; }
  bool breaker_open() const { return breaker_ == Breaker::Open; }

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

  const Client& c_;
  const double h_, instances_;
  bool active_ = false;

  double tokens_ = 0;            // gRPC retry throttling, per client
  double quota_ = 0;             // AWS retry quota, per client
  double paid_per_retry_ = 0;    // mean cost of the retries paid in the latest step that paid any
  double paid_ = 0, paid_retries_ = 0;
  Window budget_jobs_, budget_retries_;  // retry budget
  double budget_retries_now_ = 0;
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
