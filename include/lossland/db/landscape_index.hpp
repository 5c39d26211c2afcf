#pragma once
/// \file
/// Symmetry-aware lookup over the points of a Landscape: decides whether a new stationary point
/// is one already stored (docs/loss.md: same energy and same coordinates after the best
/// alignment over the network's symmetries) and adds it in canonical form if not.

#include <Eigen/Core>
#include <map>

#include "lossland/db/database.hpp"
#include "lossland/model/symmetry.hpp"

namespace lossland::db {

/// Name of the symmetry-factor columns /minima/horder and /transition_states/horder: the order
/// of each point's stabiliser in the network's symmetry group (lossland/model/stabiliser.hpp).
inline constexpr const char* kHorderColumn = "horder";

/// /minima/hits: basin-hopping quenches that ended in the minimum (returns to a walker's current
/// minimum included); 0 for minima found otherwise (connect, import); NaN: unknown (stored
/// before the statistics were kept). docs/completeness.md.
inline constexpr const char* kHitsColumn = "hits";
/// /minima/first_found: 0-based index, over the landscape's whole history of basin-hopping
/// quenches, of the first quench that ended in the minimum; -1 if none has; NaN: unknown.
inline constexpr const char* kFirstFoundColumn = "first_found";

/// Fills /minima/horder and /transition_states/horder: creates each column if absent and
/// computes every missing (NaN) entry with stabiliser_order(); entries already there (e.g.
/// HORDER read from PATHSAMPLE files) are kept. Returns how many entries it computed.
std::size_t fill_horder(Landscape& landscape);

/// Each minimum's (or transition state's) stabiliser order: the stored column where it holds a
/// finite value, stabiliser_order() of the stored coordinates otherwise. Reads only.
std::vector<double> minimum_orders(const Landscape& landscape);
std::vector<double> transition_state_orders(const Landscape& landscape);

struct Lookup {
  std::int64_t index = -1;  ///< row of the matching or newly added point
  bool added = false;       ///< true if the point was new
};

/// Wraps a Landscape (not owned) with an energy-sorted index of its minima and transition
/// states. Not thread-safe: one thread adds, as basin-hopping's merge step does.
class LandscapeIndex {
 public:
  LandscapeIndex(Landscape& landscape, SamePoint same = {});

  /// Row of a stored minimum equal to (energy, coords) up to symmetry, or -1.
  std::int64_t find_minimum(double energy, const Eigen::VectorXd& coords) const;
  /// Finds, or stores `p` (coordinates replaced by their canonical form). Extra analysis
  /// columns grow by a row of NaN for a new point (hits 0 and first_found -1: no quench has reached
  /// it yet), so they stay aligned with the points; the horder column is created if absent and
  /// filled for the new point (fill_horder()).
  Lookup add_minimum(StoredPoint p);

  std::int64_t find_transition_state(double energy, const Eigen::VectorXd& coords) const;
  Lookup add_transition_state(StoredTransitionState t);

  const Landscape& landscape() const { return landscape_; }
  /// For what lies beside the points (notes, run_state, analysis columns, /ts_branches, /paths);
  /// add points only through add_minimum / add_transition_state.
  Landscape& landscape() { return landscape_; }
  const SamePoint& same() const { return same_; }

 private:
  Landscape& landscape_;
  SamePoint same_;
  std::multimap<double, std::int64_t> minima_by_energy_;
  std::multimap<double, std::int64_t> ts_by_energy_;
};

}  // namespace lossland::db
