#include "dashboard_text.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

#include <cmath>

#include "scenario/client_policies.h"
#include "scenario/parameters.h"

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

QString scenario_caption(const Scenario& s) {
  QStringList parts;
  if (s.demand.profile)
    parts << tr("demand profile (%1 points)").arg(s.demand.profile->size());
  else
    parts << tr("demand %1 jobs/s").arg(num(s.demand.base_rate, 6));
  parts << tr("capacity %1/s").arg(num(s.server.capacity, 6));
  parts << (s.server.queue_limit ? tr("queue limit %1").arg(*s.server.queue_limit) : tr("no queue limit"));
  if (s.server.drop_expired) parts << tr("drop expired");
  if (s.server.reject_latency_s > 0) parts << tr("reject latency %1 s").arg(num(s.server.reject_latency_s));
  QString first_line = parts.join(QStringLiteral(" · "));
  parts.clear();
  const Client& c = s.client;
  parts << tr("timeout %1 s").arg(num(c.timeout_s));
  parts << (c.max_attempts ? tr("%1 attempts").arg(*c.max_attempts) : tr("unlimited attempts"));
  if (!c.max_attempts || *c.max_attempts > 1)
    parts << tr("backoff %1 s x%2 up to %3 s, %4 jitter")
                 .arg(num(c.backoff.base_s), num(c.backoff.multiplier), num(c.backoff.cap_s),
                      QString::fromLatin1(to_string(c.backoff.jitter)));
  if (!s.demand.profile && s.demand.surge && s.demand.surge->extra_rate > 0 && s.demand.surge->duration_s > 0) {
    const Surge& g = *s.demand.surge;
    parts << tr("surge +%1/s from %2 s to %3 s").arg(num(g.extra_rate, 6), num(g.start_s, 6), num(g.start_s + g.duration_s, 6));
  }
  const Outage& o = s.server.outage;
  if (o.duration_s > 0 && o.capacity_factor != 1.0)
    parts << tr("outage x%1 from %2 s to %3 s").arg(num(o.capacity_factor), num(o.start_s, 6), num(o.start_s + o.duration_s, 6));
  // Two lines: the system, then the client and the trigger.
  return first_line + QStringLiteral(" · ") + policy_name(s) + QStringLiteral("\n") + parts.join(QStringLiteral(" · "));
}

QString pin_label(const Scenario& pinned, const Scenario& current) {
  QStringList differences;
  for (const ParameterInfo& p : parameters()) {
    if (p.kind == ParameterKind::Text) continue;
    std::string was = get_text(pinned, p.path), now = get_text(current, p.path);
    if (was != now)
      differences << QStringLiteral("%1 %2").arg(QString::fromStdString(p.path).section('.', -1).replace('_', ' '),
                                                  QString::fromStdString(was));
  }
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
  if (h.trigger_end_s > 0 && *h.storm_start_s < h.trigger_end_s)
    return tr("Still in a storm at the end, long after the trigger ended");
  return tr("In a storm since t = %1 s").arg(num(*h.storm_start_s, 6));
}

QString summary_html(const Scenario& s, const RunHealth& h) {
  QString color = !h.storm_start_s ? QStringLiteral("#1e8e3e") : h.recovered ? QStringLiteral("#b06000")
                                                                           : QStringLiteral("#d93025");
  QString html = QStringLiteral("<p style='font-size:large; font-weight:bold; color:%1'>%2</p>").arg(color, verdict(h));
  QStringList rows;
  if (h.storm_start_s)
    rows << tr("Goodput fell below 95% of demand at t = %1 s; the trigger ended at t = %2 s.")
                .arg(num(*h.storm_start_s, 6), num(h.trigger_end_s, 6));
  if (h.storm_start_s && !h.recovered) {
    if (h.final_queue_trend > 1e-6 * s.server.capacity)
      rows << tr("The overload sustains itself: the queue still grows by %1 attempts/s at the end, although the "
                 "trigger ended at t = %2 s.").arg(num(h.final_queue_trend), num(h.trigger_end_s, 6));
    else if (h.final_queue_trend < -1e-6 * s.server.capacity)
      rows << tr("The queue is draining (%1 attempts/s): it may recover after the horizon; lengthen the run to see.")
                  .arg(num(-h.final_queue_trend));
  }
  if (h.base_demand > 0)
    rows << tr("Peak offered load <b>%1&times;</b> the base demand (%2 attempts/s at t = %3 s).")
                .arg(num(h.peak_offered / h.base_demand), num(h.peak_offered, 5), num(h.peak_offered_t_s, 6));
  rows << tr("Server work wasted on timed-out attempts: <b>%1%</b>.").arg(num(100 * h.wasted_share, 3));
  rows << tr("Jobs that gave up: <b>%1</b>%2.")
              .arg(count(h.gave_up_jobs),
                   h.gave_up_after_trigger >= 1 ? tr(" (%1 after the trigger ended)").arg(count(h.gave_up_after_trigger))
                                                : QString());
  rows << tr("Goodput at the end: %1% of demand.").arg(num(100 * h.goodput_ratio_at_end, 3));
  for (const QString& r : rows) html += QStringLiteral("<p>") + r + QStringLiteral("</p>");
  return html;
}

}  // namespace sg::ui
