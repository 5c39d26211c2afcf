#pragma once
/// \file
/// How complete a landscape's list of minima is (docs/completeness.md). Every quench that ends
/// in a minimum is treated as one draw of a "species" (the minimum); from how many minima were
/// reached exactly once (f1) and exactly twice (f2) the number never reached is estimated.
///
/// - Chao1, bias-corrected (A. Chao, "Nonparametric estimation of the number of classes in a
///   population", Scand. J. Statist. 11, 265 (1984); bias-corrected form and variance:
///   A. Chao, "Species estimation and applications", Encyclopedia of Statistical Sciences,
///   Wiley, 2005): S_chao1 = S_obs + f1 (f1 - 1) / (2 (f2 + 1)), with
///   var = f1 (f1 - 1) / (2 (f2 + 1)) + f1 (2 f1 - 1)^2 / (4 (f2 + 1)^2)
///         + f1^2 f2 (f1 - 1)^2 / (4 (f2 + 1)^4),
///   and the log-normal 95% interval of A. Chao, Biometrics 43, 783 (1987): with
///   T = S_chao1 - S_obs and C = exp(1.96 sqrt(ln(1 + var / T^2))), [S_obs + T / C, S_obs + T C].
/// - Good-Turing (I. J. Good, "The population frequencies of species and the estimation of
///   population parameters", Biometrika 40, 237 (1953)): the probability that the next draw is
///   a minimum not yet seen, P(new) = f1 / n, n the number of draws (quenches that reached a
///   minimum).
///
/// Both assume independent draws from fixed probabilities. Basin-hopping quenches are NOT
/// independent: each starts from a perturbation of the walker's current minimum, so hits are
/// correlated (a walker revisits its neighbourhood) and the probabilities change as walkers
/// move and restart. The figures are a guide to what is missing, not a guarantee.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"

namespace lossland {

/// The value of a figure that is not known (NaN).
inline constexpr double kNoFigure = std::numeric_limits<double>::quiet_NaN();

enum class CompletenessStatus {
  Ok,       ///< every minimum has a known hit count and some quench reached a minimum
  NoHits,   ///< hit counts are kept but no quench has reached a minimum yet
  Partial,  ///< some minima predate the statistics (hits unknown): figures use the rest only
            ///< (none when no quench reached a minimum of known count)
  Unknown,  ///< the landscape keeps no hit statistics (written before they were kept)
};
std::string to_string(CompletenessStatus s);

/// What an estimate says; counts are -1 and figures NaN where the status leaves them unknown.
struct CompletenessEstimate {
  CompletenessStatus status = CompletenessStatus::Unknown;
  std::string message;            ///< one sentence for people, saying what the figures rest on
  std::int64_t quenches = -1;     ///< quenches over the landscape's history (note stats_quenches)
  std::int64_t draws = -1;        ///< n: quenches that reached a minimum with a known hit count
  std::int64_t observed = -1;     ///< S_obs: minima reached by at least one counted quench
  std::int64_t singletons = -1;   ///< f1: minima reached exactly once
  std::int64_t doubletons = -1;   ///< f2: minima reached exactly twice
  std::int64_t not_quenched = 0;  ///< minima stored but reached by no quench (connect, import)
  std::int64_t unknown_hits = 0;  ///< minima whose hit count is unknown (older records)
  double chao1 = kNoFigure;       ///< estimated number of minima a quench can reach
  double chao1_sd = kNoFigure;    ///< standard deviation of chao1 (the variance above)
  double chao1_low = kNoFigure;   ///< 95% interval, lower end (>= S_obs)
  double chao1_high = kNoFigure;  ///< 95% interval, upper end
  double unseen = kNoFigure;      ///< chao1 - S_obs: minima estimated never reached by a quench
  double p_new = kNoFigure;       ///< Good-Turing f1 / n
};

/// The estimate from hit counts (one entry per class, each >= 0; zeros are not counted as
/// observed). Status NoHits when every count is 0 (or there are none).
CompletenessEstimate estimate_from_counts(const std::vector<std::int64_t>& counts);

/// The estimate of a landscape from /minima/hits and the note stats_quenches (lossland
/// stats_* notes, docs/completeness.md); status Unknown without the hits column, Partial when
/// some hits are NaN (minima stored before the statistics were kept).
CompletenessEstimate estimate_completeness(const db::Landscape& landscape);

/// One line for people, e.g. "Chao1 12.5 minima (95%: 12-18; 0.5 unseen); P(new) = 0.0021
/// (Good-Turing, f1 = 3, f2 = 4, n = 1412 quenches); hits are correlated, see
/// docs/completeness.md".
std::string describe(const CompletenessEstimate& e);

// ---- the statistics kept in a landscape (docs/completeness.md) ----
// Per minimum: the columns db::kHitsColumn and db::kFirstFoundColumn.

/// Root notes (int64): basin-hopping quenches over the landscape's history, basin-hopping runs
/// started (a resumed run counts once), connect runs and their attempts (DNEB bands and
/// single-ended searches).
inline constexpr const char* kQuenchesNote = "stats_quenches";
inline constexpr const char* kBhRunsNote = "stats_bh_runs";
inline constexpr const char* kConnectRunsNote = "stats_connect_runs";
inline constexpr const char* kConnectAttemptsNote = "stats_connect_attempts";

/// Adds `by` to the integer note `name` (absent: 0; a damaged note restarts from 0).
void add_to_count_note(db::Landscape& landscape, const char* name, std::int64_t by);

/// Counts one connect run of `attempts` attempts in the notes stats_connect_runs and
/// stats_connect_attempts.
void record_connect_run(db::Landscape& landscape, std::int64_t attempts);

/// The integer note `name`, or -1 if it is absent or not an integer.
std::int64_t count_note(const db::Landscape& landscape, const char* name);

}  // namespace lossland
