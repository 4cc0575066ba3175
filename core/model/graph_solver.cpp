#include "model/graph_solver.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <stdexcept>

#include "graph/service_graph.h"
#include "model/batch_admission.h"
#include "model/caller_population.h"
#include "model/client_gates.h"
#include "model/rate_schedule.h"
#include "model/retry_policy.h"
#include "model/station.h"
#include "scenario/input_error.h"
#include "scenario/number_text.h"

namespace sg {
namespace {

using namespace fluid;

constexpr double kMaxSteps = 1e7;
// Cohort records (steps times populations, each of a few arrays of doubles)
// a run with deadline groups may keep: about 1 GB.
constexpr double kMaxDeadlineCells = 2e7;
// Deadline groups in all (each a population of its callee, 11.17): a run's
// cost grows with them.
constexpr long kMaxDeadlineGroups = 300;


/// docs/model.md, 11.17: the steps a job of a propagating call may have
/// left and still be bound by its deadline: a parent attempt has at most
/// its sender's longest timeout left (`parent_steps`), and a job of at most
/// M attempts has ended, with no retry due, within M (T + d + r + 2) steps.
long deadline_reach(long parent_steps, const Client& client, long timeout_steps, long max_offset, long reject_steps) {
  long reach = parent_steps + 1;
  if (client.max_attempts)
    reach = std::min(reach, static_cast<long>(*client.max_attempts) * (timeout_steps + max_offset + reject_steps + 2));
  return reach;
}

/// The steps of a population's attempt timeout, and of the time a
/// rejection at `callee` takes to fail its job: the reject latency, or the
/// timeout if that comes first (spec/graph.md, "The sender's view").
long timeout_steps_of(const Client& client, double h) { return std::max(1L, std::lround(client.timeout_s / h)); }
double reject_delay_steps(const Client& client, const Server& callee, double h) {
  return std::min(callee.reject_latency_s / h, static_cast<double>(timeout_steps_of(client, h)));
}

class GraphRun {
public:
  GraphRun(const GraphRun&) = delete;  // its client gates watch its own step sums
  GraphRun& operator=(const GraphRun&) = delete;
  GraphRun(const Scenario& s, double h, const SolverOptions& options)
      : s_((check_deadline_groups(s, h), s)), graph_(s), h_(h), options_(options),
        steps_(std::max(1L, static_cast<long>(std::ceil(s.duration_s / h - 1e-9)))),
        steps_per_interval_(std::max(1L, std::lround(s.step_s / h))),
        demand_(demand_schedule(s)) {
    last_step_s_ = s.duration_s - static_cast<double>(steps_ - 1) * h;
    const std::size_t n_stations = graph_.size();
    stations_.resize(n_stations);
    station_of_.assign(n_stations, 0);
    for (std::size_t i = 0; i < graph_.order().size(); ++i) station_of_[graph_.order()[i]] = static_cast<int>(i);
    for (std::size_t i = 0; i < n_stations; ++i) {
      Station& st = stations_[i];
      const ServiceId v = graph_.order()[i];
      st.name = graph_.name(v);
      st.server = &graph_.server(v);
      Scenario alone;  // capacity(t) of this service alone (its schedule and outage)
      alone.server = *st.server;
      alone.server.calls.clear();
      st.capacity = capacity_schedule(alone);
      st.capacity_mass = StepArray<double>(static_cast<std::size_t>(steps_));
      std::fill(st.capacity_mass.get(), st.capacity_mass.get() + steps_, 0.0);
      st.capacity.add_slot_integrals(h, 0, steps_, st.capacity_mass.get());
      st.capacity_mass[static_cast<std::size_t>(steps_ - 1)] = st.capacity.integral(s.duration_s - last_step_s_, s.duration_s);
      st.capacity_before = StepArray<double>(static_cast<std::size_t>(steps_) + 1);
      st.capacity_before[0] = 0;
      for (long k = 0; k < steps_; ++k)
        st.capacity_before[static_cast<std::size_t>(k) + 1] =
            st.capacity_before[static_cast<std::size_t>(k)] + st.capacity_mass[static_cast<std::size_t>(k)];
      st.limited = st.server->queue_limit.has_value();
      st.limit = st.limited ? static_cast<double>(*st.server->queue_limit) : 0;
      st.drop = st.server->drop_expired;
      st.h = h;
      st.admission = st.server->admission.enabled && st.server->admission.share < 1;
      if (st.server->autoscaling.enabled) {
        st.autoscaler = std::make_unique<fluid::Autoscaler>(*st.server, h, steps_);
        scaling_ = true;
      }
      st.result.intervals.reserve(static_cast<std::size_t>(steps_ / steps_per_interval_ + 1));
    }
    // The users, then every call, each a population of its target.
    add_population(s.client, -1, 0, 1);
    population_path_.push_back("client");
    for (std::size_t i = 0; i < n_stations; ++i) {
      const ServiceId v = graph_.order()[i];
      for (auto [e, end] = boost::out_edges(v, graph_.graph()); e != end; ++e) {
        const CallEdge& edge = graph_.graph()[*e];
        const int callee = station_of_[boost::target(*e, graph_.graph())];
        const int call = add_population(edge.call->client, static_cast<int>(i), callee, edge.call->fan_out);
        stations_[i].calls.push_back(call);
        population_path_.push_back(edge.path);
        if (edge.call->propagate_deadline) add_deadline_groups(call, edge);
      }
    }
    for (Station& st : stations_) {
      const std::size_t q = st.q_count();
      const std::size_t cells = static_cast<std::size_t>(steps_) * q;
      st.sent = StepArray<double>(cells);
      st.remaining = StepArray<double>(cells);
      st.dropped_early = StepArray<double>(cells);
      st.admitted = StepArray<double>(cells);
      st.single_admit = StepArray<double>(static_cast<std::size_t>(steps_));
      st.rejected_any = StepArray<bool>(static_cast<std::size_t>(steps_));
      for (std::size_t k = 0; k < q; ++k) {
        st.fresh_admit.emplace_back(static_cast<std::size_t>(steps_));
        populations_[static_cast<std::size_t>(st.populations[k])]->admission_from(st.single_admit.get(),
                                                                                  st.fresh_admit[k].get());
      }
      st.boundary = StepArray<double>(cells);
      st.sent_sum.assign(q, 0.0);
      st.sent_rows.assign(q, {});
      for (auto& rows : st.sent_rows) rows.reserve(static_cast<std::size_t>(steps_ / steps_per_interval_ + 1));
      st.early.resize(q);
      st.success.resize(q);
      st.deferred.resize(q);
    }
    tags_.resize(rules_.size());
    new_tags_.resize(rules_.size());
    // docs/model.md, 11.10: the all-late law of every call whose callee can
    // neither reject nor drop, as long as its tags live (the caller's
    // longest timeout and two steps).
    late_law_.resize(rules_.size());
    late_moves_.resize(rules_.size());
    // With an autoscaler capacity grows with the run, which no proof made
    // ahead of it knows: the shortcuts that look ahead are off (11.15).
    // Deadline groups (11.17) are not in those proofs either.
    shortcuts_ = options_.shortcuts && !scaling_ && !propagating_;
    if (shortcuts_)
      for (const Station& st : stations_)
        for (int c : st.calls) {
          const PopulationRules& r = *rules_[static_cast<std::size_t>(c)];
          const Station& callee = stations_[static_cast<std::size_t>(r.target)];
          if (callee.limited || callee.drop || callee.admission || r.gated) continue;
          // A batch is never older than the run: a law longer than it is never read.
          const long longest = std::min(*std::max_element(st.timeout_steps.begin(), st.timeout_steps.end()), steps_);
          const std::vector<double>& law = late_law_[static_cast<std::size_t>(c)] = Population::all_late_law(r, longest + 3);
          std::vector<long>& moves = late_moves_[static_cast<std::size_t>(c)];
          moves.assign(law.size() + 1, std::numeric_limits<long>::max() / 4);
          for (std::size_t k = law.size(); k-- > 0;)
            moves[k] = k == 0 || law[k] != law[k - 1] ? static_cast<long>(k) : moves[k + 1];
        }
    if (options_.stop_when_decided) {
      // The last step in which some service may receive more first attempts
      // than its capacity: the users' demand times the fan-outs along every
      // path to it (quiet_from).
      std::vector<double>& factor = factor_;
      factor.assign(stations_.size(), 0.0);
      factor[0] = 1;
      for (std::size_t i = 0; i < stations_.size(); ++i) {
        for (int c : stations_[i].calls) {
          const PopulationRules& r = *rules_[static_cast<std::size_t>(c)];
          factor[static_cast<std::size_t>(r.target)] += static_cast<double>(r.fan_out) * factor[i];
        }
        const double overload_s = last_overload_s(demand_, factor[i], stations_[i].capacity, s.duration_s);
        if (overload_s >= 0)
          last_overload_step_ = std::max(last_overload_step_, static_cast<long>(std::floor(overload_s / h)) + 1);
      }
    }
    // docs/model.md, 11.13: a steady storm's tail, whole intervals to a
    // last step of the solver's length (else the last interval differs).
    tail_ = shortcuts_ && options_.steady_tail && !options_.audit && !any_gates_ && memory_steps_ >= 0 &&
            steps_ % steps_per_interval_ == 0 && std::fabs(last_step_s_ - h_) <= 1e-9 * h_;
    tail_rows_ = static_cast<std::size_t>(memory_steps_ / steps_per_interval_ + 3);
    if (options_.audit)
      for (std::size_t p = 0; p < rules_.size(); ++p)
        resolved_.push_back({std::vector<double>(static_cast<std::size_t>(steps_), 0.0),
                             std::vector<double>(static_cast<std::size_t>(steps_), 0.0)});
  }

