/// Background work (the map, the hidden hysteresis ramp) gives the cores to
/// the run a user waits for while dragging a slider.
#pragma once

namespace sg::ui {

/// Lowers the calling thread's scheduling priority (Linux: niceness 10; the
/// threads it starts inherit it), once per thread. Elsewhere, does nothing.
void lower_this_threads_priority();

}  // namespace sg::ui
