#include "background_priority.h"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace sg::ui {

void lower_this_threads_priority() {
#ifdef __linux__
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  // On Linux a niceness is a thread's own (the tid is its process id here).
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
#endif
}

}  // namespace sg::ui
