/// Words for a run: captions, pin labels and the summary beside the curves.
#pragma once

#include <QString>

#include "analysis/health.h"
#include "scenario/scenario.h"

namespace sg::ui {

/// One line of the scenario's key parameters, for figure captions.
QString scenario_caption(const Scenario& scenario);

/// A short label that tells a pinned run from the current one: the pinned
/// values of the parameters that differ ("capacity 1000, queue limit none"),
/// or its key parameters when nothing differs.
QString pin_label(const Scenario& pinned, const Scenario& current);

/// The client policy's name, or "custom".
QString policy_name(const Scenario& scenario);

/// The verdict in a few words: "Healthy", "In a storm since t = 600 s", ...
QString verdict(const RunHealth& health);

/// The summary as rich text: the verdict, then peak offered load as a
/// multiple of demand, the share of server work wasted and the jobs that gave up.
QString summary_html(const Scenario& scenario, const RunHealth& health);

}  // namespace sg::ui
