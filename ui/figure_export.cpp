#include "figure_export.h"

#include <QFileInfo>
#include <QCoreApplication>
#include <QImage>
#include <QPicture>
#include <QPointer>
#include <QThreadPool>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QTemporaryDir>
#include <QTextDocument>

#include <atomic>
#include <cstdio>
#include <functional>

#include "dashboard_text.h"
#include "figure_look.h"
#include "figure_preset.h"
#include "load_curves_view.h"
#include "qcustomplot.h"
#include "theme.h"
#include "topology_view.h"

namespace sg::ui {
namespace {

/// The worker threads that rasterise and encode PNGs for the dashboard.
QThreadPool& figure_writers() {
  static QThreadPool pool;
  return pool;
}

/// Replaces `path` by the whole temporary file `temp` (rename(2) replaces
/// the old file in one step: it is never missing), or removes `temp`.
QString replace_by(const QString& temp, const QString& path, bool ok) {
  if (!ok || QFileInfo(temp).size() == 0) {
    QFile::remove(temp);
    return QStringLiteral("%1: cannot write the figure").arg(path);
  }
  if (std::rename(QFile::encodeName(temp).constData(), QFile::encodeName(path).constData()) != 0) {
    QFile::remove(temp);
    return QStringLiteral("%1: cannot replace the file").arg(path);
  }
  return {};
}

/// A PNG from the drawing recorded in `picture`: rasterised at the size's
/// scale and encoded. Touches no widget, so it may run on any thread.
QString write_png(const QPicture& picture, const FigureSize& size, const QString& temp, const QString& path) {
  QImage image(qRound(size.width * size.scale), qRound(size.height * size.scale), QImage::Format_ARGB32);
  image.fill(Qt::white);
  {
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.scale(size.scale, size.scale);
    painter.drawPicture(0, 0, picture);
  }
  if (!size.preset.isEmpty()) {
    // The file says its resolution, so that it is placed at the preset's
    // physical size (the preset's text is in pixel sizes: drawing does not
    // depend on it).
    const int per_metre = qRound(72 * size.scale / 0.0254);
    image.setDotsPerMeterX(per_metre);
    image.setDotsPerMeterY(per_metre);
  }
  return replace_by(temp, path, image.save(temp, "PNG"));
}

/// Paints with `draw` into a file of the given kind, through a temporary file
/// in the same folder that replaces `path` only once it is whole. With
/// `done`, a PNG's rasterising and encoding (most of its time) run on a
/// worker thread (figure_export.h).
QString write_figure(const QString& path, FigureSize size, const std::function<void(QCPPainter&)>& draw,
                     const FigureDone& done) {
  auto refuse = [&](const QString& error) {
    if (done) done(error);
    return done ? QString() : error;
  };
  const QString kind = figure_format(path);
  if (kind.isEmpty()) return refuse(QStringLiteral("%1: unknown figure format (use .png, .pdf or .svg)").arg(path));
  if (size.width < 100 || size.height < 100 || size.width > 20000 || size.height > 20000 || size.scale <= 0 ||
      size.scale > 8)
    return refuse(QStringLiteral("%1: figure size %2 x %3 at scale %4 is out of range")
                      .arg(path)
                      .arg(size.width)
                      .arg(size.height)
                      .arg(size.scale));
  QFileInfo info(path);
  if (!info.absoluteDir().exists())
    return refuse(QStringLiteral("%1: cannot write: the folder %2 does not exist").arg(path, info.absolutePath()));
  if (!size.preset.isEmpty() && !find_figure_preset(size.preset))
    return refuse(QStringLiteral("%1: unknown figure preset '%2' (use %3)").arg(path, size.preset, figure_preset_names()));
  // Writes in flight at once each have their own temporary.
  static std::atomic<int> writes{0};
  const QString temp = info.absoluteDir().filePath(
      done ? QStringLiteral(".%1.%2.part").arg(info.fileName()).arg(writes.fetch_add(1)) : QStringLiteral(".%1.part").arg(info.fileName()));
  if (kind == QLatin1String("png")) {
    // The drawing is recorded on this thread (it reads the widgets) and
    // played into the image. A QPicture lays text out at the screen's
    // logical dpi, a QImage at 96: the same offscreen and on most desktops;
    // on a screen of another logical dpi, text sized in points follows the
    // screen (a preset's text is in pixels and does not).
    QPicture picture;
    {
      QCPPainter painter(&picture);
      painter.setRenderHint(QPainter::Antialiasing);
      // As for PDF and SVG: QCustomPlot draws a 1-unit pen one device pixel
      // wide on a raster device unless told it is vectorised, and a paper
      // preset's 1 pt curves came out hairlines at 300 dpi.
      painter.setMode(QCPPainter::pmVectorized);
      painter.setMode(QCPPainter::pmNoCaching);
      draw(painter);
    }
    if (!done) return write_png(picture, size, temp, path);
    QPointer<QObject> here(QCoreApplication::instance());
    figure_writers().start([picture, size, temp, path, done, here] {
      const QString error = write_png(picture, size, temp, path);
      if (here) QMetaObject::invokeMethod(here, [done, error] { done(error); }, Qt::QueuedConnection);
    });
    return {};
  }
  // PDF and SVG: vector drawing, no cached raster layers.
  auto paint_vector = [&](QPaintDevice* device) {
    QCPPainter painter;
    if (!painter.begin(device)) return false;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    draw(painter);
    return painter.end();
  };
  bool ok = false;
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
    // 72 units an inch: the width and height attributes are the figure's
    // size in mm, its drawing in points.
    generator.setResolution(72);
    generator.setSize(QSize(size.width, size.height));
    generator.setViewBox(QRect(0, 0, size.width, size.height));
    generator.setTitle(QStringLiteral("Stormglass"));
    ok = paint_vector(&generator);
  }
  const QString error = replace_by(temp, path, ok);
  return refuse(error);
}

}  // namespace

