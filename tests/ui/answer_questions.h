/// Answering, in widget tests, the questions the window asks (QMessageBox).
#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QTimer>

namespace sg::ui::test {

/// While it lives, answers every message box that comes up with `answer`,
/// and counts them: a question asked twice is counted, never left waiting.
struct Answerer {
  explicit Answerer(QMessageBox::StandardButton answer) : answer_(answer) {
    timer_.setInterval(5);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box || !box->isVisible() || box->property("answered").toBool()) return;
      box->setProperty("answered", true);
      ++asked;
      text = box->text();
      buttons = box->standardButtons();
      if (QAbstractButton* button = box->button(answer_)) button->click();
      else box->reject();
    });
    timer_.start();
  }
  int asked = 0;
  QString text;
  QMessageBox::StandardButtons buttons;

private:
  QMessageBox::StandardButton answer_;
  QTimer timer_;
};

}  // namespace sg::ui::test
