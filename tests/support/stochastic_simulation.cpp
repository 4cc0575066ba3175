// An event-by-event simulation of spec/system.md and spec/graph.md, from
// those pages alone. One engine for both: the system of system.md is the
// graph whose only vertex is the entry, "server".
#include "support/stochastic_simulation.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <queue>
#include <random>
#include <stdexcept>
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

/// `capacity`, or the last scheduled point at or before t
/// (docs/scenario-extensions.md), before the outage.
double scheduled_capacity(const Server& s, double t) {
  double base = s.capacity;
  if (s.capacity_schedule)
    for (auto [at, c] : *s.capacity_schedule)
      if (at <= t) base = c;
  return base;
}

double outage_factor(const Server& s, double t) {
  const Outage& o = s.outage;
  return t >= o.start_s && t < o.start_s + o.duration_s ? o.capacity_factor : 1.0;
}

double most_scheduled_capacity(const Server& s) {
  double c = s.capacity;
  if (s.capacity_schedule)
    for (auto [at, v] : *s.capacity_schedule) c = std::max(c, v);
  return c;
}

/// The times at which the scheduled capacity or the outage factor may change.
std::vector<double> capacity_breaks(const Server& s) {
  std::vector<double> v{s.outage.start_s, s.outage.start_s + s.outage.duration_s};
  if (s.capacity_schedule)
    for (auto [at, c] : *s.capacity_schedule) v.push_back(at);
  std::sort(v.begin(), v.end());
  return v;
}

bool any_client_policy(const Client& c) {
  return c.retry_throttling.enabled || c.retry_quota.enabled || c.retry_budget.enabled ||
         c.concurrent_retry_budget.enabled || c.adaptive_throttling.enabled || c.circuit_breaker.enabled;
}

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
  // Envoy's retry budget: the client's attempts awaiting their outcome, and
  // its active retries (granted, from the grant to the end of the retry's attempt).
  long active_requests = 0, active_retries = 0;
};

/// A sender of jobs to one service under one client policy: the users (to
/// the entry) or a call u -> v (spec/graph.md, "Calls"), with its own
/// client instances.
struct Caller {
  const Client* policy;
  int target;
  std::vector<ClientState> clients;
  bool propagate = false;  // gRPC's deadline propagation: its jobs carry their parent attempt's deadline
};

struct CallOut {
  int caller;
  long long fan_out;
};

/// Where an attempt is: in its service's queue, served (awaiting the jobs it
/// started, when its service has calls), or neither (rejected attempts have
/// no record; dropped or answered ones).
enum class Phase { Queued, Served, Gone };
struct Attempt {
  double deadline;  // sent + its sender's timeout, or its job's deadline if that is earlier
  int job;          // meaningful while `open`
  int service;
  Phase phase;
  bool open;              // its sender awaits its outcome: no response, no timeout yet
  int refs;               // the queue, its timeout event and the jobs it started that still point to it
  int pending;            // jobs it started that have not succeeded yet
};
struct Job {
  int caller = 0;
  int parent = -1;  // the attempt that started it (spec/graph.md), -1 for a user's job
  int failures = 0;
  double previous_delay = 0;
  bool refused = false;  // by admission control: every attempt is rejected while it lasts
  int client = 0;
  double last_cost = 0;  // AWS quota: what its latest retry cost
  bool holds_retry = false;  // Envoy's budget: its current retry counts as active
  // Deadline propagation (gRPC): the deadline of the attempt that started
  // it; no attempt of it outlives it and no retry goes out after it.
  double deadline = std::numeric_limits<double>::infinity();
};

struct Service {
  std::string name;
  const Server* cfg;
  bool limited = false;
  std::size_t limit = 0;
  std::vector<CallOut> calls;
  long long fan_total = 0;
  std::vector<double> breaks;
  std::deque<int> queue;
  long backlog = 0, waiting = 0, alive = 0;
  long queued_expired = 0, dropped_pending = 0, rejections_pending = 0;
  // Completion events: Poisson at mu_bound, thinned to capacity(t); a new
  // bound (autoscaling) starts a new stream, `generation` retires the old.
  // The stream pauses while the queue is empty (an event then changes
  // nothing) and restarts when an attempt joins it: by the exponential's
  // lack of memory the completions keep the same law, and an idle service
  // costs no events.
  double mu_bound = 0;
  int generation = 0;
  bool streaming = false;
  // Autoscaling (docs/model.md, section 10): capacity added so far.
  double added = 0;
  std::vector<std::pair<double, double>> landings;  // (time, `added` from then on)
  bool order_pending = false;
  double order = 0, window_start = 0;
  Recent completions;
  std::vector<Interval> out;
  double raw_capacity_integral(double t0, double t1) const;
};

