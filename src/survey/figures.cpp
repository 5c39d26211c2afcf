/// The survey's figures: line plots of the landscape counts and global minima, and the
/// disconnectivity-graph panels of Figs. 1-6 of Mehta et al., Phys. Rev. E 97, 052307 (2018).
#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "graph/cairo_output.hpp"
#include "lossland/db/database.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/graph/render.hpp"
#include "lossland/survey/paper_figures.hpp"
#include "lossland/survey/survey.hpp"

namespace fs = std::filesystem;

namespace lossland::survey {

namespace {

struct Series {
  std::string label;
  std::vector<double> x, y;
};

struct Plot {
  std::string title, xlabel, ylabel;
  bool log_x = false, log_y = false;
  std::vector<Series> series;
};

std::string tick_label(double v, bool log) {
  if (log) return fmt::format("1e{}", static_cast<int>(std::lround(std::log10(v))));
  return fmt::format("{:g}", v);
}

void text(cairo_t* cr, double x, double y, const std::string& s, double size, double align_x,
          double align_y, bool bold = false) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  cairo_move_to(cr, x - align_x * e.width - e.x_bearing, y - align_y * e.height - e.y_bearing);
  cairo_show_text(cr, s.c_str());
}

/// Draws one plot in the rectangle (x0, y0, w, h) of the surface.
void draw_plot(cairo_t* cr, const Plot& p, double x0, double y0, double w, double h) {
  const double left = x0 + 70, right = x0 + w - 150, top = y0 + 40, bottom = y0 + h - 55;
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
  auto tx = [&](double v) { return p.log_x ? std::log10(v) : v; };
  auto ty = [&](double v) { return p.log_y ? std::log10(v) : v; };
  for (const auto& s : p.series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i]) || (p.log_y && s.y[i] <= 0)) continue;
      xmin = std::min(xmin, tx(s.x[i]));
      xmax = std::max(xmax, tx(s.x[i]));
      ymin = std::min(ymin, ty(s.y[i]));
      ymax = std::max(ymax, ty(s.y[i]));
    }
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, x0 + w / 2 - 40, y0 + 12, p.title, 15, 0.5, 0, true);
  if (!std::isfinite(xmin)) {
    text(cr, x0 + w / 2, y0 + h / 2, "no data", 13, 0.5, 0.5);
    return;
  }
  if (xmax == xmin) xmax = xmin + 1;
  if (ymax == ymin) {
    ymin -= p.log_y ? 0.5 : 1;
    ymax += p.log_y ? 0.5 : 1;
  }
  if (p.log_y) {
    ymin = std::floor(ymin);
    ymax = std::ceil(ymax);
  } else {
    const double pad = 0.05 * (ymax - ymin);
    ymin = std::min(0.0, ymin - pad);
    ymax += pad;
  }
  const double xpad = 0.04 * (xmax - xmin);
  const double xa = xmin - xpad, xb = xmax + xpad;
  auto X = [&](double v) { return left + (tx(v) - xa) / (xb - xa) * (right - left); };
  auto Y = [&](double v) { return bottom - (ty(v) - ymin) / (ymax - ymin) * (bottom - top); };
  // Axes, ticks and labels.
  cairo_set_line_width(cr, 1.0);
  cairo_rectangle(cr, left, top, right - left, bottom - top);
  cairo_stroke(cr);
  std::vector<double> yt;
  if (p.log_y) {
    const int step = std::max(1, static_cast<int>(std::ceil((ymax - ymin) / 8)));
    for (int e = static_cast<int>(ymin); e <= static_cast<int>(ymax); e += step)
      yt.push_back(std::pow(10.0, e));
  } else {
    yt = graph::nice_ticks(ymin, ymax, 6);
  }
  for (double v : yt) {
    const double y = Y(v);
    if (y < top - 1 || y > bottom + 1) continue;
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    cairo_move_to(cr, left, y);
    cairo_line_to(cr, right, y);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, left - 6, y, tick_label(v, p.log_y), 11, 1.0, 0.5);
  }
  std::vector<double> xs;
  for (const auto& s : p.series)
    for (double v : s.x) xs.push_back(v);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (double v : xs) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, X(v), bottom);
    cairo_line_to(cr, X(v), bottom + 4);
    cairo_stroke(cr);
    text(cr, X(v), bottom + 8, tick_label(v, p.log_x), 11, 0.5, 0.0);
  }
  text(cr, (left + right) / 2, bottom + 30, p.xlabel, 12, 0.5, 0.0);
  cairo_save(cr);
  cairo_translate(cr, x0 + 16, (top + bottom) / 2);
  cairo_rotate(cr, -M_PI / 2);
  text(cr, 0, 0, p.ylabel, 12, 0.5, 0.5);
  cairo_restore(cr);
  // Series with markers and a legend.
  for (std::size_t k = 0; k < p.series.size(); ++k) {
    const auto& s = p.series[k];
    const Eigen::Vector3d c =
        graph::colormap(p.series.size() == 1 ? 0.3 : 0.85 * k / (p.series.size() - 1));
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, 2.0);
    bool pen = false;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i]) || (p.log_y && s.y[i] <= 0)) {
        pen = false;
        continue;
      }
      if (pen)
        cairo_line_to(cr, X(s.x[i]), Y(s.y[i]));
      else
        cairo_move_to(cr, X(s.x[i]), Y(s.y[i]));
      pen = true;
    }
    cairo_stroke(cr);
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i]) || (p.log_y && s.y[i] <= 0)) continue;
      cairo_arc(cr, X(s.x[i]), Y(s.y[i]), 3.5, 0, 2 * M_PI);
      cairo_fill(cr);
    }
    const double ly = top + 10 + 20 * k;
    cairo_move_to(cr, right + 15, ly);
    cairo_line_to(cr, right + 40, ly);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, right + 46, ly, s.label, 12, 0.0, 0.5);
  }
}

