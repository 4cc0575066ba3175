/// Named client policies: the presets a user picks before tuning the knobs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace sg {

struct NamedPolicy {
  std::string name;
  std::string summary;  ///< one sentence: what the client does
  Client client;
};

/// The catalogue, in the order a chooser shows it.
const std::vector<NamedPolicy>& client_policies();

/// The policy whose every knob equals `client`'s, if any ("custom" otherwise).
/// The number of client instances is the deployment's, not the policy's;
/// with `ignore_timeout` the timeout is the call's, not the policy's either.
std::optional<std::size_t> matching_policy(const Client& client, bool ignore_timeout = false);

/// Gives `client` the policy's every knob, keeping its number of instances
/// and, with `keep_timeout` (a call: its timeout belongs to the call, the
/// retry policy is what a preset names), its timeout.
void apply_policy(const NamedPolicy& policy, Client& client, bool keep_timeout = false);

}  // namespace sg
