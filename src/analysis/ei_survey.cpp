/// EI across a survey directory: the table and its figure. See ei_survey.hpp.
#include "lossland/analysis/ei_survey.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>

#include "graph/cairo_output.hpp"

namespace lossland::analysis {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

EiSurveyRow survey_row(const std::string& file, const db::Landscape& landscape,
                       const std::vector<EiAnalysis>& results) {
  if (results.size() != landscape.minima.size())
    throw std::invalid_argument("survey_row: " + std::to_string(results.size()) +
                                " EI results for " + std::to_string(landscape.minima.size()) +
                                " minima in " + file);
  EiSurveyRow row;
  row.file = file;
  row.layers = landscape.model.layers;
  row.lambda = landscape.model.lambda;
  row.hidden = landscape.model.hidden();
  row.threshold = landscape.dataset.num_samples() * landscape.dataset.num_inputs();
  row.ei_capacity = row.hidden > row.threshold;
  row.minima = static_cast<int>(landscape.minima.size());
  const bool two_class = landscape.model.outputs() == 2;
  const MlpLoss loss(landscape.dataset, landscape.model);
  std::vector<double> residuals, residuals_fit;
  int fit = 0, predicted = 0;
  long inputs = 0, inputs_fit = 0, at = 0, at_fit = 0, stationary = 0;
  bool computed = row.minima > 0;
  for (std::size_t m = 0; m < results.size(); ++m) {
    const EiAnalysis& r = results[m];
    const bool fits = two_class && ei_training_auc(loss, landscape.minima[m].coords) == 1.0;
    fit += fits;
    predicted += r.predicted_solution;
    residuals.push_back(r.residual);
    if (fits) residuals_fit.push_back(r.residual);
    computed = computed && r.stationary_points_computed;
    const long n = static_cast<long>(r.inputs.size());
    inputs += n;
    at += r.inputs_at_extrema;
    stationary += r.inputs_stationary;
    if (fits) {
      inputs_fit += n;
      at_fit += r.inputs_at_extrema;
    }
  }
  const double M = row.minima;
  row.fraction_fit = M > 0 ? fit / M : kNaN;
  row.fraction_predicted_solution = M > 0 ? predicted / M : kNaN;
  row.median_residual = median(residuals);
  row.median_residual_fit = median(residuals_fit);
  row.fraction_inputs_at_extrema = computed && inputs > 0 ? double(at) / inputs : kNaN;
  row.fraction_inputs_at_extrema_fit =
      computed && inputs_fit > 0 ? double(at_fit) / inputs_fit : kNaN;
  row.fraction_inputs_stationary = inputs > 0 ? double(stationary) / inputs : kNaN;
  return row;
}

std::vector<EiSurveyRow> ei_survey(const std::string& dir, const EiOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw std::invalid_argument("survey directory '" + dir +
                                "' does not exist or is not a directory; give the --out "
                                "directory of `lossland survey` (or any folder of *.h5 databases)");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".h5") files.push_back(e.path().string());
  if (files.empty())
    throw std::invalid_argument("survey directory '" + dir +
                                "' holds no *.h5 database; run `lossland survey --out " + dir +
                                "` or `lossland bh` into it first");
  std::vector<EiSurveyRow> rows;
  for (const std::string& f : files) {
    const db::Landscape land = db::read(f);
    rows.push_back(survey_row(f, land, ei_analyze_landscape(land, options)));
  }
  std::sort(rows.begin(), rows.end(), [](const EiSurveyRow& a, const EiSurveyRow& b) {
    if (a.hidden != b.hidden) return a.hidden < b.hidden;
    if (a.lambda != b.lambda) return a.lambda > b.lambda;
    return a.file < b.file;
  });
  return rows;
}

// ---- the figure ------------------------------------------------------------------------------

namespace {

struct Rgb {
  double r, g, b;
};
const Rgb kPalette[] = {{0.00, 0.45, 0.70}, {0.84, 0.37, 0.00}, {0.00, 0.62, 0.45},
                        {0.80, 0.47, 0.65}, {0.34, 0.71, 0.91}, {0.90, 0.62, 0.00},
                        {0.35, 0.35, 0.35}, {0.60, 0.20, 0.20}};

void text_at(cairo_t* cr, double x, double y, const std::string& s, double align_x = 0.5,
             double align_y = 0.5) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  cairo_move_to(cr, x - align_x * e.width - e.x_bearing, y - align_y * e.height - e.y_bearing);
  cairo_show_text(cr, s.c_str());
}

