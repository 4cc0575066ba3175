/// The run's summary ("What happened"): rich text that fits its height to
/// its width, laid out once per change and per width. A word-wrapped rich
/// QLabel lays its text out anew at every size hint, height-for-width query
/// and paint (QTextDocument::setTextWidth relays out even at the same
/// width), and the layouts of the side panel ask several times per change:
/// with the summary set at every run of a slider drag, that was most of the
/// UI thread's time per replot (docs/model.md says nothing of it; the
/// dashboard benchmark does).
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
