#pragma once
/// \file
/// Basins of plain training: from K random initial weight vectors train with a plain optimiser,
/// quench the end point tightly (minimize()), and identify which database minimum it reached (up
/// to symmetry). The fractions estimate the basins of attraction that each method sees.

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/model/mlp_loss.hpp"

namespace lossland::analysis {

enum class TrainingMethod {
  /// Gradient descent d = -grad E with the Armijo step rule (Armijo 1966; Teutschbein 2024,
  /// Sec. 6.2): the step t = t0 alpha^l with the smallest l in {0, 1, ...} such that
  /// E(w + t d) <= E(w) + sigma t grad E^T d.
  GradientDescentArmijo,
  /// Adam (Kingma & Ba 2015) with its standard defaults: learning rate 1e-3, beta1 0.9,
  /// beta2 0.999, epsilon 1e-8, bias-corrected moments.
  Adam,
  /// L-BFGS (the project's lbfgs_minimize(), memory 10) to the training tolerance.
  Lbfgs,
};
std::string to_string(TrainingMethod m);  ///< "gd", "adam", "lbfgs"
/// Parses "gd" | "adam" | "lbfgs"; throws std::invalid_argument naming the accepted values.
TrainingMethod parse_training_method(const std::string& s);

enum class InitDistribution {
  /// Every parameter i.i.d. N(0, init_scale^2).
  Normal,
  /// Glorot & Bengio (2010) uniform: a layer's weights i.i.d. U(-a, a) with
  /// a = init_scale * sqrt(6 / (fan_in + fan_out)); biases zero.
  GlorotUniform,
};
std::string to_string(InitDistribution d);  ///< "normal", "glorot"
InitDistribution parse_init_distribution(const std::string& s);

struct TrainingOptions {
  TrainingMethod method = TrainingMethod::GradientDescentArmijo;
  int runs = 100;          ///< K initial points. Range [1, 1e7].
  std::uint64_t seed = 1;  ///< run k draws its start from a stream seeded by (seed, k)
  InitDistribution init = InitDistribution::Normal;
  double init_scale = 1.0;  ///< sigma (normal) or the Glorot gain. Range (0, 1e3].
  /// Training stops once the RMS gradient is at or below this (then the tight quench follows).
  /// Range (0, 1).
  double rms_tolerance = 1e-5;
  /// Iteration cap of the plain optimiser (gradient steps or L-BFGS iterations).
  /// Range [1, 1e8].
  int max_iterations = 20000;
  double armijo_sigma = 1e-4;        ///< Armijo sufficient-decrease constant. Range (0, 1).
  double armijo_alpha = 0.5;         ///< Armijo backtracking factor. Range (0, 1).
  double armijo_initial_step = 1.0;  ///< t0 tried first at every step. Range (0, 1e3].
  double adam_learning_rate = 1e-3;  ///< Range (0, 10].
  double adam_beta1 = 0.9;           ///< Range [0, 1).
  double adam_beta2 = 0.999;         ///< Range [0, 1).
  double adam_epsilon = 1e-8;        ///< Range (0, 1).
  int threads = 1;  ///< OpenMP threads over runs; results do not depend on it. Range [1, 1024].
  /// Throws std::invalid_argument naming the field and its range.
  void validate() const;
};

enum class RunOutcome {
  KnownMinimum,  ///< the quench reached a database minimum
  NewMinimum,    ///< a minimum not in the database
  NotMinimum,    ///< the quench did not converge to a Morse minimum (non-Morse or failed)
};
std::string to_string(RunOutcome o);

struct TrainingRun {
  int run = 0;
  RunOutcome outcome = RunOutcome::NotMinimum;
  std::int64_t minimum = -1;          ///< database row (KnownMinimum), or -1
  int new_minimum = -1;               ///< index into TrainingResult::new_minima (NewMinimum), or -1
  int iterations = 0;                 ///< iterations of the plain optimiser
  bool trained_to_tolerance = false;  ///< the plain optimiser reached rms_tolerance itself
  double trained_energy = 0.0;        ///< E at the end of training, before the quench
  double energy = 0.0;                ///< E after the quench
  double auc = 0.0;                   ///< training AUC at the quenched point
  std::string message;                ///< why a run is NotMinimum
};

/// A minimum that the database does not hold (in canonical form, with its spectrum).
struct NewMinimum {
  double energy = 0.0;
  Eigen::VectorXd coords;
  double grad_rms = 0.0;
  Eigen::VectorXd eigenvalues;
  double auc = 0.0;
  int hits = 0;
};

struct TrainingResult {
  TrainingMethod method = TrainingMethod::GradientDescentArmijo;
  std::vector<TrainingRun> runs;
  std::vector<NewMinimum> new_minima;  ///< distinct up to symmetry, in order of first hit
  std::vector<int> hits;               ///< per database minimum: runs that reached it
  int bad_runs = 0;                    ///< runs ending in a minimum with AUC < 1
  int failed_runs = 0;                 ///< NotMinimum runs
  /// bad_runs / runs.
  double bad_probability() const;
};

/// Runs the experiment on the landscape's loss. Deterministic for a given seed and options,
/// whatever the thread count. Throws std::invalid_argument for bad options.
TrainingResult train_basins(const db::Landscape& landscape, const TrainingOptions& options);

/// Draws run k's initial point (exposed for tests).
Eigen::VectorXd initial_weights(const ModelSpec& spec, const TrainingOptions& options, int run);

/// Plain training from w0 alone (no quench): returns the end point, sets iterations and whether
/// the tolerance was reached.
Eigen::VectorXd train_from(const MlpLoss& loss, const Eigen::VectorXd& w0,
                           const TrainingOptions& options, int& iterations, bool& converged);

}  // namespace lossland::analysis
