#include "lossland/analysis/profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "graph/cairo_output.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/graph/render.hpp"
#include "lossland/search/connect.hpp"

namespace lossland {

namespace {

/// One transition state's two paths as (s, E) from the transition state (s = 0) down:
/// [0] to min1, [1] to min2.
struct TwoPaths {
  std::vector<ProfilePoint> to[2];
  bool recomputed = false;
};

TwoPaths paths_of(const Loss& loss, const db::Landscape& land, const db::LandscapeIndex& index,
                  std::int64_t t, const PathOptions& o) {
  TwoPaths r;
  for (const db::StoredPath& p : land.paths)
    if (p.ts == t)
      for (std::size_t k = 0; k < p.s.size(); ++k)
        r.to[p.side - 1].push_back({p.s[k], p.energy[k]});
  if (!r.to[0].empty() && !r.to[1].empty()) return r;
  // Not stored: follow both paths now and match each side's representative to min1 / min2.
  const db::StoredTransitionState& ts = land.transition_states[t];
  const SaddleDescent d = descend_stored_saddle(loss, land, ts.coords, o);
  if (!d.ok())
    throw std::invalid_argument(fmt::format(
        "the steepest-descent paths of transition state {} cannot be followed: {}", t, d.message));
  r.recomputed = true;
  std::int64_t reached[2];
  std::vector<ProfilePoint> pts[2];
  for (int s = 0; s < 2; ++s) {
    const std::vector<DescentLeaf> l = leaves(d.side[s], false);
    const DescentLeaf& leaf = l[representative_leaf(l)];
    reached[s] = index.find_minimum(leaf.minimum.energy, leaf.minimum.x);
    for (const PathPoint& p : leaf_path(d.side[s], leaf)) pts[s].push_back({p.s, p.energy});
  }
  const bool swapped = reached[0] != ts.min1 && reached[1] == ts.min1;
  r.to[0] = std::move(pts[swapped ? 1 : 0]);
  r.to[1] = std::move(pts[swapped ? 0 : 1]);
  return r;
}

}  // namespace

PathwayProfile pathway_profile(const Loss& loss, const db::Landscape& land,
                               const std::vector<std::int64_t>& minima,
                               const std::vector<std::int64_t>& tss, const PathOptions& o) {
  o.validate();
  if (minima.empty() || tss.size() + 1 != minima.size())
    throw std::invalid_argument("pathway_profile: need n + 1 minima for n transition states");
  const auto M = static_cast<std::int64_t>(land.minima.size());
  const auto T = static_cast<std::int64_t>(land.transition_states.size());
  for (const std::int64_t m : minima)
    if (m < 0 || m >= M)
      throw std::invalid_argument(fmt::format("minimum {} is not a row of /minima", m));
  db::Landscape copy = land;  // the index only reads
  const db::LandscapeIndex index(copy);
  PathwayProfile prof;
  double offset = 0.0;
  prof.markers.push_back({true, minima[0], 0.0, land.minima[minima[0]].energy});
  for (std::size_t k = 0; k < tss.size(); ++k) {
    const std::int64_t t = tss[k], a = minima[k], b = minima[k + 1];
    if (t < 0 || t >= T)
      throw std::invalid_argument(fmt::format("transition state {} is not a row", t));
    const db::StoredTransitionState& ts = land.transition_states[t];
    if (!((ts.min1 == a && ts.min2 == b) || (ts.min1 == b && ts.min2 == a)))
      throw std::invalid_argument(fmt::format(
          "transition state {} joins minima {} and {}, not {} and {}", t, ts.min1, ts.min2, a, b));
    TwoPaths p = paths_of(loss, land, index, t, o);
    prof.recomputed += p.recomputed;
    const int side_a = ts.min1 == a ? 0 : 1;
    const std::vector<ProfilePoint>& up = p.to[side_a];
    const std::vector<ProfilePoint>& down = p.to[1 - side_a];
    const double up_length = up.back().s;
    for (auto it = up.rbegin(); it != up.rend(); ++it)
      prof.points.push_back({offset + up_length - it->s, it->energy});
    prof.markers.push_back({false, t, offset + up_length, ts.energy});
    for (std::size_t q = 1; q < down.size(); ++q)
      prof.points.push_back({offset + up_length + down[q].s, down[q].energy});
    offset += up_length + down.back().s;
    prof.markers.push_back({true, b, offset, land.minima[b].energy});
  }
  if (tss.empty()) prof.points.push_back({0.0, land.minima[minima[0]].energy});
  return prof;
}

void draw_profile(const PathwayProfile& prof, const std::string& path, const std::string& title,
                  double width, double height) {
  if (prof.points.empty()) throw std::invalid_argument("draw_profile: an empty profile");
  render::CairoOutput out(path, width, height);
  cairo_t* cr = out.cr();
  const double left = 90, right = 20, top = 40, bottom = 55;
  const double pw = width - left - right, ph = height - top - bottom;
  double e_lo = prof.points[0].energy, e_hi = e_lo;
  for (const auto& p : prof.points) {
    e_lo = std::min(e_lo, p.energy);
    e_hi = std::max(e_hi, p.energy);
  }
  if (!(e_hi > e_lo)) e_hi = e_lo + std::max(1e-12, 1e-9 * std::abs(e_lo));
  const double pad = 0.06 * (e_hi - e_lo);
  e_lo -= pad;
  e_hi += pad;
  const double s_hi = std::max(prof.length(), 1e-300);
  auto X = [&](double s) { return left + pw * s / s_hi; };
  auto Y = [&](double e) { return top + ph * (e_hi - e) / (e_hi - e_lo); };
  auto label = [&](const std::string& s, double x, double y, double ax, double ay) {
    cairo_text_extents_t ext;
    cairo_text_extents(cr, s.c_str(), &ext);
    cairo_move_to(cr, x - ax * ext.width - ext.x_bearing, y - ay * ext.height - ext.y_bearing);
    cairo_show_text(cr, s.c_str());
  };
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
  render::stroke_frame(cr, left, top, pw, ph, 1);
  for (const double e : graph::nice_ticks(e_lo, e_hi, 6)) {
    cairo_move_to(cr, left - 5, Y(e));
    cairo_line_to(cr, left, Y(e));
    cairo_stroke(cr);
    label(fmt::format("{:.6g}", e), left - 8, Y(e), 1.0, 0.5);
  }
  for (const double s : graph::nice_ticks(0, s_hi, 8)) {
    cairo_move_to(cr, X(s), top + ph);
    cairo_line_to(cr, X(s), top + ph + 5);
    cairo_stroke(cr);
    label(fmt::format("{:.3g}", s), X(s), top + ph + 8, 0.5, 0.0);
  }
  label("integrated path length s", left + pw / 2, height - 8, 0.5, 1.0);
  cairo_save(cr);
  cairo_translate(cr, 16, top + ph / 2);
  cairo_rotate(cr, -M_PI / 2);
  label("loss E", 0, 0, 0.5, 0.5);
  cairo_restore(cr);
  cairo_set_font_size(cr, 14);
  label(title, left + pw / 2, 12, 0.5, 0.0);
  // The curve.
  cairo_set_source_rgb(cr, 0.12, 0.35, 0.7);
  cairo_set_line_width(cr, 1.6);
  cairo_move_to(cr, X(prof.points[0].s), Y(prof.points[0].energy));
  for (const auto& p : prof.points) cairo_line_to(cr, X(p.s), Y(p.energy));
  cairo_stroke(cr);
  // The stationary points.
  cairo_set_font_size(cr, 11);
  for (const auto& m : prof.markers) {
    const double x = X(m.s), y = Y(m.energy);
    if (m.is_minimum) {
      cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
      cairo_arc(cr, x, y, 4, 0, 2 * M_PI);
      cairo_fill(cr);
      label(fmt::format("m{}", m.id), x, y + 7, 0.5, 0.0);
    } else {
      cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
      cairo_set_line_width(cr, 1.5);
      cairo_rectangle(cr, x - 4, y - 4, 8, 8);
      cairo_stroke(cr);
      label(fmt::format("ts{}", m.id), x, y - 7, 0.5, 1.0);
    }
  }
  out.finish();
}

}  // namespace lossland
