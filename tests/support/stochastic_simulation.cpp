#include "support/stochastic_simulation.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <random>
#include <vector>

namespace sg::test {
namespace {

/// demand(t) straight from spec/interfaces.md (deliberately not the core's code).
double demand_rate(const Scenario& s, double t) {
  if (s.demand.profile) {
    const auto& p = *s.demand.profile;
    if (t <= p.front().first) return p.front().second;
    for (std::size_t i = 1; i < p.size(); ++i)
      if (t < p[i].first) {
        double u = (t - p[i - 1].first) / (p[i].first - p[i - 1].first);
        return p[i - 1].second + u * (p[i].second - p[i - 1].second);
      }
    return p.back().second;
  }
  double rate = s.demand.base_rate;
  if (s.demand.surge && s.demand.surge->extra_rate > 0) {
    const Surge& g = *s.demand.surge;
    double in = t - g.start_s, end = g.duration_s;
    if (in >= 0 && in < end) {
      double up = g.ramp_s > 0 ? std::min(1.0, in / g.ramp_s) : 1.0;
      double down = g.ramp_s > 0 ? std::min(1.0, (end - in) / g.ramp_s) : 1.0;
      rate += g.extra_rate * std::min(up, down);
    }
  }
  return rate;
}

/// capacity(t): `capacity`, or the last scheduled point at or before t
/// (docs/scenario-extensions.md), times the outage factor.
double capacity_rate(const Scenario& s, double t) {
  double base = s.server.capacity;
  if (s.server.capacity_schedule)
    for (auto [at, c] : *s.server.capacity_schedule)
      if (at <= t) base = c;
  const Outage& o = s.server.outage;
  bool out = t >= o.start_s && t < o.start_s + o.duration_s;
  return base * (out ? o.capacity_factor : 1.0);
}

double most_capacity(const Scenario& s) {
  double c = s.server.capacity;
  if (s.server.capacity_schedule)
    for (auto [at, v] : *s.server.capacity_schedule) c = std::max(c, v);
  return c * std::max(1.0, s.server.outage.capacity_factor);
}

enum class State { Queued, TimedOut, Done };
struct Attempt {
  double sent;
  int job;
  State state;
  int refs;  // the queue and pending events that still point to it
};
struct Job {
  int failures = 0;
  double previous_delay = 0;
  bool refused = false;  // by admission control: every attempt is rejected while it lasts
  int client = 0;
  double last_cost = 0;  // AWS quota: what its latest retry cost
};

/// Times of events in a sliding window.
class Recent {
public:
  void add(double t) { times_.push_back(t); }
  double count(double now, double window) {
    while (!times_.empty() && times_.front() <= now - window) times_.pop_front();
    return static_cast<double>(times_.size());
  }
  void clear() { times_.clear(); }

private:
  std::deque<double> times_;
};

/// One client instance's own state for the client policies, each as its
/// library describes it (docs/scenario-extensions.md): nothing is averaged.
struct ClientState {
  double tokens = 0, quota = 0;
  Recent budget_jobs, budget_retries;
  Recent requests, accepts;
  enum class Breaker { Closed, Open, HalfOpen } breaker = Breaker::Closed;
  Recent calls, failures;
  double open_until = 0;
  double probes_sent = 0, probe_outcomes = 0, probe_failures = 0;
};
enum class Kind { Arrival, Service, Timeout, Failure, Send, Boundary };
struct Event {
  double t;
  Kind kind;
  int id;
  bool operator>(const Event& o) const { return t > o.t; }
};

class Simulation {
public:
  Simulation(const Scenario& s, double scale, std::uint64_t seed) : s_(s), n_(scale), rng_(seed) {
    // Peak rates for thinning.
    lambda_max_ = s.demand.base_rate + (s.demand.surge ? s.demand.surge->extra_rate : 0);
    if (s.demand.profile)
      for (auto [t, r] : *s.demand.profile) lambda_max_ = std::max(lambda_max_, r);
    lambda_max_ = std::max(lambda_max_ * n_, 1e-9);
    mu_max_ = most_capacity(s) * n_;
    // The fluid's clients each see 1/instances of its flows: here as many
    // clients each see the same share of the scaled flows.
    clients_.resize(static_cast<std::size_t>(std::max(1.0, std::round(s.client.instances * n_))));
    for (ClientState& c : clients_) {
      c.tokens = s.client.retry_throttling.max_tokens;
      c.quota = s.client.retry_quota.capacity;
    }
    limit_ = s.server.queue_limit ? static_cast<std::size_t>(std::llround(*s.server.queue_limit * n_)) : 0;
  }