void wait_for_figure_writes() { figure_writers().waitForDone(); }

QString figure_format(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("png") || suffix == QLatin1String("pdf") || suffix == QLatin1String("svg")) return suffix;
  return {};
}

namespace {

/// Draws `html` from (x, y) within `width`; returns its height.
/// The text font of a preset's figure (pixel sizes: see FigureLook), or the
/// application's for exports at the screen's fonts.
QFont figure_font(const FigureSize& size, bool small) {
  QFont font;
  if (const FigurePreset* preset = find_figure_preset(size.preset))
    font.setPixelSize(small ? preset->tick_pt : preset->text_pt);
  return font;
}

void set_up(QTextDocument& doc, const QString& html, int width, const QColor& color, const QFont& font) {
  doc.setDefaultFont(font);
  if (font.pixelSize() > 0) doc.setDocumentMargin(1);  // a preset's figure: every point counts
  doc.setDefaultStyleSheet(QStringLiteral("body { color: %1; }").arg(color.name()));
  doc.setTextWidth(width);
  // The size in the style too: QSvgGenerator writes the size of the text
  // item's font, which keeps the document's default size only when a style says it.
  const QString size = font.pixelSize() > 0 ? QStringLiteral(" style='font-size:%1px'").arg(font.pixelSize()) : QString();
  doc.setHtml(QStringLiteral("<body%1>%2</body>").arg(size, html));
}

/// The height `html` takes at `width`.
int text_height(const QString& html, int width, const QFont& font) {
  QTextDocument doc;
  set_up(doc, html, width, Qt::black, font);
  return static_cast<int>(std::ceil(doc.size().height()));
}

int draw_text(QPainter& painter, const QString& html, int x, int y, int width, const QColor& color,
              const QFont& font = QFont()) {
  QTextDocument doc;
  set_up(doc, html, width, color, font);
  painter.save();
  painter.translate(x, y);
  doc.drawContents(&painter);
  painter.restore();
  return static_cast<int>(std::ceil(doc.size().height()));
}

/// Draws the call graph (at its cursor's time) and its legend in the band
/// at (x, y) of the given size, in the print palette.
void draw_graph_band(QPainter& painter, const TopologyView& graph, int x, int y, int width, int height,
                     const QFont& font) {
  const QPalette print = print_palette();
  const QString legend = graph.legend_html(print);
  const int legend_height = text_height(legend, width, font);
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing);
  graph.draw(painter, QRectF(x, y, width, std::max(0, height - legend_height)), print, false);
  painter.restore();
  draw_text(painter, legend, x, y + height - legend_height, width, print.color(QPalette::WindowText), font);
}

QString caption_html(const QString& caption) {
  return QStringLiteral("<div align='center'>%1</div>").arg(caption.toHtmlEscaped().replace('\n', QStringLiteral("<br>")));
}

}  // namespace

