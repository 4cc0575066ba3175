/// The run's summary ("What happened"): rich text that fits its height to
/// its width, laid out once per change and per width. A word-wrapped rich
/// QLabel laid its text out again under its size hints, height-for-width
/// queries and paints, several times per change as the side panel's
/// layouts asked: with the summary set at every run of a slider drag, that
/// was 46 % of the UI thread's time per replot of the bundled chain (a
/// profile of the dashboard benchmark).
#pragma once

#include <QString>
#include <QTextBrowser>

namespace sg::ui {

class SummaryView : public QTextBrowser {
public:
  explicit SummaryView(QWidget* parent = nullptr);

  /// Shows `html` (nothing changes when it is what is shown).
  void set_html(const QString& html);
  /// The html last given to set_html.
  const QString& html() const { return html_; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

protected:
  void resizeEvent(QResizeEvent* event) override;
  void changeEvent(QEvent* event) override;

private:
  /// Its height, to the document's at its width.
  void fit();
  /// Text in the window's text colour on no background, as a label's.
  void follow_palette();

  QString html_;
  bool following_ = false;
};

}  // namespace sg::ui
