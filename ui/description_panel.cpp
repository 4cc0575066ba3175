#include "description_panel.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLayout>
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
  title_->setWordWrap(true);  // a long scenario name wraps rather than widen the window
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
  // A description may hold a long parameter path ("services.api.calls.db.max_attempts=1")
  // that no line break splits: it must not set the window's least width.
  body_->setMinimumWidth(240);
  scroll_ = new QScrollArea(this);
  scroll_->setWidget(body_);
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  layout->addWidget(scroll_);

  connect(fold_, &QToolButton::toggled, this, [this](bool folded) {
    scroll_->setVisible(!folded);
    fold_->setText(folded ? tr("Show") : tr("Hide"));
    // Folded, it is its title line and no more, however the splitter was set.
    setMaximumHeight(folded ? sizeHint().height() : QWIDGETSIZE_MAX);
    request_fit();
  });
  hide();
}

void DescriptionPanel::show_description(const QString& name, const QString& description) {
  const QString text = description.trimmed();
  const QString title = tr("<b>About this scenario:</b> %1").arg(name.toHtmlEscaped());
  if (text == text_ && title == title_->text()) return;  // a parameter changed, not the description
  text_ = text;
  setVisible(!text_.isEmpty());
  if (text_.isEmpty()) return;
  title_->setText(title);
  body_->setText(paragraphs_html(text_));
  cached_width_ = -1;
  scroll_->verticalScrollBar()->setValue(0);
  request_fit();
}

void DescriptionPanel::resizeEvent(QResizeEvent* event) {
  QFrame::resizeEvent(event);
  if (pending_fit_ && isVisible()) {
    pending_fit_ = false;
    emit preferred_height_changed();
  }
}

void DescriptionPanel::request_fit() {
  updateGeometry();
  if (isVisible() && width() > 200) {
    pending_fit_ = false;
    emit preferred_height_changed();
  } else {
    pending_fit_ = true;  // sized when it is laid out
  }
}

int DescriptionPanel::body_height(int max_lines) const {
  // A word-wrapped label's height depends on its width: the text at the
  // width the panel has now, up to max_lines lines.
  const QMargins m = layout()->contentsMargins();
  const int scrollbar = scroll_->verticalScrollBar()->sizeHint().width();
  const int width = std::max(200, this->width() - m.left() - m.right() - scrollbar - 2 * frameWidth());
  if (width != cached_width_) {
    cached_height_ = body_->heightForWidth(width);
    cached_width_ = width;
  }
  return std::min(cached_height_, max_lines * fontMetrics().lineSpacing()) + 2;
}

void DescriptionPanel::changeEvent(QEvent* event) {
  QFrame::changeEvent(event);
  if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) cached_width_ = -1;
}

QSize DescriptionPanel::sizeHint() const {
  const QMargins m = layout()->contentsMargins();
  int h = m.top() + m.bottom() + 2 * frameWidth() + std::max(title_->sizeHint().height(), fold_->sizeHint().height());
  if (!fold_->isChecked()) h += layout()->spacing() + body_height(kMaxLines);
  return {QFrame::sizeHint().width(), h};
}

QSize DescriptionPanel::minimumSizeHint() const {
  const QMargins m = layout()->contentsMargins();
  int h = m.top() + m.bottom() + 2 * frameWidth() + std::max(title_->sizeHint().height(), fold_->sizeHint().height());
  if (!fold_->isChecked()) h += layout()->spacing() + std::min(body_height(3), 3 * fontMetrics().lineSpacing() + 2);
  return {QFrame::minimumSizeHint().width(), h};
}

}  // namespace sg::ui
