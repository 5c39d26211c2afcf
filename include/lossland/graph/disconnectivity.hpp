#pragma once
/// \file
/// Disconnectivity graphs (Becker & Karplus 1997; Wales, Miller & Walsh 1998; papers/004
/// Sec. III A), laid out as disconnectionDPS and pele do. At a series of threshold energies
/// e_0 > e_1 > ... > e_{L-1} the minima below e_k are grouped into superbasins: sets that
/// interconvert through transition states below e_k. Each superbasin is a node; its parent is
/// the superbasin at e_{k-1} that contains it. A branch ends at the energy of its lowest
/// minimum once the basin holds a single minimum. The tree is data here; drawing is in
/// lossland/graph/render.hpp.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"

namespace lossland::graph {

/// How the threshold levels are chosen and which minima are kept.
struct DisconnectivityOptions {
  /// Number of levels L when `spacing` is 0. Range [2, 10000]. The levels are
  /// e_k = E_top + delta/2 - k delta, k = 0..L-1, with delta = (E_top - E_bottom)/(L - 1),
  /// E_top the highest transition state kept (or the highest minimum kept if that is higher)
  /// and E_bottom the global minimum kept, so the last level lies delta/2 above the global
  /// minimum (disconnectionDPS NLEVELS/DELTA/FIRST).
  int levels = 20;
  /// Level spacing delta; 0 means "use `levels`". Range 0 or > 0 finite; the level count
  /// then is floor((E_top - E_bottom)/delta) + 1, at most 10000.
  double spacing = 0.0;
  /// Leave out minima whose coordinates are all within `zero_tol` of 0 (the trivial all-zero
  /// network, always a bad minimum, which the paper omits from most graphs) and the transition
  /// states that touch them.
  bool omit_zero = false;
  /// Range [0, 1): |w_r| <= zero_tol for all r marks the all-zero minimum.
  double zero_tol = 1e-6;
  /// Keep only minima (and transition states) at or below this energy; +inf keeps all.
  double max_energy = std::numeric_limits<double>::infinity();
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

/// One superbasin at one level, or (kind Leaf) the end of a branch at a minimum.
struct DisconnectivityNode {
  int level = 0;                     ///< k; leaves carry the level of their last superbasin
  double energy = 0.0;               ///< e_k for a superbasin, the minimum's energy for a leaf
  int parent = -1;                   ///< node index, -1 for a root
  std::vector<int> children;         ///< node indices, left to right as drawn
  std::vector<std::int64_t> minima;  ///< minimum ids in this basin, ascending
  std::int64_t lowest_minimum = -1;  ///< id of the lowest minimum in the basin
  bool leaf = false;                 ///< true: a branch end at minimum `lowest_minimum`
  double x = 0.0;                    ///< horizontal position in [0, num_leaves - 1]
};

/// The whole graph. Nodes are ordered parents before children. Roots are the superbasins at
/// level 0: one per connected set (each isolated minimum is its own root).
struct DisconnectivityTree {
  std::vector<DisconnectivityNode> nodes;
  std::vector<int> roots;                    ///< left to right as drawn
  std::vector<double> level_energies;        ///< e_0 > e_1 > ...
  double delta = 0.0;                        ///< level spacing
  std::vector<std::int64_t> minima_kept;     ///< ascending ids
  std::vector<std::int64_t> minima_omitted;  ///< ids left out (all-zero or above max_energy)
  int transition_states_used = 0;            ///< transition states joining two kept minima
  int num_leaves = 0;
  /// Notes for the reader, e.g. that there are no transition states.
  std::vector<std::string> notes;
  /// Node index of the leaf of minimum `id`, or -1 if it was left out.
  int leaf_of(std::int64_t id) const;
};

/// Builds the tree. Layout: each node gets a contiguous run of leaf slots, so branches never
/// cross; the children of every node are ordered with the one holding the lowest minimum in
/// the middle and the others alternating right, left, ... by their lowest energy (so the lowest
/// basin is centred, as disconnectionDPS CENTREGMIN); a node sits at the mean x of its children.
/// Throws std::invalid_argument for bad options or if no minimum is left to draw.
DisconnectivityTree build_disconnectivity(const db::Landscape& landscape,
                                          const DisconnectivityOptions& options = {});

/// True if every coordinate of `coords` is within `tol` of zero.
bool is_all_zero(const Eigen::VectorXd& coords, double tol);

}  // namespace lossland::graph
