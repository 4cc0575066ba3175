#include "model/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace sg {
namespace {

/// More classes than this for an unlimited policy whose delay grows very
/// slowly: later attempts share the last class's delay (docs/model.md, 5.2).
constexpr int kMaxGrowthClasses = 256;
constexpr int kMaxDelayBins = 64;

/// G(x) = integral of clamp(z, 0, 1) dz from -inf to x.
double ramp_integral(double x) {
  if (x <= 0) return 0;
  if (x <= 1) return 0.5 * x * x;
  return x - 0.5;
}

/// Collects kernels, sharing identical ones.
class KernelTable {
public:
  KernelTable(std::vector<DelayKernel>& kernels, double h) : kernels_(kernels), h_(h) {}

  int get(int target, double lo_s, double hi_s) {
    auto key = std::make_tuple(target, lo_s, hi_s);
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    DelayKernel k = make_kernel(lo_s, hi_s, h_);
    k.target = target;
    kernels_.push_back(std::move(k));
    int id = static_cast<int>(kernels_.size()) - 1;
    index_.emplace(key, id);
    return id;
  }

private:
  std::vector<DelayKernel>& kernels_;
  double h_;
  std::map<std::tuple<int, double, double>, int> index_;
};

/// The delay range of D_k for jitter none, full, equal and proportional, with d_k given.
std::pair<double, double> delay_range(const Backoff& b, Jitter jitter, double d) {
  switch (jitter) {
    case Jitter::Full: return {0.0, d};
    case Jitter::Equal: return {0.5 * d, d};
    case Jitter::Proportional: return {d * (1 - b.spread), d * (1 + b.spread)};
    default: return {d, d};
  }
}

/// Jitter none, full, equal (and decorrelated when every delay is the cap):
/// one class per attempt number; unlimited attempts end in a class that
/// loops onto itself once the delay stops growing.
void build_by_attempt(RetryPolicy& policy, const Client& client, Jitter jitter, double h) {
  const Backoff& b = client.backoff;
  auto d = [&](int k) { return std::min(b.cap_s, b.base_s * std::pow(b.multiplier, k - 1)); };
  int count;
  if (client.max_attempts) {
    count = static_cast<int>(*client.max_attempts);
  } else {
    count = 1;
    while (count < kMaxGrowthClasses && d(count) < b.cap_s && b.multiplier > 1 && b.base_s > 0)
      ++count;
    // Envoy's budget counts a job's retries apart from its first attempt:
    // the first attempt keeps a class of its own (the same laws either way).
    if (client.concurrent_retry_budget.enabled) count = std::max(count, 2);
  }
  KernelTable table(policy.kernels, h);
  policy.classes.resize(static_cast<std::size_t>(count));
  for (int k = 1; k <= count; ++k) {
    AttemptClass& c = policy.classes[static_cast<std::size_t>(k - 1)];
    c.attempt = k;
    c.last = client.max_attempts && k == count;
    if (c.last) continue;
    auto [lo, hi] = delay_range(b, jitter, d(k));
    int target = std::min(k + 1, count) - 1;
    c.on_failure.push_back({table.get(target, lo, hi), 1.0});
  }
}

/// Decorrelated jitter: D_k = min(C, U(b, 3 D_(k-1))), D_0 = b. Classes carry
/// the previous delay, in geometric bins between b and C plus an atom at C
/// (docs/model.md, 5.2).
void build_decorrelated(RetryPolicy& policy, const Client& client, double h, double ratio) {
  const double b = client.backoff.base_s, cap = client.backoff.cap_s;
  int bins = static_cast<int>(std::ceil(std::log(cap / b) / std::log(ratio)));
  bins = std::clamp(bins, 1, kMaxDelayBins);
  std::vector<double> edge(static_cast<std::size_t>(bins) + 1);
  for (int j = 0; j <= bins; ++j) edge[static_cast<std::size_t>(j)] = b * std::pow(cap / b, double(j) / bins);
  edge.back() = cap;
  const int per_attempt = bins + 1;  // the bins and the atom at C

  // Class layout: 0 is the first attempt (previous delay b). Then, for
  // finite M, attempts 2..M each have `per_attempt` classes; for unlimited
  // attempts one set of `per_attempt` classes holds every later attempt.
  int later_sets = client.max_attempts ? static_cast<int>(*client.max_attempts) - 1 : 1;
  policy.classes.resize(1 + static_cast<std::size_t>(later_sets * per_attempt));
  auto class_of = [&](int attempt, int bin) {
    int set = client.max_attempts ? attempt - 2 : 0;
    return 1 + set * per_attempt + bin;
  };

  policy.classes[0].attempt = 1;
  policy.classes[0].previous_delay = b;
  for (int k = 2; k <= (client.max_attempts ? *client.max_attempts : 2); ++k) {
    for (int j = 0; j < per_attempt; ++j) {
      AttemptClass& c = policy.classes[static_cast<std::size_t>(class_of(k, j))];
      c.attempt = k;
      c.previous_delay = j < bins ? 0.5 * (edge[static_cast<std::size_t>(j)] + edge[static_cast<std::size_t>(j) + 1]) : cap;
    }
  }

  KernelTable table(policy.kernels, h);
  for (AttemptClass& c : policy.classes) {
    c.last = client.max_attempts && c.attempt == *client.max_attempts;
    if (c.last) continue;
    int next = client.max_attempts ? c.attempt + 1 : 2;
    double lo = b, hi = 3 * c.previous_delay, width = hi - lo;
    for (int j = 0; j < bins; ++j) {
      double seg_lo = std::max(lo, edge[static_cast<std::size_t>(j)]);
      double seg_hi = std::min({hi, cap, edge[static_cast<std::size_t>(j) + 1]});
      if (seg_hi > seg_lo)
        c.on_failure.push_back({table.get(class_of(next, j), seg_lo, seg_hi), (seg_hi - seg_lo) / width});
    }
    if (hi > cap) c.on_failure.push_back({table.get(class_of(next, bins), cap, cap), (hi - cap) / width});
  }
}

}  // namespace

