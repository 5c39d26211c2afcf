#include "lossland/graph/render.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "graph/cairo_output.hpp"
#include "graph/panel.hpp"

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

Eigen::Vector3d auc_class_colour(double auc) {
  if (!std::isfinite(auc)) return {0.6, 0.6, 0.6};
  if (auc < 0.625) return {0.10, 0.25, 0.85};  // AUC 0.5 (Mehta et al. Fig. 1 (a), blue)
  if (auc < 0.875) return {0.85, 0.10, 0.10};  // AUC 0.75 (Fig. 1 (a), (b), red)
  return {0, 0, 0};
}

std::string auc_class_label(double auc) {
  if (!std::isfinite(auc)) return "AUC unknown";
  if (auc < 0.625) return "AUC 0.5";
  if (auc < 0.875) return "AUC 0.75";
  return "AUC \xe2\x89\x88 1";
}

namespace {
/// Branches and the colour bar use the map over [0, kMapTop] only: viridis' last yellow is
/// invisible on a white page.
constexpr double kMapTop = 0.85;
}  // namespace

std::string panel_summary(const DisconnectivityTree& t) {
  std::string s = std::to_string(t.minima_kept.size());
  if (t.minima_kept.size() != t.minima_total) s += " of " + std::to_string(t.minima_total);
  s += t.minima_kept.size() == 1 && t.minima_total == 1 ? " minimum, " : " minima, ";
  s += std::to_string(t.transition_states_used);
  if (static_cast<std::size_t>(t.transition_states_used) != t.transition_states_total)
    s += " of " + std::to_string(t.transition_states_total);
  return s + " transition states; " + std::to_string(t.level_energies.size()) + " " +
         to_string(t.spacing) + " levels";
}

