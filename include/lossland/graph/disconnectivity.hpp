#pragma once
/// \file
/// Disconnectivity graphs (Becker & Karplus 1997; Wales, Miller & Walsh 1998; Mehta et al.
/// 2018, Sec. III A), laid out as disconnectionDPS and pele do. At a series of threshold energies
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

/// How the threshold levels are spaced.
enum class LevelSpacing {
  /// Linear or Log, whichever resolves more of the merges (distinct merge energies falling
  /// between different pairs of neighbouring levels); Linear on a tie.
  Auto,
  /// e_k = E_top + delta/2 - k delta (disconnectionDPS DELTA/FIRST).
  Linear,
  /// Even steps in u = ln(E - E_min + eps): u_k = u_top + du/2 - k du with u_top = ln(E_top -
  /// E_min + eps), du = (u_top - ln eps)/(L - 1), so e_k = E_min - eps + exp(u_k). Resolves
  /// branching that spans orders of magnitude above the global minimum E_min.
  Log
};
/// Where the window of levels starts.
enum class WindowTop {
  /// Just above the energy at which all drawn minima have joined (the highest merge in
  /// ascending order of the transition states; the highest drawn minimum if that is higher):
  /// transition states above it do not change the tree.
  Join,
  /// At the highest transition state kept (the classic window; highest minimum if higher).
  HighestTransitionState
};

/// How the threshold levels are chosen and which minima are kept.
struct DisconnectivityOptions {
  /// Number of levels L when `spacing` is 0. Range [2, 10000]. The levels span [E_min, E_top]:
  /// E_top is the window top (see `top`), E_min the global minimum drawn; the first level lies
  /// half a step above E_top and the last half a step above E_min (disconnectionDPS
  /// NLEVELS/DELTA/FIRST).
  int levels = 20;
  /// Linear level spacing delta; 0 means "use `levels`". Range 0 or > 0 finite; the level
  /// count then is floor((E_top - E_min)/delta) + 1, at most 10000. Needs Linear or Auto
  /// spacing (Auto then means Linear).
  double spacing = 0.0;
  LevelSpacing level_spacing = LevelSpacing::Auto;
  /// eps of the Log spacing; 0 chooses half the smallest gap E - E_min of a drawn minimum or a
  /// merge above E_min (gaps below 1e-7 (E_top - E_min) are treated as ties). Range 0 or > 0.
  double log_offset = 0.0;
  WindowTop top = WindowTop::Join;
  /// Hide minima whose coordinates are all within `zero_tol` of 0 (the trivial all-zero
  /// network, always a bad minimum, which the paper omits from most graphs). They still take
  /// part in the grouping (their transition states connect other minima, as disconnectionDPS
  /// prunes after grouping); only their branch ends are not drawn.
  bool omit_zero = false;
  /// Range [0, 1): |w_r| <= zero_tol for all r marks the all-zero minimum.
  double zero_tol = 1e-6;
  /// Keep only minima (and transition states) at or below this energy; +inf keeps all.
  double max_energy = std::numeric_limits<double>::infinity();
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

/// "auto", "linear", "log" (for --json and messages).
const char* to_string(LevelSpacing spacing);
const char* to_string(WindowTop top);

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
  std::vector<int> roots;              ///< left to right as drawn
  std::vector<double> level_energies;  ///< e_0 > e_1 > ...
  /// Level spacing: the energy step (Linear) or the step du in ln(E - E_min + eps) (Log).
  double delta = 0.0;
  LevelSpacing spacing = LevelSpacing::Linear;  ///< the spacing used (never Auto)
  double log_offset = 0.0;                      ///< eps of the Log spacing (0 for Linear)
  double energy_min = 0.0;                      ///< E_min: the lowest drawn minimum
  /// Energy of the last merge of drawn basins (-inf if no two drawn minima ever join).
  double join_energy = -std::numeric_limits<double>::infinity();
  /// Energies of the merges of drawn basins, ascending (Kruskal order; one per merge).
  std::vector<double> merge_energies;
  /// Top of the drawn window: half a step above e_0 (in the spacing's own variable).
  double window_top = 0.0;
  /// Transition states used above the window, and the highest energy among them (the break
  /// mark on the trunk stands for them); 0 and -inf when none.
  int transition_states_above = 0;
  double highest_above = -std::numeric_limits<double>::infinity();
  std::vector<std::int64_t> minima_kept;     ///< drawn ids, ascending
  std::vector<std::int64_t> minima_omitted;  ///< ids not drawn (all-zero or above max_energy)
  /// Drawn minima that no transition state within max_energy joins to another drawn minimum
  /// (each is a root of its own).
  std::vector<std::int64_t> minima_isolated;
  std::size_t minima_total = 0;             ///< minima in the landscape
  std::size_t transition_states_total = 0;  ///< transition states in the landscape
  /// Transition states used for the grouping: both ends kept or hidden (all-zero), distinct,
  /// at or below max_energy.
  int transition_states_used = 0;
  int num_leaves = 0;
  /// Notes for the reader, e.g. that there are no transition states.
  std::vector<std::string> notes;
  /// Node index of the leaf of minimum `id`, or -1 if it was left out.
  int leaf_of(std::int64_t id) const;
  /// The level variable of the spacing: E (Linear) or ln(E - E_min + eps) (Log); energies at
  /// or below E_min - eps map to ln of the smallest positive double.
  double level_coordinate(double energy) const;
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
