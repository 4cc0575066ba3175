#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace sg::ui {

bool apply_theme(const QString& name) {
  if (name == QLatin1String("system")) return true;
  if (name != QLatin1String("light") && name != QLatin1String("dark")) return false;
  QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  if (name == QLatin1String("light")) {
    QApplication::setPalette(QApplication::style()->standardPalette());
    return true;
  }
  QPalette p;
  const QColor window(37, 40, 46), base(28, 30, 35), text(222, 226, 232), disabled(120, 124, 130);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, window);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(255, 110, 100));
  p.setColor(QPalette::Highlight, QColor(66, 133, 244));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(138, 180, 248));
  p.setColor(QPalette::PlaceholderText, disabled);
  for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, disabled);
  QApplication::setPalette(p);
  return true;
}

}  // namespace sg::ui
