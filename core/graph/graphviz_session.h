/// One use of Graphviz's library (libgvc): its context, and what it says
/// while it works, kept instead of written to standard error. The library is
/// not thread-safe, so one session at a time (a process-wide lock).
#pragma once

#include <mutex>
#include <stdexcept>
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

  /// Reads `dot` and lays it out with the dot layout; throws
  /// std::runtime_error with Graphviz's own message. The caller frees it
  /// with close().
  Agraph_t* lay_out(const std::string& dot) {
    if (!gvc_) throw std::runtime_error("Graphviz could not start: " + said());
    Agraph_t* g = agmemread(dot.c_str());
    if (!g) throw std::runtime_error("Graphviz could not read the DOT text: " + said());
    if (gvLayout(gvc_, g, "dot") != 0) {
      agclose(g);
      throw std::runtime_error("Graphviz's dot layout failed (" + said() +
                               "; `dot -c` as root registers the installed plugins)");
    }
    return g;
  }

  /// Frees a graph lay_out() made.
  void close(Agraph_t* g) {
    gvFreeLayout(gvc_, g);
    agclose(g);
  }
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
