#include "figure_export.h"

#include <QFileInfo>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QTemporaryDir>
#include <QTextDocument>

#include <cstdio>
#include <functional>

#include "dashboard_text.h"
#include "load_curves_view.h"
#include "qcustomplot.h"
#include "theme.h"

namespace sg::ui {
namespace {

/// Paints with `draw` into a file of the given kind, through a temporary file
/// in the same folder that replaces `path` only once it is whole.
QString write_figure(const QString& path, FigureSize size, const std::function<void(QCPPainter&)>& draw) {
  const QString kind = figure_format(path);
  if (kind.isEmpty()) return QStringLiteral("%1: unknown figure format (use .png, .pdf or .svg)").arg(path);
  if (size.width < 100 || size.height < 100 || size.width > 20000 || size.height > 20000 || size.scale <= 0 ||
      size.scale > 8)
    return QStringLiteral("%1: figure size %2 x %3 at scale %4 is out of range").arg(path).arg(size.width).arg(size.height).arg(size.scale);
  QFileInfo info(path);
  if (!info.absoluteDir().exists())
    return QStringLiteral("%1: cannot write: the folder %2 does not exist").arg(path, info.absolutePath());
  const QString temp = info.absoluteDir().filePath(QStringLiteral(".%1.part").arg(info.fileName()));
  bool ok = false;
  if (kind == QLatin1String("png")) {
    QImage image(qRound(size.width * size.scale), qRound(size.height * size.scale), QImage::Format_ARGB32);
    image.fill(Qt::white);
    {
      QCPPainter painter(&image);
      painter.setRenderHint(QPainter::Antialiasing);
      painter.scale(size.scale, size.scale);
      draw(painter);
    }
    ok = image.save(temp, "PNG");
  } else {
    // PDF and SVG: vector drawing, no cached raster layers.
    auto paint_vector = [&](QPaintDevice* device) {
      QCPPainter painter;
      if (!painter.begin(device)) return false;
      painter.setMode(QCPPainter::pmVectorized);
      painter.setMode(QCPPainter::pmNoCaching);
      draw(painter);
      return painter.end();
    };
    if (kind == QLatin1String("pdf")) {
      QPdfWriter writer(temp);
      writer.setResolution(72);  // one point per pixel of the figure
      writer.setPageSize(QPageSize(QSizeF(size.width, size.height), QPageSize::Point));
      writer.setPageMargins(QMarginsF(0, 0, 0, 0));
      writer.setCreator(QStringLiteral("Stormglass"));
      ok = paint_vector(&writer);
    } else {
      QSvgGenerator generator;
      generator.setFileName(temp);
      generator.setSize(QSize(size.width, size.height));
      generator.setViewBox(QRect(0, 0, size.width, size.height));
      generator.setTitle(QStringLiteral("Stormglass"));
      ok = paint_vector(&generator);
    }
  }
  if (!ok || QFileInfo(temp).size() == 0) {
    QFile::remove(temp);
    return QStringLiteral("%1: cannot write the figure").arg(path);
  }
  // rename(2) replaces the old file in one step: it is never missing.
  if (std::rename(QFile::encodeName(temp).constData(), QFile::encodeName(path).constData()) != 0) {
    QFile::remove(temp);
    return QStringLiteral("%1: cannot replace the file").arg(path);
  }
  return {};
}

}  // namespace

QString figure_format(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("png") || suffix == QLatin1String("pdf") || suffix == QLatin1String("svg")) return suffix;
  return {};
}

namespace {

/// Draws `html` from (x, y) within `width`; returns its height.
int draw_text(QPainter& painter, const QString& html, int x, int y, int width, const QColor& color) {
  QTextDocument doc;
  doc.setDefaultStyleSheet(QStringLiteral("body { color: %1; }").arg(color.name()));
  doc.setTextWidth(width);
  doc.setHtml(QStringLiteral("<body>%1</body>").arg(html));
  painter.save();
  painter.translate(x, y);
  doc.drawContents(&painter);
  painter.restore();
  return static_cast<int>(doc.size().height());
}

QString caption_html(const QString& caption) {
  return QStringLiteral("<div align='center'>%1</div>").arg(caption.toHtmlEscaped().replace('\n', QStringLiteral("<br>")));
}

}  // namespace

QString export_plot(QCustomPlot& plot, const QString& caption, const QString& path, FigureSize size) {
  // Dark text on white whatever the screen's theme: the view recolours its
  // plot for the export and back after it.
  const PrintLook print(plot.parentWidget() ? plot.parentWidget() : &plot);
  return write_figure(path, size, [&](QCPPainter& painter) {
    const QColor text = plot.palette().color(QPalette::WindowText);
    painter.fillRect(QRect(0, 0, size.width, size.height), plot.background());
    int top = 8 + draw_text(painter, caption_html(caption), 8, 8, size.width - 16, text);
    painter.save();
    painter.translate(0, top);
    plot.toPainter(&painter, size.width, size.height - top);
    painter.restore();
  });
}

QString export_curves(LoadCurvesView& view, const QString& path, FigureSize size) {
  return export_plot(*view.plot(), view.caption(), path, size);
}

QString export_dashboard(LoadCurvesView& view, const Scenario& scenario, const RunHealth& health,
                         const QString& path, FigureSize size) {
  const PrintLook print(&view);
  return write_figure(path, size, [&](QCPPainter& painter) {
    const int margin = 24, summary_width = std::max(300, size.width / 4);
    painter.fillRect(QRect(0, 0, size.width, size.height), view.plot()->background());
    const QColor text = view.palette().color(QPalette::WindowText);
    int title_height = draw_text(painter,
                                 QStringLiteral("<div style='font-size:20pt; font-weight:bold'>%1</div>")
                                     .arg(QString::fromStdString(scenario.name).toHtmlEscaped()),
                                 margin, margin, size.width - 2 * margin, text);
    int caption_height = draw_text(painter, caption_html(view.caption()), margin, margin + title_height,
                                   size.width - summary_width - 2 * margin, text);
    const int curves_top = margin + title_height + caption_height + 6;
    const int curves_width = size.width - summary_width - margin;
    const int curves_height = size.height - curves_top - margin;
    painter.save();
    painter.translate(margin / 2, curves_top);
    view.plot()->toPainter(&painter, curves_width, curves_height);
    painter.restore();
    draw_text(painter, summary_html(scenario, health), size.width - summary_width, curves_top + 16,
              summary_width - margin, text);
  });
}

}  // namespace sg::ui
