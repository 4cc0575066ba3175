#include "dashboard_text.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QLocale>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <optional>

#include "scenario/client_policies.h"
#include "scenario/input_error.h"
#include "scenario/parameter_labels.h"
#include "scenario/parameters.h"
#include "scenario/policy_fields.h"

namespace sg::ui {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("Dashboard", text); }

/// A number as people write it: 1400, 7.5, 0.25, 2.4e+07 only when huge.
QString num(double v, int precision = 3) {
  if (v != 0 && std::fabs(v) < 1e7 && std::fabs(v) >= std::pow(10.0, precision - 1))
    return QString::number(v, 'f', 0);
  return QLocale::c().toString(v, 'g', std::max(precision, 1));
}

QString count(double v) {
  QLocale l = QLocale::c();
  l.setNumberOptions(QLocale::DefaultNumberOptions);
  return l.toString(static_cast<qlonglong>(v + 0.5));
}

}  // namespace

QString policy_name(const Scenario& s) {
  auto match = matching_policy(s.client);
  return match ? QString::fromStdString(client_policies()[*match].name) : tr("custom");
}

namespace {

/// One caption item: it does not break (non-breaking spaces, and a word
/// joiner after "/" and "-", where line breaking would allow a break), so a
/// label wraps between items.
QString item(const QString& text) {
  QString out;
  for (QChar c : text) {
    out += c == QLatin1Char(' ') ? QChar(0x00A0) : c;
    if (c == QLatin1Char('/') || c == QLatin1Char('-')) out += QChar(0x2060);
  }
  return out;
}

QString percent(double share) { return QStringLiteral("%1 %").arg(num(100 * share)); }

/// "3600-5400 s", "from 3600 s", or empty for the whole run.
QString span(double start_s, double duration_s) {
  if (duration_s > 0) return QStringLiteral("%1-%2 s").arg(num(start_s, 6), num(start_s + duration_s, 6));
  if (start_s > 0) return QStringLiteral("from %1 s").arg(num(start_s, 6));
  return {};
}

/// A policy that is on, with its key settings, compactly: "retry budget 10 % / 10 s".
QString policy_item(const Scenario& s, const std::string& path) {
  if (path == "server.stop_signal") {
    const StopSignal& p = s.server.stop_signal;
    QString text = item(tr("stop signal %1").arg(percent(p.share)));
    if (p.start_s > 0) text += QChar(0x00A0) + item(span(p.start_s, 0));
    if (p.ignored_share > 0) text += QStringLiteral(", ") + item(tr("%1 ignore it").arg(percent(p.ignored_share)));
    return text;
  }
  if (path == "server.admission") {
    const Admission& p = s.server.admission;
    QString when = span(p.start_s, p.duration_s);
    return item(tr("admission %1").arg(percent(p.share)) + (when.isEmpty() ? QString() : QStringLiteral(" ") + when));
  }
  if (path == "server.autoscaling") {
    const Autoscaling& p = s.server.autoscaling;
    return item(tr("autoscaling +%1 after %2 s up to %3").arg(num(p.step, 6), num(p.delay_s, 6), num(p.max_capacity, 6)));
  }
  const Client& c = s.client;
  if (path == "client.retry_throttling")
    return item(tr("gRPC tokens %1, ratio %2").arg(num(c.retry_throttling.max_tokens), num(c.retry_throttling.token_ratio)));
  if (path == "client.retry_quota") return item(tr("AWS quota %1").arg(num(c.retry_quota.capacity, 6)));
  if (path == "client.retry_budget") {
    const RetryBudget& p = c.retry_budget;
    QString text = tr("retry budget %1 / %2 s").arg(percent(p.ratio), num(p.window_s, 6));
    if (p.min_per_s > 0) text += tr(" + %1/s").arg(num(p.min_per_s));
    return item(text);
  }
  if (path == "client.concurrent_retry_budget") {
    const ConcurrentRetryBudget& p = c.concurrent_retry_budget;
    if (p.budget_percent <= 0) return item(tr("at most %1 active retries").arg(num(p.min_retry_concurrency, 6)));
    return item(tr("active retries %1 % of requests, at least %2")
                    .arg(num(p.budget_percent), num(p.min_retry_concurrency, 6)));
  }
  if (path == "client.adaptive_throttling")
    return item(tr("adaptive throttling K %1 / %2 s").arg(num(c.adaptive_throttling.k), num(c.adaptive_throttling.window_s, 6)));
  if (path == "client.circuit_breaker") {
    const CircuitBreaker& p = c.circuit_breaker;
    return item(tr("breaker %1 of ≥%2 calls / %3 s open").arg(percent(p.failure_ratio), num(p.min_calls, 6), num(p.open_s, 6)));
  }
  return item(QString::fromStdString(path));
}

/// The policies of policy_objects() that are on, whose path starts with `prefix`.
QStringList policy_items(const Scenario& s, const char* prefix) {
  QStringList items;
  Scenario readable = s;  // the table's accessors take a mutable scenario
  for (const PolicyObject& p : policy_objects())
    if (std::string(p.path).rfind(prefix, 0) == 0 && *p.enabled(readable)) items << policy_item(s, p.path);
  return items;
}

/// The backoff between attempts, and its jitter where there is a delay to jitter.
QString backoff_item(const Backoff& b) {
  if (b.base_s <= 0 || b.cap_s <= 0) return item(tr("no backoff"));
  QString text = b.multiplier == 1 || b.base_s >= b.cap_s
                     ? tr("backoff %1 s").arg(num(std::min(b.base_s, b.cap_s)))
                     : tr("backoff %1 s x%2 to %3 s").arg(num(b.base_s), num(b.multiplier), num(b.cap_s));
  QString jitter = b.jitter == Jitter::None           ? tr("no jitter")
                   : b.jitter == Jitter::Proportional ? tr("jitter ±%1").arg(percent(b.spread))
                                                      : tr("%1 jitter").arg(QString::fromLatin1(to_string(b.jitter)));
  return item(text) + QStringLiteral(", ") + item(jitter);
}

const QString kSeparator = QStringLiteral(" · ");

}  // namespace

