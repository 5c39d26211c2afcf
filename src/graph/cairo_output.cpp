#include "graph/cairo_output.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <algorithm>
#include <cctype>

namespace lossland::render {

std::string extension_of(const std::string& path) {
  const auto dot = path.find_last_of('.');
  const auto slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

CairoOutput::CairoOutput(const std::string& path, double width, double height)
    : path_(path), kind_(extension_of(path)), width_(width), height_(height) {
  if (kind_ == "svg") {
    surface_ = cairo_svg_surface_create(path.c_str(), width, height);
  } else if (kind_ == "pdf") {
    surface_ = cairo_pdf_surface_create(path.c_str(), width, height);
  } else if (kind_ == "png") {
    surface_ = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(width),
                                          static_cast<int>(height));
  } else {
    throw std::invalid_argument("cannot draw '" + path +
                                "': the file name must end in .svg, .png or .pdf");
  }
  if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(surface_));
    cairo_surface_destroy(surface_);
    throw std::runtime_error("cannot create '" + path + "': " + why);
  }
  cr_ = cairo_create(surface_);
  // An opaque white background for every format.
  cairo_set_source_rgb(cr_, 1, 1, 1);
  cairo_paint(cr_);
}

void CairoOutput::finish() {
  if (finished_) return;
  finished_ = true;
  cairo_surface_flush(surface_);
  if (kind_ == "png") {
    const cairo_status_t st = cairo_surface_write_to_png(surface_, path_.c_str());
    if (st != CAIRO_STATUS_SUCCESS)
      throw std::runtime_error("cannot write '" + path_ + "': " + cairo_status_to_string(st));
  }
  cairo_destroy(cr_);
  cr_ = nullptr;
  cairo_surface_finish(surface_);
  const cairo_status_t st = cairo_surface_status(surface_);
  cairo_surface_destroy(surface_);
  surface_ = nullptr;
  if (st != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error("cannot write '" + path_ + "': " + cairo_status_to_string(st));
}

CairoOutput::~CairoOutput() {
  if (cr_) cairo_destroy(cr_);
  if (surface_) {
    cairo_surface_finish(surface_);
    cairo_surface_destroy(surface_);
  }
}

}  // namespace lossland::render

#if defined(__SANITIZE_ADDRESS__) && defined(LOSSLAND_HAVE_FONTCONFIG)
// Sanitizer builds only (scripts/test-sanitizers.sh): cairo's font caches and fontconfig's
// configuration live as long as the process and are never freed, which LeakSanitizer reports as
// leaks through cairo_select_font_face. Release them deliberately at exit, cairo's first (it
// holds fontconfig patterns), so that any other leak stands out. Static destructors run before
// LeakSanitizer's check, which is registered at start-up. Release builds skip this: the kernel
// frees everything at exit anyway, and FcFini asserts if a font is still referenced.
#include <fontconfig/fontconfig.h>

namespace {
struct ReleaseFontCachesAtExit {
  ~ReleaseFontCachesAtExit() {
    cairo_debug_reset_static_data();
    FcFini();
  }
} release_font_caches_at_exit;
}  // namespace
#endif
