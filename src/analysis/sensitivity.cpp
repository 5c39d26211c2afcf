/// Sensitivity maps and XOR robustness (Mehta et al., Phys. Rev. E 97, 052307 (2018), Sec. IV D).
#include "lossland/analysis/sensitivity.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "analysis/paint.hpp"
#include "graph/cairo_output.hpp"

namespace lossland::analysis {

int SensitivityGrid::count() const {
  return static_cast<int>(std::floor((hi - lo) / step + 1e-9)) + 1;
}

void SensitivityGrid::validate() const {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi))
    throw std::invalid_argument("SensitivityGrid.lo/hi: need finite lo < hi");
  if (!(step > 0) || step > hi - lo)
    throw std::invalid_argument("SensitivityGrid.step: must be in (0, hi - lo]");
  if (count() > 4096)
    throw std::invalid_argument(
        "SensitivityGrid.step: more than 4096 values per axis; "
        "use a larger step");
}

SensitivityMap sensitivity_map(const MlpLoss& loss, const Eigen::VectorXd& w,
                               const SensitivityGrid& grid) {
  grid.validate();
  if (loss.spec().inputs() != 2)
    throw std::invalid_argument("a sensitivity map needs two inputs; this model has " +
                                std::to_string(loss.spec().inputs()));
  const int n = grid.count();
  SensitivityMap map;
  map.num_classes = loss.spec().outputs();
  map.values.resize(n);
  for (int q = 0; q < n; ++q) map.values[q] = grid.lo + q * grid.step;
  Eigen::MatrixXd inputs(static_cast<Eigen::Index>(n) * n, 2);
  for (int r = 0; r < n; ++r)
    for (int q = 0; q < n; ++q) {
      inputs(r * n + q, 0) = map.values[q];
      inputs(r * n + q, 1) = map.values[r];
    }
  const Eigen::MatrixXd probs = loss.probabilities(w, inputs);
  map.p1.resize(n, n);
  map.predicted.resize(n, n);
  for (int r = 0; r < n; ++r)
    for (int q = 0; q < n; ++q) {
      const Eigen::Index row = r * n + q;
      Eigen::Index best = 0;
      for (Eigen::Index k = 1; k < probs.cols(); ++k)
        if (probs(row, k) > probs(row, best)) best = k;
      map.predicted(r, q) = static_cast<int>(best);
      map.p1(r, q) = probs(row, 1);
    }
  return map;
}

bool is_xor_dataset(const Dataset& data) {
  if (data.num_inputs() != 2 || data.num_classes != 2 || data.num_samples() == 0) return false;
  bool seen[2][2] = {{false, false}, {false, false}};
  for (int d = 0; d < data.num_samples(); ++d) {
    const double x = data.inputs(d, 0), y = data.inputs(d, 1);
    if ((x != 0 && x != 1) || (y != 0 && y != 1)) return false;
    const int xi = static_cast<int>(x), yi = static_cast<int>(y);
    if (data.labels[d] != (xi ^ yi)) return false;
    seen[xi][yi] = true;
  }
  return seen[0][0] && seen[0][1] && seen[1][0] && seen[1][1];
}

int ideal_xor_class(double x, double y) {
  return std::abs(x - y) <= 0.5 ? 0 : 1;
}

double xor_robustness(const SensitivityMap& map) {
  if (map.num_classes != 2)
    throw std::invalid_argument("xor_robustness: needs a two-class network");
  const Eigen::Index n = map.values.size();
  long long agree = 0;
  for (Eigen::Index r = 0; r < n; ++r)
    for (Eigen::Index q = 0; q < n; ++q)
      if (map.predicted(r, q) == ideal_xor_class(map.values[q], map.values[r])) ++agree;
  return static_cast<double>(agree) / static_cast<double>(n * n);
}

