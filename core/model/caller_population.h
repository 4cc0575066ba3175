/// A population of callers in the fluid model of a service graph
/// (docs/model.md, 11.2): the users, or the jobs of one call, with their
/// attempt classes, backoff kernels and give-ups; and a tag of one (11.4).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "model/retry_policy.h"

namespace sg::fluid {


/// What a station reports of one population's cohort at one step: a share of
/// the attempts the population sent in cohort j (docs/model.md, 11.3). Every
/// attempt of a cohort shares its fate whatever its class, so a share is
/// all a population (or a tag of it) needs to split an outcome over its
/// classes.
/// Which part of a cohort an outcome is a share of.
enum class Part { Admitted, Rejected };

struct Outcome {
  long cohort;
  double share;  ///< of the cohort's admitted attempts, or of its rejected ones
  Part part = Part::Admitted;
  /// An admitted share that failed with an error answer, not a timeout (the
  /// client gates price the two apart; a rejection is always told).
  bool error = false;
  /// A rejection failed at its job's deadline before it reached the client
  /// (docs/model.md, 11.17): it carries no stop-retrying signal.
  bool unheard = false;
};

/// The fixed rules of one caller population: the users, or the jobs of one
/// call (attempt classes and their delay kernels, the timeout).
struct PopulationRules {
  RetryPolicy policy;
  long timeout_steps = 1;
  std::vector<int> kernel_reach;
  long long fan_out = 1;
  int caller = -1;  ///< the calling station, -1 for the users
  int target = 0;   ///< the station its attempts go to
  int local = 0;    ///< its index among the target's populations
  bool burn = false;  ///< every delay is zero and rejections reach it at once (docs/model.md, 4.4)
  long reject_steps = 0;
  double reject_late_share = 0;
  /// The callers' client gates are on (docs/model.md, 11.12): failures are
  /// kept apart by kind, timed out or told, for the retry share.
  bool gated = false;
  /// docs/model.md, 11.5: per class t, the (source class, share) of a
  /// failure of the source that retries in the step it failed (its kernels'
  /// mass at offset 0, to class t). Empty when no delay is that short.
  std::vector<std::vector<std::pair<int, double>>> same_step_in;
  bool same_step = false;  ///< some class retries within its failure's step
};

/// What a kernel puts in the step of the failure itself (NowPart).
enum class NowPart {
  Retry,  ///< retries in the step: the step's sends are still to be made
  Defer,  ///< leaves in the next step instead: the step's sends are made
  Sent,   ///< already sent in the step (Population::add_same_step_retries): dropped
};

/// A caller population's state (docs/model.md, 11.2): what it sent in each
/// recent cohort, class by class, and its jobs waiting out a backoff. The
/// population of a call and a *tag* of it (the jobs that the in-time
/// completions of one step started, followed per unit to learn their
/// response law, 11.4) are the same physics, so they are the same type: a
/// tag only has a nearer horizon.
class Population {
public:
  Population(const PopulationRules& rules, long first, long horizon, long record_slots)
      : rules_(&rules), first_(first), horizon_(horizon), record_slots_(std::max(2L, record_slots)) {
    classes_ = rules.policy.classes.size();
    lane_ = static_cast<std::size_t>(rules.policy.lane_classes);
    failed_.assign(classes_, 0.0);
    failed_told_.assign(rules.gated ? classes_ : 0, 0.0);
    kernel_mass_.assign(rules.policy.kernels.size(), 0.0);
  }

  /// A tag: one job started in step `first`, followed to `horizon`, whose
  /// first attempt was admitted (`first_admitted` 1) or rejected (0): the
  /// jobs of one batch share that draw (docs/model.md, 11.4). Until it first
  /// fails it holds nothing but that first attempt, so its buffers are made
  /// only then: most tags answer at once and never need them.
  static std::unique_ptr<Population> tag(const PopulationRules& rules, const Population& main, long first, long horizon,
                                         double first_admitted) {
    auto t = std::make_unique<Population>(rules, first, horizon, horizon - first + 1);
    t->become_tag(main, first_admitted);
    return t;
  }