QString scenario_caption(const Scenario& s) {
  QStringList system;
  if (s.demand.profile)
    system << item(tr("demand profile (%1 points)").arg(s.demand.profile->size()));
  else
    system << item(tr("demand %1 jobs/s").arg(num(s.demand.base_rate, 6)));
  system << item(tr("capacity %1/s").arg(num(s.server.capacity, 6)));
  if (s.server.capacity_schedule)
    system << item(tr("capacity schedule (%1 steps)").arg(s.server.capacity_schedule->size()));
  system << item(s.server.queue_limit ? tr("queue limit %1").arg(*s.server.queue_limit) : tr("no queue limit"));
  if (s.server.drop_expired) system << item(tr("drop expired"));
  if (s.server.reject_latency_s > 0) system << item(tr("reject latency %1 s").arg(num(s.server.reject_latency_s)));
  if (!s.demand.profile && s.demand.surge && s.demand.surge->extra_rate > 0 && s.demand.surge->duration_s > 0) {
    const Surge& g = *s.demand.surge;
    system << item(tr("surge +%1/s at %2").arg(num(g.extra_rate, 6), span(g.start_s, g.duration_s)));
  }
  const Outage& o = s.server.outage;
  if (o.duration_s > 0 && o.capacity_factor != 1.0)
    system << item(tr("outage x%1 at %2").arg(num(o.capacity_factor), span(o.start_s, o.duration_s)));
  system << policy_items(s, "server.");

  // A named policy fixes every knob of the client: its name says them, and
  // only the settings of its client policies follow.
  QStringList client;
  const Client& c = s.client;
  if (matching_policy(c)) {
    client << item(policy_name(s));
  } else {
    client << item(tr("timeout %1 s").arg(num(c.timeout_s)));
    // Attempts, the first included: one attempt is no retry ("1 attempt", not "1 attempts").
    client << item(!c.max_attempts        ? tr("unlimited attempts")
                   : *c.max_attempts == 1 ? tr("1 attempt (no retries)")
                                          : tr("%1 attempts").arg(*c.max_attempts));
    if (!c.max_attempts || *c.max_attempts > 1) client << backoff_item(c.backoff);
  }
  client << policy_items(s, "client.");
  return system.join(kSeparator) + QLatin1Char('\n') + client.join(kSeparator);
}

