/// Runs the fluid model off the UI thread; a newer request cancels an older one.
#pragma once

#include <QObject>

#include <atomic>
#include <memory>

#include "analysis/health.h"
#include "graph/topology_layout.h"
#include "model/fluid_solver.h"
#include "model/graph_solver.h"
#include "scenario/scenario.h"
#include "superseding_worker.h"

namespace sg::ui {

/// The call graph's text height in layout units (TopologyView draws its text
/// at this times its scale; the layout is made a tenth larger, since Qt's
/// fonts run wider than Graphviz's estimate).
constexpr double kGraphTextSize = 10;

/// The layout TopologyView draws a scenario's call graph on (Graphviz's dot,
/// about a tenth of a second).
TopologyLayout call_graph_layout(const Scenario& scenario);

/// A finished run: the scenario it was solved for, its curves and its health.
struct RunOutcome {
  quint64 generation = 0;
  Scenario scenario;
  RunResult run;  ///< the entry's
  RunHealth health;
  /// A scenario with calls: every service's run (the entry first), and the
  /// Graphviz layout of its call graph (shared by the runs of one shape).
  std::vector<ServiceRun> services;
  std::shared_ptr<const TopologyLayout> layout;
};

/// One worker thread. request() replaces whatever waits and cancels the run
/// in progress: only the newest scenario is ever finished. Results arrive on
/// the thread that owns the controller (the UI thread) through `finished`.
class RunController : public QObject {
  Q_OBJECT

public:
  /// A `background` controller's thread runs at a lowered priority (a view
  /// the user is not waiting for: it yields to the dashboard's own runs).
  explicit RunController(QObject* parent = nullptr, bool background = false);
  ~RunController() override;

  /// Asks for `scenario` to be solved; returns its generation number.
  quint64 request(const Scenario& scenario) { return worker_->submit(scenario); }

  /// The generation of the newest request.
  quint64 latest() const { return worker_->latest(); }

signals:
  void finished(std::shared_ptr<const sg::ui::RunOutcome> outcome);
  void failed(quint64 generation, QString message);

private:
  // The worker thread's: the last call graph's layout and its shape.
  std::shared_ptr<const TopologyLayout> layout_;
  std::string layout_shape_;
  std::unique_ptr<SupersedingWorker<Scenario>> worker_;  // last: stopped first
};

}  // namespace sg::ui

Q_DECLARE_METATYPE(std::shared_ptr<const sg::ui::RunOutcome>)