  /// Makes a spare population a new tag, as tag() would, keeping the room
  /// its buffers had (the solver reuses the tags of answered batches).
  void reuse_as_tag(const PopulationRules& rules, const Population& main, long first, long horizon, double first_admitted) {
    rules_ = &rules;
    first_ = first;
    horizon_ = horizon;
    record_slots_ = std::max(2L, horizon - first + 1);
    classes_ = rules.policy.classes.size();
    lane_ = static_cast<std::size_t>(rules.policy.lane_classes);
    lifted_ = false;
    failed_.assign(classes_, 0.0);
    failed_told_.assign(rules.gated ? classes_ : 0, 0.0);
    kernel_mass_.assign(rules.policy.kernels.size(), 0.0);
    failed_attempts_ = failed_first_attempts_ = 0;
    stopped_ = 0;
    pending_failures_ = false;
    for (auto* v : {&ring_explicit_, &ring_diff_, &ring_rate_, &record_, &fresh_}) v->clear();
    ring_run_until_.clear();
    ring_size_ = 2;
    ring_mask_ = 1;
    backlog_ = succeeded_ = gave_up_ = 0;
    busy_until_ = -1;
    become_tag(main, first_admitted);
  }

  /// docs/model.md, 11.17: the population is a deadline group, whose
  /// horizon is its current life's deadline.
  void make_deadline_group() { deadline_group_ = true; }

  /// docs/model.md, 11.17: a deadline group at its deadline. Its jobs still
  /// waiting out a backoff would retry after it: they give up now (their
  /// retries were never slotted, the horizon being the deadline). Returns
  /// them; the group then starts its next life, cohorts `first` on, with
  /// the deadline `horizon`, its buffers cleared and kept.
  double expire_and_begin_life(long first, long horizon) {
    const double expired = std::max(0.0, backlog_);
    gave_up_ += expired;
    backlog_ = 0;
    first_ = first;
    horizon_ = horizon;
    last_ = first - 1;
    for (auto* v : {&ring_explicit_, &ring_diff_, &ring_rate_, &record_, &fresh_}) std::fill(v->begin(), v->end(), 0.0);
    std::fill(ring_run_until_.begin(), ring_run_until_.end(), 0L);
    std::fill(failed_.begin(), failed_.end(), 0.0);
    std::fill(failed_told_.begin(), failed_told_.end(), 0.0);
    std::fill(kernel_mass_.begin(), kernel_mass_.end(), 0.0);
    stopped_ = 0;
    pending_failures_ = false;
    busy_until_ = -1;
    return expired;
  }

  /// The all-late law of a population (docs/model.md, 11.10): the jobs
  /// of a tag given up by each step after their start, up to `steps`, when
  /// every attempt's share 1 times out at the timeout step and nothing else
  /// reaches them (they never succeed). It is the same sequence of
  /// operations as a tag followed step by step, so the law is exact, to the
  /// last bit.
  static std::vector<double> all_late_law(const PopulationRules& rules, long steps) {
    const std::vector<double> ones(static_cast<std::size_t>(steps) + 2, 1.0);
    Population main(rules, 0, steps + 1, 2);
    main.admission_from(ones.data(), ones.data());
    auto t = tag(rules, main, 0, steps + 1, 1.0);
    std::vector<double> law(static_cast<std::size_t>(steps) + 1, 0.0);
    for (long k = 0; k <= steps; ++k) {
      if (k >= rules.timeout_steps) t->fail(k - rules.timeout_steps, 1.0, Part::Admitted);
      t->handle_failures(k, false);
      law[static_cast<std::size_t>(k)] = t->given_up();
      t->send(k, k == 0 ? 1.0 : 0.0);
    }
    return law;
  }

  /// Where the station keeps, per cohort, the admitted share of single
  /// attempts and of this population's first attempts (docs/model.md, 11.5).
  void admission_from(const double* single_admit, const double* fresh_admit) {
    single_admit_ = single_admit;
    fresh_admit_ = fresh_admit;
  }

