/// The energy axis and the colour legends of disconnectivity-graph panels.
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "graph/panel.hpp"

namespace lossland::graph {

void text_at(cairo_t* cr, const std::string& s, double x, double y, double align_x,
             double align_y) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  cairo_move_to(cr, x - align_x * ext.width - ext.x_bearing,
                y - align_y * ext.height - ext.y_bearing);
  cairo_show_text(cr, s.c_str());
}

std::vector<std::string> tick_labels(const std::vector<double>& ticks) {
  std::vector<std::string> out;
  for (int prec = 2; prec <= 15; ++prec) {
    out.clear();
    std::set<std::string> seen;
    for (double t : ticks) {
      const std::string buf = fmt::format("{:.{}g}", t, prec);
      out.push_back(buf);
      seen.insert(buf);
    }
    if (seen.size() == ticks.size()) break;
  }
  return out;
}

namespace {

/// m x 10^k as "me-k" / "mek" (short exponents: 1e-5, 2e-3, 1e0 as "1").
std::string power_label(int mantissa, int exponent) {
  if (exponent == 0) return std::to_string(mantissa);
  return std::to_string(mantissa) + "e" + std::to_string(exponent);
}

/// Ticks of a log axis: E - E_min = 0 at the bottom, then m 10^k for m in {1} (or {1, 2, 5}
/// when fewer than three decades show) between c_lo and c_hi, at least 12 px apart.
std::vector<std::pair<double, std::string>> log_ticks(const DisconnectivityTree& t,
                                                      const std::function<double(double)>& Y,
                                                      double c_lo, double c_hi) {
  std::vector<std::pair<double, std::string>> out;
  const double eps = t.log_offset;
  out.push_back({t.energy_min, "0"});
  const double d_hi = std::exp(c_hi) - eps;
  const int k_lo = static_cast<int>(std::floor(std::log10(eps))) - 1;
  const int k_hi = static_cast<int>(std::ceil(std::log10(std::max(d_hi, eps))));
  const bool fine = k_hi - k_lo < 5;
  double last_y = Y(t.energy_min);
  for (int k = k_lo; k <= k_hi; ++k)
    for (int m : {1, 2, 5}) {
      if (m != 1 && !fine) continue;
      const double d = m * std::pow(10.0, k);
      const double c = std::log(d + eps);
      if (c < c_lo || c > c_hi) continue;
      const double y = Y(t.energy_min + d);
      if (std::abs(y - last_y) < 12) continue;
      out.push_back({t.energy_min + d, power_label(m, k)});
      last_y = y;
    }
  return out;
}

}  // namespace

void draw_energy_axis(cairo_t* cr, const DisconnectivityTree& t,
                      const std::function<double(double)>& Y, double axis_x, double label_x,
                      double c_lo, double c_hi, const std::string& quantity) {
  const bool log = t.spacing == LevelSpacing::Log;
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11);
  cairo_set_line_width(cr, 1.0);
  // Pixel rows of the ends: Y takes energies, so map the coordinates back.
  auto energy_at = [&](double c) { return log ? t.energy_min - t.log_offset + std::exp(c) : c; };
  const double e_lo = energy_at(c_lo), e_hi = energy_at(c_hi);
  cairo_move_to(cr, axis_x, Y(e_lo));
  cairo_line_to(cr, axis_x, Y(e_hi));
  cairo_stroke(cr);
  std::vector<std::pair<double, std::string>> ticks;
  char name[128];
  if (log) {
    ticks = log_ticks(t, Y, c_lo, c_hi);
    std::snprintf(name, sizeof name, "%s \xe2\x88\x92 E_min, log scale (E_min = %.6g)",
                  quantity.c_str(), t.energy_min);
  } else {
    // Offset when the window is tiny beside the energies, so labels stay short.
    const double span = e_hi - e_lo;
    const bool offset = span < 1e-3 * std::abs(t.energy_min);
    const double ref = offset ? t.energy_min : 0.0;
    const std::vector<double> v = nice_ticks(e_lo - ref, e_hi - ref, 8);
    const std::vector<std::string> labels = tick_labels(v);
    for (std::size_t i = 0; i < v.size(); ++i) ticks.push_back({v[i] + ref, labels[i]});
    if (offset)
      std::snprintf(name, sizeof name, "%s \xe2\x88\x92 %.10g", quantity.c_str(), ref);
    else
      std::snprintf(name, sizeof name, "%s", quantity.c_str());
  }
  for (const auto& [e, label] : ticks) {
    const double y = Y(e);
    cairo_move_to(cr, axis_x - 5, y);
    cairo_line_to(cr, axis_x, y);
    cairo_stroke(cr);
    text_at(cr, label, axis_x - 8, y, 1.0, 0.5);
  }
  cairo_save(cr);
  cairo_translate(cr, label_x, 0.5 * (Y(e_lo) + Y(e_hi)));
  cairo_rotate(cr, -M_PI / 2);
  text_at(cr, name, 0, 0, 0.5, 0.5);
  cairo_restore(cr);
}

