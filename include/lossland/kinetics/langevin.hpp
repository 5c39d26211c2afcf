#pragma once
/// \file
/// Noisy gradient descent as a first-passage experiment: Euler-Maruyama steps of the overdamped
/// Langevin equation dw = -grad E dt + sqrt(2T) dW,
///   w_{n+1} = w_n - dt grad E(w_n) + sqrt(2 T dt) xi_n,   xi_n ~ N(0, I),
/// started at a stored minimum and stopped when a quench of the walker (every check_interval
/// time units) lands in a minimum of the target set, identified up to symmetry. The first
/// check that lands in the target gives the first-passage time, to within check_interval; its
/// mean over runs is the simulated counterpart of the master equation's MFPT (ngt.hpp) in the
/// same time units, with the basins of attraction of the minima as the states.

#include <cstdint>
#include <limits>
#include <vector>

#include "lossland/db/database.hpp"

namespace lossland::kinetics {

struct LangevinOptions {
  double temperature = 1e-8;    ///< T, loss units. Range: finite, > 0.
  double dt = 0.5;              ///< time step. Range (0, 100].
  double check_interval = 100;  ///< time between quenches. Range [dt, max_time].
  double max_time = 1e7;        ///< a run that has not arrived by then is censored. Range > 0.
  int runs = 20;                ///< independent walkers. Range [1, 1e6].
  std::uint64_t seed = 1;       ///< run r draws from the stream (seed, r)
  int threads = 1;              ///< OpenMP threads over runs; results do not depend on it
  /// If finite: a run arrives the first step its loss is below this instead (no quenches; for
  /// a target of every minimum below the start, E < E_start cannot lie in the start's basin).
  double arrive_below = std::numeric_limits<double>::quiet_NaN();
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

struct LangevinRun {
  bool arrived = false;
  double time = 0.0;          ///< first check that landed in the target (or max_time)
  std::int64_t minimum = -1;  ///< the target minimum reached
  int unknown_quenches = 0;   ///< quenches that ended in no stored minimum
};

struct LangevinResult {
  std::vector<LangevinRun> runs;
  int arrived = 0;
  double mean_time = 0.0;       ///< over arrived runs
  double standard_error = 0.0;  ///< of mean_time
};

/// Runs the experiment on the landscape's loss. Throws std::invalid_argument for bad options,
/// an empty target, or a start that is in the target.
LangevinResult langevin_first_passage(const db::Landscape& landscape, std::int64_t start,
                                      const std::vector<std::int64_t>& target,
                                      const LangevinOptions& options);

}  // namespace lossland::kinetics
