/// Starting Qt where there may be no screen (servers, CI, scripts).
#pragma once

namespace sg::ui {

/// Call before creating the QApplication. When there is no display (no
/// DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM), selects Qt's offscreen
/// platform and gives Qt a private runtime folder, so nothing is printed but
/// what the program says itself. Returns true when there is no display.
bool prepare_for_missing_display();

}  // namespace sg::ui
