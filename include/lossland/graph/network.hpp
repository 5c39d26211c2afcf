#pragma once
/// \file
/// The transition network of a landscape: one vertex per minimum, one edge per transition state
/// joining its two minima (papers/004 Sec. III; Wales, "Energy Landscapes", ch. 6). Answers
/// which minima are connected, and the minimax path between two minima: the path whose highest
/// transition state is lowest, which is the barrier a disconnectivity graph shows between them.
/// Boost.Graph does the work behind a pimpl, so no Boost type appears here.

#include <cstdint>
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

  /// Connected components (boost::connected_components).
  Components components() const;

  /// Minimax path between minima `from` and `to`. Throws std::out_of_range naming the id for
  /// a minimum outside [0, M).
  MinimaxPath minimax_path(std::int64_t from, std::int64_t to) const;

  /// Minimax barrier from `from` to every minimum: the lowest possible highest transition-state
  /// energy on a path (the source's own energy for itself, +infinity where unreachable).
  std::vector<double> minimax_energies(std::int64_t from) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lossland::graph