  std::vector<ServiceRun> run() {
    long interval_steps = 0, end = steps_;  // end: the steps run (fewer after an early stop)
    for (long n = 0; n < steps_; ++n) {
      if ((n & 1023) == 0) {
        if (options_.pause_point) options_.pause_point();
        if (options_.cancel && options_.cancel->load(std::memory_order_relaxed)) throw Cancelled();
      }
      for (std::size_t i = 0; i < stations_.size(); ++i) forward(static_cast<int>(i), n);
      for (std::size_t i = stations_.size(); i-- > 0;) backward(static_cast<int>(i), n);
      if (any_gates_) end_gate_steps();
      if (tail_) note_steadiness();
      ++interval_steps;
      if (interval_steps == steps_per_interval_ || n == steps_ - 1) {
        double length = static_cast<double>(interval_steps) * h_;
        if (n == steps_ - 1) length += last_step_s_ - h_;
        for (std::size_t i = 0; i < stations_.size(); ++i) close_interval(static_cast<int>(i), n, length);
        interval_steps = 0;
        if (options_.stop_when_decided && n < steps_ - 1 && quiet_from(n)) {
          for (Station& st : stations_) st.result.rest = Rest::Healthy;
          end = n + 1;
          break;
        }
        if (options_.stop_when_decided && !scaling_ && n < steps_ - 1 && collapsed_after(n)) {
          for (Station& st : stations_) st.result.rest = Rest::Undecided;
          stations_.front().result.rest = Rest::Unhealthy;
          end = n + 1;
          break;
        }
        if (options_.stop_when_decided && shortcuts_ && !options_.audit && !any_gates_ && n < steps_ - 1 &&
            settled_at(n)) {
          const long resume = quiet_until(n);
          if (resume > n + 1) {
            skip_quiet(n + 1, resume);
            n = resume - 1;
          }
        }
        if (tail_ && n < steps_ - 1 && steady_to_the_end(n)) {
          emit_steady_tail(n);
          break;
        }
      }
    }
    if (options_.audit) audit_outcomes(end);
    std::vector<ServiceRun> out;
    for (Station& st : stations_) {
      st.result.solver_step_s = h_;
      std::vector<SenderRun> senders;
      std::vector<std::size_t> sender_of(st.q_count(), 0);
      for (std::size_t q = 0; q < st.q_count(); ++q) {
        const int p = st.populations[q];
        const int main = group_main_[static_cast<std::size_t>(p)];
        if (main >= 0) {
          // A deadline group's attempts are its call's (11.17).
          std::vector<double>& into = senders[sender_of[static_cast<std::size_t>(rules_[static_cast<std::size_t>(main)]->local)]].attempts;
          for (std::size_t k = 0; k < into.size() && k < st.sent_rows[q].size(); ++k) into[k] += st.sent_rows[q][k];
          continue;
        }
        const int caller = rules_[static_cast<std::size_t>(p)]->caller;
        sender_of[q] = senders.size();
        senders.push_back({caller < 0 ? std::string("users") : stations_[static_cast<std::size_t>(caller)].name,
                           population_path_[static_cast<std::size_t>(p)], std::move(st.sent_rows[q])});
      }
      out.push_back({st.name, std::move(st.result), std::move(senders)});
    }
    return out;
  }

private:
  /// A population of `client` jobs from `caller` (-1: the users) at
  /// `target`; with a `cycle`, the deadline group of phase `phase`
  /// (docs/model.md, 11.17).
  int add_population(const Client& client, int caller, int target, long long fan_out, long cycle = 0, long phase = 0) {
    auto rules = std::make_unique<PopulationRules>();
    Station& st = stations_[static_cast<std::size_t>(target)];
    rules->policy = build_retry_policy(client, h_);
    // Jobs the target's admission control refuses: a copy of the classes (11.16).
    if (st.admission) add_shed_lane(rules->policy);
    rules->timeout_steps = timeout_steps_of(client, h_);
    for (const DelayKernel& k : rules->policy.kernels) rules->kernel_reach.push_back(k.max_offset());
    rules->fan_out = fan_out;
    rules->caller = caller;
    rules->target = target;
    rules->local = static_cast<int>(st.populations.size());
    // A rejection fails its job reject_latency_s later, or at the timeout if
    // that comes first (spec/graph.md, "The sender's view"): a point delay
    // split over two steps as in docs/model.md 5.1.
    const double delay = reject_delay_steps(client, *st.server, h_);
    rules->reject_steps = static_cast<long>(std::floor(delay));
    rules->reject_late_share = delay - std::floor(delay);
    // docs/model.md, 11.12: the callers' own gates, one representative
    // client of the population's instances; a gated population's instant
    // retries wait a step like every other that falls in its failure's step.
    rules->gated = ClientGates::any_enabled(client);
    rules->burn = rules->policy.instant && st.server->reject_latency_s == 0 && !rules->gated;
    // docs/model.md, 11.5: what of each class's failures retries in the step
    // it failed, for rejections at a full queue that fail in their step (as
    // 5.1's step 6). Gated populations wait a step (above); the burn of 4.4
    // has its own law.
    rules->same_step_in.assign(rules->policy.classes.size(), {});
    if (!rules->gated && !rules->burn && rules->reject_steps == 0) {
      for (std::size_t c = 0; c < rules->policy.classes.size(); ++c)
        for (const Transition& t : rules->policy.classes[c].on_failure) {
          const DelayKernel& k = rules->policy.kernels[static_cast<std::size_t>(t.kernel)];
          double now = k.run_begin == 0 && k.run_end > 0 ? k.run_mass : 0;
          for (auto [offset, share] : k.explicit_mass)
            if (offset == 0) now += share;
          if (now <= 0) continue;
          auto& in = rules->same_step_in[static_cast<std::size_t>(k.target)];
          const auto same = std::find_if(in.begin(), in.end(), [&](const auto& e) { return e.first == static_cast<int>(c); });
          if (same != in.end())
            same->second += t.probability * now;
          else
            in.push_back({static_cast<int>(c), t.probability * now});
          rules->same_step = true;
        }
    }
    gates_.push_back(rules->gated ? std::make_unique<ClientGates>(client, h_, steps_) : nullptr);
    gate_step_.emplace_back();
    send_keep_.push_back(1.0);
    retry_keep_.push_back(1.0);
    retry_keep_later_.push_back(1.0);
    any_gates_ = any_gates_ || rules->gated;
    // docs/model.md, 11.6: with drop_expired an attempt is discarded once
    // its sender times out within the margin; a positive margin is at least
    // one step, or a margin shorter than half a step would round to none.
    const double margin_s = st.server->drop_margin_s;
    const long margin = margin_s > 0 ? std::max(1L, std::lround(margin_s / h_)) : 0L;
    st.drop_margin.push_back(margin);
    st.timeout_steps.push_back(rules->timeout_steps);
    st.deadline_cycle.push_back(cycle);
    st.deadline_phase.push_back(phase);
    st.populations.push_back(static_cast<int>(rules_.size()));
    // Records are kept by step index modulo the slots: a timeout longer than
    // the run needs no more slots than the run has steps (docs/model.md, 5.4).
    const long slots = std::min(rules->timeout_steps + rules->reject_steps + 3, steps_ + 2);
    // docs/model.md, 11.13: the longest a job of it can live, each attempt
    // answered by its timeout and each retry due within its kernel's reach.
    if (!client.max_attempts)
      memory_steps_ = -1;
    else if (memory_steps_ >= 0)
      memory_steps_ = std::max(memory_steps_, static_cast<long>(*client.max_attempts) *
                                                  (rules->timeout_steps + rules->policy.max_offset + rules->reject_steps + 2));
    if (cycle > 0) {
      // A group's lives: its cohorts after one deadline up to the next,
      // whose retries are due before it (the horizon).
      const long first_deadline = st.deadline_of(st.q_count() - 1, 0);
      life_deadline_.push_back(first_deadline);
      populations_.push_back(std::make_unique<Population>(*rules, first_deadline - cycle + 1, first_deadline, cycle + 2));
      populations_.back()->make_deadline_group();
    } else {
      life_deadline_.push_back(-1);
      populations_.push_back(std::make_unique<Population>(*rules, 0, steps_, slots));
    }
    group_main_.push_back(-1);
    first_group_.push_back(-1);
    deadline_reach_.push_back(0);
    routed_.push_back(-1);
    expired_.push_back(0);
    rules_.push_back(std::move(rules));
    return static_cast<int>(rules_.size()) - 1;
  }

