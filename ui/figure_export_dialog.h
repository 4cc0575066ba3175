/// The export dialog's figure settings: a preset (paper column, page width,
/// slide) or a size of one's own, and the PNG scale.
#pragma once

#include <QDialog>

#include "figure_export.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace sg::ui {

class FigureExportDialog : public QDialog {
  Q_OBJECT

 public:
  /// Opens on a size of one's own, `size` (in points).
  FigureExportDialog(const QString& title, FigureSize size, QWidget* parent = nullptr);

  /// What the dialog says: a preset's size, text and lines, or the size given.
  FigureSize figure_size() const;
  /// Chooses a preset by name ("column", ...), or the size of one's own for an empty name.
  void choose_preset(const QString& name);
  QComboBox* preset_chooser() const { return preset_; }

 private:
  void sync();

  QComboBox* preset_ = nullptr;
  QSpinBox* width_ = nullptr;
  QSpinBox* height_ = nullptr;
  QDoubleSpinBox* scale_ = nullptr;
  QSize own_size_;
  double own_scale_ = 2;
};

}  // namespace sg::ui
