/// A map's progress on a terminal: one line, rewritten as the points are solved.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>

#include "analysis/parameter_map.h"

namespace sg::cli {

/// Shows "map: 37 of 121 cells, about 12 s left" on `terminal`, rewritten in
/// place ('\r') at most ten times a second, and ends the line when the map is
/// done or abandoned. Give it only a terminal: a file or a pipe would keep
/// every rewrite.
class MapProgressLine {
 public:
  explicit MapProgressLine(std::ostream& terminal);
  ~MapProgressLine();  // ends the line (if there is one), so that what follows starts on its own
  MapProgressLine(const MapProgressLine&) = delete;
  MapProgressLine& operator=(const MapProgressLine&) = delete;

  /// The callback for compute_map_progressively; it may be called from several threads at once.
  MapCellProgress callback();

 private:
  void update(std::size_t done, std::size_t total, int pass, int passes);
  void show(const std::string& text);

  std::ostream& terminal_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point pass_start_, last_shown_;
  int pass_ = 0;
  std::size_t shown_done_ = 0;
  std::size_t shown_length_ = 0;  // of the line now on the terminal, to blank what a shorter one leaves
  bool open_ = false;             // a line is on the terminal without its newline
};

}  // namespace sg::cli