  /// docs/model.md, 11.17: the deadline groups of call population `call`,
  /// whose jobs carry the deadline of the attempt that started them. A job
  /// started with at least `reach` steps left is never bound by it (every
  /// attempt of it has ended, and no retry is due, by then) and stays in the
  /// call's population; the others join the group of their deadline step d,
  /// d mod G, which lives from one of its deadlines to the next.
  void add_deadline_groups(int call, const CallEdge& edge) {
    const PopulationRules& r = *rules_[static_cast<std::size_t>(call)];
    Station& caller = stations_[static_cast<std::size_t>(r.caller)];
    // No parent attempt has more left than its sender's longest timeout
    // (check_deadline_groups has bounded the groups this makes).
    const long reach = deadline_reach(*std::max_element(caller.timeout_steps.begin(), caller.timeout_steps.end()),
                                      edge.call->client, r.timeout_steps, r.policy.max_offset, r.reject_steps);
    const long cycle = reach + 1;
    propagating_ = true;
    caller.deadline_reach = std::max(caller.deadline_reach, reach);
    const int target = r.target;
    const long long fan_out = r.fan_out;
    const int first = static_cast<int>(rules_.size());
    for (long g = 0; g < cycle; ++g) {
      const int p = add_population(edge.call->client, r.caller, target, fan_out, cycle, g);
      group_main_[static_cast<std::size_t>(p)] = call;
      population_path_.push_back(edge.path);
    }
    first_group_[static_cast<std::size_t>(call)] = first;
    deadline_reach_[static_cast<std::size_t>(call)] = reach;
  }

  /// The population that takes the jobs call population `call` starts in
  /// step n with deadline step d: the call's own, its deadline group, or -1
  /// when the deadline has passed (docs/model.md, 11.17).
  int deadline_population(int call, long d, long n) const {
    const long reach = deadline_reach_[static_cast<std::size_t>(call)];
    if (reach == 0 || d - n >= reach) return call;
    if (d <= n) return -1;
    const long cycle = reach + 1;
    return first_group_[static_cast<std::size_t>(call)] + static_cast<int>(d % cycle);
  }

  /// At the end of the forward step n of station st (deadline_reach > 0):
  /// the first attempts its completions start in each propagating call,
  /// split by their deadlines between the call's population and its groups;
  /// those whose deadline has passed are started and given up at once.
  void route_by_deadline(const Station& st, long n) {
    for (int c : st.calls) {
      if (deadline_reach_[static_cast<std::size_t>(c)] == 0) continue;
      const double f = static_cast<double>(rules_[static_cast<std::size_t>(c)]->fan_out);
      const long cycle = deadline_reach_[static_cast<std::size_t>(c)] + 1;
      routed_[static_cast<std::size_t>(c)] = 0;
      for (long g = 0; g < cycle; ++g) routed_[static_cast<std::size_t>(first_group_[static_cast<std::size_t>(c)] + g)] = 0;
      for (auto [d, mass] : st.completed_by_deadline) {
        const int p = deadline_population(c, d, n);
        if (p < 0)
          expired_[static_cast<std::size_t>(c)] += f * mass;
        else
          routed_[static_cast<std::size_t>(p)] += f * mass;
      }
    }
  }

  double step_length(long n) const { return n == steps_ - 1 ? last_step_s_ : h_; }

  /// The jobs of population p (its main state and every live tag).
  template <class F>
  void each_state(int p, F f) {
    f(*populations_[static_cast<std::size_t>(p)], true);
    for (Population* t : tags_[static_cast<std::size_t>(p)]) f(*t, false);
  }

  /// Whether some population of the station retries rejections within their step.
  bool same_step_retries(const Station& st) const {
    return std::any_of(st.populations.begin(), st.populations.end(),
                       [&](int p) { return rules_[static_cast<std::size_t>(p)]->same_step; });
  }

  /// docs/model.md, 11.5: the z at which the station's full queue admits
  /// `room` when the rejected attempts that fail at once retry within the
  /// step as singles: z (singles + their retries(z)) + the batches' admitted
  /// first attempts = room, by bisection from [0, z0] (z0: without those
  /// retries, `singles` then). Leaves z in the station's shares.
  double admit_with_same_step_retries(Station& st, long n, double room, double singles, double z0) {
    const std::size_t un = static_cast<std::size_t>(n);
    const std::size_t Q = st.q_count();
    const double stop = st.stop_share(n);  // those jobs give up instead (docs/model.md, 11.14)
    auto admitted_at = [&](double z) {
      st.single_admit[un] = z;
      double a = 0, extra = 0;
      for (std::size_t q = 0; q < Q; ++q) {
        const PopulationRules& r = *rules_[static_cast<std::size_t>(st.populations[q])];
        st.fresh_admit[q][un] = r.fan_out > 1 ? batch_member_share(z, r.fan_out) : z;
        double shed = 0;  // retries of refused jobs: rejected again, whatever z
        extra += populations_[static_cast<std::size_t>(st.populations[q])]->add_same_step_retries(
            n, (1 - r.reject_late_share) * (1 - stop), false, &shed);
        extra -= shed;
      }
      a = z * (singles + extra);
      for (auto [f, count] : batches_) a += count * z * geometric_sum(z, f);
      return a;
    };
    double lo = 0, hi = z0;  // admitted_at(lo) <= room < admitted_at(hi) unless z0 already fits
    if (admitted_at(hi) <= room) return z0;
    for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
      const double mid = 0.5 * (lo + hi);
      (admitted_at(mid) < room ? lo : hi) = mid;
    }
    const double z = 0.5 * (lo + hi);
    admitted_at(z);
    return z;
  }