  /// Of cohort j, class c: the part the station admitted, or rejected.
  double part(long j, std::size_t c, Part which) const {
    const double sent = record(j, c);
    if (sent <= 0) return 0;
    // The lane of jobs refused by admission control: every attempt rejected (11.16).
    if (c >= lane_) return which == Part::Admitted ? 0 : sent;
    const double fresh = c == static_cast<std::size_t>(rules_->policy.first_class) ? fresh_of(j) : 0;
    const double fresh_share = j == first_ && first_admitted_ >= 0 ? first_admitted_ : fresh_admit_[j];
    const double admitted = (sent - fresh) * single_admit_[j] + fresh * fresh_share;
    return which == Part::Admitted ? admitted : sent - admitted;
  }

  const PopulationRules& rules() const { return *rules_; }
  long first() const { return first_; }
  long horizon() const { return horizon_; }

  /// The attempts of cohort j, class c (0 before the population's first).
  double record(long j, std::size_t c) const {
    if (j < first_ || j > last_) return 0;
    if (single_) return j == first_ && c == static_cast<std::size_t>(rules_->policy.first_class) ? 1.0 : 0.0;
    return record_[slot(j) + c];
  }

  /// A share of cohort j's admitted (or rejected) attempts fails now: the
  /// failures wait for handle_failures. `error`: an admitted share answered
  /// with an error, not timed out (rejections are told in any case).
  /// `stop`: of a rejected share, what carries the station's stop-retrying
  /// signal to a client that honours it (docs/model.md, 11.14): those jobs
  /// give up in handle_failures unless the attempt was their last anyway.
  /// Returns the jobs stopped.
  double fail(long j, double share, Part which, bool error = false, double stop = 0) {
    if (j < first_ || j > last_ || share <= 0) return 0;
    const bool told = which == Part::Rejected || error;
    if (which != Part::Rejected) stop = 0;
    double stopped = 0;
    for (std::size_t c = 0; c < classes_; ++c) {
      double f = part(j, c, which) * share;
      failed_attempts_ += f;
      if (rules_->policy.classes[c].attempt == 1) failed_first_attempts_ += f;
      if (stop > 0 && f > 0 && !rules_->policy.classes[c].last) {
        const double s = f * stop;
        stopped += s;
        f -= s;
      }
      failed_[c] += f;
      if (told && !failed_told_.empty()) failed_told_[c] += f;
    }
    stopped_ += stopped;
    pending_failures_ = true;
    return stopped;
  }

  /// Of the failures gathered so far in this step, those that want a retry
  /// (not on their last attempt): timed out, and told (rejected or answered
  /// with an error). Only a gated population keeps them apart; otherwise
  /// all are counted as timed out.
  struct Wanting {
    double timed_out = 0, told = 0;
    double later = 0;  ///< of both, failures of retries (attempt 2 on)
  };
  Wanting wanting_retry() const {
    Wanting w;
    for (std::size_t c = 0; c < classes_; ++c) {
      if (rules_->policy.classes[c].last) continue;
      const double t = failed_told_.empty() ? 0.0 : failed_told_[c];
      w.told += t;
      w.timed_out += failed_[c] - t;
      if (rules_->policy.classes[c].attempt > 1) w.later += failed_[c];
    }
    w.timed_out = std::max(0.0, w.timed_out);
    return w;
  }

  /// The attempts that failed since the last call (for the client gates).
  double take_failed_attempts() {
    const double f = failed_attempts_;
    failed_attempts_ = 0;
    return f;
  }
  /// Of those, the jobs' first attempts (the policy keeps them in classes of
  /// attempt 1 when a gate needs them apart, build_retry_policy).
  double take_failed_first_attempts() {
    const double f = failed_first_attempts_;
    failed_first_attempts_ = 0;
    return f;
  }

  /// Of a share of cohort j's admitted attempts, the jobs' first attempts.
  double first_attempts(long j, double share) const {
    if (j < first_ || j > last_ || share <= 0) return 0;
    const double fresh_share = j == first_ && first_admitted_ >= 0 ? first_admitted_ : fresh_admit_[j];
    return fresh_of(j) * fresh_share * share;
  }