  RunResult run() {
    const double step = s_.step_s;
    const long intervals = static_cast<long>(std::ceil(s_.duration_s / step - 1e-9));
    result_.intervals.resize(static_cast<std::size_t>(intervals));
    for (long i = 0; i < intervals; ++i) {
      result_.intervals[static_cast<std::size_t>(i)].t_s = std::min(s_.duration_s, (i + 1) * step);
      push(result_.intervals[static_cast<std::size_t>(i)].t_s, Kind::Boundary, static_cast<int>(i));
    }
    push(exp(lambda_max_), Kind::Arrival, 0);
    push(exp(mu_max_), Kind::Service, 0);
    while (!events_.empty()) {
      Event e = events_.top();
      events_.pop();
      if (e.t > s_.duration_s + 1e-9) break;
      now_ = e.t;
      current_ = static_cast<long>(std::min<double>(intervals - 1, std::floor(now_ / step)));
      switch (e.kind) {
        case Kind::Arrival: arrival(); break;
        case Kind::Service: service(); break;
        case Kind::Timeout: timeout(e.id); break;
        case Kind::Failure:
          fail(attempts_[static_cast<std::size_t>(e.id)].job, true);
          release(e.id);
          break;
        case Kind::Send: --backlog_; send(e.id); break;
        case Kind::Boundary: close(e.id); break;
      }
    }
    return std::move(result_);
  }

private:
  double exp(double rate) { return now_ + std::exponential_distribution<double>(rate)(rng_); }
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  void push(double t, Kind k, int id) { events_.push({t, k, id}); }
  Interval& here() { return result_.intervals[static_cast<std::size_t>(current_)]; }

  // Records are recycled once nothing points to them, to keep memory flat.
  int new_attempt(int job) {
    int id;
    if (!free_attempts_.empty()) {
      id = free_attempts_.back();
      free_attempts_.pop_back();
      attempts_[static_cast<std::size_t>(id)] = {now_, job, State::Queued, 0};
    } else {
      id = static_cast<int>(attempts_.size());
      attempts_.push_back({now_, job, State::Queued, 0});
    }
    return id;
  }
  void release(int id) {
    if (--attempts_[static_cast<std::size_t>(id)].refs == 0) free_attempts_.push_back(id);
  }
  int new_job() {
    if (!free_jobs_.empty()) {
      int id = free_jobs_.back();
      free_jobs_.pop_back();
      jobs_[static_cast<std::size_t>(id)] = {};
      return id;
    }
    jobs_.push_back({});
    return static_cast<int>(jobs_.size()) - 1;
  }

  void arrival() {
    push(exp(lambda_max_), Kind::Arrival, 0);
    if (uniform(0, 1) * lambda_max_ >= demand_rate(s_, now_) * n_) return;  // thinning
    here().demand += 1;
    int job = new_job();
    Job& j = jobs_[static_cast<std::size_t>(job)];
    j.client = static_cast<int>(std::uniform_int_distribution<std::size_t>(0, clients_.size() - 1)(rng_));
    if (s_.client.retry_budget.enabled) clients_[static_cast<std::size_t>(j.client)].budget_jobs.add(now_);
    const Admission& a = s_.server.admission;
    if (a.enabled && now_ >= a.start_s && now_ < admission_end() && uniform(0, 1) >= a.share)
      jobs_[static_cast<std::size_t>(job)].refused = true;
    send(job);
  }

  double admission_end() const {
    const Admission& a = s_.server.admission;
    return a.duration_s > 0 ? a.start_s + a.duration_s : 1e300;
  }

  /// Whether the job's client lets this attempt out (adaptive throttling,
  /// then the breaker).
  bool client_sends(int job) {
    ClientState& c = clients_[static_cast<std::size_t>(jobs_[static_cast<std::size_t>(job)].client)];
    const Client& k = s_.client;
    if (k.adaptive_throttling.enabled) {
      const double w = k.adaptive_throttling.window_s;
      const double r = c.requests.count(now_, w), a = c.accepts.count(now_, w);
      c.requests.add(now_);
      if (uniform(0, 1) < std::max(0.0, (r - k.adaptive_throttling.k * a) / (r + 1))) return false;
    }
    if (k.circuit_breaker.enabled) {
      if (c.breaker == ClientState::Breaker::Open && now_ >= c.open_until) {
        c.breaker = ClientState::Breaker::HalfOpen;
        c.probes_sent = c.probe_outcomes = c.probe_failures = 0;
      }
      if (c.breaker == ClientState::Breaker::Open) return false;
      if (c.breaker == ClientState::Breaker::HalfOpen) {
        if (c.probes_sent >= k.circuit_breaker.half_open_calls) return false;
        c.probes_sent += 1;
      }
    }
    return true;
  }

