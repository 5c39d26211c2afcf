#pragma once
/// \file
/// Building a connected landscape (Mehta et al. 2018, Sec. III; docs/loss.md): double-ended DNEB
/// searches between pairs of minima, the band's maxima refined to transition states by hybrid
/// eigenvector-following, both steepest-descent paths followed down to their minima
/// (lossland/search/steepest_descent.hpp) and identified up to symmetry; missing links chosen by
/// Dijkstra over the minima (OPTIM's NEWCONNECT, pele's DoubleEndedConnect: weight 0 for a
/// connected pair, squared aligned distance otherwise); single-ended searches from minima along
/// their softest modes.

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lossland/db/landscape_index.hpp"
#include "lossland/model/loss.hpp"
#include "lossland/search/dneb.hpp"
#include "lossland/search/hef.hpp"
#include "lossland/search/steepest_descent.hpp"

namespace lossland {

struct ConnectOptions {
  DnebOptions dneb = default_dneb();
  HefOptions hef = default_hef();
  /// The steepest-descent path follower that gives each transition state its two minima
  /// (its push-off, step tolerance and branching at higher-index points).
  PathOptions path;
  /// Zero-eigenvalue cutoff for classifying minima and transition states (paper: 1e-9).
  /// (0, 1e-3]
  double eigen_cutoff = kDefaultEigenCutoff;
  /// Keep each new transition state's two paths, downsampled to path.max_saved_points points,
  /// in the database's /paths group (for `lossland profile`).
  bool save_paths = true;
  /// DNEB attempts a pair may use before it is given up (`--pair` and the connection phase).
  /// [1, 1000]
  int attempts_per_pair = 2;
  /// Attempts in all for one `--pair` connection or one component join. [1, 1e6]
  int max_attempts = 60;
  /// In the refinement passes: all pairs of minima when there are at most this many minima,
  /// otherwise each minimum with its `neighbours` nearest (aligned distance). [0, 1e5]
  int all_pairs_limit = 40;
  int neighbours = 6;  ///< [1, 1000]
  /// Softest Hessian modes of each minimum searched single-ended, both directions. [0, 100]
  int single_ended_modes = 2;
  /// First displacement and trust radius of a single-ended search from a minimum.
  /// [hef.min_trust_radius, hef.max_trust_radius]
  double single_ended_step = 1e-3;
  /// Refinement passes after the minima are connected; stops early when a pass finds nothing
  /// new. [0, 100]
  int max_passes = 4;
  /// Worker threads (0: all cores). Results depend on the options, not on this. [0, 1024]
  int threads = 0;

