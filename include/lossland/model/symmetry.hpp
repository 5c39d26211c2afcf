#pragma once
/// \file
/// The network's own symmetries (docs/loss.md): permutations of hidden nodes and, for tanh,
/// flipping the signs of one node's incoming weights, bias and outgoing weights. They leave E
/// unchanged, so every stationary point has H! 2^H (tanh) or H! (sigmoid) copies. These are the
/// symmetries of the parameterisation only; a dataset's own symmetries (e.g. swapping XOR's
/// inputs) give distinct points of equal energy and are not removed here.

#include <Eigen/Core>
#include <cstddef>
#include <functional>
#include <vector>

#include "lossland/model/mlp_loss.hpp"

namespace lossland {

/// One element of the symmetry group: new node j takes old node perm[j], multiplied by sign[j].
struct NodeMap {
  std::vector<int> perm;
  std::vector<int> sign;  ///< +1 or -1 (always +1 for sigmoid)
};

/// Applies a node map to a parameter vector in the canonical layout.
Eigen::VectorXd apply(const ModelSpec& spec, const NodeMap& map, const Eigen::VectorXd& w);

/// Canonical representative: each node's sign chosen so that its first entry of magnitude above
/// `zero` (outgoing weights V_.j first, then W_j., then b_j) is positive (tanh only), then nodes
/// sorted by decreasing norm of (W_j., b_j, V_.j), ties broken lexicographically. Idempotent, and
/// equal (bitwise) for all symmetric copies of a point.
Eigen::VectorXd canonical_form(const ModelSpec& spec, const Eigen::VectorXd& w,
                               double zero = 1e-12);

/// Result of aligning b onto a over the symmetries.
struct Alignment {
  double distance = 0.0;    ///< min over the group of |a - g(b)|
  Eigen::VectorXd aligned;  ///< g(b) for the minimising g
  NodeMap map;
};

/// Symmetry-aligned distance: minimises |a - g(b)| over permutations and sign flips exactly.
/// |a - g(b)|^2 separates into per-node costs plus the output biases, so the optimum is a linear
/// assignment problem (solved by the Hungarian algorithm, O(H^3)) with each pair's cost
/// min over its sign.
Alignment align(const ModelSpec& spec, const Eigen::VectorXd& a, const Eigen::VectorXd& b);

/// Convenience: align(spec, a, b).distance.
double aligned_distance(const ModelSpec& spec, const Eigen::VectorXd& a, const Eigen::VectorXd& b);

/// Two stationary points are the same when |E_a - E_b| <= energy_tol * max(1, |E_a|) and their
/// aligned distance <= distance_tol.
struct SamePoint {
  /// Relative energy tolerance. Range (0, 1e-3]. Converged points (RMS gradient 1e-11) agree in
  /// energy to ~1e-20; the paper separates minima differing by ~1e-11, but those are far apart
  /// in coordinates, which the distance test sees.
  double energy_tol = 1e-9;
  /// Aligned Euclidean distance tolerance. Range (0, 1]. A minimum with softest eigenvalue
  /// 2 lambda = 2e-6 and RMS gradient 1e-11 is located to ~1e-5 * sqrt(P).
  double distance_tol = 1e-3;
  bool operator()(const ModelSpec& spec, double ea, const Eigen::VectorXd& a, double eb,
                  const Eigen::VectorXd& b) const;
};

}  // namespace lossland

namespace lossland {

/// A symmetry of the dataset itself: permuting the input columns by `input_perm` and relabelling
/// classes by `class_perm` maps the training set onto itself (as a set). Such a map acts on the
/// parameters by permuting the columns of W and the rows of V and c; it leaves E unchanged
/// (the penalty too), but the transformed point is a genuinely different network, so both are
/// kept as distinct minima of equal energy. Example: swapping XOR's two inputs.
struct DatasetSymmetry {
  std::vector<int> input_perm;  ///< new input k reads old input input_perm[k]
  std::vector<int> class_perm;  ///< new class i is old class class_perm[i]
  bool is_identity() const;
};

/// Every dataset symmetry of `data` (identity included). Enumerates input permutations (I <= 7)
/// and class permutations (O <= 6); larger sets return the identity only.
std::vector<DatasetSymmetry> dataset_symmetries(const Dataset& data);

/// The point g(w) for a dataset symmetry g.
Eigen::VectorXd apply(const ModelSpec& spec, const DatasetSymmetry& g, const Eigen::VectorXd& w);

/// Row i's coordinates, on demand (a lazy reader may fetch them from disk).
using PointSource = std::function<const Eigen::VectorXd&(std::size_t)>;

/// Groups points that are the same up to the network's and the dataset's symmetries: returns,
/// for each point, the index of the first point of its class (the first earlier class
/// representative b with same(E_a, w_a, E_b, g(w_b)) for some dataset symmetry g). Points are
/// sorted by energy once and each is aligned only with the representatives whose energy lies
/// within the tolerance of `same`, so the cost is O(M log M) plus the alignments within
/// energy ties, instead of O(M^2) alignments. `point` is called only for the rows that
/// energy_neighbours() returns.
std::vector<int> dataset_symmetry_classes(const ModelSpec& spec, const Dataset& data,
                                          const std::vector<double>& energies,
                                          const PointSource& point, const SamePoint& same = {});

/// The same with every point in memory (points.size() == energies.size()).
std::vector<int> dataset_symmetry_classes(const ModelSpec& spec, const Dataset& data,
                                          const std::vector<double>& energies,
                                          const std::vector<Eigen::VectorXd>& points,
                                          const SamePoint& same = {});

/// The rows (ascending) that share an energy window of `same` with another row: the only
/// rows whose coordinates the symmetry classes need; every other row is its own class.
std::vector<std::size_t> energy_neighbours(const std::vector<double>& energies,
                                           const SamePoint& same = {});

/// Reference implementation that compares every pair (O(M^2) alignments); same result as
/// dataset_symmetry_classes. For tests.
std::vector<int> pairwise_symmetry_classes(const ModelSpec& spec, const Dataset& data,
                                           const std::vector<double>& energies,
                                           const std::vector<Eigen::VectorXd>& points,
                                           const SamePoint& same = {});

}  // namespace lossland

namespace lossland {

/// A symmetry of the loss that permutes the parameters and flips signs:
/// (g w)_k = sign_k w_{perm_k}. Node maps and dataset symmetries are both of this form.
struct ParameterMap {
  std::vector<int> perm;
  std::vector<int> sign;  ///< +1 or -1
  Eigen::VectorXd operator()(const Eigen::VectorXd& w) const;
  bool operator==(const ParameterMap& o) const { return perm == o.perm && sign == o.sign; }
  /// (this o other)(w) = this(other(w)).
  ParameterMap after(const ParameterMap& other) const;
};

/// Generators of the stabiliser of w, the symmetries that map w to itself within
/// tol * max(1, |w|): the sign flip of a dead node (tanh; all of its weights and its bias zero),
/// the swap of two equal nodes (or of two opposite ones, with both signs flipped), and each
/// dataset symmetry composed with the node map that undoes it. A steepest-descent path that
/// starts at such a point along a direction they also fix never leaves their fixed subspace.
std::vector<ParameterMap> stabiliser_generators(const ModelSpec& spec, const Dataset& data,
                                                const Eigen::VectorXd& w, double tol = 1e-8);

/// The group the generators generate (identity first), or just the identity when it would
/// have more than max_size elements.
std::vector<ParameterMap> generated_group(const std::vector<ParameterMap>& generators, int dim,
                                          std::size_t max_size = 4096);

}  // namespace lossland
