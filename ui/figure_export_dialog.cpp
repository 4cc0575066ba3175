#include "figure_export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

#include "figure_preset.h"

namespace sg::ui {

FigureExportDialog::FigureExportDialog(const QString& title, FigureSize size, QWidget* parent)
    : QDialog(parent), own_size_(size.width, size.height), own_scale_(size.scale) {
  setWindowTitle(title);
  auto* form = new QFormLayout(this);
  preset_ = new QComboBox(this);
  preset_->setObjectName(QStringLiteral("figure_preset"));
  preset_->addItem(tr("Size of my own"), QString());
  for (const FigurePreset& p : figure_presets()) {
    preset_->addItem(p.title, p.name);
    preset_->setItemData(preset_->count() - 1,
                         tr("%1 x %2 pt, text %3 pt, tick labels %4 pt, PNG at %5 dpi")
                             .arg(p.width_pt)
                             .arg(p.height_pt)
                             .arg(p.text_pt)
                             .arg(p.tick_pt)
                             .arg(p.png_dpi),
                         Qt::ToolTipRole);
  }
  preset_->setToolTip(
      tr("A figure for a paper or a slide: its size in physical units, its text and lines chosen for it"));
  width_ = new QSpinBox(this);
  width_->setRange(100, 8000);
  width_->setSuffix(tr(" pt"));
  height_ = new QSpinBox(this);
  height_->setRange(100, 8000);
  height_->setSuffix(tr(" pt"));
  scale_ = new QDoubleSpinBox(this);
  scale_->setRange(1, 8);
  scale_->setSingleStep(0.5);
  scale_->setDecimals(2);
  scale_->setToolTip(
      tr("PNG only: pixels per point (2 for slides and high-DPI screens; a preset's is its dpi / 72)"));
  width_->setValue(size.width);
  height_->setValue(size.height);
  scale_->setValue(size.scale);
  form->addRow(tr("Figure"), preset_);
  form->addRow(tr("Width"), width_);
  form->addRow(tr("Height"), height_);
  form->addRow(tr("PNG scale"), scale_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(preset_, qOverload<int>(&QComboBox::currentIndexChanged), this, &FigureExportDialog::sync);
  // A size of one's own is remembered while a preset is tried.
  connect(width_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int w) {
    if (preset_->currentData().toString().isEmpty()) own_size_.setWidth(w);
  });
  connect(height_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int h) {
    if (preset_->currentData().toString().isEmpty()) own_size_.setHeight(h);
  });
  connect(scale_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double s) {
    if (preset_->currentData().toString().isEmpty()) own_scale_ = s;
  });
}

void FigureExportDialog::choose_preset(const QString& name) {
  const int index = preset_->findData(name);
  if (index >= 0) preset_->setCurrentIndex(index);
}

void FigureExportDialog::sync() {
  const FigurePreset* preset = find_figure_preset(preset_->currentData().toString());
  // A preset sets the size (its text sizes are chosen for it); the PNG scale stays free.
  width_->setEnabled(!preset);
  height_->setEnabled(!preset);
  if (preset) {
    const FigureSize size = preset_figure_size(*preset);
    width_->setValue(size.width);
    height_->setValue(size.height);
    scale_->setValue(size.scale);
  } else {
    width_->setValue(own_size_.width());
    height_->setValue(own_size_.height());
    scale_->setValue(own_scale_);
  }
}

FigureSize FigureExportDialog::figure_size() const {
  return {width_->value(), height_->value(), scale_->value(), preset_->currentData().toString()};
}

}  // namespace sg::ui