  /// docs/model.md, 11.12: the callers' gates let `keep` of cohort n (just
  /// sent) out; the rest is refused by the clients themselves, never reaches
  /// the station, and its jobs give up. Returns the refused attempts.
  double refuse(long n, double keep) {
    if (keep >= 1 || n < first_ || n > last_) return 0;
    if (single_) {
      if (n != first_) return 0;
      expand();
    }
    double* r = &record_[slot(n)];
    double refused = 0;
    for (std::size_t c = 0; c < classes_; ++c) {
      refused += r[c] * (1 - keep);
      r[c] *= keep;
    }
    fresh_[static_cast<std::size_t>(n % record_slots_)] *= keep;
    gave_up_ += refused;
    return refused;
  }

  /// docs/model.md, 11.5: the attempts of cohort n (just sent and admitted
  /// at a full queue with the shares the station set for it) grow by the
  /// retries of its rejected ones that fall in this very step: `now` of the
  /// rejections fail at once, and with A the step's sends by class,
  /// A = S + P'(now x rejected share x A), P the rules' same_step_in.
  /// Gauss-Seidel sweeps in class order (exact in one when retries go to
  /// later classes). With `write`, the cohort's record becomes A; in any
  /// case returns the retries added. Their failures are then handled with
  /// NowPart::Sent.
  double add_same_step_retries(long n, double now, bool write, double* shed = nullptr) {
    if (!rules_->same_step || now <= 0 || n != last_) return 0;
    const double z = single_admit_[n];
    const double fresh = fresh_of(n);
    const double fresh_share = n == first_ && first_admitted_ >= 0 ? first_admitted_ : fresh_admit_[n];
    const std::size_t first = static_cast<std::size_t>(rules_->policy.first_class);
    std::vector<double>& a = same_step_scratch_;
    a.resize(classes_);
    for (std::size_t c = 0; c < classes_; ++c) a[c] = record(n, c);
    const auto rejected = [&](std::size_t c) {
      if (c >= lane_) return a[c];  // refused by admission control: rejected again
      const double f = c == first ? fresh : 0;
      return (a[c] - f) * (1 - z) + f * (1 - fresh_share);
    };
    double added = 0;
    for (int sweep = 0; sweep < 200; ++sweep) {
      double change = 0, total = 0;
      for (std::size_t t = 0; t < classes_; ++t) {
        if (rules_->same_step_in[t].empty()) continue;
        double in = record(n, t), self = 0;
        for (auto [source, share] : rules_->same_step_in[t]) {
          if (static_cast<std::size_t>(source) == t)
            self += share;
          else
            in += now * share * rejected(static_cast<std::size_t>(source));
        }
        // Retries of a class into itself: a = in + now self (1 - z) a (its first attempts are not retries).
        const double loop = now * self * (1 - z);
        const double v = loop < 1 ? in / (1 - loop) : in;
        change += std::fabs(v - a[t]);
        total += v;
        a[t] = v;
      }
      if (change <= 1e-15 * total) break;
    }
    for (std::size_t c = 0; c < classes_; ++c) {
      added += a[c] - record(n, c);
      if (shed && c >= lane_) *shed += a[c] - record(n, c);
    }
    if (!write || added <= 0) return std::max(0.0, added);
    if (single_) expand();
    double* r = &record_[slot(n)];
    for (std::size_t c = 0; c < classes_; ++c) r[c] = a[c];
    return added;
  }

  /// A share of cohort j's admitted attempts succeeds: returns the jobs that did.
  double succeed(long j, double share) {
    if (j < first_ || j > last_ || share <= 0) return 0;
    double jobs = 0;
    for (std::size_t c = 0; c < classes_; ++c) jobs += part(j, c, Part::Admitted);
    jobs *= share;
    succeeded_ += jobs;
    return jobs;
  }