LeafPositions draw_panel(cairo_t* cr, const GraphPanel& p, double x0, double y0, double w, double h,
                         const RenderOptions& opt, const std::string& letter) {
  const DisconnectivityTree& t = p.tree;
  const bool colored = !p.color_values.empty();
  const bool classes = colored && p.color_scheme == ColorScheme::AucClasses;
  std::vector<double> drawn_values;
  auto value_of = [&](std::int64_t id) {
    return id < static_cast<std::int64_t>(p.color_values.size()) ? p.color_values[id]
                                                                 : std::nan("");
  };
  for (std::int64_t id : t.minima_kept)
    if (colored && std::isfinite(value_of(id))) drawn_values.push_back(value_of(id));
  double cmin = std::numeric_limits<double>::infinity(), cmax = -cmin;
  for (double v : drawn_values) cmin = std::min(cmin, v), cmax = std::max(cmax, v);
  if (colored && std::isfinite(p.color_min) && std::isfinite(p.color_max) &&
      !(p.color_min < p.color_max))
    throw std::invalid_argument("the colour range needs color_min < color_max (got " +
                                std::to_string(p.color_min) + " and " +
                                std::to_string(p.color_max) + ")");
  if (std::isfinite(p.color_min)) cmin = p.color_min;
  if (std::isfinite(p.color_max)) cmax = p.color_max;
  auto leaf_colour = [&](double v) -> Eigen::Vector3d {
    if (classes) return auc_class_colour(v);
    if (!std::isfinite(v) || !(cmin <= cmax)) return {0.6, 0.6, 0.6};
    if (cmin == cmax) return colormap(0.5 * kMapTop);  // one value: the legend's one swatch
    return colormap(kMapTop * std::clamp((v - cmin) / (cmax - cmin), 0.0, 1.0));
  };

  const double title_h = 34, note_h = 16.0 * (t.notes.size() + 1) + 6;
  const double left = x0 + 92, right = x0 + w - (colored ? 100 : 24);
  const double top = y0 + title_h + 8, bottom = y0 + h - note_h - (p.labels.empty() ? 4 : 18);

  // Vertical scale in the level coordinate (E, or ln(E - E_min + eps) for log levels): from
  // just below the global minimum to the window top, plus a stretch of trunk with a break mark
  // when transition states lie above the window.
  const bool broken = t.transition_states_above > 0;
  double c_lo = std::numeric_limits<double>::infinity();
  for (const auto& n : t.nodes) c_lo = std::min(c_lo, t.level_coordinate(n.energy));
  const double c_window = t.level_coordinate(t.window_top);
  const double c_hi = c_window + (broken ? 1.5 : 0.0) * t.delta;
  c_lo -= 0.03 * (c_hi - c_lo);
  auto Yc = [&](double c) { return bottom - (c - c_lo) / (c_hi - c_lo) * (bottom - top); };
  auto Y = [&](double e) { return Yc(t.level_coordinate(e)); };
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

  draw_energy_axis(cr, t, Y, left - 14, x0 + 14, c_lo, c_window, p.axis_label);

  // Branches: a node hangs from its parent by a diagonal to the next level, then straight down
  // to its own energy (a leaf's minimum); roots hang from the top of the window.
  cairo_set_line_width(cr, opt.line_width);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  const int L = static_cast<int>(t.level_energies.size());
  // A node that is its parent's only child continues the parent's line; each such chain is
  // drawn as one path from its top, so no joints show along a straight branch.
  auto only_child = [&](int node) {
    const int par = t.nodes[node].parent;
    return par >= 0 && t.nodes[par].children.size() == 1;
  };
  LeafPositions leaves;
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    if (n.children.size() == 1) continue;  // drawn by the bottom of its chain
    int chain = static_cast<int>(i);
    while (only_child(chain)) chain = t.nodes[chain].parent;
    const auto& chain_top = t.nodes[chain];
    double xs, ys, ek;
    if (chain_top.parent >= 0) {
      const auto& par = t.nodes[chain_top.parent];
      xs = par.x;
      ys = Y(par.energy);
      ek = par.level + 1 < L ? std::max(n.energy, t.level_energies[par.level + 1]) : n.energy;
    } else {
      xs = chain_top.x;
      ys = Yc(c_hi);
      ek = std::max(n.energy, t.level_energies.front());
    }
    Eigen::Vector3d c(0, 0, 0);
    double lw = opt.line_width;
    if (n.leaf && colored) {
      c = leaf_colour(value_of(n.lowest_minimum));
      if (!classes || c.norm() > 0) lw = 2 * opt.line_width;
    }
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, lw);
    cairo_move_to(cr, X(xs), ys);
    cairo_line_to(cr, X(n.x), Y(ek));
    cairo_line_to(cr, X(n.x), Y(n.energy));
    cairo_stroke(cr);
    if (n.leaf) leaves[n.lowest_minimum] = {X(n.x), Y(n.energy)};
  }

  // Break marks on the trunks: the tree does not change above the window, but transition
  // states lie there (up to highest_above).
  if (broken) {
    const double yb = 0.5 * (Yc(c_hi) + Yc(c_window));
    cairo_set_line_width(cr, 1.2);
    for (int r : t.roots) {
      if (t.nodes[r].leaf) continue;
      const double xr = X(t.nodes[r].x);
      cairo_set_source_rgb(cr, 1, 1, 1);
      cairo_rectangle(cr, xr - 8, yb - 3, 16, 6);
      cairo_fill(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      for (double dy : {-3.0, 3.0}) {
        cairo_move_to(cr, xr - 7, yb + dy + 2);
        cairo_line_to(cr, xr + 7, yb + dy - 2);
      }
      cairo_stroke(cr);
    }
    const std::string buf =
        fmt::format("{} transition state{} above, up to E = {:.4g}", t.transition_states_above,
                    t.transition_states_above == 1 ? "" : "s", t.highest_above);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_ITALIC, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 10);
    text_at(cr, buf, right, Yc(c_hi) - 2, 1.0, 1.0);
  }

  // Labels of chosen minima below their branch ends.
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.5);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 10);
  for (std::int64_t id : p.labels) {
    const auto it = leaves.find(id);
    if (it == leaves.end()) continue;
    text_at(cr, std::to_string(id), it->second.first, it->second.second + 3, 0.5, 0.0);
  }

  if (colored) draw_colour_legend(cr, p, drawn_values, cmin, cmax, right + 22, top, bottom);

  // Notes at the bottom: what was drawn out of what, then the tree's notes.
  cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_ITALIC, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11);
  const std::string summary = panel_summary(t);
  double ny = y0 + h - note_h + 4;
  text_at(cr, summary, x0 + 10, ny, 0.0, 0.0);
  for (const auto& note : t.notes) {
    ny += 16;
    text_at(cr, note, x0 + 10, ny, 0.0, 0.0);
  }
  return leaves;
}

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
