#include "lossland/graph/render.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "graph/cairo_output.hpp"

namespace lossland::graph {

void RenderOptions::validate() const {
  if (!(width >= 200 && width <= 10000))
    throw std::invalid_argument("width must be in [200, 10000]");
  if (!(height >= 150 && height <= 10000))
    throw std::invalid_argument("height must be in [150, 10000]");
  if (columns < 0 || columns > 100) throw std::invalid_argument("columns must be in [0, 100]");
  if (!(line_width > 0 && line_width <= 20))
    throw std::invalid_argument("line_width must be in (0, 20]");
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi) || target < 1) return ticks;
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double k = std::ceil(lo / step); k * step <= hi + 1e-9 * step; k += 1.0) {
    const double v = k * step;
    ticks.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
  }
  return ticks;
}

Eigen::Vector3d colormap(double t) {
  // Viridis anchor colours at t = 0, 0.25, 0.5, 0.75, 1, linearly interpolated.
  static const double stops[5][3] = {{0.267, 0.005, 0.329},
                                     {0.229, 0.322, 0.546},
                                     {0.128, 0.567, 0.551},
                                     {0.369, 0.789, 0.383},
                                     {0.993, 0.906, 0.144}};
  if (!std::isfinite(t)) t = 0;
  t = std::clamp(t, 0.0, 1.0) * 4.0;
  const int i = std::min(3, static_cast<int>(t));
  const double f = t - i;
  Eigen::Vector3d c;
  for (int k = 0; k < 3; ++k) c[k] = stops[i][k] * (1 - f) + stops[i + 1][k] * f;
  return c;
}

namespace {

/// Branches and the colour bar use the map over [0, kMapTop] only: viridis' last yellow is
/// invisible on a white page.
constexpr double kMapTop = 0.85;

/// Labels with the fewest significant digits (>= 2) that tell all ticks apart.
std::vector<std::string> tick_labels(const std::vector<double>& ticks) {
  std::vector<std::string> out;
  for (int prec = 2; prec <= 15; ++prec) {
    out.clear();
    std::set<std::string> seen;
    for (double t : ticks) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*g", prec, t);
      out.push_back(buf);
      seen.insert(buf);
    }
    if (seen.size() == ticks.size()) break;
  }
  return out;
}

void text_at(cairo_t* cr, const std::string& s, double x, double y, double align_x,
             double align_y) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  cairo_move_to(cr, x - align_x * ext.width - ext.x_bearing,
                y - align_y * ext.height - ext.y_bearing);
  cairo_show_text(cr, s.c_str());
}