FigureSize preset_figure_size(const FigurePreset& preset) {
  return {qRound(preset.width_pt), qRound(preset.height_pt), preset.png_dpi / 72, preset.name};
}

QString export_plot(QCustomPlot& plot, const QString& caption, const QString& path, FigureSize size,
                    const FigureDone& done) {
  // Dark text on white whatever the screen's theme: the view recolours its
  // plot for the export and back after it.
  const PrintLook print(plot.parentWidget() ? plot.parentWidget() : &plot);
  const FigurePreset* preset = find_figure_preset(size.preset);
  const int margin = preset ? 2 : 8;
  return write_figure(path, size, [&](QCPPainter& painter) {
    const QColor text = plot.palette().color(QPalette::WindowText);
    painter.fillRect(QRect(0, 0, size.width, size.height), plot.background());
    const int top = margin + draw_text(painter, caption_html(caption), margin, margin, size.width - 2 * margin, text,
                                       figure_font(size, true));
    const QSize area(size.width, size.height - top);
    const FigureLook look(plot, preset, area);
    painter.save();
    painter.translate(0, top);
    plot.toPainter(&painter, area.width(), area.height());
    painter.restore();
  }, done);
}

QString export_topology(const TopologyView& view, const QString& caption, const QString& path, FigureSize size,
                        const FigureDone& done) {
  const QPalette print = print_palette();
  const FigurePreset* preset = find_figure_preset(size.preset);
  const int margin = preset ? 2 : 8, width = size.width - 2 * margin;
  const QFont small = figure_font(size, true);
  const QString legend = view.legend_html(print);
  return write_figure(path, size, [&](QCPPainter& painter) {
    const QColor text = print.color(QPalette::WindowText);
    painter.fillRect(QRect(0, 0, size.width, size.height), print.color(QPalette::Base));
    const int top = margin + draw_text(painter, caption_html(caption), margin, margin, width, text, small);
    const int legend_height = text_height(legend, width, small);
    const QRectF area(0, top, size.width, std::max(0, size.height - top - legend_height - margin));
    painter.setRenderHint(QPainter::Antialiasing);
    view.draw(painter, area, print, false);
    draw_text(painter, legend, margin, size.height - legend_height - margin, width, text, small);
  }, done);
}

QString export_curves(LoadCurvesView& view, const QString& path, FigureSize size, const FigureDone& done) {
  return export_plot(*view.plot(), view.caption(), path, size, done);
}

