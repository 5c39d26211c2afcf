#pragma once
/// \file
/// Basin-hopping global optimisation (Li & Scheraga 1987; Wales & Doye 1997;
/// Mehta et al., Phys. Rev. E 97, 052307 (2018), Sec. III):
/// random perturbation of the current minimum, quench, Metropolis acceptance at temperature T,
/// adaptive step size. Several walkers run in parallel rounds: in a round each walker takes
/// `steps_per_round` steps on its own, judging "new" against the landscape as it stood at the
/// start of the round plus its own finds; then the finds are merged in walker order. A run is
/// therefore reproducible for a seed and walker count whatever the number of threads.

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <string>

#include "lossland/db/landscape_index.hpp"
#include "lossland/model/loss.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/quench.hpp"
#include "lossland/optimize/stationary.hpp"
#include "lossland/search/completeness.hpp"

namespace lossland {

/// When a run ends before max_steps (docs/completeness.md).
enum class BasinHoppingStopRule {
  /// After max_steps_without_new quenches in a row found no new minimum (the default).
  NoNew,
  /// When the Good-Turing probability that the next quench finds a new minimum, f1 / n over the
  /// landscape's whole record of hits (estimate_completeness()), is below stop_p_new and the
  /// last stop_quiet quenches found no new minimum; max_steps_without_new is not used.
  Estimate,
};

struct BasinHoppingOptions {
  /// Independent Markov chains. Results depend on walkers and seed, not on threads. [1, 4096]
  int walkers = 4;
  /// Worker threads; 0 means all cores. [0, 1024]
  int threads = 0;
  /// Steps each walker takes between merges (larger: less synchronisation). [1, 1e6]
  int steps_per_round = 10;
  /// Stop after this many quenches in total (all walkers). [1, 1e12]
  std::int64_t max_steps = 200000;
  /// Stop once the rounds since the last one that added a minimum hold this many quenches
  /// (all walkers together); 0 disables.
  /// The default found every XOR minimum for N_h <= 6 in the tests and survey runs. [0, 1e12]
  std::int64_t max_steps_without_new = 3000;
  /// Which rule ends the run before max_steps (BasinHoppingStopRule).
  BasinHoppingStopRule stop_rule = BasinHoppingStopRule::NoNew;
  /// Estimate rule: stop once P(new) = f1 / n < stop_p_new. (0, 1)
  double stop_p_new = 1e-3;
  /// Estimate rule: and the rounds since the last one that added a minimum hold at least this
  /// many quenches (all walkers), so that one lucky stretch does not end the run. [0, 1e12]
  std::int64_t stop_quiet = 500;
  /// Metropolis temperature in loss units. (0, inf). Minima of the XOR losses differ by
  /// 1e-6..0.7, so T = 0.1 accepts most moves between fitting minima but rarely a climb to
  /// the all-zero minimum at ln 2.
  double temperature = 0.1;
  /// Initial maximum displacement per coordinate (uniform in [-s, s], as GMIN). (0, inf)
  double step_size = 0.6;
  /// Adaptive step: every `adapt_interval` steps of a walker, multiply the step by
  /// `adapt_factor` if its acceptance ratio is below `target_acceptance`, divide otherwise.
  double target_acceptance = 0.5;  ///< (0, 1)
  int adapt_interval = 10;         ///< [1, 1e6]; 0 disables adaptation
  double adapt_factor = 0.9;       ///< (0, 1)
  double min_step_size = 0.05;     ///< (0, step_size]
  double max_step_size = 5.0;      ///< [step_size, inf)
  /// Walkers start from weights drawn from N(0, init_scale^2). (0, inf)
  double init_scale = 1.0;
  /// A walker that has gone this many of its own steps without a new minimum restarts from a
  /// fresh random point (keeps walkers from circling one funnel); 0 disables. [0, 1e12]
  std::int64_t restart_after = 300;
  /// Seed of every random stream (walker w uses seed, w). Any 64-bit value.
  std::uint64_t seed = 1;
  /// Zero-eigenvalue cutoff for classifying quenched points (Mehta et al.: 1e-9). (0, 1e-3]
  double eigen_cutoff = kDefaultEigenCutoff;
  MinimizerOptions minimizer;

  /// Throws std::invalid_argument naming the field and its range.
  void validate() const;
};

/// Counters of one run, reported to the progress callback and at the end.
struct BasinHoppingStats {
  std::int64_t steps = 0;            ///< quenches done in this run
  std::int64_t accepted = 0;         ///< Metropolis acceptances
  std::int64_t new_minima = 0;       ///< minima added to the landscape by this run
  std::int64_t steps_since_new = 0;  ///< quenches since the last new minimum
  std::int64_t failed_quenches = 0;  ///< minimiser did not converge (a status, not a crash)
  std::int64_t non_morse = 0;        ///< converged points with an eigenvalue in [-cutoff, cutoff]
  std::int64_t saddles = 0;          ///< converged points of index >= 1 (escapes exhausted)
  /// Quenches of this run since it started or resumed, and their loss evaluations
  /// (Quench::evaluations()); neither is part of the saved run state.
  std::int64_t quenches_this_run = 0, evaluations_this_run = 0;
  double lowest_energy = 0.0;  ///< lowest minimum in the landscape
  double seconds = 0.0;
};

/// EstimateReached: the Estimate stop rule held.
enum class BasinHoppingStatus { MaxSteps, NoNewMinima, Stopped, EstimateReached };
std::string to_string(BasinHoppingStatus s);

struct BasinHoppingResult {
  BasinHoppingStatus status = BasinHoppingStatus::MaxSteps;
  std::string message;
  bool resumed = false;  ///< continued an interrupted run from the state saved in the landscape
  std::string note;      ///< what was done about a saved state, for the user (may be empty)
  BasinHoppingStats stats;
  /// The landscape's completeness at the end (hits over its whole record, this run included).
  CompletenessEstimate completeness;
};

/// Called after every round from the calling thread; return false to stop the run (a signal
/// handler or a time limit). The landscape may be saved from here.
using BasinHoppingCallback = std::function<bool(const BasinHoppingStats&)>;

/// Runs basin-hopping on `loss`, adding every distinct minimum (up to symmetry) to `index`.
/// Minima already in the landscape are kept. The all-zero point, stationary for every network
/// loss, is checked first and stored when it is a minimum.
/// Exact resume: before every callback the run's state (random streams, walkers, counters) is
/// put in the landscape's run_state beside the minima found so far, so a save from the callback
/// holds everything; a run that finds such a state saved with the same settings (everything
/// but threads) continues it exactly: an interrupted run, continued, gives the same minima in
/// the same order as one run. A finished run clears the state; a landscape without one starts
/// a new run whose walkers start from the lowest stored minima, with streams salted by the
/// number of stored minima.
/// Statistics (docs/completeness.md): every quench that ends in a minimum adds 1 to that
/// minimum's /minima/hits and sets its /minima/first_found if it had none; quenches are
/// numbered over the landscape's history (note stats_quenches), in merge order (walker by
/// walker, each walker's steps in order), so a resumed run counts exactly as one run.
BasinHoppingResult basin_hopping(const Loss& loss, db::LandscapeIndex& index,
                                 const BasinHoppingOptions& options,
                                 const BasinHoppingCallback& callback = {});

}  // namespace lossland
