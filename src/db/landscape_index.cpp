#include "lossland/db/landscape_index.hpp"

#include <cmath>

namespace lossland::db {

namespace {
void grow_columns(std::map<std::string, Eigen::MatrixXd>& columns) {
  for (auto& [name, col] : columns) {
    col.conservativeResize(col.rows() + 1, col.cols());
    col.row(col.rows() - 1).setConstant(std::nan(""));
  }
}
}  // namespace

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
  return {row, true};
}

}  // namespace lossland::db