QString export_dashboard(LoadCurvesView& view, const Scenario& scenario, const RunHealth& health,
                         const QString& path, FigureSize size, const TopologyView* graph, const FigureDone& done) {
  const PrintLook print(&view);
  const QString name = QString::fromStdString(scenario.name).toHtmlEscaped();
  const auto title = [&](const QString& font_size) {
    return QStringLiteral("<div style='font-size:%1; font-weight:bold'>%2</div>").arg(font_size, name);
  };
  const QString summary = summary_html(scenario, health);
  const QColor text = view.palette().color(QPalette::WindowText);
  const FigurePreset* preset = find_figure_preset(size.preset);
  if (preset && size.width >= 1.5 * size.height) {
    // A landscape preset (the page, the slide) keeps its size: a 16:9 slide
    // stays 16:9. Title and caption across the top, the curves on the left,
    // the summary beside them.
    const int margin = 4, width = size.width - 2 * margin;
    const QFont font = figure_font(size, false), small = figure_font(size, true);
    const QString big_title = title(QStringLiteral("%1px").arg(qRound(preset->text_pt * 1.4)));
    const int top = margin + text_height(big_title, width, font) + text_height(caption_html(view.caption()), width, small);
    // The call graph, if any, takes the top third of the curves' place.
    const int graph_height = graph ? qRound(0.34 * (size.height - top - margin)) : 0;
    const int curves_height = size.height - top - margin - graph_height;
    const int summary_width = qRound(0.3 * size.width), curves_width = size.width - summary_width;
    // The summary's text smaller, down to the preset's tick size, until it
    // fits beside the curves; then its last paragraphs go (the verdict and
    // the first facts stay: a slide is read at a glance, the file's prose is
    // in the CLI's summary and the dashboard).
    QFont summary_font = font;
    QStringList paragraphs = summary.split(QStringLiteral("</p>"), Qt::SkipEmptyParts);
    const auto fits = [&] {
      return text_height(paragraphs.join(QStringLiteral("</p>")), summary_width - 2 * margin, summary_font) <=
             curves_height + graph_height;
    };
    for (int px = preset->text_pt; px >= preset->tick_pt; --px) {
      summary_font.setPixelSize(px);
      if (fits()) break;
    }
    while (paragraphs.size() > 2 && !fits()) paragraphs.removeLast();
    const QString shown = paragraphs.join(QStringLiteral("</p>"));
    return write_figure(path, size, [&](QCPPainter& painter) {
      painter.fillRect(QRect(0, 0, size.width, size.height), view.plot()->background());
      int y = margin;
      y += draw_text(painter, big_title, margin, y, width, text, font);
      y += draw_text(painter, caption_html(view.caption()), margin, y, width, text, small);
      const int summary_top = y;
      if (graph) {
        draw_graph_band(painter, *graph, margin, y, curves_width - 2 * margin, graph_height, small);
        y += graph_height;
      }
      {
        const FigureLook look(*view.plot(), preset, QSize(curves_width, curves_height));
        painter.save();
        painter.translate(0, y);
        view.plot()->toPainter(&painter, curves_width, curves_height);
        painter.restore();
      }
      draw_text(painter, shown, curves_width + margin, summary_top, summary_width - 2 * margin, text, summary_font);
    }, done);
  }
  if (preset) {
    // The column: title, caption, the curves at the preset's size, the
    // summary under them (beside them it would be a few words a line).
    const int margin = 4, width = size.width - 2 * margin;
    const QFont font = figure_font(size, false), small = figure_font(size, true);
    const QString big_title = title(QStringLiteral("%1px").arg(qRound(preset->text_pt * 1.4)));
    const int title_height = text_height(big_title, width, font);
    const int caption_height = text_height(caption_html(view.caption()), width, small);
    const int summary_height = text_height(summary, width, font);
    const int curves_height = size.height;
    // The call graph, if any, in a band above the curves: the figure grows by it.
    const int graph_height = graph ? qRound(0.4 * size.width) : 0;
    size.height = margin + title_height + caption_height + graph_height + curves_height + summary_height + margin;
    return write_figure(path, size, [&](QCPPainter& painter) {
      painter.fillRect(QRect(0, 0, size.width, size.height), view.plot()->background());
      int y = margin;
      y += draw_text(painter, big_title, margin, y, width, text, font);
      y += draw_text(painter, caption_html(view.caption()), margin, y, width, text, small);
      if (graph) {
        draw_graph_band(painter, *graph, margin, y, width, graph_height, small);
        y += graph_height;
      }
      {
        const FigureLook look(*view.plot(), preset, QSize(size.width, curves_height));
        painter.save();
        painter.translate(0, y);
        view.plot()->toPainter(&painter, size.width, curves_height);
        painter.restore();
      }
      draw_text(painter, summary, margin, y + curves_height, width, text, font);
    }, done);
  }
  return write_figure(path, size, [&](QCPPainter& painter) {
    const int margin = 24, summary_width = std::max(300, size.width / 4);
    painter.fillRect(QRect(0, 0, size.width, size.height), view.plot()->background());
    int title_height = draw_text(painter, title(QStringLiteral("20pt")), margin, margin, size.width - 2 * margin, text);
    int caption_height = draw_text(painter, caption_html(view.caption()), margin, margin + title_height,
                                   size.width - summary_width - 2 * margin, text);
    const int graph_top = margin + title_height + caption_height + 6;
    const int curves_width = size.width - summary_width - margin;
    const int graph_height = graph ? qRound(0.3 * (size.height - graph_top - margin)) : 0;
    if (graph) draw_graph_band(painter, *graph, margin, graph_top, curves_width - margin, graph_height, QFont());
    const int curves_top = graph_top + graph_height;
    const int curves_height = size.height - curves_top - margin;
    {
      const FigureLook look(*view.plot(), nullptr, QSize(curves_width, curves_height));
      painter.save();
      painter.translate(margin / 2, curves_top);
      view.plot()->toPainter(&painter, curves_width, curves_height);
      painter.restore();
    }
    draw_text(painter, summary, size.width - summary_width, graph_top + 16, summary_width - margin, text);
  }, done);
}

}  // namespace sg::ui
