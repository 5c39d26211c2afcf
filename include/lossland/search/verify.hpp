#pragma once
/// \file
/// Re-derives a database from its file: every stored point's energy, gradient, Hessian spectrum,
/// index and canonical form, and every edge, by following both steepest-descent paths of each
/// transition state from its stored coordinates (lossland/search/steepest_descent.hpp) and
/// identifying the minima they reach. `lossland verify` and the tests use it; `connect` derives
/// each edge with the same follower from the same bits, so a database it wrote passes.

#include <cstdint>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/model/loss.hpp"
#include "lossland/search/steepest_descent.hpp"

namespace lossland {

struct VerifyOptions {
  /// The path follower (as `connect` uses it by default).
  PathOptions path;
  /// Stored and recomputed energies agree to this, relative to max(1, |E|). Range (0, 1e-6].
  double energy_tolerance = 1e-12;
  /// Largest RMS gradient of a stored minimum (the minimiser converges to 1e-11). Range (0, 1e-3].
  double minimum_rms_tolerance = 1e-10;
  /// Largest RMS gradient of a stored transition state (eigenvector-following's 1e-10, with
  /// margin for the polish). Range (0, 1e-3].
  double ts_rms_tolerance = 1e-9;
  /// Stored and recomputed Hessian eigenvalues agree to this, relative to max(1, max |lambda|).
  /// Range (0, 1e-3].
  double eigen_tolerance = 1e-8;
  /// Zero-eigenvalue cutoff of the index. Range (0, 1e-3].
  double eigen_cutoff = kDefaultEigenCutoff;
  /// Check this many transition states, evenly spread over the rows (0: all). Range [0, inf).
  std::int64_t sample = 0;
  /// Worker threads for the paths (0: all cores). Results do not depend on it. Range [0, 1024].
  int threads = 0;

  /// Throws std::invalid_argument naming the offending field and its range.
  void validate() const;
};

/// One disagreement between the file and the re-derivation.
struct Disagreement {
  std::string table;  ///< "minima" or "transition_states"
  std::int64_t row = -1;
  std::string check;   ///< energy, gradient, spectrum, index, canonical, edge, branches
  std::string detail;  ///< what was stored and what was found
};

struct VerifyReport {
  std::int64_t minima_checked = 0;
  std::int64_t ts_checked = 0;     ///< transition states whose points were checked
  std::int64_t edges_checked = 0;  ///< of which both paths were followed
  std::int64_t branched = 0;       ///< transition states whose paths branched
  std::int64_t path_steps = 0;     ///< accepted path steps, all paths
  std::vector<Disagreement> problems;
  double seconds = 0.0;
  bool ok() const { return problems.empty(); }
};

/// Verifies `land` with `loss` (the loss of land.model and land.dataset). Edges: the two
/// paths of each checked transition state must end at its stored min1 and min2 (in either
/// order, as representative leaves: see representative_leaf()), every leaf must be a stored
/// minimum, and a transition state whose paths branch must list exactly its leaves in
/// /ts_branches (files written before the path follower, without a `branched` column, are held
/// to min1/min2 only). Throws std::invalid_argument for bad options.
VerifyReport verify_landscape(const Loss& loss, const db::Landscape& land,
                              const VerifyOptions& options = {});

}  // namespace lossland