  /// docs/model.md, 11.5: one step of station i in the forward pass.
  void forward(int i, long n) {
    Station& st = stations_[static_cast<std::size_t>(i)];
    const std::size_t un = static_cast<std::size_t>(n);
    double left = st.begin_step(n, step_length(n));
    const std::size_t Q = st.q_count();
    if (st.admission && !st.admission_lifted && static_cast<double>(n) * h_ >= st.admission_end_s()) {
      // Admission control ends: the refused jobs join the admitted ones (11.16).
      st.admission_lifted = true;
      for (int p : st.populations) each_state(p, [](Population& pop, bool) { pop.lift_admission(); });
    }

    // 1. Older cohorts first (FIFO), oldest first; expired ones go first at no cost.
    left = st.serve_older(n, left);
    // 2. Timeouts: what is left of the cohort one timeout old, and what was
    // dropped of it within the margin; then drops of what has expired.
    st.time_out(n);

    // 3. Rejections reaching their clients now.
    for (std::size_t q = 0; q < Q; ++q) {
      const PopulationRules& r = *rules_[static_cast<std::size_t>(st.populations[q])];
      const bool group = st.deadline_cycle[q] > 0;
      auto arrive = [&](long j, double share) {
        // A deadline group's rejections still on their way at its deadline
        // were told then (below).
        if (j >= 0 && share > 0 && st.rejected_any[static_cast<std::size_t>(j)] && (!group || st.deadline_of(q, j) >= n))
          st.early[q].push_back({j, share, Part::Rejected});
      };
      if (r.reject_steps >= 1) arrive(n - r.reject_steps, 1 - r.reject_late_share);
      arrive(n - r.reject_steps - 1, r.reject_late_share);
      if (group && st.deadline_of(q, n - 1) == n)
        // docs/model.md, 11.17: at its deadline every job of the group
        // fails, those whose rejection has yet to reach them too.
        for (long j = std::max({0L, n - r.reject_steps - 1, n - st.deadline_cycle[q] + 1}); j < n; ++j) {
          if (!st.rejected_any[static_cast<std::size_t>(j)]) continue;
          double later = 0;
          if (r.reject_steps >= 1 && j + r.reject_steps > n) later += 1 - r.reject_late_share;
          if (j + r.reject_steps + 1 > n) later += r.reject_late_share;
          // Not told by the service: no stop signal rides on it.
          if (later > 0) st.early[q].push_back({j, later, Part::Rejected, false, true});
        }
    }

    // 4. Failures: give up or wait out a delay (a delay within this step
    // retries in it), or on the stop-retrying signal the rejections carry.
    // 5. Sends: first attempts and the retries due.
    const double stop = st.stop_share(n);
    const double refused_share = st.shed_share(n);  // of the jobs arriving now, by admission control
    double sent_total = 0, shed_total = 0;
    std::vector<double>& fresh_now = scratch_;
    fresh_now.assign(Q, 0.0);
    shed_now_.assign(Q, 0.0);
    for (std::size_t q = 0; q < Q; ++q) {
      const int p = st.populations[q];
      const PopulationRules& r = *rules_[static_cast<std::size_t>(p)];
      const double routed = routed_[static_cast<std::size_t>(p)];
      const double fresh = r.caller < 0 ? demand_.integral(static_cast<double>(n) * h_, static_cast<double>(n) * h_ + step_length(n))
                           : routed >= 0 ? routed
                                         : static_cast<double>(r.fan_out) * stations_[static_cast<std::size_t>(r.caller)].completed;
      ClientGates* gates = gates_[static_cast<std::size_t>(p)].get();
      each_state(p, [&](Population& pop, bool main) {
        double stopped = 0;
        for (const Outcome& o : st.early[q]) stopped += pop.fail(o.cohort, o.share, o.part, o.error, o.unheard ? 0.0 : stop);
        const double gave = handle_failures(st, p, pop, main, n, false);
        if (main) {
          st.sums.stopped += stopped;
          note_outcomes(p, st.early[q]);
          st.sums.gave_up += gave;
          const double retries = pop.send(n, fresh, refused_share);
          double keep = 1;
          if (gates) {
            // The clients' gates let a share of this step's attempts out
            // (docs/model.md, 11.12); the tags follow the same share.
            GateStep& g = gate_step_[static_cast<std::size_t>(p)];
            g.requested += fresh + retries;
            g.first_requested += fresh;
            keep = send_keep_[static_cast<std::size_t>(p)] = gates->send_share(fresh + retries);
            const double refused = pop.refuse(n, keep);
            g.refused += refused;
            g.first_refused += fresh * (1 - keep);
            st.sums.throttled += refused;
            st.sums.gave_up += refused;
          }
          st.sums.demand += fresh;
          if (expired_[static_cast<std::size_t>(p)] > 0) {
            // Jobs started after their propagated deadline: nothing is sent (11.17).
            st.sums.demand += expired_[static_cast<std::size_t>(p)];
            st.sums.gave_up += expired_[static_cast<std::size_t>(p)];
            expired_[static_cast<std::size_t>(p)] = 0;
          }
          st.sums.offered += (fresh + retries) * keep;
          st.sums.retries += retries * keep;
          st.sent[st.at(n, q)] = (fresh + retries) * keep;
          st.sent_sum[q] += (fresh + retries) * keep;
          st.dropped_early[st.at(n, q)] = 0;
          st.boundary[st.at(n, q)] = 0;
          fresh_now[q] = fresh * (1 - refused_share) * keep;
          shed_now_[q] = pop.shed_of(n);
          shed_total += shed_now_[q];
          sent_total += (fresh + retries) * keep;
        } else {
          pop.send(n, pop.first() == n ? 1.0 : 0.0, refused_share);
          if (gates) pop.refuse(n, send_keep_[static_cast<std::size_t>(p)]);
        }
      });
      st.early[q].clear();
    }

    st.step_sent = sent_total;

    // 6. Admission against the queue limit: the room is K - Q plus what
    // capacity this step has left. Beyond it the queue is full, and which
    // arrivals it takes depends on how they come (docs/model.md, 11.5): a
    // single attempt finds a free place with probability z, the f first
    // attempts of a batch (a call's fan-out) share the places free at their
    // instant.
    // The attempts of jobs refused by admission control are rejected at no
    // cost, whatever the room (11.16).
    const double room = st.limited ? std::max(0.0, st.limit - st.queue + left) : std::numeric_limits<double>::infinity();
    double admitted = sent_total;
    const bool overflow = sent_total - shed_total > room;
    if (overflow || shed_total > 0) {
      double singles = 0;
      batches_.clear();
      for (std::size_t q = 0; q < Q; ++q) {
        const long long f = rules_[static_cast<std::size_t>(st.populations[q])]->fan_out;
        const double fresh = fresh_now[q];
        singles += st.sent[st.at(n, q)] - shed_now_[q] - (f > 1 ? fresh : 0);
        if (f > 1 && fresh > 0) batches_.push_back({f, fresh / static_cast<double>(f)});
      }
      double z = !overflow ? 1.0
                 : batches_.empty() ? room / (sent_total - shed_total)
                                    : free_place_probability(room, singles, batches_);
      if (same_step_retries(st)) {
        // docs/model.md, 11.5: rejected attempts that fail now and retry
        // within the step compete for the same room, as singles (those of
        // refused jobs are rejected again).
        if (overflow) {
          z = admit_with_same_step_retries(st, n, room, singles, z);
        } else {
          st.single_admit[un] = 1;
          for (std::size_t q = 0; q < Q; ++q) st.fresh_admit[q][un] = 1;
        }
        sent_total = shed_total = 0;
        for (std::size_t q = 0; q < Q; ++q) {
          const int p = st.populations[q];
          const PopulationRules& r = *rules_[static_cast<std::size_t>(p)];
          double shed = 0;
          const double extra = populations_[static_cast<std::size_t>(p)]->add_same_step_retries(
              n, (1 - r.reject_late_share) * (1 - stop), true, &shed);
          st.sent[st.at(n, q)] += extra;
          st.sent_sum[q] += extra;
          st.sums.offered += extra;
          st.sums.retries += extra;
          shed_now_[q] += shed;
          shed_total += shed_now_[q];
          sent_total += st.sent[st.at(n, q)];
        }
        st.step_sent = sent_total;
      }
      st.single_admit[un] = z;
      admitted = 0;
      for (std::size_t q = 0; q < Q; ++q) {
        const long long f = rules_[static_cast<std::size_t>(st.populations[q])]->fan_out;
        const double share = f > 1 ? batch_member_share(z, f) : z;
        st.fresh_admit[q][un] = share;
        const double a = (st.sent[st.at(n, q)] - shed_now_[q] - fresh_now[q]) * z + fresh_now[q] * share;
        st.admitted[st.at(n, q)] = a;
        admitted += a;
      }
      st.rejected_any[un] = true;
      st.sums.rejected += sent_total - admitted;
      st.sums.shed += shed_total;
      // Tags of first attempts sent now: the jobs of one batch whose first
      // attempt was rejected are followed apart (docs/model.md, 11.4).
      if (overflow)
        for (std::size_t q = 0; q < Q; ++q) {
          const int p = st.populations[q];
          for (auto& [slot, main] : new_tags_[static_cast<std::size_t>(p)]) {
            *slot = make_tag(*rules_[static_cast<std::size_t>(p)], *main, n, main->horizon(), 0.0);
            (*slot)->send(n, 1.0, refused_share);
            (*slot)->refuse(n, send_keep_[static_cast<std::size_t>(p)]);
            tags_[static_cast<std::size_t>(p)].push_back(slot->get());
          }
        }
      for (std::size_t q = 0; q < Q; ++q) {
        const int p = st.populations[q];
        const PopulationRules& r = *rules_[static_cast<std::size_t>(p)];
        if (r.reject_steps > 0) continue;
        const double now = 1 - r.reject_late_share;  // of the rejected attempts, those that fail at once
        note_outcomes(p, {{n, now, Part::Rejected}});
        each_state(p, [&](Population& pop, bool main) {
          double gave = 0, stopped = 0;
          if (r.same_step) {
            // Its retries within the step are in its sends (the main
            // population's above; each tag's, with the same shares, now).
            if (!main) pop.add_same_step_retries(n, now * (1 - stop), true);
            stopped = pop.fail(n, now, Part::Rejected, false, stop);
            gave = pop.handle_failures(n, NowPart::Sent);
          } else if (r.burn) {
            double shed = 0;
            const double extra = pop.burn(n, now, gave, stop, &stopped, &shed);
            if (main) {
              st.sums.shed += shed;
              st.sent_sum[q] += extra;
              st.sums.offered += extra;
              st.sums.retries += extra;
              st.sums.rejected += extra;
            }
          } else {
            stopped = pop.fail(n, now, Part::Rejected, false, stop);
            gave = handle_failures(st, p, pop, main, n, true);
          }
          if (main) {
            st.sums.gave_up += gave;
            st.sums.stopped += stopped;
          }
        });
      }
    } else {
      st.single_admit[un] = 1;
      st.rejected_any[un] = false;
      for (std::size_t q = 0; q < Q; ++q) {
        st.admitted[st.at(n, q)] = st.sent[st.at(n, q)];
        st.fresh_admit[q][un] = 1;
      }
    }
    for (std::size_t q = 0; q < Q; ++q) new_tags_[static_cast<std::size_t>(st.populations[q])].clear();

    // 7. The new cohort is served at once from what capacity is left; with
    // drop_expired, what arrives within the margin of its sender's deadline
    // is dropped first (a job started late under a propagated deadline,
    // docs/model.md 11.17, or a timeout within the margin, 11.6).
    double servable = admitted;
    if (st.drop)
      for (std::size_t q = 0; q < Q; ++q) {
        const double a = st.admitted[st.at(n, q)];
        if (a <= 0 || st.drop_age(q, n) > 0) continue;
        st.sums.dropped += a;
        st.dropped_early[st.at(n, q)] += a;  // its sender learns nothing: it times out
        servable -= a;
      }
    const double served_now = std::min(left, servable);
    const double part = servable > 0 ? served_now / servable : 0;
    st.completed += served_now;
    double queued = 0;
    for (std::size_t q = 0; q < Q; ++q) {
      double a = st.admitted[st.at(n, q)];
      if (st.drop && a > 0 && st.drop_age(q, n) == 0) a = 0;  // dropped above
      const double t = served_now == servable ? a : a * part;
      st.served_in_time(q, n, t, n, false);
      if (st.deadline_reach > 0 && t > 0) st.completed_by_deadline.push_back({n + st.timeout_age(q, n), t});
      st.remaining[st.at(n, q)] = a - t;
      queued += a - t;
    }
    st.queue += queued;
    if (st.head == n && queued <= 0) st.head = n + 1;
    st.sums.served += st.completed;
    st.end_step(n, left - served_now);

    // The in-time completions of this step start jobs whose answers they
    // await: one tag per call follows those jobs (docs/model.md, 11.4).
    if (st.deadline_reach > 0) route_by_deadline(st, n);
    for (Batch* batch : st.current) {
      long until = n;
      for (const Awaiting& a : batch->awaiting) until = std::max(until, a.deadline);
      Batch& b = *batch;
      b.tags.resize(2 * st.calls.size());
      b.tag_population.assign(st.calls.size(), -1);
      b.late_calls = 0;
      b.any_group = false;
      b.all_groups = b.key >= 0;
      for (std::size_t k = 0; k < st.calls.size(); ++k) {
        const int c = st.calls[k];
        // With deadline propagation the jobs of a batch bound by its
        // deadline are the deadline group's (docs/model.md, 11.17).
        const int p = b.key >= 0 ? deadline_population(c, b.key, n) : c;
        if (p < 0) {
          b.any_group = true;
          continue;  // started after their deadline: no tag, no answer in time
        }
        b.tag_population[k] = p;
        if (p != c) b.any_group = true;
        else b.all_groups = false;
        const PopulationRules& r = *rules_[static_cast<std::size_t>(p)];
        if (k < 64 && proven_late(c, n, until + 2)) {
          b.late_calls |= std::uint64_t{1} << k;  // no tag: its law is known (docs/model.md, 11.10)
          continue;
        }
        b.tags[2 * k] = make_tag(r, *populations_[static_cast<std::size_t>(p)], n, until + 2, 1.0);
        tags_[static_cast<std::size_t>(p)].push_back(b.tags[2 * k].get());
        // Its twin with a rejected first attempt is made if the callee's queue is full now.
        new_tags_[static_cast<std::size_t>(p)].push_back({&b.tags[2 * k + 1], b.tags[2 * k].get()});
      }
      if (st.current.size() == 1 && st.calls.size() <= 64 &&
          b.late_calls == (std::uint64_t{2} << (st.calls.size() - 1)) - 1) {
        // Every job it started is proven late: answered at its events only.
        st.late_batches.splice(st.late_batches.end(), st.batches, std::prev(st.batches.end()));
        st.late_events.push({n, n, std::prev(st.late_batches.end())});
        ++st.result.late_batches;
      }
    }
  }