  /// The failures gathered in step n give up (last attempt) or wait out
  /// their delay along the class's kernels; `defer_now`: what a kernel puts
  /// in step n itself leaves in step n + 1 instead (the sends of step n are
  /// made, docs/model.md 11.5). Of those wanting a retry, only
  /// `retry_share` may (the client gates, 11.12): the rest are denied and
  /// give up too, counted in `denied`. Returns the jobs that gave up.
  /// `later_share`: the share for the failures of retries (attempt 2 on),
  /// when it differs (Envoy's budget, docs/model.md 10.11); -1: the same.
  double handle_failures(long n, bool defer_now, double retry_share = 1, double* denied = nullptr,
                         double later_share = -1) {
    return handle_failures(n, defer_now ? NowPart::Defer : NowPart::Retry, retry_share, denied, later_share);
  }
  double handle_failures(long n, NowPart now_part, double retry_share = 1, double* denied = nullptr,
                         double later_share = -1) {
    // Most steps of most tags have nothing to handle: nothing failed since the last call.
    if (!pending_failures_) return 0;
    pending_failures_ = false;
    double gave_up = stopped_;  // jobs the stop signal ended (fail)
    stopped_ = 0;
    bool any = false;
    if (lifted_)
      // Admission control has ended: the refused jobs' failures (rejections
      // still on their way) retry as admitted jobs, class for class.
      for (std::size_t c = lane_; c < classes_; ++c) {
        failed_[c - lane_] += failed_[c];
        failed_[c] = 0;
        if (!failed_told_.empty()) {
          failed_told_[c - lane_] += failed_told_[c];
          failed_told_[c] = 0;
        }
      }
    for (std::size_t c = 0; c < classes_; ++c) {
      double f = failed_[c];
      if (f <= 0) continue;
      failed_[c] = 0;
      if (!failed_told_.empty()) failed_told_[c] = 0;
      const AttemptClass& cls = rules_->policy.classes[c];
      if (cls.last) {
        gave_up += f;
        continue;
      }
      const double share = later_share >= 0 && cls.attempt > 1 ? later_share : retry_share;
      if (share < 1) {
        const double no = f * (1 - share);
        gave_up += no;
        if (denied) *denied += no;
        f -= no;
        if (f <= 0) continue;
      }
      for (const Transition& t : cls.on_failure) kernel_mass_[static_cast<std::size_t>(t.kernel)] += f * t.probability;
      any = true;
    }
    if (any)
      for (std::size_t k = 0; k < kernel_mass_.size(); ++k) {
        const double mass = kernel_mass_[k];
        if (mass <= 0) continue;
        kernel_mass_[k] = 0;
        deposit(k, mass, n, now_part);
      }
    gave_up_ += gave_up;
    return gave_up;
  }

  /// Sends cohort n: the retries due now and `fresh` first attempts, of
  /// which the station's admission control refuses `refused` (their jobs go
  /// to the lane of refused jobs, 11.16). Returns the retries; the cohort's
  /// record holds all of it.
  double send(long n, double fresh, double refused = 0) {
    if (single_ && (refused <= 0 || n != first_)) {
      last_ = n;
      return 0;  // nothing waits out a delay: the first attempt was its only one
    }
    return send_cohort(n, fresh, refused);
  }

private:
  double send_cohort(long n, double fresh, double refused) {
    if (single_) expand();
    if (record_.empty()) allocate();
    last_ = n;
    double* r = &record_[slot(n)];
    double retries = 0;
    for (std::size_t c = 0; c < classes_; ++c) {
      r[c] = take_due(c, n);
      retries += r[c];
    }
    r[static_cast<std::size_t>(rules_->policy.first_class)] += fresh * (1 - refused);
    if (refused > 0) r[static_cast<std::size_t>(rules_->policy.shed_first_class)] += fresh * refused;
    fresh_[static_cast<std::size_t>(n % record_slots_)] = fresh * (1 - refused);
    backlog_ -= retries;
    return retries;
  }

public:
  /// docs/model.md, 4.4: jobs rejected at once whose every delay is zero
  /// retry into the same full queue at the same instant, so every attempt
  /// they have left is rejected and they give up. `share` of cohort n is
  /// rejected; returns the further attempts (all rejected) and adds the jobs
  /// to `gave_up`.
  /// `stop`: the share of each rejection that carries the station's
  /// stop-retrying signal to a client that honours it: at every round that
  /// share gives up before its next attempt, counted in `stopped`.
  double burn(long n, double share, double& gave_up, double stop = 0, double* stopped = nullptr, double* shed = nullptr) {
    double extra = 0;
    for (std::size_t c = 0; c < classes_; ++c) {
      const double before = extra;
      const double jobs = part(n, c, Part::Rejected) * share;
      if (jobs <= 0) continue;
      const AttemptClass& cls = rules_->policy.classes[c];
      // Attempts left after this one: an instant policy has one class per
      // attempt, the last one's number M (unlimited ones are refused).
      const long left = static_cast<long>(lane_) - cls.attempt;  // the lane of refused jobs is a copy
      if (stop > 0) {
        double going = jobs;
        for (long k = 0; k < left && going > 0; ++k) {
          const double s = going * stop;
          if (stopped) *stopped += s;
          going -= s;
          extra += going;
        }
      } else {
        extra += jobs * static_cast<double>(std::max(0L, left));
      }
      gave_up += jobs;
      gave_up_ += jobs;
      if (shed && c >= lane_) *shed += extra - before;
    }
    return extra;
  }

