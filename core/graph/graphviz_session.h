/// One use of Graphviz's library (libgvc): its context, and what it says
/// while it works, kept instead of written to standard error. The library is
/// not thread-safe, so one session at a time (a process-wide lock).
#pragma once

#include <mutex>
#include <string>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

namespace sg {

/// Graphviz's messages while it works, instead of on standard error; its
/// library is not thread-safe, so one drawing at a time.
class GraphvizSession {
public:
  GraphvizSession() : lock_(mutex()) {
    messages().clear();
    previous_ = agseterrf(&GraphvizSession::collect);
    gvc_ = gvContext();
  }
  ~GraphvizSession() {
    if (gvc_) gvFreeContext(gvc_);
    agseterrf(previous_);
  }
  GraphvizSession(const GraphvizSession&) = delete;
  GraphvizSession& operator=(const GraphvizSession&) = delete;

  GVC_t* context() const { return gvc_; }
  /// What Graphviz said, on one line.
  static std::string said() {
    std::string text;
    for (char c : messages()) text += c == '\n' ? ' ' : c;
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text.empty() ? "no message" : text;
  }
private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::string& messages() {
    static std::string m;
    return m;
  }
  static int collect(char* text) {
    messages() += text;
    return 0;
  }

  std::lock_guard<std::mutex> lock_;
  agusererrf previous_ = nullptr;
  GVC_t* gvc_ = nullptr;
};


}  // namespace sg