QString fitted_caption(const Scenario& s, const QFont& font, int width) {
  const QString caption = scenario_caption(s);
  const QFontMetrics metrics(font);
  const QStringList lines = caption.split(QLatin1Char('\n'));
  if (std::all_of(lines.begin(), lines.end(), [&](const QString& l) { return metrics.horizontalAdvance(l) <= width; }))
    return caption;
  // A line too long for the width would wrap into a line of its own: one run
  // of items fills the lines evenly instead.
  return lines.join(kSeparator);
}

QString parameter_words(const std::string& path) {
  return QString::fromStdString(sg::parameter_words(path));
}

QString policy_field_label(const std::string& path) {
  return QString::fromStdString(sg::policy_field_label(path));
}

QString pin_label(const Scenario& pinned, const Scenario& current) {
  QStringList differences;
  // Each parameter in words with its unit ("backoff base 0.1 s", "db capacity
  // 800 attempts/s"), a graph's services and calls included; one the current
  // scenario does not have (a service since removed) differs by its value.
  for (const ParameterInfo& p : parameters(pinned)) {
    if (p.kind == ParameterKind::Text) continue;
    const std::string was = get_text(pinned, p.path);
    std::optional<std::string> now;
    try {
      now = get_text(current, p.path);
    } catch (const InputError&) {
    }
    if (now == was) continue;
    const QString value = p.kind == ParameterKind::Flag ? (was == "true" ? tr("on") : tr("off"))
                                                        : QString::fromStdString(was);
    QString item = QStringLiteral("%1 %2").arg(parameter_words(p.path), value);
    const bool counted = was != "none" && was != "unlimited";
    if (counted && p.kind != ParameterKind::Flag && p.kind != ParameterKind::Choice && !p.unit.empty())
      item += QLatin1Char(' ') + QString::fromStdString(p.unit);
    differences << item;
  }
  // Not a parameter path (a list): named by its steps.
  if (pinned.server.capacity_schedule != current.server.capacity_schedule)
    differences << (pinned.server.capacity_schedule
                        ? tr("capacity schedule (%1 steps)").arg(pinned.server.capacity_schedule->size())
                        : tr("no capacity schedule"));
  if (!differences.isEmpty()) return differences.join(QStringLiteral(", "));
  const Scenario& s = pinned;
  QStringList parts;
  parts << tr("demand %1").arg(num(s.demand.base_rate, 6));
  parts << tr("capacity %1").arg(num(s.server.capacity, 6));
  parts << policy_name(s);
  if (s.server.queue_limit) parts << tr("limit %1").arg(*s.server.queue_limit);
  if (s.server.drop_expired) parts << tr("drop expired");
  return parts.join(QStringLiteral(", "));
}

QString verdict(const RunHealth& h) {
  if (!h.storm_start_s) return tr("Healthy throughout");
  if (h.recovered) {
    double after = h.recovery_s.value_or(0);
    return after <= 0 ? tr("Recovered as soon as the trigger ended")
                      : tr("Recovered %1 s after the trigger ended").arg(num(after, 6));
  }
  // Unhealthy by the rule but serving most of its demand is not a storm.
  const QString share = num(100 * h.goodput_ratio_at_end, 3);
  if (h.goodput_ratio_at_end >= 0.5)
    return tr("Unhealthy at the end: goodput %1% of demand, short of the 95% rule").arg(share);
  if (h.trigger_end_s > 0 && *h.storm_start_s < h.trigger_end_s)
    return tr("Still in a storm at the end, long after the trigger ended: goodput %1% of demand").arg(share);
  return tr("In a storm since t = %1 s: goodput %2% of demand at the end").arg(num(*h.storm_start_s, 6), share);
}

