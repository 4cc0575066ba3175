#include "description_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace sg::ui {
namespace {

// Enough for a teaching scenario's "what to try" at a glance; the rest scrolls.
constexpr int kMaxLines = 9;

/// Plain text to HTML: blank lines separate paragraphs, single line breaks stay.
QString paragraphs_html(const QString& text) {
  QStringList html;
  for (const QString& p : text.trimmed().split(QRegularExpression(QStringLiteral("\\n\\s*\\n"))))
    html << QStringLiteral("<p style='margin:0 0 6px 0'>%1</p>")
                .arg(p.trimmed().toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
  return html.join(QString());
}

}  // namespace

DescriptionPanel::DescriptionPanel(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("description_panel"));
  setFrameShape(QFrame::StyledPanel);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(8, 4, 4, 4);
  layout->setSpacing(2);
  auto* header = new QHBoxLayout;
  title_ = new QLabel(this);
  title_->setTextFormat(Qt::RichText);
  header->addWidget(title_, 1);
  fold_ = new QToolButton(this);
  fold_->setCheckable(true);
  fold_->setAutoRaise(true);
  fold_->setText(tr("Hide"));
  fold_->setToolTip(tr("Fold the description to its title, or unfold it"));
  header->addWidget(fold_);
  layout->addLayout(header);

  body_ = new QLabel;
  body_->setWordWrap(true);
  body_->setTextFormat(Qt::RichText);
  body_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  body_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  scroll_ = new QScrollArea(this);
  scroll_->setWidget(body_);
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  layout->addWidget(scroll_);

  connect(fold_, &QToolButton::toggled, this, [this](bool folded) {
    scroll_->setVisible(!folded);
    fold_->setText(folded ? tr("Show") : tr("Hide"));
  });
  hide();
}

void DescriptionPanel::show_description(const QString& name, const QString& description) {
  text_ = description.trimmed();
  setVisible(!text_.isEmpty());
  if (text_.isEmpty()) return;
  title_->setText(tr("<b>About this scenario:</b> %1").arg(name.toHtmlEscaped()));
  body_->setText(paragraphs_html(text_));
  scroll_->verticalScrollBar()->setValue(0);
  fit_height();
}

void DescriptionPanel::resizeEvent(QResizeEvent* event) {
  QFrame::resizeEvent(event);
  fit_height();
}

void DescriptionPanel::fit_height() {
  // A word-wrapped label's height depends on its width: the scroll area is
  // sized to the text at the width it has now, up to kMaxLines lines.
  const int scrollbar = scroll_->verticalScrollBar()->sizeHint().width();
  const int width = std::max(100, scroll_->width() - scrollbar);
  const int needed = body_->heightForWidth(width);
  scroll_->setFixedHeight(std::min(needed, kMaxLines * fontMetrics().lineSpacing()) + 2);
}

}  // namespace sg::ui