namespace {

/// Diverging blue-white-red scale for p in [0, 1] (blue: class 0, red: class 1).
void colour_of(double p, double& r, double& g, double& b) {
  p = std::clamp(p, 0.0, 1.0);
  const double blue[3] = {0.17, 0.38, 0.78}, white[3] = {0.97, 0.97, 0.97},
               red[3] = {0.80, 0.16, 0.16};
  const double* from = p < 0.5 ? blue : white;
  const double* to = p < 0.5 ? white : red;
  const double t = p < 0.5 ? p / 0.5 : (p - 0.5) / 0.5;
  r = from[0] + t * (to[0] - from[0]);
  g = from[1] + t * (to[1] - from[1]);
  b = from[2] + t * (to[2] - from[2]);
}

void text_at(cairo_t* cr, double x, double y, const std::string& s, double align_x = 0.5) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  cairo_move_to(cr, x - align_x * ext.width - ext.x_bearing, y);
  cairo_show_text(cr, s.c_str());
}

}  // namespace

namespace {
constexpr double kMapLeft = 48, kMapRight = 78, kMapBottom = 44;
double map_top(const SensitivityDrawOptions& o) {
  return o.title.empty() ? 14 : 34;
}
void check_map_input(const SensitivityMap& map, const SensitivityDrawOptions& options) {
  if (!(options.pixels_per_cell >= 0.5 && options.pixels_per_cell <= 20))
    throw std::invalid_argument("SensitivityDrawOptions.pixels_per_cell: must be in [0.5, 20]");
  if (map.values.size() < 2) throw std::invalid_argument("draw_sensitivity_map: empty map");
}
}  // namespace

PaintSize sensitivity_map_size(const SensitivityMap& map, const SensitivityDrawOptions& options) {
  const double side = static_cast<double>(map.values.size()) * options.pixels_per_cell;
  return {kMapLeft + side + kMapRight, map_top(options) + side + kMapBottom};
}

void draw_sensitivity_map(const SensitivityMap& map, const Dataset& data, const std::string& path,
                          const SensitivityDrawOptions& options) {
  check_map_input(map, options);
  const PaintSize size = sensitivity_map_size(map, options);
  render::CairoOutput out(path, size.width, size.height);
  paint_sensitivity_map(out.cr(), map, data, options);
  out.finish();
}

