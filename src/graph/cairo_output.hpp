#pragma once
/// \file
/// Private helper: a cairo drawing surface chosen by the output file's extension (.svg, .png,
/// .pdf), so every picture lossland draws comes in the three formats with one code path.

#include <cairo.h>

#include <stdexcept>
#include <string>

namespace lossland::render {

/// Owns a cairo surface and context writing to `path`; finish() writes the file.
class CairoOutput {
 public:
  /// Throws std::invalid_argument for an extension other than .svg/.png/.pdf and
  /// std::runtime_error if the file cannot be created.
  CairoOutput(const std::string& path, double width, double height);
  ~CairoOutput();
  CairoOutput(const CairoOutput&) = delete;
  CairoOutput& operator=(const CairoOutput&) = delete;

  cairo_t* cr() const { return cr_; }
  double width() const { return width_; }
  double height() const { return height_; }
  /// Flushes and writes the file (PNG is written here); throws std::runtime_error on failure.
  void finish();

 private:
  std::string path_, kind_;
  double width_, height_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  bool finished_ = false;
};

/// A black frame of the given line width around the rectangle (x, y, w, h): the plot frame of
/// lossland's figures. Leaves the source black and the line width set.
inline void stroke_frame(cairo_t* cr, double x, double y, double w, double h, double line_width) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, line_width);
  cairo_rectangle(cr, x, y, w, h);
  cairo_stroke(cr);
}

/// Lower-case extension of a path without the dot ("" if none).
std::string extension_of(const std::string& path);

}  // namespace lossland::render