enum class Kind { Arrival, Service, Timeout, Failure, Send, Boundary, Land, Expire, None };
struct Event {
  double t;
  Kind kind;
  int id;
  int aux;
  bool operator>(const Event& o) const { return t > o.t; }
};

/// The integral of capacity(t) (schedule, autoscaling as it landed, outage)
/// over [t0, t1], unscaled.
double Service::raw_capacity_integral(double t0, double t1) const {
  std::vector<double> cuts{t0, t1};
  for (double b : breaks)
    if (b > t0 && b < t1) cuts.push_back(b);
  for (auto [at, a] : landings)
    if (at > t0 && at < t1) cuts.push_back(at);
  std::sort(cuts.begin(), cuts.end());
  double sum = 0;
  for (std::size_t i = 1; i < cuts.size(); ++i) {
    const double m = 0.5 * (cuts[i - 1] + cuts[i]);
    double add = 0;
    for (auto [at, a] : landings)
      if (at <= m) add = a;
    sum += (cuts[i] - cuts[i - 1]) * (scheduled_capacity(*cfg, m) + add) * outage_factor(*cfg, m);
  }
  return sum;
}

class Simulation {
public:
  Simulation(const Scenario& s, double scale, std::uint64_t seed) : s_(s), n_(scale), rng_(seed) {
    lambda_max_ = s.demand.base_rate + (s.demand.surge ? s.demand.surge->extra_rate : 0);
    if (s.demand.profile)
      for (auto [t, r] : *s.demand.profile) lambda_max_ = std::max(lambda_max_, r);
    lambda_max_ = std::max(lambda_max_ * n_, 1e-9);

    // Vertices: the entry first, then `services` by name.
    std::map<std::string, int> index{{"server", 0}};
    svcs_.push_back(make_service("server", s.server));
    for (const auto& [name, server] : s.services) {
      if (name == "server") throw std::invalid_argument("a service may not be named server");
      index[name] = static_cast<int>(svcs_.size());
      svcs_.push_back(make_service(name, server));
    }
    callers_.push_back(make_caller(s.client, 0));  // the users
    // A cycle of calls would start jobs without end: refused (spec/graph.md, "Bad input").
    std::vector<int> mark(svcs_.size(), 0);  // 0 unseen, 1 on the path, 2 done
    std::function<void(int)> walk = [&](int u) {
      mark[static_cast<std::size_t>(u)] = 1;
      for (const auto& [callee, call] : svcs_[static_cast<std::size_t>(u)].cfg->calls) {
        auto it = index.find(callee);
        if (it == index.end()) throw std::invalid_argument("call of " + svcs_[static_cast<std::size_t>(u)].name + " to unknown service " + callee);
        if (mark[static_cast<std::size_t>(it->second)] == 1) throw std::invalid_argument("a cycle of calls through " + callee);
        if (mark[static_cast<std::size_t>(it->second)] == 0) walk(it->second);
      }
      mark[static_cast<std::size_t>(u)] = 2;
    };
    for (int u = 0; u < static_cast<int>(svcs_.size()); ++u)
      if (mark[static_cast<std::size_t>(u)] == 0) walk(u);
    for (Service& u : svcs_)
      for (const auto& [callee, call] : u.cfg->calls) {
        auto it = index.find(callee);
        if (it == index.end()) throw std::invalid_argument("call of " + u.name + " to unknown service " + callee);
        if (call.fan_out < 1) throw std::invalid_argument("fan_out below 1 in a call of " + u.name);
        u.calls.push_back({static_cast<int>(callers_.size()), call.fan_out});
        u.fan_total += call.fan_out;
        callers_.push_back(make_caller(call.client, it->second));
        callers_.back().propagate = call.propagate_deadline;
      }
  }