/// Draws one panel in the rectangle (x0, y0, w, h) of the context.
void draw_panel(cairo_t* cr, const GraphPanel& p, double x0, double y0, double w, double h,
                const RenderOptions& opt, const std::string& letter) {
  const DisconnectivityTree& t = p.tree;
  const bool colored = !p.color_values.empty();
  double cmin = std::numeric_limits<double>::infinity(), cmax = -cmin;
  if (colored)
    for (std::int64_t id : t.minima_kept)
      if (id < static_cast<std::int64_t>(p.color_values.size()) &&
          std::isfinite(p.color_values[id])) {
        cmin = std::min(cmin, p.color_values[id]);
        cmax = std::max(cmax, p.color_values[id]);
      }
  if (colored && std::isfinite(p.color_min)) cmin = p.color_min;
  if (colored && std::isfinite(p.color_max)) cmax = p.color_max;
  if (colored && std::isfinite(p.color_min) && std::isfinite(p.color_max) &&
      !(p.color_min < p.color_max))
    throw std::invalid_argument("the colour range needs color_min < color_max (got " +
                                std::to_string(p.color_min) + " and " +
                                std::to_string(p.color_max) + ")");
  const bool have_range = colored && cmin <= cmax;
  if (have_range && cmax == cmin) {
    cmin -= 0.5;
    cmax += 0.5;
  }

  const double title_h = 34, note_h = 16.0 * (t.notes.size() + 1) + 6;
  const double left = x0 + 92, right = x0 + w - (colored ? 96 : 24);
  const double top = y0 + title_h + 8, bottom = y0 + h - note_h - (p.labels.empty() ? 4 : 18);

  // Energy scale: from just below the global minimum to a stub above the top level.
  double e_lo = std::numeric_limits<double>::infinity();
  for (const auto& n : t.nodes) e_lo = std::min(e_lo, n.energy);
  const double e_hi = t.level_energies.front() + 0.5 * t.delta;
  e_lo -= 0.03 * (e_hi - e_lo);
  auto Y = [&](double e) { return bottom - (e - e_lo) / (e_hi - e_lo) * (bottom - top); };
  const double span = std::max(1.0, static_cast<double>(t.num_leaves - 1));
  auto X = [&](double x) {
    if (t.num_leaves <= 1) return 0.5 * (left + right);
    const double pad = std::min(30.0, 0.5 * (right - left) / t.num_leaves);
    return left + pad + x / span * (right - left - 2 * pad);
  };

  // Title and panel letter.
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, 15);
  text_at(cr, p.title, x0 + 0.5 * w, y0 + 10, 0.5, 0.0);
  if (!letter.empty()) text_at(cr, letter, x0 + 10, y0 + 10, 0.0, 0.0);

  // Energy axis: offset when the range is tiny relative to the energies, so labels stay short.
  const double e_min = t.level_energies.back() - 0.5 * t.delta;
  const bool offset = std::abs(e_hi - e_lo) < 1e-3 * std::max(std::abs(e_min), 1e-300);
  const double ref = offset ? e_min : 0.0;
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11);
  cairo_set_line_width(cr, 1.0);
  const double axis_x = left - 14;
  cairo_move_to(cr, axis_x, Y(e_lo));
  cairo_line_to(cr, axis_x, Y(e_hi));
  cairo_stroke(cr);
  const std::vector<double> ticks = nice_ticks(e_lo - ref, e_hi - ref, 8);
  const std::vector<std::string> labels = tick_labels(ticks);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const double y = Y(ticks[i] + ref);
    cairo_move_to(cr, axis_x - 5, y);
    cairo_line_to(cr, axis_x, y);
    cairo_stroke(cr);
    text_at(cr, labels[i], axis_x - 8, y, 1.0, 0.5);
  }
  {
    char buf[96];
    if (offset)
      std::snprintf(buf, sizeof buf, "%s \xe2\x88\x92 %.10g", p.axis_label.c_str(), ref);
    else
      std::snprintf(buf, sizeof buf, "%s", p.axis_label.c_str());
    cairo_save(cr);
    cairo_translate(cr, x0 + 14, 0.5 * (top + bottom));
    cairo_rotate(cr, -M_PI / 2);
    text_at(cr, buf, 0, 0, 0.5, 0.5);
    cairo_restore(cr);
  }

  // Branches: a node hangs from its parent by a diagonal one level down, then straight down to
  // its own energy (a leaf's minimum); roots hang from a stub above the top level.
  cairo_set_line_width(cr, opt.line_width);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  // A node that is its parent's only child continues the parent's line; each such chain is
  // drawn as one path from its top, so no joints show along a straight branch.
  auto only_child = [&](int node) {
    const int par = t.nodes[node].parent;
    return par >= 0 && t.nodes[par].children.size() == 1;
  };
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    if (n.children.size() == 1) continue;  // drawn by the bottom of its chain
    int top = static_cast<int>(i);
    while (only_child(top)) top = t.nodes[top].parent;
    const auto& chain_top = t.nodes[top];
    double xs, es, ek;
    if (chain_top.parent >= 0) {
      const auto& par = t.nodes[chain_top.parent];
      xs = par.x;
      es = par.energy;
      ek = std::max(n.energy, par.energy - t.delta);
    } else {
      xs = chain_top.x;
      es = e_hi;
      ek = std::max(n.energy, t.level_energies.front());
    }
    Eigen::Vector3d c(0, 0, 0);
    if (n.leaf && colored) {
      const double v = n.lowest_minimum < static_cast<std::int64_t>(p.color_values.size())
                           ? p.color_values[n.lowest_minimum]
                           : std::nan("");
      c = std::isfinite(v) && have_range
              ? colormap(kMapTop * std::clamp((v - cmin) / (cmax - cmin), 0.0, 1.0))
              : Eigen::Vector3d(0.6, 0.6, 0.6);
    }
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, n.leaf && colored ? 2 * opt.line_width : opt.line_width);
    cairo_move_to(cr, X(xs), Y(es));
    cairo_line_to(cr, X(n.x), Y(ek));
    cairo_line_to(cr, X(n.x), Y(n.energy));
    cairo_stroke(cr);
  }

  // Labels of chosen minima below their branch ends.
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.5);
  cairo_set_font_size(cr, 10);
  for (std::int64_t id : p.labels) {
    const int leaf = t.leaf_of(id);
    if (leaf < 0) continue;
    text_at(cr, std::to_string(id), X(t.nodes[leaf].x), Y(t.nodes[leaf].energy) + 3, 0.5, 0.0);
  }

  // Colour bar.
  if (colored) {
    const double bx = right + 22, bw = 14, by0 = top + 10, by1 = bottom - 10;
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
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 10);
    if (have_range) {
      const std::vector<double> ct = nice_ticks(cmin, cmax, 5);
      const std::vector<std::string> cl = tick_labels(ct);
      for (std::size_t i = 0; i < ct.size(); ++i) {
        const double y = by1 - (ct[i] - cmin) / (cmax - cmin) * (by1 - by0);
        cairo_move_to(cr, bx + bw, y);
        cairo_line_to(cr, bx + bw + 4, y);
        cairo_stroke(cr);
        text_at(cr, cl[i], bx + bw + 6, y, 0.0, 0.5);
      }
    } else {
      text_at(cr, "no values", bx + bw + 6, 0.5 * (by0 + by1), 0.0, 0.5);
    }
    cairo_set_font_size(cr, 11);
    text_at(cr, p.color_label, bx + bw / 2, by0 - 12, 0.5, 1.0);
  }

  // Notes at the bottom.
  cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_ITALIC, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11);
  char summary[160];
  std::snprintf(summary, sizeof summary, "%zu minima, %d transition states drawn; %zu levels",
                t.minima_kept.size(), t.transition_states_used, t.level_energies.size());
  double ny = y0 + h - note_h + 4;
  text_at(cr, summary, x0 + 10, ny, 0.0, 0.0);
  for (const auto& note : t.notes) {
    ny += 16;
    text_at(cr, note, x0 + 10, ny, 0.0, 0.0);
  }
}

}  // namespace

void draw_disconnectivity(const GraphPanel& panel, const std::string& path,
                          const RenderOptions& options) {
  options.validate();
  render::CairoOutput out(path, options.width, options.height);
  draw_panel(out.cr(), panel, 0, 0, options.width, options.height, options, "");
  out.finish();
}

void draw_disconnectivity_grid(const std::vector<GraphPanel>& panels, const std::string& path,
                               const RenderOptions& options) {
  options.validate();
  if (panels.empty()) throw std::invalid_argument("a grid needs at least one graph");
  const int n = static_cast<int>(panels.size());
  const int cols = options.columns > 0 ? std::min(options.columns, n) : std::min(3, n);
  const int rows = (n + cols - 1) / cols;
  render::CairoOutput out(path, options.width * cols, options.height * rows);
  for (int i = 0; i < n; ++i) {
    const std::string letter = "(" + std::string(1, static_cast<char>('a' + i % 26)) + ")";
    draw_panel(out.cr(), panels[i], options.width * (i % cols), options.height * (i / cols),
               options.width, options.height, options, letter);
  }
  out.finish();
}

}  // namespace lossland::graph
