#include "model/batch_admission.h"

namespace sg::fluid {

double geometric_sum(double z, long long f) {
  if (z < 1 - 1e-9) return (1 - power(z, f)) / (1 - z);
  double sum = 0, term = 1;
  for (long long i = 0; i < f; ++i, term *= z) sum += term;
  return sum;
}

double batch_member_share(double z, long long f) { return z * geometric_sum(z, f) / static_cast<double>(f); }

double free_place_probability(double room, double singles, const std::vector<std::pair<long long, double>>& batches) {
  auto admitted = [&](double z) {
    double a = z * singles;
    for (auto [f, count] : batches) a += count * z * geometric_sum(z, f);
    return a;
  };
  double lo = 0, hi = 1;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (admitted(mid) < room ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace sg::fluid