void draw_plots(const std::vector<Plot>& plots, const std::string& path) {
  const double w = 640, h = 420;
  render::CairoOutput out(path, w, h * plots.size());
  for (std::size_t i = 0; i < plots.size(); ++i) draw_plot(out.cr(), plots[i], 0, h * i, w, h);
  out.finish();
}

std::string lambda_label(double l) {
  return fmt::format("λ = {:.0e}", l);
}

}  // namespace

graph::DisconnectivityTree paper_style_tree(const db::Landscape& land) {
  graph::DisconnectivityOptions omit;
  omit.omit_zero = true;
  bool only_zero = !land.minima.empty();
  for (const auto& m : land.minima)
    only_zero = only_zero && graph::is_all_zero(m.coords, omit.zero_tol);
  if (only_zero) return graph::build_disconnectivity(land);
  return graph::build_disconnectivity(land, omit);
}

std::vector<std::string> draw_figures(const SurveyOptions& o,
                                      const std::vector<LandscapeSummary>& rows) {
  std::vector<std::string> written;
  const fs::path dir(o.out_dir);
  auto row = [&](int h, double l) -> const LandscapeSummary* {
    for (const auto& r : rows)
      if (r.hidden == h && r.lambda == l && r.minima > 0) return &r;
    return nullptr;
  };
  // Counts against N_h, one line per lambda.
  Plot minima{"Minima", "hidden nodes N_h", "minima", false, true, {}};
  Plot ts{"Transition states", "hidden nodes N_h", "transition states", false, true, {}};
  for (double l : o.lambdas) {
    Series sm{lambda_label(l), {}, {}}, st{lambda_label(l), {}, {}};
    for (int h : o.hidden)
      if (const auto* r = row(h, l)) {
        sm.x.push_back(h);
        sm.y.push_back(static_cast<double>(r->minima));
        st.x.push_back(h);
        st.y.push_back(static_cast<double>(r->transition_states));
      }
    minima.series.push_back(sm);
    ts.series.push_back(st);
  }
  const std::string counts = (dir / "counts_vs_hidden.png").string();
  draw_plots({minima, ts}, counts);
  written.push_back(counts);
  // Global minimum against lambda, one line per N_h.
  Plot gmin{"Global minimum", "regularisation λ", "loss at the global minimum", true, true, {}};
  for (int h : o.hidden) {
    Series s{"N_h = " + std::to_string(h), {}, {}};
    for (double l : o.lambdas)
      if (const auto* r = row(h, l); r && l > 0) {
        s.x.push_back(l);
        s.y.push_back(r->global_minimum);
      }
    gmin.series.push_back(s);
  }
  const std::string gpath = (dir / "global_minimum_vs_lambda.png").string();
  draw_plots({gmin}, gpath);
  written.push_back(gpath);

  // Graph panels: Mehta et al. Fig. 1 (smallest lambda, every N_h) and Figs. 2-6 (largest N_h).
  // Fig. 1 colours the bad minima by AUC (blue 0.5, red 0.75) where analyze has run; each
  // lambda panel of Figs. 2-6 also gets its own figure with insets of representative minima.
  auto panels_for = [&](const std::vector<std::pair<int, double>>& cells, bool auc_colours,
                        bool insets) {
    std::vector<graph::GraphPanel> panels;
    for (const auto& [h, l] : cells) {
      const std::string path = (dir / landscape_file(o, h, l)).string();
      if (!db::exists(path)) continue;
      const db::Landscape land = db::read(path);
      if (land.minima.empty()) continue;
      graph::GraphPanel p;
      p.tree = paper_style_tree(land);
      p.title = fmt::format("N_h = {}  λ = {:.0e}", h, l);
      const auto auc = land.minima_columns.find("auc");
      if (auc_colours && auc != land.minima_columns.end() && auc->second.cols() == 1) {
        p.color_values.assign(auc->second.data(), auc->second.data() + auc->second.rows());
        p.color_scheme = graph::ColorScheme::AucClasses;
        p.color_label = "AUC";
      }
      if (insets) {
        const std::string file = fs::path(landscape_file(o, h, l)).stem().string() + "_insets.png";
        const std::string inset_path = (dir / file).string();
        draw_graph_with_insets(land, p, representative_minima(land, p.tree, 3), inset_path);
        written.push_back(inset_path);
      }
      panels.push_back(std::move(p));
    }
    return panels;
  };
  if (!o.lambdas.empty()) {
    const double smallest = *std::min_element(o.lambdas.begin(), o.lambdas.end());
    std::vector<std::pair<int, double>> cells;
    for (int h : o.hidden) cells.push_back({h, smallest});
    const auto panels = panels_for(cells, true, false);
    if (!panels.empty()) {
      const std::string path = (dir / "graphs_by_hidden.png").string();
      graph::RenderOptions ro;
      ro.width = 420;
      ro.height = 420;
      graph::draw_disconnectivity_grid(panels, path, ro);
      written.push_back(path);
    }
  }
  if (!o.hidden.empty()) {
    const int largest = *std::max_element(o.hidden.begin(), o.hidden.end());
    std::vector<std::pair<int, double>> cells;
    for (double l : o.lambdas) cells.push_back({largest, l});
    const auto panels = panels_for(cells, false, true);
    if (!panels.empty()) {
      const std::string path = (dir / "graphs_by_lambda.png").string();
      graph::RenderOptions ro;
      ro.width = 420;
      ro.height = 420;
      graph::draw_disconnectivity_grid(panels, path, ro);
      written.push_back(path);
    }
  }
  return written;
}

}  // namespace lossland::survey