  /// Of cohort n, the attempts of jobs refused by admission control.
  double shed_of(long n) const {
    double shed = 0;
    for (std::size_t c = lane_; c < classes_; ++c) shed += record(n, c);
    return shed;
  }

  /// Admission control has ended (docs/model.md, 10.7 and 11.16): the
  /// refused jobs waiting out a delay join the admitted lane class for
  /// class (every state of a lane is linear in its masses), and failures
  /// still to come of their rejected attempts retry as admitted ones.
  void lift_admission() {
    if (lane_ >= classes_ || lifted_) return;
    lifted_ = true;
    if (ring_explicit_.empty()) return;
    merge_refused_lane(ring_explicit_, ring_diff_, ring_rate_, ring_run_until_, static_cast<std::size_t>(ring_size_), lane_);
  }

  double backlog() const { return backlog_; }
  /// The last step at which a retry it holds may be due (-1: none ever).
  long busy_until() const { return busy_until_; }
  double succeeded() const { return succeeded_; }
  double given_up() const { return gave_up_; }

private:
  void become_tag(const Population& main, double first_admitted) {
    single_ = true;
    last_ = first_;
    single_admit_ = main.single_admit_;
    fresh_admit_ = main.fresh_admit_;
    first_admitted_ = first_admitted;
  }

  std::size_t slot(long j) const { return static_cast<std::size_t>(j % record_slots_) * classes_; }

  /// The first attempts sent in cohort j.
  double fresh_of(long j) const {
    if (single_) return j == first_ ? 1.0 : 0.0;
    return fresh_[static_cast<std::size_t>(j % record_slots_)];
  }

  /// The buffers: retries in backoff by due step, and the record of cohorts.
  void allocate() {
    const long reach = std::min<long>(rules_->policy.max_offset, std::max(1L, horizon_ - first_));
    ring_size_ = 2;
    while (ring_size_ < reach + 3) ring_size_ *= 2;
    ring_mask_ = ring_size_ - 1;
    ring_explicit_.assign(static_cast<std::size_t>(ring_size_) * classes_, 0.0);
    ring_diff_.assign(static_cast<std::size_t>(ring_size_) * classes_, 0.0);
    ring_rate_.assign(classes_, 0.0);
    ring_run_until_.assign(classes_, 0);
    record_.assign(static_cast<std::size_t>(record_slots_) * classes_, 0.0);
    fresh_.assign(static_cast<std::size_t>(record_slots_), 0.0);
  }

  /// A tag leaves its single-attempt form when it must keep retries.
  void expand() {
    single_ = false;
    allocate();
    record_[slot(first_) + static_cast<std::size_t>(rules_->policy.first_class)] = 1;
    fresh_[static_cast<std::size_t>(first_ % record_slots_)] = 1;
  }