  /// Population p's failures gathered so far in step n (its main state or a
  /// tag) give up or wait out their delays. With client gates the main
  /// state asks them for the share allowed to retry, and its tags take the
  /// same share (docs/model.md, 11.12); the denied count at station st.
  double handle_failures(Station& st, int p, Population& pop, bool main, long n, bool defer_now) {
    ClientGates* gates = gates_[static_cast<std::size_t>(p)].get();
    if (!gates) return pop.handle_failures(n, defer_now);
    double& keep = retry_keep_[static_cast<std::size_t>(p)];
    double& keep_later = retry_keep_later_[static_cast<std::size_t>(p)];
    if (main) {
      // The step's failures so far reach the gates' running sums now: Envoy's
      // budget frees the slots of the retries among them first (10.11).
      GateStep& g = gate_step_[static_cast<std::size_t>(p)];
      g.failures += pop.take_failed_attempts();
      g.first_failures += pop.take_failed_first_attempts();
      gates->watch(&g);
      const fluid::Population::Wanting w = pop.wanting_retry();
      keep = gates->retry_share(w.timed_out, w.told, -1, w.later, &keep_later);
    }
    double denied = 0;
    const double gave = pop.handle_failures(n, defer_now, keep, &denied, keep_later);
    if (main) st.sums.denied += denied;
    return gave;
  }

  /// Closes the step for every population's client gates: its attempts
  /// tried, successes and failures as they reached the clients.
  void end_gate_steps() {
    for (std::size_t p = 0; p < gates_.size(); ++p) {
      if (!gates_[p]) continue;
      GateStep& g = gate_step_[p];
      g.failures += populations_[p]->take_failed_attempts();
      g.first_failures += populations_[p]->take_failed_first_attempts();
      gates_[p]->end_step(g);
      g = GateStep{};
    }
  }

  /// A tag of population rules `r` (Population::tag), on a spare one when
  /// an answered batch left one.
  std::unique_ptr<Population> make_tag(const PopulationRules& r, const Population& main, long first, long horizon,
                                       double first_admitted) {
    // Nothing after the run is read: a tag of a caller whose timeout outlasts
    // the run keeps a record no longer than the run (docs/model.md, 5.4).
    horizon = std::min(horizon, steps_ + 2);
    if (spare_tags_.empty()) return Population::tag(r, main, first, horizon, first_admitted);
    std::unique_ptr<Population> t = std::move(spare_tags_.back());
    spare_tags_.pop_back();
    t->reuse_as_tag(r, main, first, horizon, first_admitted);
    return t;
  }

  /// An answered batch: its tags stop, and they and the batch are kept for reuse.
  void retire(Station& st, std::list<Batch>& list, std::list<Batch>::iterator b) {
    for (std::size_t k = 0; k < b->tags.size(); ++k) {
      if (!b->tags[k]) continue;
      auto& live = tags_[static_cast<std::size_t>(b->tag_population[k / 2])];
      live.erase(std::find(live.begin(), live.end(), b->tags[k].get()));
      spare_tags_.push_back(std::move(b->tags[k]));
    }
    st.spare_batches.splice(st.spare_batches.end(), list, b);
  }

  /// docs/model.md, 11.5: the backward pass of station i, after its callees:
  /// the answers of this step to the attempts it served, then what its
  /// callers' tags learn of their success.
  void backward(int i, long n) {
    Station& st = stations_[static_cast<std::size_t>(i)];
    if (!st.calls.empty()) answer(st, n);
    for (std::size_t q = 0; q < st.q_count(); ++q) {
      const int p = st.populations[q];
      for (Population* t : tags_[static_cast<std::size_t>(p)])
        for (const Outcome& o : st.success[q]) t->succeed(o.cohort, o.share);
      if (gates_[static_cast<std::size_t>(p)]) {
        Population& main = *populations_[static_cast<std::size_t>(p)];
        GateStep& g = gate_step_[static_cast<std::size_t>(p)];
        for (const Outcome& o : st.success[q]) {
          g.successes += main.succeed(o.cohort, o.share);
          g.first_successes += main.first_attempts(o.cohort, o.share);
        }
      }
      note_outcomes(p, st.success[q]);
      st.success[q].clear();
      // Errors, and timeouts of awaited attempts, fail their senders' jobs
      // now; the sends of this step are made, so what would retry within it
      // retries in the next (docs/model.md, 11.5).
      if (st.deferred[q].empty()) continue;
      note_outcomes(p, st.deferred[q]);
      each_state(p, [&](Population& pop, bool main) {
        for (const Outcome& o : st.deferred[q]) pop.fail(o.cohort, o.share, o.part, o.error);
        const double gave = handle_failures(st, p, pop, main, n, true);
        if (main) st.sums.gave_up += gave;
      });
      st.deferred[q].clear();
    }
    // docs/model.md, 11.17: a deadline group at its deadline gives up the
    // jobs still waiting out a backoff, and begins its next life.
    if (propagating_)
      for (std::size_t q = 0; q < st.q_count(); ++q) {
        const std::size_t p = static_cast<std::size_t>(st.populations[q]);
        if (life_deadline_[p] != n) continue;
        st.sums.gave_up += populations_[p]->expire_and_begin_life(n + 1, n + st.deadline_cycle[q]);
        life_deadline_[p] = n + st.deadline_cycle[q];
      }
  }

  /// The answers of step n to the attempts station st served, batch by
  /// batch in the order they were served. A batch whose every tag is on the
  /// all-late law changes only at its events (docs/model.md, 11.10): it is
  /// answered at those steps alone, which changes nothing else.
  void answer(Station& st, long n) {
    due_.clear();
    while (!st.late_events.empty() && st.late_events.top().step == n) {
      due_.push_back(st.late_events.top().batch);
      st.late_events.pop();
    }
    auto late = due_.begin();
    for (auto b = st.batches.begin(); b != st.batches.end() || late != due_.end();) {
      const bool take_late = late != due_.end() && (b == st.batches.end() || (*late)->step < b->step);
      if (take_late) {
        const auto it = *late++;
        if (answer_batch(st, *it, n))
          schedule_late(st, it, n);
        else
          retire(st, st.late_batches, it);
        continue;
      }
      if (answer_batch(st, *b, n)) {
        ++b;
        continue;
      }
      retire(st, st.batches, b++);
    }
  }

  /// The next step at which an all-late batch, open after step n, may
  /// change: an awaiting attempt's deadline, or a step at which one of its
  /// calls' all-late laws moves.
  void schedule_late(Station& st, std::list<Batch>::iterator b, long n) {
    long next = std::numeric_limits<long>::max();
    for (const Awaiting& a : b->awaiting)
      if (a.mass > 0) next = std::min(next, a.deadline);
    for (std::size_t c = 0; c < st.calls.size(); ++c) {
      const std::vector<long>& moves = late_moves_[static_cast<std::size_t>(st.calls[c])];
      const std::size_t k = static_cast<std::size_t>(n - b->step);
      if (k + 1 < moves.size()) next = std::min(next, b->step + moves[k + 1]);
    }
    if (next != std::numeric_limits<long>::max()) st.late_events.push({std::max(next, n + 1), b->step, b});
  }

