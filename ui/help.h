/// The Help menu's content: what the program is, where its documentation
/// is, and its keyboard shortcuts as the actions themselves have them.
#pragma once

#include <QString>

#include <vector>

class QDialog;
class QMenuBar;
class QWidget;

namespace sg::ui {

/// The project's version (CMake's project version).
QString stormglass_version();

/// The About box's text (rich text): name and version, one line on what it is.
QString about_text();

/// The documentation to open: the installed README (share/doc/stormglass)
/// beside the program or where it was configured to be installed, else the
/// source tree's README (a build tree run). Empty when none is there.
QString documentation_path();

/// One action with a shortcut, read from the menus.
struct ShortcutEntry {
  QString menu;    // "File"
  QString action;  // "Open…"
  QString keys;    // "Ctrl+O", several separated by ", " (as the platform writes them)
};

/// Every action of the menu bar's menus (and their submenus) that has a
/// shortcut, in menu order.
std::vector<ShortcutEntry> shortcut_entries(const QMenuBar* bar);

/// A dialog listing `entries` in a table (menu, action, keys).
QDialog* make_shortcuts_dialog(const std::vector<ShortcutEntry>& entries, QWidget* parent);

}  // namespace sg::ui
