/// Words for a run: captions, pin labels and the summary beside the curves.
#pragma once

#include <QFont>
#include <QString>

#include <string>

#include "analysis/graph_summary.h"
#include "analysis/health.h"
#include "scenario/scenario.h"

namespace sg::ui {

/// The scenario's key parameters for figure captions, in two lines: the
/// system (load, server, trigger, server policies), then the client (its
/// named policy or its knobs, and the client policies that are on). Items
/// are separated by " · " and hold non-breaking spaces, so that a narrow
/// label wraps between items, never inside one.
QString scenario_caption(const Scenario& scenario);

/// The caption for a label `width` pixels wide in `font`: its two lines when
/// each fits on one line, else one run of items that wraps into as few lines
/// as the width allows.
QString fitted_caption(const Scenario& scenario, const QFont& font, int width);

/// A parameter's name in words for a sentence ("timeout", "retry budget
/// window", "db capacity"), for undo entries and hover texts: sg::parameter_words.
QString parameter_words(const std::string& path);

/// A policy field's label in the controls: "Start", "Minimum retries/s", "Window"
/// (sg::policy_field_label).
QString policy_field_label(const std::string& path);

/// A short label that tells a pinned run from the current one: the pinned
/// values of the parameters that differ, in words with their units
/// ("capacity 1000 attempts/s, queue limit none, backoff base 0.1 s",
/// "db capacity 800 attempts/s"), or its key parameters when nothing differs.
QString pin_label(const Scenario& pinned, const Scenario& current);

/// The client policy's name, or "custom".
QString policy_name(const Scenario& scenario);

/// The verdict in a few words: "Healthy", "In a storm since t = 600 s", ...
QString verdict(const RunHealth& health);

/// What of the trigger has no effect in this scenario, in words for the
/// controls (a surge or an outage that starts after the run ends, a surge
/// that a demand profile replaces); empty when everything applies.
QString trigger_note(const Scenario& scenario);

/// The summary as rich text: the verdict (and, right under it, a retry flood
/// that outlasts recovery), when goodput fell below demand (worded as
/// admission control's refusals where it was on by then), peak offered load
/// as a multiple of demand, the share of server work wasted, the jobs that
/// gave up, and what the policies did.
/// `service`: the summary of a service inside a graph (its own run, its
/// callers' demand), worded for it: its load per user job, its work wasted
/// for callers that had given up. Empty for the entry.
QString summary_html(const Scenario& scenario, const RunHealth& health, const QString& service = {});

/// Across a call graph, as rich text: where the storm began and how it
/// spread (the order and times at which services went unhealthy), each
/// service's attempts per user job at the end and at its peak, its orphaned
/// work (served for callers that had given up: wasted), and which services
/// recovered or are still unhealthy at the end.
QString graph_summary_html(const std::vector<ServiceHealth>& services);

}  // namespace sg::ui
