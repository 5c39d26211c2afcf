#pragma once
/// \file
/// One basin-hopping walker, and saving the run's state (random streams, walkers, counters) in
/// a landscape's run_state so that a killed run continues exactly (issue 16).

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/search/basin_hopping.hpp"
#include "search/random.hpp"

namespace lossland::detail {

/// One quench of a round that ended in a minimum, for the hit statistics of the merge: the
/// stored row it matched (or -1), else the entry of Walker::finds it matched or added.
struct HitEvent {
  std::int64_t row = -1;
  std::int64_t find = -1;
  std::int64_t step = 0;  ///< 0-based quench of this walker's round
};

struct Walker {
  explicit Walker(Rng r) : rng(r) {}
  Rng rng;
  bool has_current = false;
  Eigen::VectorXd x;
  double energy = 0.0;
  double step = 0.0;
  std::int64_t steps = 0;
  std::int64_t accepted_in_window = 0;
  std::int64_t steps_since_new = 0;
  /// Minima this walker found in the current round, in order, for the merge.
  std::vector<db::StoredPoint> finds;
  /// The quenches of the current round that ended in a minimum, in order.
  std::vector<HitEvent> hits;
  std::int64_t round_steps = 0, round_accepted = 0, round_failed = 0, round_non_morse = 0,
               round_saddles = 0, round_evaluations = 0;
};

/// The settings a run's results depend on (not threads), as text: a saved state is resumed
/// only by a run with the same settings.
std::string run_fingerprint(const BasinHoppingOptions& o, int num_params);

/// Writes the walkers and counters into land.run_state (bh_rng, bh_walkers, bh_x, bh_stats)
/// and the fingerprint into the note bh_run.
void save_run_state(db::Landscape& land, const std::string& fingerprint,
                    const std::vector<Walker>& walkers, const BasinHoppingStats& st);

/// Removes a saved state (the run finished).
void clear_run_state(db::Landscape& land);

/// Creates /minima/hits and /minima/first_found if absent, NaN (unknown) for the minima already
/// stored: they were found before the statistics were kept.
void ensure_hit_columns(db::Landscape& land);

/// Counts one quench, the `quench`-th of the landscape's history, that ended in minimum `row`.
void record_hit(db::Landscape& land, std::int64_t row, std::int64_t quench);

enum class RunStateLoad { None, Resumed, OtherSettings };

/// Restores walkers and counters from land if it holds a state saved with `fingerprint` for
/// walkers.size() walkers and num_params parameters (Resumed). Changes nothing and returns
/// None if land holds no state, OtherSettings if it holds one of other settings or of a shape
/// that does not fit (a new run then starts; the stored minima are kept).
RunStateLoad load_run_state(const db::Landscape& land, const std::string& fingerprint,
                            int num_params, std::vector<Walker>& walkers, BasinHoppingStats& st);

}  // namespace lossland::detail
