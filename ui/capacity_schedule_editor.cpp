#include "capacity_schedule_editor.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <string>

#include "scenario/input_error.h"

namespace sg::ui {
namespace {

QString number_text(double v) {
  return QLocale::c().toString(v, 'g', 12);
}

}  // namespace

CapacityScheduleEditor::CapacityScheduleEditor(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(18, 0, 0, 4);  // indented under its check box, as a policy's fields
  layout->setSpacing(2);
  table_ = new QTableWidget(0, 2, this);
  table_->setHorizontalHeaderLabels({tr("From t (s)"), tr("Capacity (/s)")});
  table_->horizontalHeaderItem(0)->setToolTip(tr("The step's start, in seconds from the start of the run"));
  table_->horizontalHeaderItem(1)->setToolTip(tr("The capacity from then on, in attempts/s"));
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                          QAbstractItemView::AnyKeyPressed);
  table_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  table_->setToolTip(tr("Double-click a cell to edit it; Enter applies the edit."));
  layout->addWidget(table_);

  auto* buttons = new QHBoxLayout;
  add_ = new QPushButton(tr("Add step"), this);
  add_->setToolTip(tr("A step after the last one, with the same capacity: edit it"));
  remove_ = new QPushButton(tr("Remove"), this);
  remove_->setToolTip(tr("Remove the selected step (the last one when none is selected)"));
  buttons->addWidget(add_);
  buttons->addWidget(remove_);
  buttons->addStretch(1);
  layout->addLayout(buttons);

  // A cell's edit is committed (Enter, or focus elsewhere) before itemChanged:
  // one signal, one undo step, per edit rather than per keystroke.
  connect(table_, &QTableWidget::itemChanged, this, [this] {
    if (!showing_) emit edited();
  });
  connect(add_, &QPushButton::clicked, this, &CapacityScheduleEditor::add_step);
  connect(remove_, &QPushButton::clicked, this, &CapacityScheduleEditor::remove_step);
}

void CapacityScheduleEditor::show_steps(const Steps& steps, double horizon_s) {
  horizon_s_ = horizon_s;
  showing_ = true;
  const int selected = table_->currentRow();
  table_->setRowCount(static_cast<int>(steps.size()));
  for (int r = 0; r < table_->rowCount(); ++r) {
    const auto& [t, c] = steps[static_cast<std::size_t>(r)];
    table_->setItem(r, 0, new QTableWidgetItem(number_text(t)));
    table_->setItem(r, 1, new QTableWidgetItem(number_text(c)));
    table_->item(r, 0)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table_->item(r, 1)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (selected >= 0 && selected < table_->rowCount()) table_->selectRow(selected);
  showing_ = false;
  remove_->setEnabled(table_->rowCount() > 1);  // a schedule has at least one step; untick to switch it off
  fit_height();
}

CapacityScheduleEditor::Steps CapacityScheduleEditor::entered_steps() const {
  Steps steps;
  for (int r = 0; r < table_->rowCount(); ++r) {
    double values[2] = {0, 0};
    for (int c = 0; c < 2; ++c) {
      const QString text = table_->item(r, c) ? table_->item(r, c)->text().trimmed() : QString();
      bool ok = false;
      values[c] = QLocale::c().toDouble(text, &ok);
      if (!ok)  // the words of validate_scenario for a value out of range
        throw InputError("", "server.capacity_schedule[" + std::to_string(r) + "]",
                         text.isEmpty() ? std::string("(empty)") : text.toStdString(),
                         c == 0 ? "the time must be a number from 0 to 1e9 s"
                                : "a capacity must be a number from 0 to 1e12");
    }
    steps.emplace_back(values[0], values[1]);
  }
  return steps;
}

void CapacityScheduleEditor::add_step() {
  // Halfway from the last step to the end of the run, at the same capacity.
  Steps steps;
  try {
    steps = entered_steps();
  } catch (const InputError&) {
    emit edited();  // the owner refuses the bad cell and shows the schedule in force
    return;
  }
  const double last_t = steps.empty() ? 0 : steps.back().first;
  const double capacity = steps.empty() ? 1000 : steps.back().second;
  const double t = std::round(last_t + std::max(1.0, (horizon_s_ - last_t) / 2));
  steps.emplace_back(t, capacity);
  show_steps(steps, horizon_s_);
  table_->selectRow(table_->rowCount() - 1);
  emit edited();
}

void CapacityScheduleEditor::remove_step() {
  if (table_->rowCount() <= 1) return;
  const int row = table_->currentRow() >= 0 ? table_->currentRow() : table_->rowCount() - 1;
  showing_ = true;
  table_->removeRow(row);
  showing_ = false;
  remove_->setEnabled(table_->rowCount() > 1);
  fit_height();
  emit edited();
}

void CapacityScheduleEditor::fit_height() {
  // Room for every step up to five, then it scrolls: the panel stays compact.
  const int rows = std::clamp(table_->rowCount(), 1, 5);
  const int height = table_->horizontalHeader()->sizeHint().height() +
                     rows * table_->verticalHeader()->defaultSectionSize() + 2 * table_->frameWidth();
  table_->setFixedHeight(height);
}

}  // namespace sg::ui