QString trigger_note(const Scenario& s) {
  QStringList notes;
  const QString end = num(s.duration_s, 6);
  if (s.demand.profile) {
    notes << tr("A demand profile sets the demand: the base rate and the surge controls have no effect.");
  } else if (!s.demand.surge) {
    notes << tr("No surge in this scenario: its controls show the surge that setting one of them would add.");
  } else if (s.demand.surge->extra_rate > 0 && s.demand.surge->start_s >= s.duration_s) {
    notes << tr("The surge starts at %1 s, after the run ends at %2 s: it has no effect. Move it into the run or "
                "lengthen the run.")
                 .arg(num(s.demand.surge->start_s, 6), end);
  }
  const Outage& o = s.server.outage;
  if (o.duration_s > 0 && o.capacity_factor < 1 && o.start_s >= s.duration_s)
    notes << tr("The outage starts at %1 s, after the run ends at %2 s: it has no effect.").arg(num(o.start_s, 6), end);
  // A graph: the outage here is the entry's; say whose outages the scenario has.
  QStringList outages;
  for (const auto& [name, service] : s.services)
    if (service.outage.duration_s > 0 && service.outage.capacity_factor < 1)
      outages << QString::fromStdString(name).toHtmlEscaped();
  if (!outages.isEmpty())
    notes << tr("The outage controls here are the entry's (server's). This scenario's outage is at %1: click it in "
                "the call graph for its own controls.")
                 .arg(outages.join(QStringLiteral(", ")));
  return notes.join(QStringLiteral(" "));
}

QString summary_html(const Scenario& s, const RunHealth& h, const QString& service) {
  QString color = !h.storm_start_s ? QStringLiteral("#1e8e3e") : h.recovered ? QStringLiteral("#b06000")
                                                                           : QStringLiteral("#d93025");
  // Admission control refuses jobs by design: goodput below demand from its
  // start is its doing, not a storm; to the end too when it lasts that long
  // and the admitted jobs are served.
  const Admission& a = s.server.admission;
  const bool refusals = h.storm_start_s && a.enabled && a.start_s <= *h.storm_start_s + 1e-9;
  QString headline = verdict(h);
  if (refusals && !h.recovered && (a.duration_s <= 0 || a.start_s + a.duration_s >= s.duration_s) &&
      h.goodput_ratio_at_end >= 0.95 * a.share) {
    headline = tr("Admission control refuses jobs to the end");
    color = QStringLiteral("#b06000");
  }
  QString html = QStringLiteral("<p style='font-size:large; font-weight:bold; color:%1'>%2</p>").arg(color, headline);
  QStringList rows;
  // Goodput is back, but the clients' retries are not: said at once, under
  // the verdict, so that "Recovered" is not read as "over" (as describe_run).
  if (flood_outlasts_recovery(h))
    rows << tr("But retries kept the offered load above 1.5&times; demand until <b>t = %1 s</b>.")
                .arg(num(*h.flood_end_s, 6));
  if (refusals)
    rows << tr("Goodput is below 95% of demand from t = %1 s: admission control refuses <b>%2%</b> of new jobs%3.")
                .arg(num(*h.storm_start_s, 6), num(100 * (1 - a.share), 3),
                     a.duration_s > 0 ? tr(" until t = %1 s").arg(num(a.start_s + a.duration_s, 6)) : QString());
  else if (h.storm_start_s)
    rows << tr("Goodput fell below 95% of demand at t = %1 s; the trigger ended at t = %2 s.")
                .arg(num(*h.storm_start_s, 6), num(h.trigger_end_s, 6));
  // The rule every verdict here follows (spec/system.md, "Health of a run").
  rows << tr("Healthy means goodput of at least 95% of demand in an interval.");
  if (h.storm_start_s && !h.recovered) {
    if (h.final_queue_trend > 1e-6 * s.server.capacity)
      rows << tr("The overload sustains itself: the queue still grows by %1 attempts/s at the end, although the "
                 "trigger ended at t = %2 s.").arg(num(h.final_queue_trend), num(h.trigger_end_s, 6));
    else if (h.final_queue_trend < -1e-6 * s.server.capacity)
      rows << tr("The queue is draining (%1 attempts/s): it may recover after the horizon; lengthen the run to see.")
                  .arg(num(-h.final_queue_trend));
  }
  if (h.base_demand > 0 && service.isEmpty())
    rows << tr("Peak offered load <b>%1&times;</b> the base demand (%2 attempts/s at t = %3 s).")
                .arg(num(h.peak_offered / h.base_demand), num(h.peak_offered, 5), num(h.peak_offered_t_s, 6));
  else if (h.base_demand > 0)
    rows << tr("Peak offered load <b>%1</b> attempts per user job (%2 attempts/s at t = %3 s; the users send %4 jobs/s).")
                .arg(num(h.peak_offered / h.base_demand), num(h.peak_offered, 5), num(h.peak_offered_t_s, 6),
                     num(h.base_demand, 5));
  if (service.isEmpty())
    rows << tr("Server work wasted on timed-out attempts: <b>%1%</b>.").arg(num(100 * h.wasted_share, 3));
  else
    rows << tr("Work of %1 wasted on attempts whose caller had already given up on them: <b>%2%</b>.")
                .arg(service.toHtmlEscaped(), num(100 * h.wasted_share, 3));
  rows << tr("Jobs that gave up: <b>%1</b>%2.")
              .arg(count(h.gave_up_jobs),
                   h.gave_up_after_trigger >= 1 ? tr(" (%1 after the trigger ended)").arg(count(h.gave_up_after_trigger))
                                                : QString());
  rows << tr("Goodput at the end: %1% of demand.").arg(num(100 * h.goodput_ratio_at_end, 3));
  // What the policies did, when they did anything (the totals of describe_run).
  QStringList policies;
  // A count agrees with its number: "1 retry denied", "2 retries denied".
  auto part = [&policies](double amount, const QString& one, const QString& many) {
    if (amount >= 1) policies << (count(amount) == QLatin1String("1") ? one : many.arg(count(amount)));
  };
  part(h.throttled, tr("<b>1</b> attempt refused by the clients themselves"),
       tr("<b>%1</b> attempts refused by the clients themselves"));
  part(h.denied, tr("<b>1</b> retry denied by a token bucket, quota or budget"),
       tr("<b>%1</b> retries denied by a token bucket, quota or budget"));
  part(h.stopped, tr("<b>1</b> job stopped by the server's signal"),
       tr("<b>%1</b> jobs stopped by the server's signal"));
  part(h.shed, tr("<b>1</b> attempt of a job refused by admission control"),
       tr("<b>%1</b> attempts of jobs refused by admission control"));
  if (!policies.isEmpty()) rows << tr("Policies: %1.").arg(policies.join(QStringLiteral("; ")));
  for (const QString& r : rows) html += QStringLiteral("<p>") + r + QStringLiteral("</p>");
  return html;
}

