#pragma once
/// \file
/// Per-point judgements of a trained network (Mehta, Zhao, Bernal & Wales, Phys. Rev. E 97, 052307
/// (2018), Sec. IV): how well it fits the training set (ROC AUC, probability of the correct class),
/// how sparse it is (non-zero weights, connected hidden nodes) and, for XOR, how robust it is to
/// perturbed inputs (robustness, see sensitivity.hpp). analyze_landscape() stores them as float64
/// columns of a Landscape.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/model/mlp_loss.hpp"

namespace lossland::analysis {

/// Options of the per-point metrics.
struct MetricsOptions {
  /// A weight counts as zero when |w| <= this (Mehta et al. 2018, Sec. IV B: "numerically
  /// zero, i.e. 1e-10 or smaller"). Range [0, 1).
  double zero_threshold = 1e-10;
  /// Two classifier scores closer than this count as a tie in the ROC AUC (half a pair). Scores
  /// are probabilities in [0, 1]; symmetric networks give "equal" outputs that differ by
  /// rounding. Range [0, 1e-3].
  double auc_tie_tolerance = 1e-12;
  /// Compute the XOR robustness score (a 134 x 134 grid of network evaluations). Range: bool.
  bool robustness = true;
  /// Throws std::invalid_argument naming the field and its range.
  void validate() const;
};

/// ROC AUC of `scores` for the binary labels `positive` (true = positive class), by the
/// Mann-Whitney count: AUC = (#{pos > neg} + 0.5 #{ties}) / (#pos #neg) over all
/// positive/negative pairs, with |s_pos - s_neg| <= tie_tolerance a tie. Returns NaN when one
/// of the two classes is empty.
double roc_auc(const Eigen::VectorXd& scores, const std::vector<bool>& positive,
               double tie_tolerance = 0.0);

/// Training-set AUC of a network with class probabilities `probs` (N x O) and labels:
/// O = 2: AUC of p_1 with class 1 as positive; O > 2: the unweighted one-vs-rest mean over the
/// classes present, AUC_k of p_k with class k positive (classes absent from the labels skipped).
double training_auc(const Eigen::MatrixXd& probs, const Eigen::VectorXi& labels,
                    double tie_tolerance = 0.0);

/// Number of parameters with |w_r| > threshold (all P parameters, biases included).
int count_nonzero_weights(const Eigen::VectorXd& w, double threshold);

/// Hidden node j is connected when any of its incoming weights W_j., its bias b_j or its
/// outgoing weights V_.j has |.| > threshold (Mehta et al. 2018, Figs. 2-6 insets: no edge
/// for a zero weight). Returns one flag per hidden node.
std::vector<bool> connected_hidden_nodes(const ModelSpec& spec, const Eigen::VectorXd& w,
                                         double threshold);

/// The judgement of one point.
struct PointMetrics {
  double auc = 0.0;            ///< training_auc of the network's probabilities
  double p_correct_min = 0.0;  ///< min over the training set of p_{c(d)}(x_d)
  double p_correct_max = 0.0;  ///< max over the training set of p_{c(d)}(x_d)
  int nonzero_weights = 0;     ///< count_nonzero_weights
  int connected_hidden = 0;    ///< number of connected hidden nodes
  /// Fraction of the sensitivity grid classified as the ideal XOR rule says (sensitivity.hpp);
  /// NaN when the dataset is not XOR or robustness was not requested.
  double robustness = 0.0;
};

/// Metrics of the network at w for the loss's training set.
PointMetrics compute_metrics(const MlpLoss& loss, const Eigen::VectorXd& w,
                             const MetricsOptions& options = {});

/// The names of the columns analyze_landscape() writes, in table order.
const std::vector<std::string>& metric_column_names();

/// Computes the metrics of every minimum and transition state and stores them (float64, one row
/// per point, replacing earlier values) as minima_columns / ts_columns named by
/// metric_column_names(). Returns the minima's metrics in row order.
std::vector<PointMetrics> analyze_landscape(db::Landscape& landscape,
                                            const MetricsOptions& options = {});

}  // namespace lossland::analysis