  /// The response law of one batch at step n (docs/model.md, 11.3): success
  /// by now when every started job has succeeded, an error when one has
  /// given up. Returns whether some of it still awaits an answer.
  bool answer_batch(Station& st, Batch& batch, long n) {
    Batch* const b = &batch;
    {
      double all_succeeded = 1, none_gave_up = 1;
      for (std::size_t c = 0; c < st.calls.size(); ++c) {
        const PopulationRules& r = *rules_[static_cast<std::size_t>(st.calls[c])];
        if (b->tag_population[c] < 0) {
          // docs/model.md, 11.17: started after their deadline, its jobs
          // give up at once, too late for the awaiting attempts (whose
          // deadline it is): neither a success nor an error in time.
          all_succeeded = 0;
          continue;
        }
        if (c < 64 && (b->late_calls >> c & 1)) {
          // docs/model.md, 11.10: never a success, given up by the all-late law.
          const std::vector<double>& law = late_law_[static_cast<std::size_t>(st.calls[c])];
          const double gave = law[std::min(static_cast<std::size_t>(n - b->step), law.size() - 1)];
          all_succeeded *= power(0.0, r.fan_out);
          none_gave_up *= power(std::max(0.0, 1.0 - gave), r.fan_out);
          continue;
        }
        const Population& admitted = *b->tags[2 * c];
        const Population* rejected = b->tags[2 * c + 1].get();
        const double z = stations_[static_cast<std::size_t>(r.target)].single_admit[static_cast<std::size_t>(b->step)];
        const double s_in = std::min(1.0, admitted.succeeded()), g_in = std::max(0.0, 1.0 - admitted.given_up());
        if (!rejected || z >= 1) {
          all_succeeded *= power(s_in, r.fan_out);
          none_gave_up *= power(g_in, r.fan_out);
          continue;
        }
        // docs/model.md, 11.4: a of the f first attempts admitted, with
        // P(a) = (1 - z) z^a for a < f and z^f for a = f; given a, the jobs
        // go on independently.
        const double s_out = std::min(1.0, rejected->succeeded()), g_out = std::max(0.0, 1.0 - rejected->given_up());
        double all = 0, none = 0, p_a = 1 - z;
        for (long long a = 0; a <= r.fan_out; ++a, p_a *= z) {
          const double weight = a < r.fan_out ? p_a : power(z, r.fan_out);
          all += weight * power(s_in, a) * power(s_out, r.fan_out - a);
          none += weight * power(g_in, a) * power(g_out, r.fan_out - a);
        }
        all_succeeded *= all;
        none_gave_up *= none;
      }
      const double success = all_succeeded, error = 1 - none_gave_up;
      const double new_success = std::max(0.0, success - b->success), new_error = std::max(0.0, error - b->error);
      b->success = success;
      b->error = error;
      bool open = false;
      for (Awaiting& a : b->awaiting) {
        if (a.mass <= 0) continue;
        // A batch of one deadline whose every call is followed by a group of
        // it (11.17): what its groups answer in the deadline step was in time
        // for them, so in time for it (a callee's own deadline step already
        // counted its half).
        const bool full = n < a.deadline || a.served_at_deadline;
        const double in_time = full || (b->all_groups && n == a.deadline) ? 1.0 : 0.5;
        const double good = std::min(a.mass - a.good - a.bad, a.mass * new_success * in_time);
        // A batch of one deadline: the groups' jobs give up at it, with the
        // awaiting attempts' senders; the senders time out first (11.17).
        const double bad_in_time = b->any_group && n >= a.deadline ? 0.0 : in_time;
        const double bad = std::min(a.mass - a.good - a.bad - good, a.mass * new_error * bad_in_time);
        const double sent = st.admitted[st.at(a.cohort, static_cast<std::size_t>(a.local))];
        if (good > 0) {
          st.sums.goodput += good;
          st.success[static_cast<std::size_t>(a.local)].push_back({a.cohort, good / sent});
          a.good += good;
        }
        if (bad > 0) {
          st.sums.failed += bad;
          st.deferred[static_cast<std::size_t>(a.local)].push_back({a.cohort, bad / sent, Part::Admitted, true});
          a.bad += bad;
        }
        const bool answered = success + error >= 1 - 1e-12;
        if (answered && full) {
          // Every job has answered: what is left is rounding dust of the
          // response law, split between its two outcomes, not a timeout.
          const double dust = a.mass - a.good - a.bad;
          if (dust > 0) {
            const double dust_good = dust * success / (success + error), dust_bad = dust - dust_good;
            st.sums.goodput += dust_good;
            st.sums.failed += dust_bad;
            if (dust_good > 0) st.success[static_cast<std::size_t>(a.local)].push_back({a.cohort, dust_good / sent});
            if (dust_bad > 0)
              st.deferred[static_cast<std::size_t>(a.local)].push_back({a.cohort, dust_bad / sent, Part::Admitted, true});
          }
          a.mass = 0;
        } else if (n >= a.deadline || answered) {
          const double late = a.mass - a.good - a.bad;
          if (late > 1e-15 * a.mass) {
            // No answer by the sender's timeout: wasted work, a timeout.
            st.sums.wasted += late;
            st.sums.timeouts += late;
            st.deferred[static_cast<std::size_t>(a.local)].push_back({a.cohort, late / sent});
          }
          a.mass = 0;
        } else {
          open = true;
        }
      }
      return open;
    }
  }

  /// docs/model.md, 11.10: whether every attempt that call population c's
  /// jobs started in step n send before `horizon` is late. The callee can
  /// neither reject nor drop, so it serves its queue at the end of step
  /// n - 1, all older than those attempts, before any of them; if that
  /// queue outlasts the callee's capacity up to the horizon, none is served
  /// by then, and each times out.
  bool proven_late(int c, long n, long horizon) const {
    if (late_law_[static_cast<std::size_t>(c)].empty()) return false;
    const Station& callee = stations_[static_cast<std::size_t>(rules_[static_cast<std::size_t>(c)]->target)];
    return callee.queue_outlasts(n, std::min(horizon, steps_ - 1));
  }

  /// docs/model.md, 11.11: whether, at the end of step n, the entry is
  /// proven to have no goodput in the run's last interval (while it has
  /// demand there). A service is *dead* when no attempt sent to it after n
  /// can succeed by the end: it neither limits nor drops and its queue
  /// outlasts its capacity to the end (none of those attempts is served), or
  /// it calls a dead service (every attempt it serves starts such a job).
  /// A dead entry succeeds after the last interval begins only for attempts
  /// sent by n, and their deadlines have passed by then.
  bool collapsed_after(long n) {
    const long last_start = (steps_ - 1) / steps_per_interval_ * steps_per_interval_;
    if (last_start <= n + rules_.front()->timeout_steps + 2) return false;
    if (!(demand_.integral(static_cast<double>(last_start) * h_, s_.duration_s) > 0)) return false;
    dead_.assign(stations_.size(), false);
    for (std::size_t i = stations_.size(); i-- > 0;) {
      const Station& st = stations_[i];
      if (!st.limited && !st.drop && st.queue_outlasts(n + 1, steps_ - 1)) dead_[i] = true;
      for (int c : st.calls)
        if (dead_[static_cast<std::size_t>(rules_[static_cast<std::size_t>(c)]->target)]) dead_[i] = true;
    }
    return dead_.front();
  }

  /// docs/model.md, 5.6 and 11.8: a healthy steady state at the end of step
  /// n. Nothing is queued or awaiting answers anywhere, no retry is due, no
  /// rejection or timeout is on its way back, and in every later step every
  /// service's first attempts fit in its capacity: every later step serves
  /// everything in the step it is sent and every call answers at once.
  bool quiet_from(long n) const {
    return n >= last_overload_step_ && !(next_refusal_s(n) < s_.duration_s) && settled_at(n);
  }

  /// The earliest time after step n at which some service's admission
  /// control may refuse a job (infinite when none will): a quiet stretch
  /// ends there (11.16).
  double next_refusal_s(long n) const {
    const double after = static_cast<double>(n + 1) * h_;
    double t = std::numeric_limits<double>::infinity();
    for (const Station& st : stations_)
      if (st.admission && !st.admission_lifted && st.admission_end_s() > after)
        t = std::min(t, std::max(st.server->admission.start_s, after));
    return t;
  }

  /// Nothing queued, awaited, due or on its way back anywhere at the end of
  /// step n (quiet_from without its condition on later steps).
  bool settled_at(long n) const {
    for (const Station& st : stations_) {
      if (st.head != n + 1 || !st.batches.empty() || !st.late_batches.empty()) return false;
      for (std::size_t q = 0; q < st.q_count(); ++q) {
        const PopulationRules& r = *rules_[static_cast<std::size_t>(st.populations[q])];
        for (long j = std::max(0L, n - r.reject_steps - 1); j <= n; ++j)
          if (st.rejected_any[static_cast<std::size_t>(j)]) return false;
        for (long j = std::max(0L, n - r.timeout_steps + 1); j <= n; ++j)
          if (st.dropped_early[st.at(j, q)] > 0) return false;
      }
    }
    for (const auto& p : populations_)
      if (p->busy_until() > n) return false;
    for (const auto& g : gates_)
      if (g && !g->settled()) return false;
    return true;
  }

  /// docs/model.md, 11.11: a run settled at the end of step n stays quiet
  /// (every step serves everything in it, every call answers at once) as
  /// long as every service's first attempts fit in its capacity. Returns
  /// the start of the last output interval that begins before the first
  /// step in which some service's may not.
  long quiet_until(long n) const {
    double first = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < stations_.size(); ++i)
      first = std::min(first, first_overload_s(demand_, factor_[i], stations_[i].capacity,
                                               static_cast<double>(n + 1) * h_, s_.duration_s));
    first = std::min(first, next_refusal_s(n));
    const long step = std::isfinite(first) ? std::min(steps_ - 1, static_cast<long>(std::floor(first / h_))) : steps_ - 1;
    return step / steps_per_interval_ * steps_per_interval_;
  }

