#include "background_priority.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace sg::ui {
namespace {

struct Foreground {
  std::mutex mutex;
  std::condition_variable idle;
  std::atomic<int> runs{0};  // changed under the mutex; read without it on the fast path
};

Foreground& foreground() {
  static Foreground f;
  return f;
}

}  // namespace

void lower_this_threads_priority() {
#ifdef __linux__
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  // On Linux a niceness is a thread's own (the tid is its process id here).
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
#endif
}

ForegroundRun::ForegroundRun() {
  Foreground& f = foreground();
  std::lock_guard<std::mutex> lock(f.mutex);
  ++f.runs;
}

ForegroundRun::~ForegroundRun() {
  Foreground& f = foreground();
  {
    std::lock_guard<std::mutex> lock(f.mutex);
    --f.runs;
  }
  f.idle.notify_all();
}

bool ForegroundRun::in_flight() { return foreground().runs.load() > 0; }

void yield_to_foreground(int at_most_ms) {
  Foreground& f = foreground();
  if (f.runs.load() == 0) return;  // the common case, called every thousand steps
  std::unique_lock<std::mutex> lock(f.mutex);
  f.idle.wait_for(lock, std::chrono::milliseconds(at_most_ms), [&f] { return f.runs == 0; });
}

}  // namespace sg::ui
