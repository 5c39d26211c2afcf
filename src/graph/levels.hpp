#pragma once
/// \file
/// Private helper of the disconnectivity tree: where the threshold levels go.

#include <vector>

#include "lossland/graph/disconnectivity.hpp"

namespace lossland::graph {

/// The levels chosen for a window [e_min, e_top].
struct LevelPlan {
  std::vector<double> energies;  ///< e_0 > e_1 > ... > e_{L-1} > e_min
  double delta = 0.0;            ///< step in E (Linear) or in ln(E - e_min + eps) (Log)
  LevelSpacing spacing = LevelSpacing::Linear;
  double log_offset = 0.0;  ///< eps (Log only)
  double window_top = 0.0;  ///< half a step above e_0
};

/// Chooses the levels. `merges` are the merge energies of drawn basins, `minima` the drawn
/// minima's energies (both any order). A window of zero height (one minimum, or all at one
/// energy with no merge above) is widened to 10% of |e_min| (at least 1e-6) so the axis stays
/// readable. `options` must be valid (validate()).
LevelPlan choose_levels(const DisconnectivityOptions& options, double e_min, double e_top,
                        const std::vector<double>& merges, const std::vector<double>& minima);

/// Number of distinct merge energies that fall between different pairs of neighbouring
/// levels: the bins are [e_{k+1}, e_k) (two basins joined by a transition state at b are one
/// basin at e_k exactly when b < e_k), plus the two open ends. A merge equal to another (within
/// a relative 1e-12) counts once.
int resolved_merges(const std::vector<double>& levels, std::vector<double> merges);

}  // namespace lossland::graph
