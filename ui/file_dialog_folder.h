/// Where the Open and Save dialogs start: never the process's working directory.
#pragma once

#include <QString>

namespace sg::ui {

/// The folder of `current_file` when it is a file on disk (not one of the
/// program's bundled ":/" scenarios) and the folder exists; else
/// `last_folder` (the last one a file was opened from or saved to) when it
/// exists; else the user's documents folder (their home where there is none).
QString file_dialog_folder(const QString& current_file, const QString& last_folder);

}  // namespace sg::ui
