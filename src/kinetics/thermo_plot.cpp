#include "lossland/kinetics/thermo_plot.hpp"

#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "graph/cairo_output.hpp"
#include "lossland/graph/render.hpp"

namespace lossland::kinetics {

namespace {

void label(cairo_t* cr, double x, double y, const std::string& s, double size, double ax,
           double ay) {
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  cairo_move_to(cr, x - ax * e.width - e.x_bearing, y - ay * e.height - e.y_bearing);
  cairo_show_text(cr, s.c_str());
}

struct Panel {
  double left, right, top, bottom;
  double lx0, lx1, y0, y1;  ///< log10 T range and value range
  double X(double t) const { return left + (std::log10(t) - lx0) / (lx1 - lx0) * (right - left); }
  double Y(double v) const { return bottom - (v - y0) / (y1 - y0) * (bottom - top); }
};

void axes(cairo_t* cr, const Panel& p, const std::string& ylabel, const std::string& xlabel) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1.0);
  cairo_rectangle(cr, p.left, p.top, p.right - p.left, p.bottom - p.top);
  cairo_stroke(cr);
  for (double v : graph::nice_ticks(p.y0, p.y1, 5)) {
    label(cr, p.left - 6, p.Y(v), fmt::format("{:g}", v), 11, 1.0, 0.5);
  }
  for (int e = static_cast<int>(std::ceil(p.lx0)); e <= static_cast<int>(std::floor(p.lx1)); ++e)
    for (int m = 1; m < 10; ++m) {
      const double t = m * std::pow(10.0, e), x = p.X(t);
      if (x < p.left || x > p.right) continue;
      cairo_move_to(cr, x, p.bottom);
      cairo_line_to(cr, x, p.bottom + (m == 1 ? 5 : 2.5));
      cairo_stroke(cr);
      if (m == 1) label(cr, x, p.bottom + 8, "1e" + std::to_string(e), 11, 0.5, 0.0);
    }
  if (std::floor(p.lx1) < std::ceil(p.lx0)) {  // less than a decade: label the ends
    for (double lt : {p.lx0, p.lx1}) {
      label(cr, p.X(std::pow(10.0, lt)), p.bottom + 8, fmt::format("{:.3g}", std::pow(10.0, lt)),
            11, 0.5, 0.0);
    }
  }
  label(cr, (p.left + p.right) / 2, p.bottom + 26, xlabel, 12, 0.5, 0.0);
  cairo_save(cr);
  cairo_translate(cr, p.left - 52, (p.top + p.bottom) / 2);
  cairo_rotate(cr, -M_PI / 2);
  label(cr, 0, 0, ylabel, 12, 0.5, 0.5);
  cairo_restore(cr);
}

void curve(cairo_t* cr, const Panel& p, const std::vector<double>& t,
           const std::vector<double>& v) {
  for (std::size_t k = 0; k < t.size(); ++k)
    (k ? cairo_line_to : cairo_move_to)(cr, p.X(t[k]), p.Y(v[k]));
  cairo_stroke(cr);
}

}  // namespace

std::vector<int> most_occupied(const std::vector<ThermoResult>& scan, int count) {
  if (scan.empty()) return {};
  const std::size_t M = scan.front().occupation.size();
  std::vector<double> best(M, 0);
  for (const auto& r : scan)
    for (std::size_t i = 0; i < M; ++i) best[i] = std::max(best[i], r.occupation[i]);
  std::vector<int> ids(M);
  std::iota(ids.begin(), ids.end(), 0);
  std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) { return best[a] > best[b]; });
  ids.resize(std::min<std::size_t>(M, static_cast<std::size_t>(std::max(0, count))));
  return ids;
}

void draw_thermo_scan(const std::vector<ThermoResult>& scan, const std::vector<int>& shown,
                      const std::string& path) {
  if (scan.empty()) throw std::invalid_argument("draw_thermo_scan: empty scan");
  const double W = 720, H = 640;
  render::CairoOutput out(path, W, H);
  cairo_t* cr = out.cr();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  std::vector<double> t;
  for (const auto& r : scan) t.push_back(r.temperature);
  const double lx0 = std::log10(t.front()), lx1 = std::log10(t.back());
  Panel top{80, W - 150, 30, H / 2 - 40, lx0, lx1, 0, 1};
  axes(cr, top, "occupation p_i", "temperature T");
  const std::size_t n = shown.size();
  std::vector<double> others(scan.size(), 1.0);
  for (std::size_t k = 0; k < n; ++k) {
    std::vector<double> p;
    for (std::size_t s = 0; s < scan.size(); ++s) {
      p.push_back(scan[s].occupation.at(shown[k]));
      others[s] -= p.back();
    }
    const Eigen::Vector3d c = graph::colormap(n == 1 ? 0.3 : 0.85 * k / (n - 1));
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, 2.0);
    curve(cr, top, t, p);
    const double ly = top.top + 8 + 18 * k;
    cairo_move_to(cr, top.right + 12, ly);
    cairo_line_to(cr, top.right + 34, ly);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    label(cr, top.right + 40, ly, "min " + std::to_string(shown[k]), 11, 0.0, 0.5);
  }
  if (n < scan.front().occupation.size()) {
    for (double& v : others) v = std::max(0.0, v);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    const double dash[] = {5.0, 3.0};
    cairo_set_dash(cr, dash, 2, 0);
    curve(cr, top, t, others);
    const double ly = top.top + 8 + 18 * n;
    cairo_move_to(cr, top.right + 12, ly);
    cairo_line_to(cr, top.right + 34, ly);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    cairo_set_source_rgb(cr, 0, 0, 0);
    label(cr, top.right + 40, ly, "others", 11, 0.0, 0.5);
  }
  std::vector<double> c;
  for (const auto& r : scan) c.push_back(r.heat_capacity);
  const auto [cmin, cmax] = std::minmax_element(c.begin(), c.end());
  const double pad = std::max(1e-9, 0.05 * (*cmax - *cmin));
  Panel bottom{80, W - 150, H / 2 + 20, H - 50, lx0, lx1, *cmin - pad, *cmax + pad};
  axes(cr, bottom, "heat capacity C = d<E>/dT", "temperature T");
  cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
  cairo_set_line_width(cr, 2.0);
  curve(cr, bottom, t, c);
  out.finish();
}

}  // namespace lossland::kinetics
