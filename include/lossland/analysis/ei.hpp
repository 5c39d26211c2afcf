#pragma once
/// \file
/// The extremum-increment (EI) equations (Chen, ChinaXiv 202507.00082 (2025), Secs. 3-4;
/// docs/ei.md) measured on trained networks: the EI matrix A at the training inputs, its rank and
/// null space, the EI residual of the trained output weights, the input-space stationary points the
/// trained network really has, and the EI last-layer training step (Algorithm 1: null space of A,
/// then "polarize").
///
/// Notation (one hidden layer, docs/loss.md): z_j(x) = b_j + sum_t W_jt x_t, h_j = act(z_j),
/// y_i = c_i + sum_j V_ij h_j. For two-class softmax p_1 = S(y_1 - y_0), so the decision function
/// is the logit difference
///     f(x) = (c_1 - c_0) + sum_j u_j act(z_j(x)),   u = V_1 - V_0.
/// Its input-space derivatives are
///     df/dx_t        = sum_j u_j act'(z_j) W_jt
///     d2f/dx_s dx_t  = sum_j u_j act''(z_j) W_js W_jt,
/// so x_d is a stationary point of f iff (A u)_(d,.) = 0 with the EI matrix
///     A[(d,t), j] = act'(z_j(x_d)) W_jt        (N*I rows, row index d*I + t; H columns),
/// which is the paper's L(n, v, Phi) for this network (Chen 2025, Sec. 3.3).

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/optimize/minimizer.hpp"

namespace lossland::analysis {

/// Options of the per-minimum EI analysis.
struct EiOptions {
  /// Numerical rank of A: singular value s_k counts when s_k > rank_rtol * s_1 (s_1 the largest;
  /// A = 0 has rank 0). Range (0, 1). 1e-8 sits far above rounding (~1e-16 relative) and far
  /// below the smallest singular values of generic trained networks (~1e-3 relative).
  double rank_rtol = 1e-8;
  /// The input box searched for stationary points: [box_low, box_high]^I. Range box_low <
  /// box_high, both finite. Default [-0.5, 1.5] holds XOR's inputs with a margin of 0.5.
  double box_low = -0.5;
  double box_high = 1.5;
  /// Multistart grid: this many equally spaced starts per input dimension (grid^I starts).
  /// Range [2, 400]; the grid^I product may not exceed 200000.
  int grid_per_dim = 21;
  /// Stationary points are searched only when I <= this. Range [1, 4].
  int max_input_dim = 3;
  /// Newton iterations per start. Range [1, 1000].
  int max_newton_iterations = 60;
  /// Largest Newton step (Euclidean, input units). Range (0, inf).
  double max_newton_step = 0.25;
  /// A start converges when |grad f| <= gradient_rtol * g_scale with g_scale = sum_j |u_j| |W_j.|
  /// (an upper bound of |grad f| over all x). Range (0, 1e-3].
  double gradient_rtol = 1e-11;
  /// Two converged points closer than this (Euclidean, input units) are one. Range (0, 0.1].
  double dedup_distance = 1e-5;
  /// An input-space Hessian eigenvalue with |lambda| <= eigen_rtol * h_scale counts as zero
  /// (the point is then Degenerate), h_scale = sum_j |u_j| |W_j.|^2. Range (0, 1e-2].
  double eigen_rtol = 1e-8;
  /// A training input "is stationary" when its EI residual |A_d u| / (|A|_2 |u|) (its own rows
  /// of A) is at most this. Range (0, 1).
  double stationary_input_rtol = 1e-6;
  /// A training input "sits at a predicted extremum" when the nearest input-space stationary
  /// point of the type EI predicts (class 1: maximum of f, class 0: minimum) is within this
  /// Euclidean distance. Range (0, inf); XOR's inputs are 1 apart.
  double extremum_distance = 0.05;