void paint_sensitivity_map(cairo_t* cr, const SensitivityMap& map, const Dataset& data,
                           const SensitivityDrawOptions& options) {
  check_map_input(map, options);
  const int n = static_cast<int>(map.values.size());
  const double step = map.values[1] - map.values[0];
  const double lo = map.values[0] - step / 2, hi = map.values[n - 1] + step / 2;
  const double side = n * options.pixels_per_cell;
  const double left = kMapLeft, top = map_top(options);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);

  // The map as an n x n image scaled up without smoothing (row 0 = lowest y at the bottom).
  cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, n, n);
  cairo_surface_flush(img);
  unsigned char* pix = cairo_image_surface_get_data(img);
  const int stride = cairo_image_surface_get_stride(img);
  for (int r = 0; r < n; ++r)
    for (int q = 0; q < n; ++q) {
      double cr_, cg, cb;
      colour_of(map.p1(r, q), cr_, cg, cb);
      auto* px = reinterpret_cast<std::uint32_t*>(pix + (n - 1 - r) * stride) + q;
      *px = (static_cast<std::uint32_t>(cr_ * 255 + 0.5) << 16) |
            (static_cast<std::uint32_t>(cg * 255 + 0.5) << 8) |
            static_cast<std::uint32_t>(cb * 255 + 0.5);
    }
  cairo_surface_mark_dirty(img);
  cairo_save(cr);
  cairo_translate(cr, left, top);
  cairo_scale(cr, options.pixels_per_cell, options.pixels_per_cell);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle(cr, 0, 0, n, n);
  cairo_fill(cr);
  cairo_restore(cr);
  cairo_surface_destroy(img);

  auto px_x = [&](double x) { return left + (x - lo) / (hi - lo) * side; };
  auto px_y = [&](double y) { return top + side - (y - lo) / (hi - lo) * side; };

  // Decision boundary p1 = 0.5 is visible as the white band; the ideal XOR rule as dashes.
  cairo_save(cr);
  cairo_rectangle(cr, left, top, side, side);
  cairo_clip(cr);
  if (options.show_ideal_rule && is_xor_dataset(data)) {
    const double dash[] = {5.0, 4.0};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    for (double off : {0.5, -0.5}) {
      cairo_move_to(cr, px_x(lo), px_y(lo + off));
      cairo_line_to(cr, px_x(hi), px_y(hi + off));
      cairo_stroke(cr);
    }
    cairo_set_dash(cr, nullptr, 0, 0);
  }
  // Training points: white triangle for class 0, white square for class 1 (Mehta et al. Figs.).
  for (int d = 0; d < data.num_samples() && data.num_inputs() == 2; ++d) {
    const double x = px_x(data.inputs(d, 0)), y = px_y(data.inputs(d, 1));
    const double s = 7;
    if (data.labels[d] == 0) {
      cairo_move_to(cr, x, y - s);
      cairo_line_to(cr, x + s, y + 0.75 * s);
      cairo_line_to(cr, x - s, y + 0.75 * s);
      cairo_close_path(cr);
    } else {
      cairo_rectangle(cr, x - 0.8 * s, y - 0.8 * s, 1.6 * s, 1.6 * s);
    }
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.4);
    cairo_stroke(cr);
  }
  cairo_restore(cr);

  // Frame, ticks, labels.
  render::stroke_frame(cr, left, top, side, side, 1);
  cairo_set_font_size(cr, 11);
  for (double t = -0.5; t <= 1.5 + 1e-9; t += 0.5) {
    if (t < lo || t > hi) continue;
    const std::string buf = fmt::format("{:g}", t);
    cairo_move_to(cr, px_x(t), top + side);
    cairo_line_to(cr, px_x(t), top + side + 4);
    cairo_move_to(cr, left, px_y(t));
    cairo_line_to(cr, left - 4, px_y(t));
    cairo_stroke(cr);
    text_at(cr, px_x(t), top + side + 16, buf);
    text_at(cr, left - 7, px_y(t) + 4, buf, 1.0);
  }
  cairo_set_font_size(cr, 12);
  text_at(cr, left + side / 2, top + side + 34, "input x1");
  cairo_save(cr);
  cairo_translate(cr, 13, top + side / 2);
  cairo_rotate(cr, -M_PI / 2);
  text_at(cr, 0, 0, "input x2");
  cairo_restore(cr);
  if (!options.title.empty()) {
    cairo_set_font_size(cr, 13);
    text_at(cr, left + side / 2, 22, options.title);
  }

  // Colour bar of p(class 1).
  const double bx = left + side + 16, bw = 14;
  const int steps = 100;
  for (int s = 0; s < steps; ++s) {
    double r, g, b;
    colour_of((s + 0.5) / steps, r, g, b);
    cairo_set_source_rgb(cr, r, g, b);
    cairo_rectangle(cr, bx, top + side - (s + 1) * side / steps, bw, side / steps + 0.5);
    cairo_fill(cr);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_rectangle(cr, bx, top, bw, side);
  cairo_stroke(cr);
  cairo_set_font_size(cr, 11);
  for (double p : {0.0, 0.5, 1.0}) {
    text_at(cr, bx + bw + 4, top + side - p * side + 4, fmt::format("{:g}", p), 0.0);
  }
  cairo_save(cr);
  cairo_translate(cr, bx + bw + 34, top + side / 2);
  cairo_rotate(cr, -M_PI / 2);
  text_at(cr, 0, 0, "p(class 1)");
  cairo_restore(cr);
}

}  // namespace lossland::analysis