void draw_colour_legend(cairo_t* cr, const GraphPanel& p, const std::vector<double>& drawn,
                        double cmin, double cmax, double bx, double by0, double by1) {
  constexpr double kMapTop = 0.85;
  const double bw = 14;
  by0 += 10;
  by1 -= 10;
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_line_width(cr, 0.8);
  auto swatch = [&](const Eigen::Vector3d& c, double y, const std::string& label) {
    cairo_rectangle(cr, bx, y - 6, bw, 12);
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 10);
    text_at(cr, label, bx + bw + 5, y, 0.0, 0.5);
  };
  if (p.color_scheme == ColorScheme::AucClasses) {
    // The classes drawn, in the paper's order of badness; "AUC ~ 1" always.
    std::set<std::string> present;
    for (double v : drawn) present.insert(auc_class_label(v));
    double y = by0 + 6;
    for (double v : {1.0, 0.75, 0.5}) {
      if (v != 1.0 && !present.count(auc_class_label(v))) continue;
      swatch(auc_class_colour(v), y, auc_class_label(v));
      y += 18;
    }
    if (drawn.size() < p.tree.minima_kept.size())
      swatch(auc_class_colour(std::nan("")), y, "AUC unknown");
    return;
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_font_size(cr, 11);
  text_at(cr, p.color_label, bx + bw / 2, by0 - 12, 0.5, 1.0);
  if (!(cmin <= cmax)) {
    cairo_set_font_size(cr, 10);
    text_at(cr, "no values", bx, 0.5 * (by0 + by1), 0.0, 0.5);
    return;
  }
  if (cmin == cmax) {
    // Every drawn minimum has the same value: one swatch, no invented range.
    swatch(colormap(0.5 * kMapTop), by0 + 6, fmt::format("{:.4g} (all)", cmin));
    return;
  }
  cairo_pattern_t* grad = cairo_pattern_create_linear(0, by1, 0, by0);
  for (int s = 0; s <= 20; ++s) {
    const Eigen::Vector3d c = colormap(kMapTop * s / 20.0);
    cairo_pattern_add_color_stop_rgb(grad, s / 20.0, c[0], c[1], c[2]);
  }
  cairo_rectangle(cr, bx, by0, bw, by1 - by0);
  cairo_set_source(cr, grad);
  cairo_fill_preserve(cr);
  cairo_pattern_destroy(grad);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_stroke(cr);
  cairo_set_font_size(cr, 10);
  const std::vector<double> ct = nice_ticks(cmin, cmax, 5);
  const std::vector<std::string> cl = tick_labels(ct);
  for (std::size_t i = 0; i < ct.size(); ++i) {
    const double y = by1 - (ct[i] - cmin) / (cmax - cmin) * (by1 - by0);
    cairo_move_to(cr, bx + bw, y);
    cairo_line_to(cr, bx + bw + 4, y);
    cairo_stroke(cr);
    text_at(cr, cl[i], bx + bw + 6, y, 0.0, 0.5);
  }
}

}  // namespace lossland::graph
