/// Legends laid out in rows that fit a width: no entry's text is cut.
#pragma once

class QCPLegend;

namespace sg::ui {

/// As many entries a row (at most `max_columns`) as fit `room` pixels, filled
/// row by row. QCustomPlot squeezes the columns of a legend that is too wide,
/// cutting its texts; fewer columns a row keep them whole.
void wrap_legend_to_width(QCPLegend& legend, int room, int max_columns);

}  // namespace sg::ui
