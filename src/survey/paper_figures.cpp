/// Disconnectivity graphs with network-diagram and sensitivity-map insets (Mehta et al., Phys.
/// Rev. E 97, 052307 (2018), Figs. 2-6).
#include "lossland/survey/paper_figures.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "analysis/paint.hpp"
#include "graph/cairo_output.hpp"
#include "graph/panel.hpp"
#include "lossland/analysis/metrics.hpp"

namespace lossland::survey {

void InsetFigureOptions::validate() const {
  if (max_insets < 1 || max_insets > 8)
    throw std::invalid_argument("InsetFigureOptions.max_insets: must be in [1, 8]");
  if (!(graph_width >= 300 && graph_width <= 4000))
    throw std::invalid_argument("InsetFigureOptions.graph_width: must be in [300, 4000]");
  if (!(height >= 300 && height <= 4000))
    throw std::invalid_argument("InsetFigureOptions.height: must be in [300, 4000]");
  if (!(inset_width >= 120 && inset_width <= 1000))
    throw std::invalid_argument("InsetFigureOptions.inset_width: must be in [120, 1000]");
  if (!(zero_threshold >= 0 && zero_threshold < 1))
    throw std::invalid_argument("InsetFigureOptions.zero_threshold: must be in [0, 1)");
}

std::vector<std::int64_t> representative_minima(const db::Landscape& land,
                                                const graph::DisconnectivityTree& tree, int count) {
  if (count < 1) throw std::invalid_argument("representative_minima: count must be >= 1");
  std::vector<std::int64_t> ids = tree.minima_kept;
  std::stable_sort(ids.begin(), ids.end(), [&](std::int64_t a, std::int64_t b) {
    return land.minima[a].energy < land.minima[b].energy;
  });
  if (ids.empty()) return {};
  const double e_lo = land.minima[ids.front()].energy, e_hi = land.minima[ids.back()].energy;
  const auto robust = land.minima_columns.find("robustness");
  const double H = std::max(1, land.model.hidden());
  const double P = std::max(1, land.num_params());
  std::vector<Eigen::Vector4d> f(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& w = land.minima[ids[i]].coords;
    const auto conn = analysis::connected_hidden_nodes(land.model, w, 1e-10);
    double r = 0;
    if (robust != land.minima_columns.end() && robust->second.cols() == 1 &&
        std::isfinite(robust->second(ids[i], 0)))
      r = robust->second(ids[i], 0);
    f[i] << std::count(conn.begin(), conn.end(), true) / H,
        analysis::count_nonzero_weights(w, 1e-10) / P, r,
        e_hi > e_lo ? 0.5 * (land.minima[ids[i]].energy - e_lo) / (e_hi - e_lo) : 0.0;
  }
  std::vector<std::size_t> chosen{0};
  std::vector<double> dist(ids.size(), std::numeric_limits<double>::infinity());
  while (static_cast<int>(chosen.size()) < count) {
    for (std::size_t i = 0; i < ids.size(); ++i)
      dist[i] = std::min(dist[i], (f[i] - f[chosen.back()]).norm());
    std::size_t best = 0;
    for (std::size_t i = 1; i < ids.size(); ++i)
      if (dist[i] > dist[best]) best = i;  // strict: ties keep the lower energy
    if (!(dist[best] > 0)) break;
    chosen.push_back(best);
  }
  std::vector<std::int64_t> out;
  for (std::size_t c : chosen) out.push_back(ids[c]);
  return out;
}

void draw_graph_with_insets(const db::Landscape& land, const graph::GraphPanel& panel,
                            const std::vector<std::int64_t>& minima, const std::string& path,
                            const InsetFigureOptions& o) {
  o.validate();
  if (minima.empty() || static_cast<int>(minima.size()) > o.max_insets)
    throw std::invalid_argument("draw_graph_with_insets: give 1 to max_insets (" +
                                std::to_string(o.max_insets) + ") minima, not " +
                                std::to_string(minima.size()));
  for (std::int64_t id : minima)
    if (panel.tree.leaf_of(id) < 0)
      throw std::invalid_argument("draw_graph_with_insets: minimum " + std::to_string(id) +
                                  " is not drawn in the graph");
  const bool maps = land.dataset.num_inputs() == 2 && land.model.inputs() == 2;
  const MlpLoss loss(land.dataset, land.model);
  analysis::NetworkDiagramOptions nd;
  nd.zero_threshold = o.zero_threshold;
  analysis::SensitivityDrawOptions sd;
  const double cw = o.inset_width, pad = 8, caption_h = 52, top = 48;
  const analysis::PaintSize nsize = analysis::network_diagram_size(land.model, nd);
  const double nscale = (cw - 2 * pad) / nsize.width;
  double msize_h = 0, mscale = 0;
  std::vector<analysis::SensitivityMap> smaps;
  if (maps) {
    for (std::int64_t id : minima)
      smaps.push_back(analysis::sensitivity_map(loss, land.minima[id].coords));
    if (!smaps.empty()) {
      const analysis::PaintSize ms = analysis::sensitivity_map_size(smaps.front(), sd);
      mscale = (cw - 2 * pad) / ms.width;
      msize_h = ms.height * mscale;
    }
  }
  const double column_h = caption_h + nsize.height * nscale + msize_h + 12;
  const double width = o.graph_width + cw * static_cast<double>(minima.size()) + pad;
  const double height = std::max(o.height, top + column_h + 20);
  render::CairoOutput out(path, width, height);
  cairo_t* cr = out.cr();
  graph::RenderOptions ro;
  ro.width = o.graph_width;
  ro.height = height;
  const graph::LeafPositions leaves =
      graph::draw_panel(cr, panel, 0, 0, o.graph_width, height, ro, "");

  for (std::size_t k = 0; k < minima.size(); ++k) {
    const std::int64_t id = minima[k];
    const std::string letter(1, static_cast<char>('A' + k));
    const double x0 = o.graph_width + cw * static_cast<double>(k);
    const double xc = x0 + cw / 2;
    const auto conn =
        analysis::connected_hidden_nodes(land.model, land.minima[id].coords, o.zero_threshold);
    // The letter at the branch end and over the column (labels rather than leader lines,
    // which would cross the other columns' captions).
    const auto [lx, ly] = leaves.at(id);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_new_path(cr);
    cairo_arc(cr, lx, ly + 8, 7, 0, 2 * M_PI);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.5);
    cairo_stroke(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 10);
    graph::text_at(cr, letter, lx, ly + 8, 0.5, 0.5);
    // Caption.
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 12);
    graph::text_at(cr, fmt::format("{}: minimum {}", letter, id), xc, top, 0.5, 0.0);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11);
    graph::text_at(cr, fmt::format("E = {:.6g}", land.minima[id].energy), xc, top + 16, 0.5, 0.0);
    graph::text_at(cr,
                   fmt::format("{} of {} hidden nodes connected",
                               std::count(conn.begin(), conn.end(), true), land.model.hidden()),
                   xc, top + 31, 0.5, 0.0);
    // Diagram, then the map below it.
    double y = top + caption_h;
    cairo_save(cr);
    cairo_translate(cr, x0 + pad, y);
    cairo_scale(cr, nscale, nscale);
    analysis::paint_network_diagram(cr, land.model, land.minima[id].coords, nd);
    cairo_restore(cr);
    y += nsize.height * nscale + 6;
    if (maps) {
      cairo_save(cr);
      cairo_translate(cr, x0 + pad, y);
      cairo_scale(cr, mscale, mscale);
      analysis::paint_sensitivity_map(cr, smaps[k], land.dataset, sd);
      cairo_restore(cr);
    }
  }
  out.finish();
}

}  // namespace lossland::survey
