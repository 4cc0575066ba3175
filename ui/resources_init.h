/// Makes the bundled icon and scenarios available (a static library's resources must be pulled in).
#pragma once

namespace sg::ui {

/// Call once, after QApplication exists and before any window. Also pins the
/// application font to the concrete family it resolves to.
void init_resources();

}  // namespace sg::ui
