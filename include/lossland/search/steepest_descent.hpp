#pragma once
/// \file
/// Steepest-descent paths dx/dt = -grad E(x) from a saddle to the minima it connects, followed
/// with the local quadratic approximation of M. Page and J. W. McIver, J. Chem. Phys. 88, 922
/// (1988). The two minima of a transition state are, by definition, the ends of its two
/// steepest-descent paths (Mehta, Zhao, Bernal & Wales, Phys. Rev. E 97, 052307 (2018), Sec.
/// III); a quench from a push-off is only an approximation to that and can land in another
/// funnel. A path that runs into a stationary point of index >= 1 (a symmetric subspace: two
/// equal hidden nodes, inputs treated alike) branches along that point's negative modes, and each
/// branch is followed down in turn.

#include <Eigen/Core>
#include <functional>
#include <string>
#include <vector>

#include "lossland/model/loss.hpp"
#include "lossland/model/symmetry.hpp"
#include "lossland/optimize/stationary.hpp"

namespace lossland {

/// True when two points are one stored point up to the symmetries that identify points.
using SamePointFn = std::function<bool(const Eigen::VectorXd&, const Eigen::VectorXd&)>;

/// Options of the path follower. Lengths are Euclidean in parameter space.
struct PathOptions {
  /// Local error per step, relative to the step's length: the estimated displacement of the
  /// step's end from the true path, sum_i (r_i phi(lambda_i, t) / 3)^2 under the square root,
  /// where r is the difference between the true gradient at the end and the one the quadratic
  /// model predicts (see descend_saddle). The error grows as (step length)^3, so the steps
  /// shrink as its square root. The tests check that the ends do not change when it is made 10x
  /// tighter. Range (0, 0.5].
  double step_tolerance = 1e-3;
  /// Length of the first step after the push-off. Range [min_step, max_step].
  double initial_step = 1e-3;
  /// Longest step. Range (0, 10].
  double max_step = 0.2;
  /// A step shorter than this ends the path with status StepTooSmall. Range (0, initial_step].
  double min_step = 1e-13;
  /// Steps allowed for one path (each is one exact Hessian and its eigendecomposition).
  /// Range [1, 1e7].
  int max_steps = 20000;
  /// Largest push-off from a saddle along its negative mode. The push-off used is the largest
  /// of max_pushoff * 2^-k (k = 0..60) that lowers E, over which the quadratic model at the
  /// saddle predicts the gradient to pushoff_tolerance (relative to |lambda| d: the eigenvector
  /// has not yet turned), and that is at least 100 times both the distance to the exact saddle,
  /// |H^-1 g| (so the saddle's residual gradient does not steer the path), and the round-off
  /// offset subspace_tolerance max(1, |x|). For a mode so soft that none qualifies, the most
  /// accurate one with a relative error below 0.5. Range (0, 1].
  double max_pushoff = 1e-2;
  /// See max_pushoff. Range (0, 0.5].
  double pushoff_tolerance = 1e-2;
  /// Zero-eigenvalue cutoff (as lossland::classify; the XOR paper's 1e-9). Range (0, 1e-3].
  double eigen_cutoff = kDefaultEigenCutoff;
  /// RMS gradient to which a path's end minimum is converged by Newton steps. Range (0, 1e-6].
  double rms_tolerance = 1e-11;
  /// Newton steps allowed to polish a saddle, a branch point or a minimum. Range [1, 1000].
  int max_newton_iterations = 100;
  /// A path whose local quadratic model passes within this distance of a stationary point of
  /// index >= 1 (while that point is within the current step length) is taken to end there and
  /// branches along the point's negative modes. Paths in a symmetric subspace reach such a point
  /// exactly; others pass it at a distance set by how far their start lies off the subspace.
  /// Range (0, 1e-2].
  double branch_radius = 1e-6;
  /// A negative mode along which the point lies at most this far (times max(1, |x|)) from where
  /// the gradient component vanishes, |F_i / lambda_i|, is round-off: the path lies in a
  /// symmetric subspace (exactly, in exact arithmetic) and is held in it, so it runs into the
  /// subspace's higher-index point and branches there, instead of leaving in a direction that
  /// rounding picks. Round-off offsets are ~1e-16..1e-13. 0 turns this off. Range [0, 1e-6].
  double subspace_tolerance = 1e-10;
  /// Nested branch points allowed below one saddle. Range [0, 16].
  int max_branch_depth = 12;
  /// Follow each branch point once: a branch that a symmetry fixing the branch point maps from
  /// an earlier sibling is that sibling's image, and a path that runs into a branch point its
  /// side has already branched at is a revisit (see DescentPath). The leaves are the same
  /// points either way, up to round-off (tested); false follows every branch, which on XOR's
  /// dead-node subspaces repeats the same paths hundreds of times (for tests and checks).
  bool reuse_branch_points = true;
  /// Points kept per path (evenly in arc length, ends included) for profiles. Range [2, 1e6].
  int max_saved_points = 32;

