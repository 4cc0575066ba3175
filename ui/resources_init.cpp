#include "resources_init.h"

#include <QApplication>
#include <QFont>
#include <QFontInfo>
#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void init_stormglass_resources() { Q_INIT_RESOURCE(resources); }

namespace sg::ui {

void init_resources() {
  init_stormglass_resources();
  // Name the font the system actually uses ("DejaVu Sans", not the alias
  // "Sans Serif"): SVG exports then say which font to draw their text with.
  QFont font = QApplication::font();
  font.setFamily(QFontInfo(font).family());
  QApplication::setFont(font);
}

}  // namespace sg::ui