  /// Throws std::invalid_argument naming the offending field and its range.
  void validate() const;
};

/// Type of an input-space stationary point of f (or p_1), from the eigenvalues of its Hessian.
enum class InputPointKind {
  Maximum,     ///< every eigenvalue < -cutoff
  Minimum,     ///< every eigenvalue > +cutoff
  Saddle,      ///< eigenvalues of both signs beyond the cutoff, none within it
  Degenerate,  ///< some eigenvalue within [-cutoff, cutoff]
};
std::string to_string(InputPointKind k);

/// Which function of the input is differentiated.
enum class DecisionFunction {
  LogitDifference,  ///< f(x) = y_1(x) - y_0(x)
  Probability,      ///< p_1(x) = S(f(x)); grad p_1 = S'(f) grad f, Hess p_1 = S'(f) Hess f +
                    ///< S''(f) grad f grad f^T. S' > 0, so p_1 and f have the same stationary
                    ///< points, and there Hess p_1 = S'(f) Hess f: the same kinds.
};

/// Value, input gradient (I) and input Hessian (I x I) of a decision function at one input.
struct DecisionDerivatives {
  double value = 0.0;
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;
};

/// Derivatives of f or p_1 at x for a two-class network (spec.outputs() == 2) with parameters
/// w in the canonical layout. Throws std::invalid_argument for O != 2 or a size mismatch.
DecisionDerivatives decision_derivatives(
    const ModelSpec& spec, const Eigen::VectorXd& w, const Eigen::VectorXd& x,
    DecisionFunction which = DecisionFunction::LogitDifference);

/// The EI matrix A[(d,t), j] = act'(z_j(x_d)) W_jt at the rows of `inputs` (N*I x H).
Eigen::MatrixXd ei_matrix(const ModelSpec& spec, const Eigen::VectorXd& w,
                          const Eigen::MatrixXd& inputs);

/// The output-weight vectors EI constrains: for O = 2 one column u = V_1 - V_0 (softmax depends
/// on the difference only); for O > 2 one column per output, V_i - mean_k V_k (the logits in the
/// gauge sum_i y_i = sum_i c_i, each output's own L(n, v)). H x (O == 2 ? 1 : O).
Eigen::MatrixXd ei_output_directions(const ModelSpec& spec, const Eigen::VectorXd& w);

/// Singular value decomposition summary of a matrix with the documented rank rule.
struct RankReport {
  Eigen::VectorXd singular_values;  ///< descending, min(rows, cols) values
  int rank = 0;                     ///< count of s_k > rtol * s_1
  int nullity = 0;                  ///< cols - rank: dimension of the right null space
  Eigen::MatrixXd null_space;       ///< cols x nullity, orthonormal columns (right singular
                                    ///< vectors of the dropped values, plus those beyond rows)
  Eigen::VectorXd least_singular_vector;  ///< right singular vector of the smallest s (or of a
                                          ///< null direction): the u minimising |A u| / |u|
};
RankReport rank_report(const Eigen::MatrixXd& a, double rtol);

/// EI residual |A u|_2 / (|A|_2 |u|_2) with the spectral norm |A|_2 = s_1: 0 iff A u = 0, at most
/// 1, equal to 1 iff u is a top right singular vector. 0 when A = 0 and 1 when u = 0 (EI asks
/// for a non-trivial u).
double ei_residual(const Eigen::MatrixXd& a, const Eigen::VectorXd& u);

/// One input-space stationary point.
struct InputStationaryPoint {
  Eigen::VectorXd x;
  double value = 0.0;                   ///< f(x)
  double probability = 0.0;             ///< p_1(x) = S(f(x))
  Eigen::VectorXd hessian_eigenvalues;  ///< of Hess f, ascending
  InputPointKind kind = InputPointKind::Degenerate;
};

/// Every stationary point of f (DecisionFunction::LogitDifference) or of p_1 (Probability) in
/// [box_low, box_high]^I: Newton's method on grad = 0 from each point of a grid_per_dim^I grid
/// (steps by the SVD pseudo-inverse of the Hessian, capped at max_newton_step; a start that
/// leaves the box by more than half its width is abandoned), converged points inside the box kept,
/// duplicates within dedup_distance merged, each classified from its Hessian eigenvalues. Sorted
/// by x lexicographically. Continua of stationary points (e.g. a network of parallel ridges)
/// come back as many Degenerate points. Empty for O != 2 or I > max_input_dim.
std::vector<InputStationaryPoint> input_stationary_points(
    const ModelSpec& spec, const Eigen::VectorXd& w, const EiOptions& options = {},
    DecisionFunction which = DecisionFunction::LogitDifference);

/// What EI says about one training input at trained weights.
struct TrainingInputReport {
  int sample = 0;
  int label = 0;
  InputPointKind predicted = InputPointKind::Maximum;  ///< class 1: Maximum, class 0: Minimum
  double residual = 0.0;    ///< |A_d u| / (|A|_2 |u|), A_d the sample's I rows
  bool stationary = false;  ///< residual <= stationary_input_rtol
  double distance_to_predicted = std::numeric_limits<double>::infinity();  ///< to the nearest
                                                                           ///< stationary point of
                                                                           ///< the predicted kind
  bool at_predicted_extremum = false;  ///< distance_to_predicted <= extremum_distance
  InputPointKind nearest_kind = InputPointKind::Degenerate;  ///< kind of the nearest stationary
                                                             ///< point of any kind
  double nearest_distance = std::numeric_limits<double>::infinity();
  double probability = 0.0;   ///< the network's p_1(x_d)
  bool correct_side = false;  ///< EI's weakened termination: p_1 > 0.5 iff class 1
};

/// The EI comparison for one parameter vector (a database minimum).
struct EiAnalysis {
  RankReport rank;                  ///< of A
  bool predicted_solution = false;  ///< rank < H: a non-trivial u with A u = 0 exists
  double residual = 0.0;            ///< EI residual of the trained output direction(s) (max over
                                    ///< outputs for O > 2)
  bool stationary_points_computed = false;  ///< false for O != 2 or I > max_input_dim
  std::vector<InputStationaryPoint> stationary_points;
  std::vector<TrainingInputReport> inputs;  ///< one per sample (O == 2 only)
  int inputs_stationary = 0;                ///< samples with stationary == true
  int inputs_at_extrema = 0;                ///< samples with at_predicted_extremum == true
  int inputs_correct_side = 0;              ///< samples meeting the weakened termination condition
};

/// Runs the whole per-point analysis for `w` on the loss's data.
EiAnalysis ei_analyze_point(const MlpLoss& loss, const Eigen::VectorXd& w,
                            const EiOptions& options = {});

/// Analyses every minimum of a landscape (OpenMP-parallel over minima).
std::vector<EiAnalysis> ei_analyze_landscape(const db::Landscape& landscape,
                                             const EiOptions& options = {});

/// Writes the per-minimum results as /minima columns (one row per minimum, docs/schema.md):
/// ei_rank, ei_nullity, ei_residual, ei_predicted_solution (0/1), ei_stationary_points (count,
/// -1 if not computed), ei_inputs_at_extrema (count, -1 if not computed), ei_inputs_stationary,
/// and ei_singular_values (M x min(N*I, H), descending). Throws std::invalid_argument if the
/// result count differs from the number of minima.
void ei_store_columns(db::Landscape& landscape, const std::vector<EiAnalysis>& results);

/// Training-set ROC AUC of the network at w (metrics.hpp's training_auc with its default tie
/// tolerance 1e-12): 1 means the minimum separates the training set ("fits XOR", Mehta et al.
/// 2018, Sec. IV).
double ei_training_auc(const MlpLoss& loss, const Eigen::VectorXd& w);

// ---- EI training: the last-layer step of Algorithm 1 (Chen 2025, Sec. 4.1) ---------------

/// Options of ei_train_last_layer().
struct EiTrainOptions {
  EiOptions analysis;  ///< rank tolerance and the extremum kinds' cutoff
  /// Random unit directions in the null space tried by the polarize search, besides the
  /// +/- basis vectors and (nullity <= 12) all 2^nullity sign patterns of the basis; the best
  /// is then refined by refinement_iterations steps of supergradient ascent (polarize's
  /// conditions are concave in the null-space coefficients, so the refinement finds a polarized
  /// solution when one exists, up to its iteration budget).
  /// Range [0, 1e7].
  int random_directions = 4000;
  /// Iterations of the concave refinement of the polarize search (projected supergradient ascent
  /// of phi, the smallest of the polarize conditions, documented in ei_training.cpp).
  /// Range [0, 1e7].
  int refinement_iterations = 5000;
  /// Seed of the polarize search's random directions.
  std::uint64_t seed = 1;
  /// The chosen particular solution is scaled so that the sample nearest the decision boundary
  /// has p_1 = target_probability (class 1) or 1 - target_probability (class 0), with the output
  /// bias difference centred between the classes (when the margin is not positive, so that the
  /// sample farthest from the centre has |f| = logit(target_probability)); |u| is capped at
  /// max_output_norm. Range (0.5, 1).
  double target_probability = 0.9;
  /// Upper bound on |u| = |V_1 - V_0| of the start: a direction whose margin is (nearly) zero
  /// would otherwise be scaled without bound. Range (0, 1e6].
  double max_output_norm = 100.0;
  /// Options of the quench from the EI solution.
  MinimizerOptions quench;
  /// Throws std::invalid_argument naming the offending field and its range.
  void validate() const;
};

enum class EiTrainStatus {
  Polarized,       ///< u in null(A), every class-1 sample a maximum of f and every class-0 sample
                   ///< a minimum, and the weakened termination condition met
  NotPolarizable,  ///< null(A) is non-trivial but no direction searched meets both conditions;
                   ///< the start is the best one found (most samples of the predicted kind, then
                   ///< termination, then margin)
  NoNullSpace,     ///< rank(A) = H: only u = 0; the start uses the least singular direction of
                   ///< A (the u minimising |A u| / |u|), which EI does not sanction
};
std::string to_string(EiTrainStatus s);

struct EiTrainResult {
  EiTrainStatus status = EiTrainStatus::NoNullSpace;
  std::string message;
  RankReport rank;                     ///< of A at the given hidden layer
  Eigen::VectorXd start;               ///< full parameter vector [W | b | V | c] of the EI solution
  double start_residual = 0.0;         ///< EI residual of the start's u
  int start_samples_polarized = 0;     ///< samples at an extremum of the predicted kind (Hessian
                                       ///< sign at x_d; only meaningful when A u = 0 there)
  bool start_termination = false;      ///< weakened termination condition met at the start
  double start_energy = 0.0;           ///< loss at the start
  MinimizerResult quench;              ///< minimize() from the start
  std::int64_t database_minimum = -1;  ///< row of the minimum reached, -1 if new or not looked up
};

/// Hidden weights [W (H x I) | b (H)] with every entry standard normal times `scale`, from a
/// portable generator (same numbers for a seed everywhere).
Eigen::VectorXd random_hidden_layer(const ModelSpec& spec, std::uint64_t seed, double scale = 1.0);

/// EI last-layer training for a two-class network: with the hidden weights `hidden`
/// ([W | b], H(I+1) values) fixed, compute A and its null space, polarize (search documented at
/// EiTrainOptions: each candidate direction a gives u = N a; for each the output-bias
/// difference is the best one, c = -(min_{class 1} q_d + max_{class 0} q_d) / 2 with q_d =
/// u . h(x_d), which meets the termination condition iff that margin is positive; the sign of
/// Hess f(x_d) decides the kinds), set V_1 = u/2, V_0 = -u/2, c_1 = c/2, c_0 = -c/2 (the
/// minimum-norm split of the difference), then quench with minimize(). If `index` is given,
/// database_minimum is the matching stored minimum (or -1 for a new one). Throws
/// std::invalid_argument for O != 2 or a wrong size of `hidden`.
EiTrainResult ei_train_last_layer(const MlpLoss& loss, const Eigen::VectorXd& hidden,
                                  const EiTrainOptions& options = {},
                                  const db::LandscapeIndex* index = nullptr);

}  // namespace lossland::analysis