  /// Throws std::invalid_argument naming the offending field and its range.
  void validate() const;
};

enum class DescentStatus {
  Minimum,        ///< every branch ended in a minimum
  MaxSteps,       ///< a path used max_steps first
  StepTooSmall,   ///< the error control shrank a step below min_step
  NonMorse,       ///< a path ended at a stationary point with a zero eigenvalue
  BranchDepth,    ///< branch points nested deeper than max_branch_depth
  PushoffFailed,  ///< no push-off satisfies both conditions (an unresolved saddle)
  NotStationary,  ///< the start could not be polished to a stationary point
  NonFinite,      ///< E, gradient or Hessian became NaN/inf
};
std::string to_string(DescentStatus s);

/// A point of a path: arc length from the saddle, energy and coordinates.
struct PathPoint {
  double s = 0.0;
  double energy = 0.0;
  Eigen::VectorXd x;
};

/// A converged stationary point at the end of a path or at a branch.
struct PathStationary {
  Eigen::VectorXd x;
  double energy = 0.0;
  double grad_rms = 0.0;
  Eigen::VectorXd eigenvalues;  ///< ascending
  int index = 0;                ///< eigenvalues below -eigen_cutoff
};

/// One side of a saddle: the path from the push-off down to a minimum, or to a branch point
/// from which `branches` continue (two per negative mode of the branch point, + before -).
///
/// Two kinds of branch carry no path of their own, so that the symmetric copies of a
/// subspace's saddles cost nothing:
/// - an image (`image_of` >= 0): a symmetry that fixes the branch point maps an earlier sibling's
///   direction onto this one, so this branch is `image_map` applied to that sibling, point for
///   point (exactly, as the map leaves E unchanged); only its status and end are filled in;
/// - a revisit (`revisit`): the path ran into a branch point that an earlier branch of the same
///   side had already branched at; the minima below it are listed there, so it has no branches.
struct DescentPath {
  DescentStatus status = DescentStatus::MaxSteps;
  std::string message;
  std::vector<PathPoint> points;  ///< the saddle first, the end (minimum or branch point) last
  double length = 0.0;            ///< arc length of this piece
  PathStationary end;             ///< the minimum, or the branch point
  bool branched = false;
  std::vector<DescentPath> branches;
  int image_of = -1;       ///< index of the sibling this branch is the image of, or -1
  ParameterMap image_map;  ///< the symmetry that maps that sibling onto this branch
  bool revisit = false;    ///< ended at a branch point already branched at on this side
  int steps = 0;           ///< accepted steps, this piece and its branches
  int hessians = 0;        ///< exact Hessians evaluated, this piece and its branches