void marker(cairo_t* cr, int shape, double x, double y, double r) {
  switch (shape % 4) {
    case 0:
      cairo_arc(cr, x, y, r, 0, 2 * M_PI);
      break;
    case 1:
      cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
      break;
    case 2:
      cairo_move_to(cr, x, y - 1.2 * r);
      cairo_line_to(cr, x + 1.1 * r, y + 0.8 * r);
      cairo_line_to(cr, x - 1.1 * r, y + 0.8 * r);
      cairo_close_path(cr);
      break;
    default:
      cairo_move_to(cr, x, y - 1.3 * r);
      cairo_line_to(cr, x + 1.3 * r, y);
      cairo_line_to(cr, x, y + 1.3 * r);
      cairo_line_to(cr, x - 1.3 * r, y);
      cairo_close_path(cr);
  }
  cairo_fill(cr);
}

std::string lambda_label(double l) {
  const double e = std::log10(l);
  if (l > 0 && std::abs(e - std::round(e)) < 1e-9)
    return fmt::format("1e{}", static_cast<int>(std::round(e)));
  return fmt::format("{:g}", l);
}

struct Panel {
  std::string title, ylabel;
  bool log_y = false;
  double ylo = 0, yhi = 1;
  double (*value)(const EiSurveyRow&);
};

}  // namespace