  /// docs/model.md, 5.3: spreads `mass` failures of step n along kernel k.
  /// Retries due at or after the horizon wait in the backlog, unslotted.
  void deposit(std::size_t kernel, double mass, long n, NowPart now_part) {
    if (single_) expand();
    if (ring_explicit_.empty()) allocate();
    const DelayKernel& k = rules_->policy.kernels[kernel];
    const std::size_t base = static_cast<std::size_t>(k.target) * static_cast<std::size_t>(ring_size_);
    busy_until_ = std::max(busy_until_, n + std::max<long>(rules_->kernel_reach[kernel], 1));
    const bool defer_now = now_part == NowPart::Defer, sent_now = now_part == NowPart::Sent;
    for (auto [offset, share] : k.explicit_mass) {
      if (sent_now && offset == 0) continue;  // sent in this step already
      const long due = n + std::max<long>(offset, defer_now ? 1 : 0);
      backlog_ += mass * share;
      if (due >= horizon_) continue;
      ring_explicit_[base + static_cast<std::size_t>(due & ring_mask_)] += mass * share;
    }
    if (k.run_end > k.run_begin) {
      const double rate = mass * k.run_mass;
      long begin = n + k.run_begin, end = n + k.run_end;
      if (sent_now && k.run_begin == 0) ++begin;  // the run's first step was sent in this step
      backlog_ += rate * static_cast<double>(end - begin);
      if (defer_now && k.run_begin == 0) {
        // The run's first step moves to the next one.
        ring_explicit_[base + static_cast<std::size_t>((n + 1) & ring_mask_)] += n + 1 < horizon_ ? rate : 0;
        ++begin;
      }
      // A deadline group's retries due from its deadline on are never sent
      // (docs/model.md, 11.17): its runs end there.
      if (deadline_group_) end = std::min(end, horizon_);
      if (begin >= horizon_ || begin >= end) return;
      ring_diff_[base + static_cast<std::size_t>(begin & ring_mask_)] += rate;
      if (end < horizon_) ring_diff_[base + static_cast<std::size_t>(end & ring_mask_)] -= rate;
      long& until = ring_run_until_[static_cast<std::size_t>(k.target)];
      until = std::max(until, end);
    }
  }

  double take_due(std::size_t c, long n) {
    if (ring_explicit_.empty()) return 0;
    const std::size_t i = c * static_cast<std::size_t>(ring_size_) + static_cast<std::size_t>(n & ring_mask_);
    double& rate = ring_rate_[c];
    rate += ring_diff_[i];
    ring_diff_[i] = 0;
    if (n >= ring_run_until_[c]) rate = 0;
    const double due = ring_explicit_[i] + rate;
    ring_explicit_[i] = 0;
    return due;
  }

  const PopulationRules* rules_;
  long first_, horizon_, record_slots_;
  long last_ = -1;
  std::size_t classes_ = 0;
  std::size_t lane_ = 0;  // classes from it on: the lane of refused jobs (none when it is classes_)
  bool lifted_ = false;   // admission control has ended
  std::vector<double> ring_explicit_, ring_diff_, ring_rate_;
  std::vector<long> ring_run_until_;
  long ring_size_ = 2, ring_mask_ = 1;
  std::vector<double> record_, fresh_, failed_, failed_told_, kernel_mass_;
  double failed_attempts_ = 0;  // since take_failed_attempts
  double failed_first_attempts_ = 0;  // of those, first attempts (classes of attempt 1)
  double stopped_ = 0;          // jobs the stop signal ended, until handle_failures
  bool pending_failures_ = false;  // fail() was called since the last handle_failures
  const double* single_admit_ = nullptr;  // the station's, per cohort
  const double* fresh_admit_ = nullptr;   // the station's for this population, per cohort
  double first_admitted_ = -1;            // a tag's draw for its first attempt (-1: none)
  std::vector<double> same_step_scratch_;  // add_same_step_retries' sends by class
  double backlog_ = 0, succeeded_ = 0, gave_up_ = 0;
  long busy_until_ = -1;
  bool single_ = false;  // a tag that has not failed yet (see tag())
  bool deadline_group_ = false;  // make_deadline_group
};

}  // namespace sg::fluid
