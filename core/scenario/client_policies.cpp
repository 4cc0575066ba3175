#include "scenario/client_policies.h"

namespace sg {
namespace {

Client client(std::optional<long long> attempts, Backoff backoff) {
  Client c;
  c.timeout_s = 5;
  c.max_attempts = attempts;
  c.backoff = backoff;
  return c;
}

bool same(const Client& a, const Client& b) {
  return a.timeout_s == b.timeout_s && a.max_attempts == b.max_attempts && a.backoff.base_s == b.backoff.base_s &&
         a.backoff.multiplier == b.backoff.multiplier && a.backoff.cap_s == b.backoff.cap_s &&
         a.backoff.jitter == b.backoff.jitter &&
         (a.backoff.jitter != Jitter::Proportional || a.backoff.spread == b.backoff.spread);
}

}  // namespace

const std::vector<NamedPolicy>& client_policies() {
  static const std::vector<NamedPolicy> catalogue = {
      {"No retries", "One attempt per job: a failure is final.", client(1, Backoff{0.1, 2, 20, Jitter::Full})},
      {"Immediate retry, 3 attempts", "Retries at once after a failure, up to 3 attempts in all.",
       client(3, Backoff{0, 1, 0, Jitter::None})},
      {"Immediate retry, unlimited", "Retries at once after every failure, forever: the naive client.",
       client(std::nullopt, Backoff{0, 1, 0, Jitter::None})},
      {"Exponential backoff, no jitter", "Waits 0.1 s, 0.2 s, 0.4 s ... (at most 20 s) between 3 attempts.",
       client(3, Backoff{0.1, 2, 20, Jitter::None})},
      {"Exponential backoff, full jitter",
       "Waits a random time up to 0.1 s, 0.2 s, 0.4 s ... (at most 20 s) between 3 attempts.",
       client(3, Backoff{0.1, 2, 20, Jitter::Full})},
      // Signal-Android's job backoff (jobmanager/impl/BackoffUtil.java):
      // min(2^n s, max) x U(0.75, 1.25) after the n-th attempt, with the 60 s
      // maximum of 2021, retried without limit. The timeout is not part of it.
      {"Signal Android 2021",
       "Waits min(2^n s, 60 s) x U(0.75, 1.25) after the n-th failure and never gives up.",
       client(std::nullopt, Backoff{2, 2, 60, Jitter::Proportional, 0.25})},
  };
  return catalogue;
}

std::optional<std::size_t> matching_policy(const Client& c) {
  const auto& all = client_policies();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (same(all[i].client, c)) return i;
  return std::nullopt;
}

}  // namespace sg
