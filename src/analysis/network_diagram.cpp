/// Network diagrams (Mehta et al., Phys. Rev. E 97, 052307 (2018), insets of Figs. 2-6).
#include "lossland/analysis/network_diagram.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "analysis/paint.hpp"
#include "graph/cairo_output.hpp"
#include "lossland/analysis/metrics.hpp"

namespace lossland::analysis {

void NetworkDiagramOptions::validate() const {
  if (!(zero_threshold >= 0 && zero_threshold < 1))
    throw std::invalid_argument("NetworkDiagramOptions.zero_threshold: must be in [0, 1)");
  if (!(max_edge_width > 0 && max_edge_width <= 50))
    throw std::invalid_argument("NetworkDiagramOptions.max_edge_width: must be in (0, 50]");
  if (!(min_edge_width > 0 && min_edge_width <= max_edge_width))
    throw std::invalid_argument(
        "NetworkDiagramOptions.min_edge_width: must be in (0, max_edge_width]");
}

namespace {

struct Node {
  double x, y;
};

void centred_text(cairo_t* cr, double x, double y, const std::string& s) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  cairo_move_to(cr, x - ext.width / 2 - ext.x_bearing, y - ext.height / 2 - ext.y_bearing);
  cairo_show_text(cr, s.c_str());
}

}  // namespace

namespace {
constexpr double kGap = 46, kRadius = 12, kColGap = 150, kLeft = 50;
double diagram_top(const NetworkDiagramOptions& o) {
  return o.title.empty() ? 24 : 46;
}
int diagram_rows(const ParamLayout& L) {
  return std::max({L.I + 1, L.H + 1, L.O});
}
void check_diagram_input(const ModelSpec& spec, const Eigen::VectorXd& w,
                         const NetworkDiagramOptions& options) {
  options.validate();
  const ParamLayout L(spec);
  if (w.size() != L.size())
    throw std::invalid_argument("draw_network_diagram: w has " + std::to_string(w.size()) +
                                " entries, the model needs " + std::to_string(L.size()));
}
}  // namespace

PaintSize network_diagram_size(const ModelSpec& spec, const NetworkDiagramOptions& options) {
  const ParamLayout L(spec);
  return {kLeft * 2 + 2 * kColGap, diagram_top(options) + diagram_rows(L) * kGap + 28};
}

void draw_network_diagram(const ModelSpec& spec, const Eigen::VectorXd& w, const std::string& path,
                          const NetworkDiagramOptions& options) {
  check_diagram_input(spec, w, options);
  const PaintSize size = network_diagram_size(spec, options);
  render::CairoOutput out(path, size.width, size.height);
  paint_network_diagram(out.cr(), spec, w, options);
  out.finish();
}

void paint_network_diagram(cairo_t* cr, const ModelSpec& spec, const Eigen::VectorXd& w,
                           const NetworkDiagramOptions& options) {
  check_diagram_input(spec, w, options);
  const ParamLayout L(spec);
  const double gap = kGap, radius = kRadius, col_gap = kColGap;
  const double top = diagram_top(options), left = kLeft;
  // Inputs plus the hidden layer's bias node in column 0; hidden plus the output bias in
  // column 1; outputs in column 2.
  const int rows = diagram_rows(L);
  const PaintSize size = network_diagram_size(spec, options);
  const double height = size.height, width = size.width;
  auto column = [&](int count, int col) {
    std::vector<Node> nodes(count);
    const double y0 = top + (rows - count) * gap / 2 + gap / 2;
    for (int i = 0; i < count; ++i) nodes[i] = {left + col * col_gap, y0 + i * gap};
    return nodes;
  };
  const std::vector<Node> in = column(L.I + 1, 0);   // last one is the bias node
  const std::vector<Node> hid = column(L.H + 1, 1);  // last one is the bias node
  const std::vector<Node> outn = column(L.O, 2);

  const double max_w = std::max(w.cwiseAbs().maxCoeff(), 1e-300);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  auto edge = [&](const Node& a, const Node& b, double value) {
    if (std::abs(value) <= options.zero_threshold) return;
    const double s = std::sqrt(std::abs(value) / max_w);
    const double width_px = std::max(options.min_edge_width, options.max_edge_width * s);
    if (value > 0)
      cairo_set_source_rgba(cr, 0.80, 0.12, 0.12, 0.35 + 0.65 * s);
    else
      cairo_set_source_rgba(cr, 0.12, 0.30, 0.80, 0.35 + 0.65 * s);
    cairo_set_line_width(cr, width_px);
    cairo_move_to(cr, a.x, a.y);
    cairo_line_to(cr, b.x, b.y);
    cairo_stroke(cr);
  };
  for (int j = 0; j < L.H; ++j) {
    for (int k = 0; k < L.I; ++k) edge(in[k], hid[j], w[L.W(j, k)]);
    edge(in[L.I], hid[j], w[L.b(j)]);
    for (int i = 0; i < L.O; ++i) edge(hid[j], outn[i], w[L.V(i, j)]);
  }
  for (int i = 0; i < L.O; ++i) edge(hid[L.H], outn[i], w[L.c(i)]);

  const std::vector<bool> connected = connected_hidden_nodes(spec, w, options.zero_threshold);
  auto node = [&](const Node& n, const std::string& label, bool active, bool bias) {
    if (bias) {
      cairo_rectangle(cr, n.x - radius * 0.85, n.y - radius * 0.85, radius * 1.7, radius * 1.7);
    } else {
      cairo_new_sub_path(cr);
      cairo_arc(cr, n.x, n.y, radius, 0, 2 * M_PI);
    }
    if (active)
      cairo_set_source_rgb(cr, bias ? 0.93 : 0.88, bias ? 0.93 : 0.92, bias ? 0.80 : 0.97);
    else
      cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1.5);
    if (active)
      cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    else
      cairo_set_source_rgb(cr, 0.65, 0.65, 0.65);
    if (!active) {
      const double dash[] = {3.0, 2.5};
      cairo_set_dash(cr, dash, 2, 0);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    cairo_set_font_size(cr, 11);
    centred_text(cr, n.x, n.y, label);
  };
  for (int k = 0; k < L.I; ++k) node(in[k], "x" + std::to_string(k + 1), true, false);
  node(in[L.I], "1", true, true);
  for (int j = 0; j < L.H; ++j) node(hid[j], "h" + std::to_string(j + 1), connected[j], false);
  node(hid[L.H], "1", true, true);
  for (int i = 0; i < L.O; ++i) node(outn[i], "y" + std::to_string(i), true, false);

  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  cairo_set_font_size(cr, 11);
  centred_text(cr, in[0].x, top - 4, "input");
  centred_text(cr, hid[0].x, top - 4, "hidden");
  centred_text(cr, outn[0].x, top - 4, "output");
  const std::string legend = fmt::format("red +, blue -, width ~ sqrt|w|; max|w| = {:.3g}", max_w);
  centred_text(cr, width / 2, height - 12, legend);
  if (!options.title.empty()) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 13);
    centred_text(cr, width / 2, 16, options.title);
  }
}

}  // namespace lossland::analysis