  bool ok() const { return status == DescentStatus::Minimum; }
};

/// The minima at the leaves of a descent, in branch order (images included, mapped; revisits
/// contribute nothing, their minima being listed at the first visit). With `with_paths`, `path`
/// is the concatenated path to each (arc length continued across branch points); without, it
/// is empty and leaf_path() builds it for the leaves that need one.
struct DescentLeaf {
  PathStationary minimum;
  std::vector<PathPoint> path;
  int depth = 0;               ///< branch points passed
  double branch_energy = 0.0;  ///< energy of the last branch point passed (depth > 0)
  std::vector<int> route;      ///< the branch taken at each branch point, from the top
};
std::vector<DescentLeaf> leaves(const DescentPath& d, bool with_paths = true);

/// The concatenated path from the top of `d` to one of its leaves (as leaves(d, true) gives it).
std::vector<PathPoint> leaf_path(const DescentPath& d, const DescentLeaf& leaf);

/// The representative leaf of a side (the one a transition state's min1 or min2 names): the
/// lowest-energy leaf, ties (relative 1e-12) going to the first in branch order. Branch order:
/// negative modes of a branch point by ascending eigenvalue, and for each the + direction first,
/// + meaning that the eigenvector's entry of largest magnitude (the first, among equal ones) is
/// positive. Requires a descent with at least one leaf.
std::size_t representative_leaf(const std::vector<DescentLeaf>& l);

/// Newton steps -H^-1 g from x (valid at any non-degenerate stationary point) while each at
/// least halves the gradient, so to the rounding floor; at most options.max_newton_iterations.
PathStationary polish_stationary(const Loss& loss, const Eigen::VectorXd& x,
                                 const PathOptions& options = {});

/// Keeps at most `max_points` points of a path, evenly spaced in arc length, both ends kept.
void downsample_path(std::vector<PathPoint>& points, int max_points);

/// Both sides of a saddle.
struct SaddleDescent {
  DescentStatus status = DescentStatus::NotStationary;  ///< Minimum when both sides are
  std::string message;
  PathStationary saddle;  ///< the saddle after Newton polishing
  DescentPath side[2];    ///< along +v and -v, v the oriented lowest eigenvector
  bool ok() const { return status == DescentStatus::Minimum; }
};

/// Polishes the index-one saddle `ts` by Newton steps (to the rounding floor), pushes off along
/// its negative mode both ways and follows each steepest-descent path down to its minimum,
/// branching at any stationary point of index >= 1 it runs into.
///
/// Each step diagonalises the exact Hessian H = U diag(lambda) U^T at x, with F = U^T g, and
/// moves along the path of the quadratic model, x(t) = x - U diag((1 - e^{-lambda_i t}) /
/// lambda_i) F (Page & McIver's LQA; exact for a quadratic surface, and stable for the stiff
/// spectra of these losses, 2 lambda = 2e-6 to O(1)), with t chosen so that |x(t) - x| is the
/// step length h. The step is accepted when the true gradient at its end differs from the
/// model's U diag(e^{-lambda t}) F by at most step_tolerance |g| and the energy fell; h then
/// grows by up to 2x, otherwise it shrinks and the step is retried. When the Hessian is positive
/// definite and the Newton step -H^-1 g is shorter than h, the model's path ends at its minimum:
/// that step (t = infinity) is accepted when it shrinks the gradient by step_tolerance, and
/// Newton steps then converge the minimum to rms_tolerance. Deterministic: the same inputs give
/// the same bits.
///
/// `symmetries` (a group of signed permutations that leave E unchanged, e.g. path_symmetries()
/// of a network) holds each path to its exact symmetric subspace: the elements that fix the
/// saddle and the path's direction fix the whole path, so after every step the point is
/// replaced by its average over them, which removes the round-off that would otherwise grow
/// along the subspace's unstable modes; at a branch point the elements that also fix the branch
/// direction carry on. Throws std::invalid_argument for bad options or sizes.
///
/// `same_point` (optional) says whether two points are one stored point up to the symmetries
/// by which a database identifies points (for a network: hidden-node permutations and sign
/// flips, which map every path and minimum onto equivalent ones). A branch point equivalent to
/// one its side has already branched at is then a revisit too: its minima are the same stored
/// minima as that one's. Without it, only the same point (to 1e-7) is a revisit.
SaddleDescent descend_saddle(const Loss& loss, const Eigen::VectorXd& ts,
                             const PathOptions& options = {},
                             const std::vector<ParameterMap>& symmetries = {},
                             const SamePointFn& same_point = {});

}  // namespace lossland
