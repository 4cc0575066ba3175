#include "map_progress.h"

#include <cmath>
#include <cstdio>

namespace sg::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// At most ten lines a second: faster, nobody reads them and the terminal does the work.
constexpr auto kInterval = std::chrono::milliseconds(100);

std::string duration_text(double seconds) {
  if (seconds < 9.95) {  // tenths, or a short map would say "about 0 s left" for most of its run
    char text[16];
    std::snprintf(text, sizeof text, "%.1f s", seconds);
    return text;
  }
  if (seconds < 90) return std::to_string(static_cast<long>(std::lround(seconds))) + " s";
  if (seconds < 90 * 60) return std::to_string(static_cast<long>(std::lround(seconds / 60))) + " min";
  return std::to_string(static_cast<long>(std::lround(seconds / 3600))) + " h";
}

}  // namespace

MapProgressLine::MapProgressLine(std::ostream& terminal) : terminal_(terminal) {}

MapProgressLine::~MapProgressLine() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (open_) terminal_ << '\n' << std::flush;
}

MapCellProgress MapProgressLine::callback() {
  return [this](std::size_t done, std::size_t total, int pass, int passes) {
    update(done, total, pass, passes);
  };
}

void MapProgressLine::update(std::size_t done, std::size_t total, int pass, int passes) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Clock::time_point now = Clock::now();
  if (pass != pass_) {
    pass_ = pass;
    pass_start_ = now;
    shown_done_ = 0;
  } else if (done <= shown_done_ && done != 0) {
    return;  // a slower thread's count, already passed by another's
  }
  const bool last = done == total && pass == passes;
  if (open_ && !last && now - last_shown_ < kInterval) return;

  std::string text = "map: " + std::to_string(done) + " of " + std::to_string(total) + " cells";
  if (passes > 1) text += " (pass " + std::to_string(pass) + " of " + std::to_string(passes) + ")";
  const double elapsed = std::chrono::duration<double>(now - pass_start_).count();
  if (last)
    text += ", done in " + duration_text(elapsed);
  else if (done > 0)  // the pace so far: the cells of one map take much the same time
    text += ", about " +
            duration_text(elapsed / static_cast<double>(done) * static_cast<double>(total - done)) + " left";
  show(text);
  shown_done_ = done;
  last_shown_ = now;
  if (last) {
    terminal_ << '\n' << std::flush;
    open_ = false;
  }
}

void MapProgressLine::show(const std::string& text) {
  const std::size_t blank = shown_length_ > text.size() ? shown_length_ - text.size() : 0;
  terminal_ << '\r' << text << std::string(blank, ' ') << std::flush;
  shown_length_ = text.size();
  open_ = true;
}

}  // namespace sg::cli