  GraphRun run() {
    const double step = s_.step_s;
    const long intervals = static_cast<long>(std::ceil(s_.duration_s / step - 1e-9));
    ends_.resize(static_cast<std::size_t>(intervals));
    for (long i = 0; i < intervals; ++i) {
      ends_[static_cast<std::size_t>(i)] = std::min(s_.duration_s, (i + 1) * step);
      push(ends_[static_cast<std::size_t>(i)], Kind::Boundary, static_cast<int>(i));
    }
    for (Service& v : svcs_) {
      v.out.resize(static_cast<std::size_t>(intervals));
      for (long i = 0; i < intervals; ++i) v.out[static_cast<std::size_t>(i)].t_s = ends_[static_cast<std::size_t>(i)];
    }
    timeouts_.resize(callers_.size());
    push(exp(lambda_max_), Kind::Arrival, 0);
    for (int v = 0; v < static_cast<int>(svcs_.size()); ++v) start_completions(v);
    while (true) {
      const Event e = next_event();
      if (e.kind == Kind::None) break;
      if (e.t > s_.duration_s) break;
      now_ = e.t;
      current_ = static_cast<long>(std::min<double>(intervals - 1, std::floor(now_ / step)));
      switch (e.kind) {
        case Kind::Arrival: arrival(); break;
        case Kind::Service: service(e.id, e.aux); break;
        case Kind::Timeout: timeout(e.id); break;
        case Kind::Failure:  // aux: whether the rejection reached the client before its timeout
          --target(e.id).rejections_pending;
          fail(e.id, e.aux != 0, e.aux == 0);
          break;
        case Kind::Send: --target(e.id).backlog; send(e.id); break;
        case Kind::Land: land(e.id); break;
        case Kind::Expire: --target(e.id).backlog; finish(e.id, false); break;  // its retry would come too late
        case Kind::Boundary: boundary(e.id); break;
        case Kind::None: break;
      }
      if (e.kind == Kind::Boundary && e.id == intervals - 1) break;  // the end state is the last interval's
    }
    GraphRun result;
    for (Service& v : svcs_) {
      ServiceEnd end;
      end.queued_expired = static_cast<double>(v.queued_expired) / n_;
      end.dropped_pending = static_cast<double>(v.dropped_pending) / n_;
      end.rejections_pending = static_cast<double>(v.rejections_pending) / n_;
      end.jobs_in_flight = static_cast<double>(v.alive - v.backlog) / n_;
      result.end[v.name] = end;
      result.services[v.name] = std::move(v.out);
    }
    return result;
  }

private:
  Service make_service(const std::string& name, const Server& cfg) {
    Service v;
    v.name = name;
    v.cfg = &cfg;
    v.limited = cfg.queue_limit.has_value();
    if (v.limited) v.limit = static_cast<std::size_t>(std::max(0LL, std::llround(static_cast<double>(*cfg.queue_limit) * n_)));
    v.breaks = capacity_breaks(cfg);
    return v;
  }

  Caller make_caller(const Client& policy, int target) {
    Caller c{&policy, target, {}};
    // The fluid's clients each see 1/instances of its flows: here as many
    // clients each see the same share of the scaled flows. Without a client
    // policy, clients have no state and one stands for all.
    const double clients = any_client_policy(policy) ? std::max(1.0, std::round(policy.instances * n_)) : 1.0;
    c.clients.resize(static_cast<std::size_t>(clients));
    for (ClientState& k : c.clients) {
      k.tokens = policy.retry_throttling.max_tokens;
      k.quota = policy.retry_quota.capacity;
    }
    return c;
  }

  double exp(double rate) { return now_ + std::exponential_distribution<double>(rate)(rng_); }
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  void push(double t, Kind k, int id, int aux = 0) { events_.push({t, k, id, aux}); }