QString graph_summary_html(const std::vector<ServiceHealth>& services) {
  QString html = tr("<p><b>Across the call graph</b></p>");
  const std::vector<std::size_t> fell = unhealthy_order(services);
  if (fell.empty()) {
    html += tr("<p>Every service stayed healthy.</p>");
  } else {
    QStringList spread;
    for (std::size_t k = 1; k < fell.size(); ++k)
      spread << tr("%1 at t = %2 s").arg(QString::fromStdString(services[fell[k]].name).toHtmlEscaped(),
                                         num(*services[fell[k]].unhealthy_from_s, 6));
    html += tr("<p>The storm began at <b>%1</b> (t = %2 s)%3.</p>")
                .arg(QString::fromStdString(services[fell.front()].name).toHtmlEscaped(),
                     num(*services[fell.front()].unhealthy_from_s, 6),
                     spread.isEmpty() ? QString() : tr("; then %1").arg(spread.join(QStringLiteral(", "))));
  }
  html += tr("<table cellspacing='0' cellpadding='2'><tr><th align='left'>service</th><th align='right'>attempts per "
             "user job: end</th><th align='right'>peak</th><th align='right'>orphaned work</th><th "
             "align='left'>at the end</th></tr>");
  for (const ServiceHealth& h : services) {
    const QString end = !h.healthy_at_end ? tr("<span style='color:#d93025'>unhealthy</span>")
                        : h.unhealthy_from_s ? tr("recovered")
                                             : tr("healthy");
    html += QStringLiteral("<tr><td>%1</td><td align='right'>%2</td><td align='right'>%3 (t = %4 s)</td>"
                           "<td align='right'>%5 %</td><td>%6</td></tr>")
                .arg(QString::fromStdString(h.name).toHtmlEscaped(), num(h.attempts_per_user_job_at_end),
                     num(h.peak_attempts_per_user_job), num(h.peak_t_s, 6), num(100 * h.wasted_share, 2), end);
  }
  html += QStringLiteral("</table>");
  html += tr("<p>Orphaned work: the share of a service's work spent on attempts whose callers had already given "
             "up on them.</p>");
  return html;
}

}  // namespace sg::ui
