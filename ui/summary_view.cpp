#include "summary_view.h"

#include <QEvent>
#include <QPalette>
#include <QScrollBar>
#include <QTextDocument>
#include <QTextOption>

#include <cmath>

namespace sg::ui {

SummaryView::SummaryView(QWidget* parent) : QTextBrowser(parent) {
  setFrameShape(QFrame::NoFrame);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
  setOpenLinks(false);
  setWordWrapMode(QTextOption::WordWrap);  // as a label: words whole, never broken inside
  setTextInteractionFlags(Qt::TextSelectableByMouse);
  document()->setDocumentMargin(0);
  viewport()->setAutoFillBackground(false);
  follow_palette();
}

void SummaryView::set_html(const QString& html) {
  if (html == html_) return;
  html_ = html;
  setHtml(html);
  fit();
}

QSize SummaryView::sizeHint() const { return {200, height()}; }
QSize SummaryView::minimumSizeHint() const { return {50, height()}; }

void SummaryView::resizeEvent(QResizeEvent* event) {
  QTextBrowser::resizeEvent(event);
  fit();
}

void SummaryView::changeEvent(QEvent* event) {
  QTextBrowser::changeEvent(event);
  if (event->type() == QEvent::PaletteChange && !following_) follow_palette();
}

void SummaryView::fit() {
  const int h = static_cast<int>(std::ceil(document()->size().height()));
  if (h != height()) setFixedHeight(h);
}

void SummaryView::follow_palette() {
  following_ = true;
  QPalette p = palette();
  for (QPalette::ColorGroup g : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
    p.setColor(g, QPalette::Text, p.color(g, QPalette::WindowText));
    p.setColor(g, QPalette::Base, Qt::transparent);
  }
  setPalette(p);
  following_ = false;
}

}  // namespace sg::ui