  /// An outcome reaches the job's client: its tokens, windows and breaker.
  void outcome(const Job& job, bool success) {
    ClientState& c = clients_[static_cast<std::size_t>(job.client)];
    const Client& k = s_.client;
    if (k.retry_throttling.enabled)
      c.tokens = std::clamp(c.tokens + (success ? k.retry_throttling.token_ratio : -1.0), 0.0,
                            k.retry_throttling.max_tokens);
    if (k.retry_quota.enabled && success)
      c.quota = std::min(k.retry_quota.capacity, c.quota + (job.failures == 0 ? k.retry_quota.success_reward : job.last_cost));
    if (k.adaptive_throttling.enabled && success) c.accepts.add(now_);
    if (k.circuit_breaker.enabled) {
      const CircuitBreaker& b = k.circuit_breaker;
      if (c.breaker == ClientState::Breaker::Closed) {
        c.calls.add(now_);
        if (!success) c.failures.add(now_);
        const double calls = c.calls.count(now_, b.window_s), failed = c.failures.count(now_, b.window_s);
        if (calls >= b.min_calls && failed >= b.failure_ratio * calls) {
          c.breaker = ClientState::Breaker::Open;
          c.open_until = now_ + b.open_s;
        }
      } else if (c.breaker == ClientState::Breaker::HalfOpen) {
        c.probe_outcomes += 1;
        if (!success) c.probe_failures += 1;
        if (c.probe_outcomes >= b.half_open_calls) {
          if (c.probe_failures >= b.failure_ratio * c.probe_outcomes) {
            c.breaker = ClientState::Breaker::Open;
            c.open_until = now_ + b.open_s;
          } else {
            c.breaker = ClientState::Breaker::Closed;
            c.calls.clear();
            c.failures.clear();
          }
        }
      }
    }
  }

  /// Whether the job's client may retry after this failure (token bucket,
  /// quota, budget), taking the retry's cost.
  bool client_retries(Job& job, bool after_timeout) {
    ClientState& c = clients_[static_cast<std::size_t>(job.client)];
    const Client& k = s_.client;
    if (k.retry_throttling.enabled && c.tokens <= 0.5 * k.retry_throttling.max_tokens) return false;
    double cost = 0;
    if (k.retry_quota.enabled) {
      cost = after_timeout ? k.retry_quota.timeout_cost : k.retry_quota.retry_cost;
      if (c.quota < cost) return false;
    }
    if (k.retry_budget.enabled) {
      const RetryBudget& b = k.retry_budget;
      const double left = b.ratio * c.budget_jobs.count(now_, b.window_s) + b.min_per_s * b.window_s -
                          c.budget_retries.count(now_, b.window_s);
      if (left < 1) return false;
      c.budget_retries.add(now_);
    }
    if (k.retry_quota.enabled) {
      c.quota -= cost;
      job.last_cost = cost;
    }
    return true;
  }

  void send(int job) {
    if (!client_sends(job)) {
      here().throttled += 1;
      here().gave_up += 1;
      free_jobs_.push_back(job);
      return;
    }
    here().offered += 1;
    if (jobs_[static_cast<std::size_t>(job)].failures > 0) here().retries += 1;
    const bool refused = jobs_[static_cast<std::size_t>(job)].refused && now_ < admission_end();
    if (refused || (limit_ > 0 && queue_.size() >= limit_)) {
      here().rejected += 1;
      if (refused) here().shed += 1;
      if (s_.server.reject_latency_s == 0) {
        fail(job, true);
      } else {
        int id = new_attempt(job);
        attempts_[static_cast<std::size_t>(id)].state = State::Done;
        attempts_[static_cast<std::size_t>(id)].refs = 1;
        push(now_ + s_.server.reject_latency_s, Kind::Failure, id);
      }
      return;
    }
    int id = new_attempt(job);
    attempts_[static_cast<std::size_t>(id)].refs = 2;
    queue_.push_back(id);
    push(now_ + s_.client.timeout_s, Kind::Timeout, id);
  }