  /// The earliest event due, from the heap or from the heads of the
  /// timeout lanes; Kind::None when none is left.
  Event next_event() {
    std::deque<Event>* lane = nullptr;
    for (std::deque<Event>& l : timeouts_)
      if (!l.empty() && (lane == nullptr || l.front().t < lane->front().t)) lane = &l;
    if (lane != nullptr && (events_.empty() || lane->front().t < events_.top().t)) {
      const Event e = lane->front();
      lane->pop_front();
      return e;
    }
    if (events_.empty()) return {0, Kind::None, 0, 0};
    const Event e = events_.top();
    events_.pop();
    return e;
  }
  Interval& here(int v) { return svcs_[static_cast<std::size_t>(v)].out[static_cast<std::size_t>(current_)]; }
  Service& svc(int v) { return svcs_[static_cast<std::size_t>(v)]; }
  Job& job(int id) { return jobs_[static_cast<std::size_t>(id)]; }
  Attempt& attempt(int id) { return attempts_[static_cast<std::size_t>(id)]; }
  Caller& caller_of(int job_id) { return callers_[static_cast<std::size_t>(job(job_id).caller)]; }
  int target_of(int job_id) { return caller_of(job_id).target; }
  Service& target(int job_id) { return svc(target_of(job_id)); }

  double capacity_now(int v) {
    const Service& x = svc(v);
    return (scheduled_capacity(*x.cfg, now_) + x.added) * outage_factor(*x.cfg, now_);
  }

  /// A new stream of completion events for service v at its current bound.
  void start_completions(int v) {
    Service& x = svc(v);
    ++x.generation;
    x.mu_bound = (most_scheduled_capacity(*x.cfg) + x.added) * std::max(1.0, x.cfg->outage.capacity_factor) * n_;
    x.streaming = false;
    resume_completions(v);
  }

  /// The next completion event of service v, unless one is due or the
  /// queue is empty.
  void resume_completions(int v) {
    Service& x = svc(v);
    if (x.streaming || x.queue.empty() || !(x.mu_bound > 0)) return;
    x.streaming = true;
    push(exp(x.mu_bound), Kind::Service, v, x.generation);
  }

  // Records are recycled once nothing points to them, to keep memory flat.
  int new_attempt(int job_id, int v, double timeout) {
    Attempt a{now_ + timeout, job_id, v, Phase::Queued, true, 0, 0};
    if (!free_attempts_.empty()) {
      int id = free_attempts_.back();
      free_attempts_.pop_back();
      attempt(id) = a;
      return id;
    }
    attempts_.push_back(a);
    return static_cast<int>(attempts_.size()) - 1;
  }
  void release(int id) {
    if (--attempt(id).refs == 0) free_attempts_.push_back(id);
  }
  int new_job() {
    if (!free_jobs_.empty()) {
      int id = free_jobs_.back();
      free_jobs_.pop_back();
      job(id) = {};
      return id;
    }
    jobs_.push_back({});
    return static_cast<int>(jobs_.size()) - 1;
  }

  void arrival() {
    push(exp(lambda_max_), Kind::Arrival, 0);
    if (uniform(0, 1) * lambda_max_ >= demand_rate(s_, now_) * n_) return;  // thinning
    start_job(0, -1);
  }

  /// A job at the caller's target: a user's, or one an attempt started.
  void start_job(int caller, int parent) {
    const int v = callers_[static_cast<std::size_t>(caller)].target;
    here(v).demand += 1;
    ++svc(v).alive;
    const int id = new_job();
    job(id).caller = caller;
    job(id).parent = parent;
    Caller& c = callers_[static_cast<std::size_t>(caller)];
    if (c.clients.size() > 1)
      job(id).client = static_cast<int>(std::uniform_int_distribution<std::size_t>(0, c.clients.size() - 1)(rng_));
    if (c.policy->retry_budget.enabled) c.clients[static_cast<std::size_t>(job(id).client)].budget_jobs.add(now_);
    if (c.propagate && parent >= 0) {
      job(id).deadline = attempt(parent).deadline;
      if (!(now_ < job(id).deadline)) {
        finish(id, false);  // started after its deadline: gRPC fails it at once, nothing is sent
        return;
      }
    }
    const Admission& a = svc(v).cfg->admission;
    if (a.enabled && now_ >= a.start_s && now_ < admission_end(v) && uniform(0, 1) >= a.share) job(id).refused = true;
    send(id);
  }