  /// The DNEB defaults used for network losses: a band relaxed further than the generic
  /// defaults, since the loss is tiny at small lambda.
  static DnebOptions default_dneb();
  /// Eigenvector-following gives up sooner on a band maximum that slides into a minimum.
  static HefOptions default_hef();
  void validate() const;
};

/// A minimum at the end of one branch of a side's path.
struct CandidateLeaf {
  db::StoredPoint minimum;
  double branch_energy = 0.0;  ///< energy of the last branch point passed
  int depth = 0;               ///< branch points passed (0: the side did not branch)
};

/// What one refinement produced (computed in parallel, merged serially).
struct TsCandidate {
  bool is_ts = false;
  /// The transition state is already stored (up to symmetry): its paths were followed when it
  /// was stored, and are not followed again (the candidate carries no leaves or paths).
  bool known = false;
  std::string why;  ///< if not a transition state: why not
  db::StoredPoint ts;
  db::StoredPoint plus, minus;  ///< the representative minima of the two paths (min1, min2)
  /// Every minimum each path reaches, in branch order (one each unless the path branched);
  /// store_candidate() keeps one /ts_branches row per stored minimum.
  std::vector<CandidateLeaf> leaves[2];
  /// The two paths to plus and minus, downsampled (arc length, energy, coordinates).
  std::vector<PathPoint> paths[2];
  bool branched = false;  ///< a path ran into a point of index >= 1 and branched there
};

struct ConnectStats {
  std::int64_t attempts = 0;    ///< DNEB bands and single-ended searches run
  std::int64_t candidates = 0;  ///< band maxima / single-ended ends refined
  std::int64_t new_ts = 0;
  std::int64_t known_ts = 0;       ///< candidates that refined to a stored transition state
  std::int64_t new_minima = 0;     ///< minima first seen at the bottom of a descent
  std::int64_t degenerate_ts = 0;  ///< both sides in the same minimum (kept and marked)
  std::int64_t branched_ts = 0;    ///< a path ran into a higher-index point and branched
  std::int64_t rejected = 0;       ///< refinements that did not end at a valid TS
  std::map<std::string, std::int64_t> rejected_because;  ///< count per reason
  int components = 0;                                    ///< connected sets of minima at the end
  int passes = 0;                                        ///< refinement passes run
  double seconds = 0.0;
};

enum class ConnectStatus { Connected, NotConnected, Stopped };
std::string to_string(ConnectStatus s);

struct ConnectResult {
  ConnectStatus status = ConnectStatus::NotConnected;
  std::string message;
  ConnectStats stats;
};

/// Called after each batch of attempts from the calling thread; return false to stop (Ctrl-C).
/// The landscape may be saved from here.
using ConnectCallback = std::function<bool(const ConnectStats&)>;

/// Connected sets of minima through the stored transition states: label per minimum,
/// 0..count-1 in ascending order of each set's lowest minimum (ties by lowest id), the same
/// numbering as graph::TransitionNetwork::components(); the set of the lowest minimum is 0.
std::vector<int> connected_components(const db::Landscape& land, int* count = nullptr);

/// Refines a guess (a band maximum, or any point) to a transition state, Newton-polishes it,
/// takes its canonical form (with the network's `spec`: the point the database stores) and
/// follows both steepest-descent paths from exactly that point, so `lossland verify` re-derives
/// every stored edge bit for bit from the file. With the landscape, the paths are also held to
/// the transition state's symmetric subspace, if it lies in one (path_symmetries()). With
/// `known`, a transition state it already holds is returned as `known` without its paths
/// (the index must not change while this runs; reads from several threads are safe).
TsCandidate refine_transition_state(const Loss& loss, const Eigen::VectorXd& guess,
                                    const ConnectOptions& options,
                                    const Eigen::VectorXd& direction = Eigen::VectorXd(),
                                    const db::Landscape* land = nullptr,
                                    const db::LandscapeIndex* known = nullptr);

/// The symmetries of the network and its dataset that fix the point x of `land`'s model (the
/// group generated by stabiliser_generators()), for descend_saddle().
std::vector<ParameterMap> path_symmetries(const db::Landscape& land, const Eigen::VectorXd& x);

/// descend_saddle() from the transition state x of `land`, held to its symmetric subspace
/// (path_symmetries()) and with branch points identified up to the network's hidden-node
/// permutations and sign flips (aligned distance at most 1e-7 max(1, |x|)), as the database
/// identifies points. connect, verify and profile all descend through this.
SaddleDescent descend_stored_saddle(const Loss& loss, const db::Landscape& land,
                                    const Eigen::VectorXd& x, const PathOptions& options);

/// DNEB between minima i and j (j aligned onto i first), every band maximum refined
/// (`known`: as for refine_transition_state()).
std::vector<TsCandidate> double_ended_attempt(const Loss& loss, const db::Landscape& land,
                                              std::int64_t i, std::int64_t j,
                                              const ConnectOptions& options,
                                              const db::LandscapeIndex* known = nullptr);

/// Stores a refined candidate: its minima (every leaf, added if new) and the transition state
/// with its two representative minima; for a new transition state also its /transition_states/
/// branched flag, its /ts_branches rows when it branched, and (save_paths) its two paths.
/// Returns true if the transition state was new.
bool store_candidate(db::LandscapeIndex& index, const TsCandidate& c, ConnectStats& stats,
                     bool save_paths = true);

/// `connect --pair I J`: until I and J are in one connected set or max_attempts are used.
ConnectResult connect_pair(const Loss& loss, db::LandscapeIndex& index, std::int64_t i,
                           std::int64_t j, const ConnectOptions& options,
                           const ConnectCallback& callback = {});

/// `connect --all`: joins every minimum to the global minimum's set, then refinement passes
/// (pairs and single-ended searches) until a pass finds nothing new or max_passes.
ConnectResult connect_all(const Loss& loss, db::LandscapeIndex& index,
                          const ConnectOptions& options, const ConnectCallback& callback = {});

}  // namespace lossland
