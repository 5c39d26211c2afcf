#pragma once
/// \file
/// The transition network of a landscape: one vertex per minimum, one edge per transition state
/// joining its two minima (Mehta et al. 2018, Sec. III; Wales, Energy Landscapes, ch. 6). Answers
/// which minima are connected, and the minimax path between two minima: the path whose highest
/// transition state is lowest, which is the barrier a disconnectivity graph shows between them.
/// Boost.Graph does the work behind a pimpl, so no Boost type appears here.

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"

namespace lossland::graph {

/// Connected sets of minima: minima joined by any chain of transition states.
struct Components {
  /// Component of each minimum, numbered 0..count-1 in order of each set's lowest minimum
  /// (component 0 holds the global minimum).
  std::vector<int> of_minimum;
  int count = 0;
  /// Number of minima in each component.
  std::vector<int> sizes;
};

enum class PathStatus {
  Found,         ///< a path exists; `minima`/`transition_states` hold it
  SameMinimum,   ///< from == to: the path is the single minimum, barrier = its energy
  NotConnected,  ///< the two minima lie in different connected sets
};
std::string to_string(PathStatus s);

/// A minimax path: minima m_0 = from, ..., m_n = to joined by transition states t_1..t_n
/// (t_k joins m_{k-1} and m_k). Among all paths it minimises max_k E(t_k) (the "highest
/// barrier"); Dijkstra's algorithm with (max, <) in place of (+, <) finds it exactly.
struct MinimaxPath {
  PathStatus status = PathStatus::NotConnected;
  std::string message;  ///< human-readable summary, or why there is no path
  std::vector<std::int64_t> minima;
  std::vector<std::int64_t> transition_states;
  /// max_k E(t_k); for SameMinimum the minimum's energy, for NotConnected +infinity.
  double highest_energy = 0.0;
  /// Index into transition_states of the highest one (-1 if none).
  int highest_step = -1;
};

/// How a minimum escapes its basin. The escape energy of minimum i is the minimax energy to the
/// nearest lower minimum,
///   E_esc(i) = min_{j : E(j) < E(i)} min_{paths i -> j} max_{t on path} E(t),
/// i.e. the lowest threshold at which i shares a superbasin (Becker & Karplus 1997;
/// Mehta et al. 2018, Sec. III A) with a strictly lower minimum: the level at which i's branch
/// joins a branch that reaches lower in the disconnectivity graph. The barrier is E_esc(i) - E(i).
/// A minimum with no lower minimum in its connected set (the global minimum, the lowest of each
/// disconnected set, an isolated minimum) has no escape: barrier = +infinity, ids = -1. Minima of
/// equal energy do not count as lower.
struct EscapeBarrier {
  double barrier = std::numeric_limits<double>::infinity();        ///< E_esc(i) - E(i) >= 0
  double saddle_energy = std::numeric_limits<double>::infinity();  ///< E_esc(i)
  /// The transition state at E_esc(i): the highest one on the minimax path out (-1: none).
  std::int64_t transition_state = -1;
  /// The lowest minimum of the basin that i joins at E_esc(i) (-1: none).
  std::int64_t lower_minimum = -1;
  bool escapes() const { return transition_state >= 0; }
};

/// The network of a landscape. Transition states with min1 == min2 (degenerate rearrangements)
/// are counted but add no edge. Parallel transition states between one pair are all kept.
class TransitionNetwork {
 public:
  /// Throws std::invalid_argument if a transition state names a minimum outside [0, M).
  explicit TransitionNetwork(const db::Landscape& landscape);
  ~TransitionNetwork();
  TransitionNetwork(TransitionNetwork&&) noexcept;
  TransitionNetwork& operator=(TransitionNetwork&&) noexcept;

  int num_minima() const;
  /// Transition states that join two different minima (the edges).
  int num_edges() const;
  /// Transition states with min1 == min2.
  int num_self_loops() const;
  /// Transition state ids touching minimum `m` (self-loops included), ascending.
  std::vector<std::int64_t> transition_states_of(std::int64_t m) const;

  /// Connected components (union-find over the edges).
  Components components() const;

  /// Minimax path between minima `from` and `to`. Throws std::out_of_range naming the id for
  /// a minimum outside [0, M).
  MinimaxPath minimax_path(std::int64_t from, std::int64_t to) const;

  /// Minimax barrier from `from` to every minimum: the lowest possible highest transition-state
  /// energy on a path (the source's own energy for itself, +infinity where unreachable).
  std::vector<double> minimax_energies(std::int64_t from) const;

  /// Each minimum's lowest barrier out of its basin (EscapeBarrier), all at once in
  /// O(T log T + M) by adding the transition states in ascending energy to a union-find forest
  /// (Kruskal order): when two sets merge at E(t), every not-yet-escaped minimum of one set
  /// that lies above the other set's lowest minimum escapes at E(t).
  std::vector<EscapeBarrier> escape_barriers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lossland::graph
