/// Admission of fan-out batches at a full queue (docs/model.md, 11.5): the
/// coupling between a caller's sends and its callee's queue limit.
#pragma once

#include <utility>
#include <vector>

namespace sg::fluid {

/// x^f for a whole f >= 1, by squaring (exact for x = 0 and x = 1).
inline double power(double x, long long f) {
  double result = 1;
  for (; f > 0; f >>= 1, x *= x)
    if (f & 1) result *= x;
  return result;
}

/// 1 + z + ... + z^(f-1).
double geometric_sum(double z, long long f);

/// The admitted share of the f first attempts of a batch arriving together
/// at a full queue where a single arrival finds a free place with
/// probability z: E[min(F, f)] / f with F geometric (docs/model.md, 11.5).
double batch_member_share(double z, long long f);

/// docs/model.md, 11.5: the z in (0, 1) at which a full queue admits `room`:
/// z singles + sum over batches of count z (1 + z + ... + z^(f-1)) = room.
/// `batches`: (fan-out, number of batches) pairs.
double free_place_probability(double room, double singles, const std::vector<std::pair<long long, double>>& batches);

}  // namespace sg::fluid
