/// The scenario's description above the curves: what to try, what to look for, the lesson.
#pragma once

#include <QFrame>
#include <QString>

class QLabel;
class QScrollArea;
class QToolButton;

namespace sg::ui {

/// Shows a scenario's name and description, word-wrapped, paragraphs kept.
/// Hidden when the description is empty; a long description scrolls inside
/// a few lines' height so the curves keep their room, and the user can fold
/// it to its title line.
class DescriptionPanel : public QFrame {
  Q_OBJECT

public:
  explicit DescriptionPanel(QWidget* parent = nullptr);

  void show_description(const QString& name, const QString& description);
  /// The description as plain text (empty when none is shown).
  QString text() const { return text_; }

protected:
  void resizeEvent(QResizeEvent* event) override;

private:
  void fit_height();

  QString text_;
  QLabel* title_ = nullptr;
  QLabel* body_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  QToolButton* fold_ = nullptr;
};

}  // namespace sg::ui
