#include "legend_wrap.h"

#include "qcustomplot.h"

namespace sg::ui {

void wrap_legend_to_width(QCPLegend& legend, int room, int max_columns) {
  for (int columns = max_columns; columns >= 1; --columns) {
    legend.setWrap(columns);
    legend.setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    if (legend.minimumOuterSizeHint().width() <= room) break;
  }
}

}  // namespace sg::ui