  double admission_end(int v) {
    const Admission& a = svc(v).cfg->admission;
    return a.duration_s > 0 ? a.start_s + a.duration_s : 1e300;
  }

  ClientState& client_state(int job_id) {
    return caller_of(job_id).clients[static_cast<std::size_t>(job(job_id).client)];
  }

  /// Whether the job's client lets this attempt out (adaptive throttling,
  /// then the breaker).
  bool client_sends(int job_id) {
    ClientState& c = client_state(job_id);
    const Client& k = *caller_of(job_id).policy;
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

  /// Envoy releases a job's active retry when the retry's request ends
  /// (before deciding on the next one), or when the job ends.
  void release_retry(int job_id) {
    if (!job(job_id).holds_retry) return;
    job(job_id).holds_retry = false;
    client_state(job_id).active_retries -= 1;
  }

  /// An outcome reaches the job's client: its tokens, windows and breaker.
  void outcome(int job_id, bool success) {
    ClientState& c = client_state(job_id);
    const Client& k = *caller_of(job_id).policy;
    const Job& j = job(job_id);
    c.active_requests -= 1;
    release_retry(job_id);
    if (k.retry_throttling.enabled)
      c.tokens = std::clamp(c.tokens + (success ? k.retry_throttling.token_ratio : -1.0), 0.0,
                            k.retry_throttling.max_tokens);
    if (k.retry_quota.enabled && success)
      c.quota = std::min(k.retry_quota.capacity, c.quota + (j.failures == 0 ? k.retry_quota.success_reward : j.last_cost));
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
  bool client_retries(int job_id, bool after_timeout) {
    ClientState& c = client_state(job_id);
    const Client& k = *caller_of(job_id).policy;
    if (k.retry_throttling.enabled && c.tokens <= 0.5 * k.retry_throttling.max_tokens) return false;
    double cost = 0;
    if (k.retry_quota.enabled) {
      cost = after_timeout ? k.retry_quota.timeout_cost : k.retry_quota.retry_cost;
      if (c.quota < cost) return false;
    }
    if (k.concurrent_retry_budget.enabled) {
      // Envoy: retries().canCreate() against max(min_retry_concurrency,
      // budget_percent of the active requests); retries().inc() once granted.
      const ConcurrentRetryBudget& b = k.concurrent_retry_budget;
      const double limit = std::max(b.min_retry_concurrency, 0.01 * b.budget_percent * static_cast<double>(c.active_requests));
      if (static_cast<double>(c.active_retries) >= limit) return false;
    }
    if (k.retry_budget.enabled) {
      const RetryBudget& b = k.retry_budget;
      const double left = b.ratio * c.budget_jobs.count(now_, b.window_s) + b.min_per_s * b.window_s -
                          c.budget_retries.count(now_, b.window_s);
      if (left < 1) return false;
      c.budget_retries.add(now_);
    }
    if (k.concurrent_retry_budget.enabled) {
      c.active_retries += 1;
      job(job_id).holds_retry = true;
    }
    if (k.retry_quota.enabled) {
      c.quota -= cost;
      job(job_id).last_cost = cost;
    }
    return true;
  }

  /// The job ends: its record is freed and the attempt that started it, if
  /// any, hears of it (spec/graph.md, "Responses").
  void finish(int job_id, bool success) {
    release_retry(job_id);
    const int v = target_of(job_id), parent = job(job_id).parent;
    if (!success) here(v).gave_up += 1;
    --svc(v).alive;
    free_jobs_.push_back(job_id);
    if (parent >= 0) respond(parent, success);
  }

  void succeed(int job_id) {
    outcome(job_id, true);
    finish(job_id, true);
  }

  /// One of the jobs an attempt started has succeeded or given up. The
  /// attempt answers its sender with success when the last of them succeeds,
  /// with an error at the first give-up, if its sender still awaits it.
  void respond(int id, bool success) {
    Attempt& p = attempt(id);
    if (success) p.pending -= 1;
    // An answer at its sender's deadline comes too late (a child whose
    // propagated deadline is the same instant gives up just then).
    if (p.open && p.phase == Phase::Served && (!success || p.pending == 0) && now_ < p.deadline) {
      const int u = p.service, sender = p.job;
      p.open = false;
      --svc(u).waiting;
      if (success) {
        here(u).goodput += 1;
        succeed(sender);
      } else {
        here(u).failed += 1;
        fail(sender, false);
      }
    }
    release(id);
  }

  void send(int job_id) {
    const int v = target_of(job_id);
    if (!client_sends(job_id)) {
      here(v).throttled += 1;
      finish(job_id, false);
      return;
    }
    here(v).offered += 1;
    client_state(job_id).active_requests += 1;
    if (job(job_id).failures > 0) here(v).retries += 1;
    Service& x = svc(v);
    // An attempt times out at its own timeout, or at its job's deadline.
    const double timeout = std::min(caller_of(job_id).policy->timeout_s, job(job_id).deadline - now_);
    const bool refused = job(job_id).refused && now_ < admission_end(v);
    if (refused || (x.limited && x.queue.size() >= x.limit)) {
      here(v).rejected += 1;
      if (refused) here(v).shed += 1;
      // The rejection reaches the client after reject_latency_s, or the
      // client fails it at its timeout if that comes first: rejected
      // either way, never a timeout (spec/graph.md, "The sender's view").
      // What the client's policies hear is what reached it: the rejection
      // (and a stop signal riding on it), or only its timeout.
      const bool reaches = x.cfg->reject_latency_s <= timeout;
      const double delay = reaches ? x.cfg->reject_latency_s : timeout;
      if (delay <= 0) {
        fail(job_id, true);
      } else {
        ++x.rejections_pending;
        push(now_ + delay, Kind::Failure, job_id, reaches ? 1 : 0);
      }
      return;
    }
    const int id = new_attempt(job_id, v, timeout);
    attempt(id).refs = 2;  // the queue and the timeout event
    x.queue.push_back(id);
    if (timeout == caller_of(job_id).policy->timeout_s)
      timeouts_[static_cast<std::size_t>(job(job_id).caller)].push_back({attempt(id).deadline, Kind::Timeout, id, 0});
    else
      push(attempt(id).deadline, Kind::Timeout, id);
    resume_completions(v);
  }

  void service(int v, int generation) {
    if (generation != svc(v).generation) return;  // a retired stream
    svc(v).streaming = false;
    resume_completions(v);
    if (uniform(0, 1) * svc(v).mu_bound >= capacity_now(v) * n_) return;  // thinning
    Service& x = svc(v);
    if (x.cfg->drop_expired) {
      // Discard at the head the attempts whose sender has timed out or will
      // less than drop_margin_s from now (spec/graph.md, "Drop expired").
      const double margin = x.cfg->drop_margin_s;
      while (!x.queue.empty()) {
        Attempt& a = attempt(x.queue.front());
        if (a.open && !(a.deadline < now_ + margin)) break;
        if (a.open) {
          ++x.dropped_pending;  // its client learns nothing: it times out at its deadline
        } else {
          --x.queued_expired;
        }
        a.phase = Phase::Gone;
        release(x.queue.front());
        x.queue.pop_front();
        here(v).dropped += 1;
      }
    }
    if (x.queue.empty()) return;
    const int id = x.queue.front();
    x.queue.pop_front();
    here(v).served += 1;
    if (x.cfg->autoscaling.enabled) x.completions.add(now_);
    Attempt& a = attempt(id);
    if (!a.open) --x.queued_expired;
    if (x.calls.empty()) {
      a.phase = Phase::Gone;
      if (a.open) {
        a.open = false;
        here(v).goodput += 1;  // response time below the timeout: its timeout has not fired
        const int sender = a.job;
        release(id);
        succeed(sender);
      } else {
        here(v).wasted += 1;
        release(id);
      }
      return;
    }
    // Served: start the calls (spec/graph.md, "Starting calls"), whatever
    // became of its sender: nothing is cancelled.
    a.phase = Phase::Served;
    if (a.open) {
      ++x.waiting;
    } else {
      here(v).wasted += 1;  // its sender had already timed out
    }
    a.pending = static_cast<int>(x.fan_total);
    a.refs += static_cast<int>(x.fan_total) - 1;  // the jobs it starts, less the queue's
    for (const CallOut& c : x.calls)  // svcs_ never grows during the run: x stays valid
      for (long long k = 0; k < c.fan_out; ++k) start_job(c.caller, id);
  }

  void timeout(int id) {
    Attempt& a = attempt(id);
    if (a.open) {
      a.open = false;
      const int v = a.service, sender = a.job;
      here(v).timeouts += 1;
      switch (a.phase) {
        case Phase::Queued: ++svc(v).queued_expired; break;
        case Phase::Served:  // no response yet: the service was wasted
          --svc(v).waiting;
          here(v).wasted += 1;
          break;
        case Phase::Gone: --svc(v).dropped_pending; break;  // dropped within the margin
      }
      fail(sender, false, true);
    }
    release(id);
  }

  void fail(int job_id, bool rejected = false, bool timed_out = false) {
    outcome(job_id, false);
    job(job_id).failures += 1;
    const Client& c = *caller_of(job_id).policy;
    const int v = target_of(job_id);
    if ((c.max_attempts && job(job_id).failures >= *c.max_attempts) || !(now_ < job(job_id).deadline)) {
      finish(job_id, false);
      return;
    }
    // The stop-retrying signal rides on rejections reaching the client.
    const StopSignal& stop = svc(v).cfg->stop_signal;
    if (rejected && stop.enabled && now_ >= stop.start_s && uniform(0, 1) < stop.share &&
        uniform(0, 1) >= stop.ignored_share) {
      here(v).stopped += 1;
      finish(job_id, false);
      return;
    }
    if (!client_retries(job_id, timed_out)) {
      here(v).denied += 1;
      finish(job_id, false);
      return;
    }
    const Backoff& b = c.backoff;
    const int k = job(job_id).failures;
    double d = std::min(b.cap_s, b.base_s * std::pow(b.multiplier, k - 1));
    double delay = d;
    switch (b.jitter) {
      case Jitter::None: break;
      case Jitter::Full: delay = uniform(0, 1) * d; break;
      case Jitter::Equal: delay = d / 2 + uniform(0, 1) * d / 2; break;
      case Jitter::Proportional: delay = d * (1 - b.spread + 2 * b.spread * uniform(0, 1)); break;
      case Jitter::Decorrelated: {
        double previous = k == 1 ? b.base_s : job(job_id).previous_delay;
        delay = std::min(b.cap_s, b.base_s + uniform(0, 1) * (3 * previous - b.base_s));
        job(job_id).previous_delay = delay;
        break;
      }
    }
    if (!(now_ + delay < job(job_id).deadline)) {
      ++svc(v).backlog;  // its retry would go out after the deadline: it gives up then
      push(job(job_id).deadline, Kind::Expire, job_id);
    } else if (delay <= 0) {
      send(job_id);  // the same instant
    } else {
      ++svc(v).backlog;
      push(now_ + delay, Kind::Send, job_id);
    }
  }

  /// Autoscaling (docs/scenario-extensions.md; docs/model.md, section 10),
  /// judged at each output boundary: with a full window since the last
  /// landing and utilisation (served over capacity) over the last window_s
  /// at least the threshold, order `step` more, up to max_capacity.
  void autoscale(int v) {
    Service& x = svc(v);
    const Autoscaling& a = x.cfg->autoscaling;
    if (!a.enabled || x.order_pending || now_ - x.window_start < a.window_s - 1e-9) return;
    const double served = x.completions.count(now_, a.window_s);
    const double capacity = x.raw_capacity_integral(now_ - a.window_s, now_) * n_;
    if (capacity <= 0 || served < a.threshold * capacity) return;
    const double room = a.max_capacity - (scheduled_capacity(*x.cfg, now_) + x.added);
    if (room <= 0) return;
    x.order = std::min(a.step, room);
    x.order_pending = true;
    push(now_ + a.delay_s, Kind::Land, v);
  }

  void land(int v) {
    Service& x = svc(v);
    x.added += x.order;
    x.landings.emplace_back(now_, x.added);
    x.order_pending = false;
    x.window_start = now_;
    start_completions(v);
  }

  /// The response time an attempt sent now would have if the queue ahead of
  /// it were served at the capacity the schedule gives (the capacity added
  /// so far included); with drop_expired, over the attempts that will be
  /// served, not those that will be dropped at the head. Infinite when the
  /// capacity never serves the queue.
  double wait_s(const Service& x) {
    if (x.queue.empty()) return 0;
    // Segments of constant capacity from now on, unscaled.
    std::vector<std::pair<double, double>> segments{{now_, 0}};
    for (double b : x.breaks)
      if (b > now_) segments.push_back({b, 0});
    for (auto& [from, rate] : segments)
      rate = (scheduled_capacity(*x.cfg, from) + x.added) * outage_factor(*x.cfg, from);
    std::size_t i = 0;
    double done = 0;  // capacity integral up to segments[i].first
    auto drain = [&](double amount) {
      while (i + 1 < segments.size() &&
             done + segments[i].second * (segments[i + 1].first - segments[i].first) < amount) {
        done += segments[i].second * (segments[i + 1].first - segments[i].first);
        ++i;
      }
      if (amount <= done) return segments[i].first - now_;
      if (segments[i].second <= 0) return std::numeric_limits<double>::infinity();
      return segments[i].first + (amount - done) / segments[i].second - now_;
    };
    if (!x.cfg->drop_expired) return drain(static_cast<double>(x.queue.size()) / n_);
    const double margin = x.cfg->drop_margin_s;
    double served = 0;
    for (int id : x.queue) {
      const Attempt& a = attempts_[static_cast<std::size_t>(id)];
      const double reach = drain(served / n_);
      if (std::isinf(reach)) return reach;
      if (a.open && !(a.deadline < now_ + reach + margin)) served += 1;
    }
    return drain(served / n_);
  }

  void boundary(int index) {
    for (int v = 0; v < static_cast<int>(svcs_.size()); ++v) autoscale(v);
    const double start = index == 0 ? 0 : ends_[static_cast<std::size_t>(index) - 1];
    const double length = ends_[static_cast<std::size_t>(index)] - start;
    for (Service& x : svcs_) {
      Interval& i = x.out[static_cast<std::size_t>(index)];
      for (double Interval::*f : {&Interval::demand, &Interval::offered, &Interval::retries, &Interval::rejected,
                                  &Interval::served, &Interval::goodput, &Interval::wasted, &Interval::dropped,
                                  &Interval::timeouts, &Interval::gave_up, &Interval::stopped, &Interval::shed,
                                  &Interval::throttled, &Interval::denied, &Interval::failed})
        i.*f /= n_ * length;
      i.queue = static_cast<double>(x.queue.size()) / n_;
      i.backlog = static_cast<double>(x.backlog) / n_;
      i.waiting = static_cast<double>(x.waiting) / n_;
      i.capacity = x.raw_capacity_integral(start, ends_[static_cast<std::size_t>(index)]) / length;
      i.wait_s = wait_s(x);
    }
  }

  const Scenario& s_;
  const double n_;
  std::mt19937_64 rng_;
  double lambda_max_ = 0;
  double now_ = 0;
  long current_ = 0;
  std::vector<double> ends_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  // An attempt's timeout at its caller's own timeout_s falls due in the
  // order the attempts were sent: one FIFO lane per caller keeps these (most
  // of the pending events) out of the heap, whose every push and pop would
  // otherwise walk a few hundred thousand entries. Timeouts cut short by a
  // propagated deadline go to the heap.
  std::vector<std::deque<Event>> timeouts_;
  std::vector<Service> svcs_;
  std::vector<Caller> callers_;
  std::vector<Attempt> attempts_;
  std::vector<Job> jobs_;
  std::vector<int> free_attempts_, free_jobs_;
};

}  // namespace

GraphRun simulate_graph(const Scenario& scenario, double scale, std::uint64_t seed) {
  return Simulation(scenario, scale, seed).run();
}

RunResult simulate(const Scenario& scenario, double scale, std::uint64_t seed) {
  RunResult result;
  result.intervals = std::move(simulate_graph(scenario, scale, seed).services.at("server"));
  return result;
}

}  // namespace sg::test