  void service() {
    push(exp(mu_max_), Kind::Service, 0);
    if (uniform(0, 1) * mu_max_ >= capacity_rate(s_, now_) * n_) return;  // thinning
    if (s_.server.drop_expired) {
      while (!queue_.empty() && attempts_[static_cast<std::size_t>(queue_.front())].state == State::TimedOut) {
        attempts_[static_cast<std::size_t>(queue_.front())].state = State::Done;
        release(queue_.front());
        queue_.pop_front();
        here().dropped += 1;
      }
    }
    if (queue_.empty()) return;
    int id = queue_.front();
    Attempt& a = attempts_[static_cast<std::size_t>(id)];
    queue_.pop_front();
    here().served += 1;
    if (a.state == State::Queued) {
      here().goodput += 1;  // response time below the timeout: its timeout has not fired
      outcome(jobs_[static_cast<std::size_t>(a.job)], true);
      free_jobs_.push_back(a.job);  // the job succeeded
    } else {
      here().wasted += 1;
    }
    a.state = State::Done;
    release(id);
  }

  void timeout(int id) {
    Attempt& a = attempts_[static_cast<std::size_t>(id)];
    if (a.state == State::Queued) {
      a.state = State::TimedOut;
      here().timeouts += 1;
      fail(a.job, false, true);
    }
    release(id);
  }

  void fail(int job_id, bool rejected = false, bool timed_out = false) {
    Job& job = jobs_[static_cast<std::size_t>(job_id)];
    outcome(job, false);
    job.failures += 1;
    const Client& c = s_.client;
    if (c.max_attempts && job.failures >= *c.max_attempts) {
      here().gave_up += 1;
      free_jobs_.push_back(job_id);
      return;
    }
    // The stop-retrying signal rides on rejections reaching the client.
    const StopSignal& stop = s_.server.stop_signal;
    if (rejected && stop.enabled && now_ >= stop.start_s && uniform(0, 1) < stop.share &&
        uniform(0, 1) >= stop.ignored_share) {
      here().gave_up += 1;
      here().stopped += 1;
      free_jobs_.push_back(job_id);
      return;
    }
    if (!client_retries(job, timed_out)) {
      here().gave_up += 1;
      here().denied += 1;
      free_jobs_.push_back(job_id);
      return;
    }
    const Backoff& b = c.backoff;
    const int k = job.failures;
    double d = std::min(b.cap_s, b.base_s * std::pow(b.multiplier, k - 1));
    double delay = d;
    switch (b.jitter) {
      case Jitter::None: break;
      case Jitter::Full: delay = uniform(0, 1) * d; break;
      case Jitter::Equal: delay = d / 2 + uniform(0, 1) * d / 2; break;
      case Jitter::Proportional: delay = d * (1 - b.spread + 2 * b.spread * uniform(0, 1)); break;
      case Jitter::Decorrelated: {
        double previous = k == 1 ? b.base_s : job.previous_delay;
        delay = std::min(b.cap_s, b.base_s + uniform(0, 1) * (3 * previous - b.base_s));
        job.previous_delay = delay;
        break;
      }
    }
    if (delay <= 0) {
      send(job_id);  // the same instant
    } else {
      ++backlog_;
      push(now_ + delay, Kind::Send, job_id);
    }
  }

  void close(int index) {
    Interval& i = result_.intervals[static_cast<std::size_t>(index)];
    double start = index == 0 ? 0 : result_.intervals[static_cast<std::size_t>(index) - 1].t_s;
    double length = i.t_s - start;
    for (double Interval::*f : {&Interval::demand, &Interval::offered, &Interval::retries, &Interval::rejected,
                                &Interval::served, &Interval::goodput, &Interval::wasted, &Interval::dropped,
                                &Interval::timeouts, &Interval::gave_up, &Interval::stopped, &Interval::shed,
                                &Interval::throttled, &Interval::denied})
      i.*f /= n_ * length;
    i.queue = static_cast<double>(queue_.size()) / n_;
    i.backlog = static_cast<double>(backlog_) / n_;
  }

  const Scenario& s_;
  const double n_;
  std::mt19937_64 rng_;
  double lambda_max_ = 0, mu_max_ = 0;
  std::size_t limit_ = 0;
  double now_ = 0;
  long current_ = 0;
  long backlog_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  std::vector<Attempt> attempts_;
  std::vector<Job> jobs_;
  std::vector<int> free_attempts_, free_jobs_;
  std::deque<int> queue_;
  std::vector<ClientState> clients_;
  RunResult result_;
};

}  // namespace

RunResult simulate(const Scenario& scenario, double scale, std::uint64_t seed) {
  return Simulation(scenario, scale, seed).run();
}

}  // namespace sg::test
