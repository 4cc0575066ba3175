/// A collapse that drains (docs/model.md, 7.5): in a collapse every attempt
/// times out, each job sends exactly M attempts, and the queue changes at
/// M·λ − c. Below λ = c/M it falls, so a run that ends in a storm would
/// recover if it ran on; the time follows from the queue at its end.
#pragma once

#include <optional>

#include "scenario/scenario.h"

namespace sg {

/// The rate c − M·λ at which a collapse at the end of the run drains, when
/// the 7.5 law holds there: one service, no client or server policy, no
/// queue limit or drops, demand and capacity back at their base values by
/// the end (no profile, no capacity schedule), a finite M and M·λ < c.
/// Otherwise nothing.
std::optional<double> collapse_drain_rate(const Scenario& scenario);

/// When a run of the scenario, in a steady collapse with `queue` queued at
/// time `at_s` (its end, or where it stopped once the collapse was
/// certain), would recover if it ran on: the queue drains to a timeout's
/// work c·T at the drain rate, and the attempts sent then are served T
/// later, in time. In seconds from the run's start; nothing if the collapse
/// does not drain.
std::optional<double> drained_recovery_at_s(const Scenario& scenario, double queue, double at_s);

}  // namespace sg
