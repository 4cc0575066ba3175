#include "help.h"

#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QStringList>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sg::ui {
namespace {

/// A menu or action text without its mnemonic ("&Open…" → "Open…", "&&" → "&").
QString plain(QString text) {
  text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
  text.remove(QLatin1Char('&'));
  text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
  return text;
}

void collect(const QMenu* menu, const QString& where, std::vector<ShortcutEntry>& out) {
  for (QAction* a : menu->actions()) {
    if (a->isSeparator()) continue;
    if (a->menu()) {
      collect(a->menu(), where + QStringLiteral(" › ") + plain(a->text()), out);
      continue;
    }
    const QList<QKeySequence> keys = a->shortcuts();
    if (keys.isEmpty()) continue;
    QStringList written;
    for (const QKeySequence& k : keys) written << k.toString(QKeySequence::NativeText);
    out.push_back({where, plain(a->text()), written.join(QStringLiteral(", "))});
  }
}

}  // namespace

QString stormglass_version() { return QStringLiteral(STORMGLASS_VERSION); }

QString about_text() {
  return QCoreApplication::translate("Help",
                                     "<h3>Stormglass %1</h3>"
                                     "<p>See retry storms coming: a live dashboard of a service whose clients time out "
                                     "and retry, and of the metastable failures their retries sustain.</p>"
                                     "<p>Built with Qt %2.</p>")
      .arg(stormglass_version(), QString::fromLatin1(qVersion()));
}

QString documentation_path() {
  const QString app_dir = QCoreApplication::applicationDirPath();
  const QStringList candidates = {
      QDir(app_dir).filePath(QStringLiteral("../share/doc/stormglass/README.md")),  // a relocated install
      QStringLiteral(STORMGLASS_DOC_DIR "/README.md"),                              // where it was to be installed
      QStringLiteral(STORMGLASS_SOURCE_DIR "/README.md"),                           // a build tree
  };
  for (const QString& c : candidates)
    if (QFileInfo(c).isFile()) return QFileInfo(c).canonicalFilePath();
  return {};
}

std::vector<ShortcutEntry> shortcut_entries(const QMenuBar* bar) {
  std::vector<ShortcutEntry> out;
  for (QAction* a : bar->actions())
    if (a->menu()) collect(a->menu(), plain(a->text()), out);
  return out;
}

QDialog* make_shortcuts_dialog(const std::vector<ShortcutEntry>& entries, QWidget* parent) {
  auto* dialog = new QDialog(parent);
  dialog->setObjectName(QStringLiteral("shortcuts_dialog"));
  dialog->setWindowTitle(QCoreApplication::translate("Help", "Keyboard shortcuts"));
  auto* layout = new QVBoxLayout(dialog);
  auto* table = new QTableWidget(static_cast<int>(entries.size()), 3, dialog);
  table->setHorizontalHeaderLabels({QCoreApplication::translate("Help", "Menu"), QCoreApplication::translate("Help", "Action"),
                                    QCoreApplication::translate("Help", "Shortcut")});
  table->verticalHeader()->hide();
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  for (int row = 0; row < static_cast<int>(entries.size()); ++row) {
    const ShortcutEntry& e = entries[static_cast<std::size_t>(row)];
    table->setItem(row, 0, new QTableWidgetItem(e.menu));
    table->setItem(row, 1, new QTableWidgetItem(e.action));
    table->setItem(row, 2, new QTableWidgetItem(e.keys));
  }
  table->resizeColumnsToContents();
  table->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(table);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  layout->addWidget(buttons);
  dialog->resize(520, 420);
  return dialog;
}

}  // namespace sg::ui
