#include "file_dialog_folder.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace sg::ui {

QString file_dialog_folder(const QString& current_file, const QString& last_folder) {
  if (!current_file.isEmpty() && !current_file.startsWith(QStringLiteral(":/"))) {
    const QFileInfo file(current_file);
    if (file.absoluteDir().exists()) return file.absolutePath();
  }
  if (!last_folder.isEmpty() && QFileInfo(last_folder).isDir()) return QFileInfo(last_folder).absoluteFilePath();
  const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  return !documents.isEmpty() && QFileInfo(documents).isDir() ? documents : QDir::homePath();
}

}  // namespace sg::ui