  /// Steps [from, to) of a quiet stretch, whole output intervals, without
  /// solving them: each service is offered and serves its first attempts
  /// (the users' demand times its fan-out factor) and nothing else happens.
  /// The cohorts of the stretch are left as a solved quiet step leaves
  /// them, which is all a later step reads of them.
  void skip_quiet(long from, long to) {
    for (Station& st : stations_) {
      for (long j = from; j < to; ++j) {
        for (std::size_t q = 0; q < st.q_count(); ++q) {
          st.remaining[st.at(j, q)] = 0;
          st.dropped_early[st.at(j, q)] = 0;
          st.boundary[st.at(j, q)] = 0;
          st.fresh_admit[q][static_cast<std::size_t>(j)] = 1;
        }
        st.rejected_any[static_cast<std::size_t>(j)] = false;
        st.single_admit[static_cast<std::size_t>(j)] = 1;
      }
      st.head = to;
      st.queue = 0;
      st.result.skipped_steps += to - from;
    }
    for (long a = from; a < to; a += steps_per_interval_) {
      const long b = std::min(to, a + steps_per_interval_);
      const double length = static_cast<double>(b - a) * h_;
      const double demand = demand_.integral(static_cast<double>(a) * h_, static_cast<double>(b) * h_) / length;
      for (std::size_t i = 0; i < stations_.size(); ++i) {
        Station& st = stations_[i];
        Interval out;
        out.t_s = std::min(s_.duration_s, static_cast<double>(b) * h_);
        out.demand = out.offered = out.served = out.goodput = factor_[i] * demand;
        out.capacity = (st.capacity_before[static_cast<std::size_t>(b)] - st.capacity_before[static_cast<std::size_t>(a)]) / length;
        // Each population sends its first attempts: f times its caller's.
        std::vector<double>& rates = rates_scratch_;
        rates.assign(st.q_count(), 0.0);
        for (std::size_t q = 0; q < st.q_count(); ++q) {
          const PopulationRules& r = *rules_[static_cast<std::size_t>(st.populations[q])];
          rates[q] = r.caller < 0 ? demand
                                  : static_cast<double>(r.fan_out) * factor_[static_cast<std::size_t>(r.caller)] * demand;
        }
        emit_interval(static_cast<int>(i), out, rates);
      }
    }
  }

  /// docs/model.md, 11.13: counts, per station, the steps in a row whose
  /// attempts sent and served equal the step before's, to the bit.
  void note_steadiness() {
    for (Station& st : stations_) {
      st.steady_steps = st.step_sent == st.last_sent && st.completed == st.last_completed ? st.steady_steps + 1 : 0;
      st.last_sent = st.step_sent;
      st.last_completed = st.completed;
    }
  }

  /// docs/model.md, 11.13: whether the run is a steady state to its end
  /// from the end of step n, the end of an output interval: the rates stay
  /// as they are, every service has sent and served the same in each step
  /// and shown the same rows (its queue aside) for longer than any job
  /// lives, and every service with a queue serves only attempts already
  /// late for their senders to the end.
  bool steady_to_the_end(long n) {
    if (n < tail_next_try_) return false;
    // The rates of the rows compared are those of the rest of the run.
    const double from = static_cast<double>(n + 1 - static_cast<long>(tail_rows_) * steps_per_interval_) * h_;
    auto constant_after = [&](const RateSchedule& r) {
      for (double t : r.breakpoints())
        if (t > from && t < s_.duration_s) return false;
      return true;
    };
    if (!constant_after(demand_)) return false;
    for (const Station& st : stations_) {
      if (st.steady_steps <= memory_steps_ + steps_per_interval_ || st.recent.size() < tail_rows_) return false;
      if (!constant_after(st.capacity)) return false;
      // Nor a stop-retrying signal that starts later.
      const StopSignal& signal = st.server->stop_signal;
      if (signal.enabled && signal.start_s > from && signal.start_s < s_.duration_s) return false;
      // Nor admission control that starts or ends later.
      if (st.admission && !st.admission_lifted) {
        const double start = st.server->admission.start_s, end = st.admission_end_s();
        if ((start > from && start < s_.duration_s) || (end > from && end < s_.duration_s)) return false;
      }
      const Interval& last = st.recent.back();
      const double rise = last.queue - st.recent[st.recent.size() - 2].queue;
      for (std::size_t k = 0; k + 1 < st.recent.size(); ++k) {
        const Interval& a = st.recent[k];
        const double step_rise = st.recent[k + 1].queue - a.queue;
        if (std::fabs(step_rise - rise) > 1e-9 * std::max(1.0, last.queue)) return false;
        if (!same_row(a, last)) return false;
      }
    }
    for (const Station& st : stations_) {
      if (st.queue <= 0 && st.recent.front().queue <= 0) continue;
      // A queue that stays as it is, every attempt in it sent in the steady
      // steps: each later step meets the same queue.
      if (level(st) && n - st.head + memory_steps_ + 2 < st.steady_steps) continue;
      // A queue that grows: every attempt it serves to the end is late.
      const long late = *std::max_element(st.timeout_steps.begin(), st.timeout_steps.end()) + 2;
      if (st.limited || !st.serves_only_late_until(n, steps_ - 1, late, st.step_sent)) {
        // Not provable now: try again after twice as long a wait.
        tail_wait_ = std::max(2 * tail_wait_, steps_per_interval_);
        tail_next_try_ = n + tail_wait_;
        return false;
      }
    }
    return true;
  }

  /// Whether station st's queue stayed as it was over its latest row.
  static bool level(const Station& st) {
    const double last = st.recent.back().queue;
    return std::fabs(last - st.recent[st.recent.size() - 2].queue) <= 1e-9 * std::max(1.0, last);
  }

  /// Two rows of a service with the same rates and levels to rounding (a
  /// queue's head splits its cohorts at other places each interval), time,
  /// queue and wait aside.
  static bool same_row(const Interval& a, const Interval& b) {
    const double x[] = {a.demand, a.offered, a.retries, a.rejected, a.served, a.goodput, a.wasted, a.dropped,
                        a.timeouts, a.gave_up, a.backlog, a.throttled, a.denied, a.stopped, a.shed, a.capacity,
                        a.failed, a.waiting};
    const double y[] = {b.demand, b.offered, b.retries, b.rejected, b.served, b.goodput, b.wasted, b.dropped,
                        b.timeouts, b.gave_up, b.backlog, b.throttled, b.denied, b.stopped, b.shed, b.capacity,
                        b.failed, b.waiting};
    for (std::size_t f = 0; f < std::size(x); ++f)
      if (std::fabs(x[f] - y[f]) > 1e-12 * std::max(1.0, std::fabs(x[f]) + std::fabs(y[f]))) return false;
    return true;
  }

  /// The rows of the steady tail after step n: each service's last row,
  /// its queue rising as it did, its wait that of its queue.
  void emit_steady_tail(long n) {
    for (std::size_t i = 0; i < stations_.size(); ++i) {
      Station& st = stations_[i];
      const Interval last = st.recent.back();
      const double rise = last.queue - st.recent[st.recent.size() - 2].queue;
      const bool grows = !level(st);
      long k = 0;
      for (long b = n + 1 + steps_per_interval_; b <= steps_; b += steps_per_interval_) {
        Interval out = last;
        ++k;
        out.t_s = std::min(s_.duration_s, static_cast<double>(b) * h_);
        if (grows) {
          // Only where it has no drops (steady_to_the_end), so its wait is
          // that of its queue at capacity (Station::wait_at_end_of).
          out.queue = last.queue + static_cast<double>(k) * rise;
          out.wait_s = st.capacity.time_to_accumulate(out.t_s, out.queue) - out.t_s;
        }
        if (i == 0 && options_.on_interval)
          options_.on_interval(out);
        else
          st.result.intervals.push_back(out);
        for (auto& rows : st.sent_rows) rows.push_back(rows.back());
      }
      st.result.steady_steps = steps_ - (n + 1);
    }
  }

  /// With SolverOptions::audit: the shares of population p's cohorts whose
  /// fate its jobs have learnt (success, error, timeout, rejection).
  void note_outcomes(int p, const std::vector<Outcome>& outcomes) {
    if (!options_.audit) return;
    auto& [admitted, rejected] = resolved_[static_cast<std::size_t>(p)];
    for (const Outcome& o : outcomes)
      (o.part == Part::Admitted ? admitted : rejected)[static_cast<std::size_t>(o.cohort)] += o.share;
  }

  /// The jobs' books (spec/graph.md): every attempt's sender learns its fate
  /// exactly once, by its timeout (or its rejection's latency, if shorter).
  /// A cohort old enough must have been told all of it, a younger one never
  /// more. The imbalance, in attempts, as a fraction of those sent.
  void audit_outcomes(long end) {
    for (Station& st : stations_) {
      double gap = 0, sent = 0;
      for (std::size_t q = 0; q < st.q_count(); ++q) {
        const int p = st.populations[q];
        const PopulationRules& r = *rules_[static_cast<std::size_t>(p)];
        const auto& [admitted, rejected] = resolved_[static_cast<std::size_t>(p)];
        const long settled = end - r.timeout_steps - r.reject_steps - 3;
        for (long j = 0; j < end; ++j) {
          const double in = st.admitted[st.at(j, q)], out = st.sent[st.at(j, q)] - in;
          const double a = admitted[static_cast<std::size_t>(j)];
          const double b = rejected[static_cast<std::size_t>(j)];
          sent += st.sent[st.at(j, q)];
          if (j < settled) {
            gap += in * std::fabs(a - 1) + out * std::fabs(b - 1);
          } else {
            gap += in * std::max(0.0, a - 1) + out * std::max(0.0, b - 1);
          }
        }
      }
      st.result.audit.jobs = gap / std::max(1.0, sent);
      st.result.audit.steps_checked = end;
    }
  }

