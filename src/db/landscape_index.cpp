#include "lossland/db/landscape_index.hpp"

#include <cmath>

#include "lossland/model/stabiliser.hpp"

namespace lossland::db {

namespace {
void grow_columns(std::map<std::string, Eigen::MatrixXd>& columns) {
  for (auto& [name, col] : columns) {
    col.conservativeResize(col.rows() + 1, col.cols());
    const double fresh = name == kHitsColumn         ? 0.0
                         : name == kFirstFoundColumn ? -1.0
                                                     : std::nan("");
    col.row(col.rows() - 1).setConstant(fresh);
  }
}
template <class Point>
std::size_t fill_column(const ModelSpec& model, const std::vector<Point>& pts,
                        std::map<std::string, Eigen::MatrixXd>& columns) {
  const auto rows = static_cast<Eigen::Index>(pts.size());
  auto it = columns.find(kHorderColumn);
  if (it == columns.end() || it->second.cols() != 1 || it->second.rows() != rows)
    it = columns.insert_or_assign(kHorderColumn, Eigen::MatrixXd::Constant(rows, 1, std::nan("")))
             .first;
  std::size_t computed = 0;
  for (Eigen::Index r = 0; r < rows; ++r)
    if (!std::isfinite(it->second(r, 0))) {
      it->second(r, 0) = static_cast<double>(stabiliser_order(model, pts[r].coords));
      ++computed;
    }
  return computed;
}

template <class Point>
std::vector<double> orders(const ModelSpec& model, const std::vector<Point>& pts,
                           const std::map<std::string, Eigen::MatrixXd>& columns) {
  std::vector<double> out(pts.size());
  const auto it = columns.find(kHorderColumn);
  const bool have = it != columns.end() && it->second.cols() == 1 &&
                    it->second.rows() == static_cast<Eigen::Index>(pts.size());
  for (std::size_t r = 0; r < pts.size(); ++r) {
    const double v = have ? it->second(static_cast<Eigen::Index>(r), 0) : std::nan("");
    out[r] = std::isfinite(v) ? v : static_cast<double>(stabiliser_order(model, pts[r].coords));
  }
  return out;
}

}  // namespace

std::size_t fill_horder(Landscape& land) {
  return fill_column(land.model, land.minima, land.minima_columns) +
         fill_column(land.model, land.transition_states, land.ts_columns);
}

std::vector<double> minimum_orders(const Landscape& land) {
  return orders(land.model, land.minima, land.minima_columns);
}

std::vector<double> transition_state_orders(const Landscape& land) {
  return orders(land.model, land.transition_states, land.ts_columns);
}

LandscapeIndex::LandscapeIndex(Landscape& landscape, SamePoint same)
    : landscape_(landscape), same_(same) {
  for (std::size_t i = 0; i < landscape_.minima.size(); ++i)
    minima_by_energy_.emplace(landscape_.minima[i].energy, static_cast<std::int64_t>(i));
  for (std::size_t i = 0; i < landscape_.transition_states.size(); ++i)
    ts_by_energy_.emplace(landscape_.transition_states[i].energy, static_cast<std::int64_t>(i));
}

std::int64_t LandscapeIndex::find_minimum(double energy, const Eigen::VectorXd& coords) const {
  const double window = same_.energy_tol * std::max(1.0, std::abs(energy));
  auto it = minima_by_energy_.lower_bound(energy - window);
  for (; it != minima_by_energy_.end() && it->first <= energy + window; ++it) {
    const StoredPoint& p = landscape_.minima[it->second];
    if (same_(landscape_.model, energy, coords, p.energy, p.coords)) return it->second;
  }
  return -1;
}

std::int64_t LandscapeIndex::find_transition_state(double energy,
                                                   const Eigen::VectorXd& coords) const {
  const double window = same_.energy_tol * std::max(1.0, std::abs(energy));
  auto it = ts_by_energy_.lower_bound(energy - window);
  for (; it != ts_by_energy_.end() && it->first <= energy + window; ++it) {
    const StoredPoint& p = landscape_.transition_states[it->second];
    if (same_(landscape_.model, energy, coords, p.energy, p.coords)) return it->second;
  }
  return -1;
}

Lookup LandscapeIndex::add_minimum(StoredPoint p) {
  const std::int64_t found = find_minimum(p.energy, p.coords);
  if (found >= 0) return {found, false};
  p.coords = canonical_form(landscape_.model, p.coords);
  const auto row = static_cast<std::int64_t>(landscape_.minima.size());
  minima_by_energy_.emplace(p.energy, row);
  landscape_.minima.push_back(std::move(p));
  grow_columns(landscape_.minima_columns);
  fill_column(landscape_.model, landscape_.minima, landscape_.minima_columns);
  return {row, true};
}

Lookup LandscapeIndex::add_transition_state(StoredTransitionState t) {
  const std::int64_t found = find_transition_state(t.energy, t.coords);
  if (found >= 0) return {found, false};
  t.coords = canonical_form(landscape_.model, t.coords);
  const auto row = static_cast<std::int64_t>(landscape_.transition_states.size());
  ts_by_energy_.emplace(t.energy, row);
  landscape_.transition_states.push_back(std::move(t));
  grow_columns(landscape_.ts_columns);
  fill_column(landscape_.model, landscape_.transition_states, landscape_.ts_columns);
  return {row, true};
}

}  // namespace lossland::db