int DelayKernel::max_offset() const {
  int m = run_end - 1;
  for (auto [offset, mass] : explicit_mass) m = std::max(m, offset);
  return m;
}

DelayKernel make_kernel(double lo_s, double hi_s, double h) {
  DelayKernel k;
  const double a = lo_s / h, b = hi_s / h;
  if (b - a < 1e-9) {
    // A fixed delay: a failure uniform in its step lands in two steps, in
    // proportion (docs/model.md, 5.3).
    double whole = std::floor(a), frac = a - whole;
    k.explicit_mass.push_back({static_cast<int>(whole), 1 - frac});
    if (frac > 0) k.explicit_mass.push_back({static_cast<int>(whole) + 1, frac});
    return k;
  }
  // Uniform delay on [a, b] plus a uniform position in the failure's step:
  // F(x) = (G(x - a) - G(x - b)) / (b - a) is the distribution of the sum.
  auto cdf = [&](double x) { return (ramp_integral(x - a) - ramp_integral(x - b)) / (b - a); };
  const int first = static_cast<int>(std::floor(a));
  const int last = static_cast<int>(std::ceil(b));
  // Steps m with a + 1 <= m and m + 1 <= b receive exactly 1 / (b - a).
  const int interior_begin = std::max(first, static_cast<int>(std::ceil(a + 1)));
  const int interior_end = static_cast<int>(std::floor(b));  // exclusive
  bool use_run = interior_end - interior_begin >= 3;
  double total = 0;
  for (int m = first; m <= last; ++m) {
    if (use_run && m >= interior_begin && m < interior_end) continue;
    double mass = cdf(m + 1.0) - cdf(static_cast<double>(m));
    if (mass > 0) {
      k.explicit_mass.push_back({m, mass});
      total += mass;
    }
  }
  if (use_run) {
    k.run_begin = interior_begin;
    k.run_end = interior_end;
    k.run_mass = 1.0 / (b - a);
    total += k.run_mass * (interior_end - interior_begin);
  }
  // Make the masses add to 1 to the last bit, so the solver's books balance.
  auto largest = std::max_element(k.explicit_mass.begin(), k.explicit_mass.end(),
                                  [](auto x, auto y) { return x.second < y.second; });
  if (largest != k.explicit_mass.end()) largest->second += 1.0 - total;
  return k;
}

RetryPolicy build_retry_policy(const Client& client, double h, double decorrelated_ratio) {
  RetryPolicy policy;
  const Backoff& b = client.backoff;
  policy.instant = b.base_s == 0 || b.cap_s == 0;
  bool binned = b.jitter == Jitter::Decorrelated && !policy.instant && b.cap_s > b.base_s;
  if (binned) {
    build_decorrelated(policy, client, h, decorrelated_ratio);
  } else {
    // Decorrelated jitter with C <= b always draws min(C, U(b, ...)) = C:
    // a fixed delay, like jitter none at the cap.
    build_by_attempt(policy, client, b.jitter == Jitter::Decorrelated ? Jitter::None : b.jitter, h);
  }
  policy.first_class = 0;
  for (const DelayKernel& k : policy.kernels) policy.max_offset = std::max(policy.max_offset, k.max_offset());
  policy.lane_classes = static_cast<int>(policy.classes.size());
  return policy;
}

void add_shed_lane(RetryPolicy& policy) {
  const int classes = static_cast<int>(policy.classes.size());
  const int kernels = static_cast<int>(policy.kernels.size());
  for (int k = 0; k < kernels; ++k) {
    DelayKernel copy = policy.kernels[static_cast<std::size_t>(k)];
    copy.target += classes;
    policy.kernels.push_back(std::move(copy));
  }
  for (int c = 0; c < classes; ++c) {
    AttemptClass copy = policy.classes[static_cast<std::size_t>(c)];
    for (Transition& t : copy.on_failure) t.kernel += kernels;
    policy.classes.push_back(std::move(copy));
  }
  policy.lane_classes = classes;
  policy.shed_first_class = policy.first_class + classes;
}

void merge_refused_lane(std::vector<double>& explicit_mass, std::vector<double>& run_diff, std::vector<double>& rate,
                        std::vector<long>& run_until, std::size_t ring, std::size_t lane) {
  for (std::size_t c = 0; c < lane; ++c) {
    const std::size_t from = c + lane;
    for (std::size_t i = 0; i < ring; ++i) {
      explicit_mass[c * ring + i] += explicit_mass[from * ring + i];
      run_diff[c * ring + i] += run_diff[from * ring + i];
      explicit_mass[from * ring + i] = run_diff[from * ring + i] = 0;
    }
    rate[c] += rate[from];
    rate[from] = 0;
    run_until[c] = std::max(run_until[c], run_until[from]);
  }
}

}  // namespace sg