  void close_interval(int i, long n, double length) {
    Station& st = stations_[static_cast<std::size_t>(i)];
    std::vector<double>& rates = rates_scratch_;
    rates.resize(st.q_count());
    for (std::size_t q = 0; q < st.q_count(); ++q) {
      rates[q] = st.sent_sum[q] / length;
      st.sent_sum[q] = 0;
    }
    emit_interval(i, st.close_interval(n, length, std::min(s_.duration_s, static_cast<double>(n + 1) * h_)), rates);
  }

  /// Station i's interval, with its callers' backlog, to the entry's
  /// on_interval or the station's result; and the rates each of its
  /// populations sent in it (`rates`, per local population).
  void emit_interval(int i, Interval out, const std::vector<double>& rates) {
    Station& st = stations_[static_cast<std::size_t>(i)];
    for (std::size_t q = 0; q < st.q_count(); ++q) st.sent_rows[q].push_back(rates[q]);
    double backlog = 0;
    for (int p : st.populations) backlog += populations_[static_cast<std::size_t>(p)]->backlog();
    out.backlog = std::max(0.0, backlog);
    if (tail_) {
      if (st.recent.size() == tail_rows_) st.recent.pop_front();
      st.recent.push_back(out);
    }
    if (i == 0 && options_.on_interval)
      options_.on_interval(out);
    else
      st.result.intervals.push_back(out);
  }

  const Scenario& s_;
  ServiceGraph graph_;
  const double h_;
  const SolverOptions& options_;
  const long steps_, steps_per_interval_;
  double last_step_s_ = 0;
  RateSchedule demand_;
  std::vector<Station> stations_;  // in topological order
  std::vector<int> station_of_;    // graph vertex -> station
  std::vector<std::unique_ptr<PopulationRules>> rules_;
  std::vector<std::unique_ptr<Population>> populations_;
  // Per population: its clients' gates (null without a policy), the flows
  // of the current step for them, and the shares they gave in it.
  std::vector<std::unique_ptr<ClientGates>> gates_;
  std::vector<GateStep> gate_step_;
  std::vector<double> send_keep_, retry_keep_, retry_keep_later_;  // later: for failures of retries (10.11)
  bool any_gates_ = false;
  std::vector<double> shed_now_;  // forward: per local population, its attempts of refused jobs this step
  bool scaling_ = false;    // some service has an autoscaler
  bool shortcuts_ = false;  // the look-ahead shortcuts (11.10, 11.11, 11.13): off with an autoscaler
  // docs/model.md, 11.17, per population: a deadline group's call (-1: not
  // a group) and the deadline ending its current life; a propagating
  // call's first group and reach (0: it does not propagate); this step's
  // first attempts routed to it by deadline (-1: not routed) and those of
  // its jobs started after their deadline.
  bool propagating_ = false;
  std::vector<int> group_main_, first_group_;
  std::vector<long> life_deadline_, deadline_reach_;
  std::vector<double> routed_, expired_;
  std::vector<std::vector<Population*>> tags_;  // per population, its live tags
  // Per population: the twins to make if its callee's queue is full in this
  // step (where to put one, and its admitted twin).
  std::vector<std::vector<std::pair<std::unique_ptr<Population>*, const Population*>>> new_tags_;
  std::vector<double> scratch_;
  std::vector<double> rates_scratch_;  // per local population, as an interval closes
  std::vector<std::vector<double>> late_law_;  // per population: its all-late law (empty: no shortcut)
  std::vector<std::vector<long>> late_moves_;   // per population: moves[k], the first step >= k at which its law moves
  std::vector<std::list<Batch>::iterator> due_;
  std::vector<std::unique_ptr<Population>> spare_tags_;  // of answered batches, for reuse
  std::vector<bool> dead_;  // per station, in collapsed_after
  std::vector<std::string> population_path_;  // per population: "client" for the users, else its call's path
  std::vector<double> factor_;  // per station, with stop_when_decided: its first attempts per user job
  // With SolverOptions::audit, per population: the share of each cohort's
  // admitted, and rejected, attempts whose fate its jobs have learnt.
  std::vector<std::pair<std::vector<double>, std::vector<double>>> resolved_;
  std::vector<std::pair<long long, double>> batches_;
  long last_overload_step_ = -1;  // with stop_when_decided (quiet_from)
  // docs/model.md, 11.13: the longest life of a job (-1: unbounded), and
  // whether and from how many rows a steady tail may be taken.
  long memory_steps_ = 0;
  bool tail_ = false;
  std::size_t tail_rows_ = 0;
  long tail_next_try_ = 0;  // after a failed proof, the step from which to try again
  long tail_wait_ = 0;
};

}  // namespace

void check_deadline_groups(const Scenario& s, double h) {
  if (!has_calls(s)) return;
  const ServiceGraph graph(s);
  const double steps = std::max(1.0, std::ceil(s.duration_s / h - 1e-9));
  // Per service: its sender populations' longest timeout, and how many populations feed it.
  std::map<std::string, long> longest{{"server", timeout_steps_of(s.client, h)}};
  std::map<std::string, double> populations{{"server", 1}};
  long groups = 0;
  std::string first_over;
  for (ServiceId v : graph.order()) {
    const std::string& caller = graph.name(v);
    for (const auto& [callee, call] : graph.server(v).calls) {
      const Server& target = *graph.find_server(callee);
      const long timeout = timeout_steps_of(call.client, h);
      longest[callee] = std::max(longest[callee], timeout);
      populations[callee] += 1;
      if (!call.propagate_deadline) continue;
      const long reach = deadline_reach(longest[caller], call.client, timeout,
                                        build_retry_policy(call.client, h).max_offset,
                                        static_cast<long>(std::floor(reject_delay_steps(call.client, target, h))));
      groups += reach + 1;
      populations[callee] += static_cast<double>(reach + 1);
      const std::string path = (caller == "server" ? std::string("server") : "services." + caller) + ".calls." + callee;
      if (groups > kMaxDeadlineGroups && first_over.empty()) first_over = path;
    }
  }
  if (!first_over.empty())
    throw InputError("", first_over + ".propagate_deadline", "true",
                     "deadline propagation needs " + std::to_string(groups) +
                         " deadline groups in all, one per solver step of " + format_number(h) +
                         " s that a job of a propagating call may have left (docs/model.md, 11.17), more than " +
                         std::to_string(kMaxDeadlineGroups) +
                         ": shorten the timeouts above the propagating calls, cap their attempts, or pass a larger "
                         "--solver-step");
  double cells = 0;
  for (const auto& entry : populations) cells += steps * entry.second;
  if (groups > 0 && cells > kMaxDeadlineCells)
    throw InputError("", "duration_s", format_number(s.duration_s),
                     "with deadline propagation the graph would keep " + format_number(std::ceil(cells)) +
                         " cohort records (its solver steps of " + format_number(h) +
                         " s times the populations of its services, each deadline group one, docs/model.md 11.17), "
                         "more than " + format_number(kMaxDeadlineCells) +
                         ": shorten duration_s, or the timeouts above the propagating calls, or pass a larger "
                         "--solver-step");
}

bool needs_graph_model(const Scenario& s) {
  return has_calls(s) || (s.server.drop_expired && s.server.drop_margin_s > 0);
}

double default_graph_step(const Scenario& s) {
  Scenario shortest = s;
  for (const CallSite& site : call_sites(s))
    shortest.client.timeout_s = std::min(shortest.client.timeout_s, site.call->client.timeout_s);
  return default_solver_step(shortest);
}

std::vector<ServiceRun> solve_services(const Scenario& s, const SolverOptions& options) {
  if (!needs_graph_model(s)) {
    ServiceRun one{"server", solve(s, options), {}};
    SenderRun users{"users", "client", {}};
    for (const Interval& x : one.run.intervals) users.attempts.push_back(x.offered);
    one.senders.push_back(std::move(users));
    return {std::move(one)};
  }
  double shortest = s.client.timeout_s;
  for (const CallSite& site : call_sites(s)) shortest = std::min(shortest, site.call->client.timeout_s);
  double h = default_graph_step(s);
  if (options.step_s != 0) {
    if (!(options.step_s > 0) || !std::isfinite(options.step_s))
      throw InputError("--solver-step", "", format_number(options.step_s), "must be a positive number of seconds");
    if (options.step_s > shortest)
      throw InputError("--solver-step", "", format_number(options.step_s),
                       "must not exceed the shortest timeout of the users and the calls (" + format_number(shortest) +
                           " s)");
    h = s.step_s / std::ceil(s.step_s / options.step_s - 1e-9);
  }
  const double steps = s.duration_s / h;
  if (steps > kMaxSteps / static_cast<double>(1 + s.services.size()))
    throw InputError(options.step_s != 0 ? "--solver-step" : "", options.step_s != 0 ? "" : "duration_s",
                     format_number(options.step_s != 0 ? options.step_s : s.duration_s),
                     "the graph would take " + format_number(std::ceil(steps)) + " solver steps of " + format_number(h) +
                         " s at each of its " + std::to_string(1 + s.services.size()) +
                         " services: shorten duration_s, lengthen the shortest timeout or pass a larger --solver-step");
  return GraphRun(s, h, options).run();
}

}  // namespace sg
