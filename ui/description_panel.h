/// The scenario's description above the curves: what to try, what to look for, the lesson.
#pragma once

#include <QFrame>
#include <QString>

class QLabel;
class QScrollArea;
class QToolButton;

namespace sg::ui {

/// Shows a scenario's name and description, word-wrapped, paragraphs kept.
/// Hidden when the description is empty. Its preferred height fits the text
/// up to about nine lines; a longer one scrolls. It sits in a splitter above
/// the curves, so the user can give it more or less room, or fold it to its
/// title line.
class DescriptionPanel : public QFrame {
  Q_OBJECT

public:
  explicit DescriptionPanel(QWidget* parent = nullptr);

  void show_description(const QString& name, const QString& description);
  /// The description as plain text (empty when none is shown).
  QString text() const { return text_; }

  /// The title, and the text up to kMaxLines lines at the present width.
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

signals:
  /// A new description, or folded or unfolded: the splitter should give
  /// the panel its sizeHint() height again.
  void preferred_height_changed();

protected:
  void resizeEvent(QResizeEvent* event) override;
  void changeEvent(QEvent* event) override;

private:
  /// Emits preferred_height_changed once the panel has its real width.
  void request_fit();
  int body_height(int max_lines) const;

  bool pending_fit_ = false;
  QString text_;
  /// The body's laid-out height at a width (a rich label lays its text out
  /// anew at each call: the window's layout asks on every run shown).
  mutable int cached_width_ = -1, cached_height_ = 0;
  QLabel* title_ = nullptr;
  QLabel* body_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  QToolButton* fold_ = nullptr;
};

}  // namespace sg::ui