void draw_ei_survey(const std::vector<EiSurveyRow>& rows, const std::string& path) {
  if (rows.empty()) throw std::invalid_argument("EI survey figure: no landscapes to draw");
  const double W = 1320, H = 470;
  render::CairoOutput out(path, W, H);
  cairo_t* cr = out.cr();
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);

  // Series: one per lambda (descending), points sorted by N_h.
  std::map<double, std::vector<const EiSurveyRow*>, std::greater<double>> series;
  int hmin = rows.front().hidden, hmax = rows.front().hidden;
  for (const auto& r : rows) {
    series[r.lambda].push_back(&r);
    hmin = std::min(hmin, r.hidden);
    hmax = std::max(hmax, r.hidden);
  }
  const int threshold = rows.front().threshold;
  const double xlo = hmin - 0.5, xhi = std::max(hmax, threshold + 1) + 0.5;

  std::vector<Panel> panels(3);
  panels[0] = {"Minima that fit the data (AUC = 1)",
               "fraction of minima",
               false,
               0,
               1,
               [](const EiSurveyRow& r) { return r.fraction_fit; }};
  panels[1] = {"EI residual |Au| / (|A|\u2082 |u|) at the minima",    "median residual", true, 0, 0,
               [](const EiSurveyRow& r) { return r.median_residual; }};
  panels[2] = {"Training inputs at an extremum of EI's kind",
               "fraction of inputs",
               false,
               0,
               1,
               [](const EiSurveyRow& r) { return r.fraction_inputs_at_extrema; }};
  {  // log range of the residual panel
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& r : rows)
      if (r.median_residual > 0 && std::isfinite(r.median_residual)) {
        lo = std::min(lo, std::log10(r.median_residual));
        hi = std::max(hi, std::log10(r.median_residual));
      }
    if (!std::isfinite(lo)) lo = -3, hi = 0;
    panels[1].ylo = std::floor(lo);
    panels[1].yhi = std::max(std::ceil(hi), panels[1].ylo + 1);
  }

  // Overall title.
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_font_size(cr, 17);
  text_at(cr, W / 2, 22,
          "EI predictions against the landscape minima (" + std::to_string(rows.size()) +
              " landscapes, EI capacity threshold N_h > N\u00b7I = " + std::to_string(threshold) +
              ")");

  const double left = 70, right = 20, gap = 75, top = 70, bottom = 105;
  const double pw = (W - left - right - 2 * gap) / 3, ph = H - top - bottom;
  for (int p = 0; p < 3; ++p) {
    const Panel& P = panels[p];
    const double x0 = left + p * (pw + gap), y0 = top;
    auto X = [&](double x) { return x0 + (x - xlo) / (xhi - xlo) * pw; };
    auto Y = [&](double v) {
      const double t = P.log_y ? std::log10(v) : v;
      return y0 + ph - (t - P.ylo) / (P.yhi - P.ylo) * ph;
    };
    // Frame and grid.
    cairo_set_line_width(cr, 1);
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    const int ny = P.log_y ? static_cast<int>(P.yhi - P.ylo) : 5;
    for (int i = 0; i <= ny; ++i) {
      const double y = y0 + ph - ph * i / ny;
      cairo_move_to(cr, x0, y);
      cairo_line_to(cr, x0 + pw, y);
    }
    cairo_stroke(cr);
    // EI threshold: the shaded region N_h > N*I where EI predicts non-trivial solutions.
    cairo_set_source_rgba(cr, 0.2, 0.6, 0.2, 0.10);
    cairo_rectangle(cr, X(threshold + 0.5), y0, x0 + pw - X(threshold + 0.5), ph);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.2, 0.5, 0.2);
    cairo_set_line_width(cr, 1.5);
    const double dash[] = {6, 4};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, X(threshold + 0.5), y0);
    cairo_line_to(cr, X(threshold + 0.5), y0 + ph);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    cairo_set_font_size(cr, 11);
    cairo_save(cr);
    cairo_translate(cr, X(threshold + 0.5) + 10, y0 + ph / 2);
    cairo_rotate(cr, -M_PI / 2);
    text_at(cr, 0, 0, "EI capacity: N_h > " + std::to_string(threshold));
    cairo_restore(cr);

    render::stroke_frame(cr, x0, y0, pw, ph, 1.2);
    // Ticks.
    cairo_set_font_size(cr, 12);
    for (int h = static_cast<int>(std::ceil(xlo)); h <= static_cast<int>(std::floor(xhi)); ++h) {
      cairo_move_to(cr, X(h), y0 + ph);
      cairo_line_to(cr, X(h), y0 + ph + 5);
      cairo_stroke(cr);
      text_at(cr, X(h), y0 + ph + 15, std::to_string(h));
    }
    if (P.log_y && ny <= 2)  // few decades: label 2x and 5x too
      for (int dec = static_cast<int>(P.ylo); dec < static_cast<int>(P.yhi); ++dec)
        for (double m : {2.0, 5.0}) {
          const double v = m * std::pow(10.0, dec), y = Y(v);
          cairo_move_to(cr, x0 - 3, y);
          cairo_line_to(cr, x0, y);
          cairo_stroke(cr);
          text_at(cr, x0 - 8, y, fmt::format("{:g}", v), 1.0, 0.5);
        }
    for (int i = 0; i <= ny; ++i) {
      const double y = y0 + ph - ph * i / ny;
      cairo_move_to(cr, x0 - 5, y);
      cairo_line_to(cr, x0, y);
      cairo_stroke(cr);
      text_at(cr, x0 - 8, y,
              P.log_y ? fmt::format("1e{}", static_cast<int>(P.ylo) + i)
                      : fmt::format("{:.1f}", P.ylo + (P.yhi - P.ylo) * i / ny),
              1.0, 0.5);
    }
    // Labels.
    cairo_set_font_size(cr, 14);
    text_at(cr, x0 + pw / 2, y0 - 14, P.title);
    cairo_set_font_size(cr, 13);
    text_at(cr, x0 + pw / 2, y0 + ph + 36, "hidden nodes N_h");
    cairo_save(cr);
    cairo_translate(cr, x0 - 50, y0 + ph / 2);
    cairo_rotate(cr, -M_PI / 2);
    text_at(cr, 0, 0, P.ylabel);
    cairo_restore(cr);
    // Data, clipped to the frame.
    cairo_save(cr);
    cairo_rectangle(cr, x0, y0 - 8, pw, ph + 16);
    cairo_clip(cr);
    int s = 0;
    const double nser = static_cast<double>(series.size());
    for (const auto& [lambda, pts] : series) {
      const Rgb c = kPalette[s % 8];
      cairo_set_source_rgb(cr, c.r, c.g, c.b);
      cairo_set_line_width(cr, 2);
      // Small horizontal offset per lambda so that equal values stay visible.
      const double dx = 0.08 * (s - (nser - 1) / 2);
      auto XS = [&](int h) { return X(h + dx); };
      std::vector<const EiSurveyRow*> sorted = pts;
      std::sort(sorted.begin(), sorted.end(),
                [](const EiSurveyRow* a, const EiSurveyRow* b) { return a->hidden < b->hidden; });
      bool pen = false;
      for (const EiSurveyRow* r : sorted) {
        const double v = P.value(*r);
        const bool ok = std::isfinite(v) && (!P.log_y || v > 0);
        if (!ok) {
          pen = false;
          continue;
        }
        if (pen)
          cairo_line_to(cr, XS(r->hidden), Y(v));
        else
          cairo_move_to(cr, XS(r->hidden), Y(v));
        pen = true;
      }
      cairo_stroke(cr);
      for (const EiSurveyRow* r : sorted) {
        const double v = P.value(*r);
        if (std::isfinite(v) && (!P.log_y || v > 0)) marker(cr, s, XS(r->hidden), Y(v), 4.5);
      }
      ++s;
    }
    cairo_restore(cr);
  }
  // Legend: one entry per lambda, centred under the panels.
  cairo_set_font_size(cr, 13);
  const double entry = 130;
  const double lx0 = W / 2 - entry * static_cast<double>(series.size()) / 2;
  const double ly = H - 22;
  int s = 0;
  for (const auto& [lambda, pts] : series) {
    const Rgb c = kPalette[s % 8];
    const double x = lx0 + entry * s;
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, x, ly);
    cairo_line_to(cr, x + 30, ly);
    cairo_stroke(cr);
    marker(cr, s, x + 15, ly, 4.5);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, x + 38, ly, "\u03bb = " + lambda_label(lambda), 0.0, 0.5);
    ++s;
  }
  out.finish();
}

}  // namespace lossland::analysis
