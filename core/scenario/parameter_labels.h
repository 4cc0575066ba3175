/// Parameters in words, for people: the labels of choosers, axes and undo
/// entries, from one table (the paths stay the contract, spec/interfaces.md).
#pragma once

#include <string>

namespace sg {

/// A parameter's name for a sentence, lower case: "timeout", "backoff base",
/// "surge start", "retry budget window", "db capacity", "server → db timeout".
/// A path no scenario could have comes back as it is.
std::string parameter_words(const std::string& path);

/// A parameter's label for a chooser or an axis title: what it belongs to,
/// its name and its unit: "Demand: base rate (jobs/s)", "Client: timeout (s)",
/// "Retry budget: window (s)", "db: capacity (attempts/s)",
/// "server → db: timeout (s)". A path no scenario could have comes back as it is.
std::string parameter_label(const std::string& path);

/// A policy field's label in the controls: "Start", "Minimum retries/s", "Window".
std::string policy_field_label(const std::string& path);

}  // namespace sg
