/// Waiting, in widget tests, for what the window computes off the UI thread.
#pragma once

#include <QSignalSpy>

#include "main_window.h"

namespace sg::ui::test {

/// Waits until the window shows the run of its newest request.
inline bool wait_for_run(MainWindow& w, int timeout_ms = 20000) {
  QSignalSpy spy(&w, &MainWindow::run_shown);
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    if (w.shown() && w.shown()->generation == w.runs()->latest()) return true;
    spy.wait(20);
  }
  return false;
}

}  // namespace sg::ui::test
