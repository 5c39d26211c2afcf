/// Per-point metrics (Mehta et al., Phys. Rev. E 97, 052307 (2018), Sec. IV): AUC, probability of
/// the correct class, sparsity, robustness.
#include "lossland/analysis/metrics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "lossland/analysis/sensitivity.hpp"

namespace lossland::analysis {

void MetricsOptions::validate() const {
  if (!(zero_threshold >= 0 && zero_threshold < 1))
    throw std::invalid_argument("MetricsOptions.zero_threshold: must be in [0, 1), got " +
                                std::to_string(zero_threshold));
  if (!(auc_tie_tolerance >= 0 && auc_tie_tolerance <= 1e-3))
    throw std::invalid_argument("MetricsOptions.auc_tie_tolerance: must be in [0, 1e-3], got " +
                                std::to_string(auc_tie_tolerance));
}

double roc_auc(const Eigen::VectorXd& scores, const std::vector<bool>& positive,
               double tie_tolerance) {
  if (static_cast<std::size_t>(scores.size()) != positive.size())
    throw std::invalid_argument("roc_auc: " + std::to_string(scores.size()) + " scores but " +
                                std::to_string(positive.size()) + " labels");
  // Mann-Whitney U / (n_pos n_neg): every positive/negative pair scores 1 if ordered, 1/2 if tied.
  double wins = 0;
  long long pairs = 0;
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    if (!positive[i]) continue;
    for (Eigen::Index j = 0; j < scores.size(); ++j) {
      if (positive[j]) continue;
      ++pairs;
      const double diff = scores[i] - scores[j];
      if (std::abs(diff) <= tie_tolerance)
        wins += 0.5;
      else if (diff > 0)
        wins += 1.0;
    }
  }
  if (pairs == 0) return std::numeric_limits<double>::quiet_NaN();
  return wins / static_cast<double>(pairs);
}

double training_auc(const Eigen::MatrixXd& probs, const Eigen::VectorXi& labels,
                    double tie_tolerance) {
  if (probs.rows() != labels.size())
    throw std::invalid_argument("training_auc: probabilities and labels differ in length");
  const int O = static_cast<int>(probs.cols());
  std::vector<bool> pos(labels.size());
  if (O == 2) {
    for (Eigen::Index d = 0; d < labels.size(); ++d) pos[d] = labels[d] == 1;
    return roc_auc(probs.col(1), pos, tie_tolerance);
  }
  // One-vs-rest mean over the classes that occur (an absent class has no positives).
  double sum = 0;
  int used = 0;
  for (int k = 0; k < O; ++k) {
    for (Eigen::Index d = 0; d < labels.size(); ++d) pos[d] = labels[d] == k;
    const double a = roc_auc(probs.col(k), pos, tie_tolerance);
    if (std::isnan(a)) continue;
    sum += a;
    ++used;
  }
  return used == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / used;
}

int count_nonzero_weights(const Eigen::VectorXd& w, double threshold) {
  int n = 0;
  for (Eigen::Index r = 0; r < w.size(); ++r)
    if (std::abs(w[r]) > threshold) ++n;
  return n;
}

std::vector<bool> connected_hidden_nodes(const ModelSpec& spec, const Eigen::VectorXd& w,
                                         double threshold) {
  const ParamLayout L(spec);
  if (w.size() != L.size())
    throw std::invalid_argument("connected_hidden_nodes: w has " + std::to_string(w.size()) +
                                " entries, the model needs " + std::to_string(L.size()));
  std::vector<bool> connected(L.H, false);
  for (int j = 0; j < L.H; ++j) {
    bool any = std::abs(w[L.b(j)]) > threshold;
    for (int k = 0; k < L.I && !any; ++k) any = std::abs(w[L.W(j, k)]) > threshold;
    for (int i = 0; i < L.O && !any; ++i) any = std::abs(w[L.V(i, j)]) > threshold;
    connected[j] = any;
  }
  return connected;
}

PointMetrics compute_metrics(const MlpLoss& loss, const Eigen::VectorXd& w,
                             const MetricsOptions& options) {
  options.validate();
  const Dataset& data = loss.data();
  const Eigen::MatrixXd probs = loss.probabilities(w, data.inputs);
  PointMetrics m;
  m.auc = training_auc(probs, data.labels, options.auc_tie_tolerance);
  m.p_correct_min = std::numeric_limits<double>::infinity();
  m.p_correct_max = -std::numeric_limits<double>::infinity();
  for (int d = 0; d < data.num_samples(); ++d) {
    const double p = probs(d, data.labels[d]);
    m.p_correct_min = std::min(m.p_correct_min, p);
    m.p_correct_max = std::max(m.p_correct_max, p);
  }
  m.nonzero_weights = count_nonzero_weights(w, options.zero_threshold);
  int connected = 0;
  for (bool c : connected_hidden_nodes(loss.spec(), w, options.zero_threshold)) connected += c;
  m.connected_hidden = connected;
  m.robustness = std::numeric_limits<double>::quiet_NaN();
  if (options.robustness && is_xor_dataset(data))
    m.robustness = xor_robustness(sensitivity_map(loss, w));
  return m;
}

const std::vector<std::string>& metric_column_names() {
  static const std::vector<std::string> names = {
      "auc", "p_correct_min", "p_correct_max", "nonzero_weights", "connected_hidden", "robustness"};
  return names;
}

namespace {

template <class Points>
std::vector<PointMetrics> fill(const MlpLoss& loss, const Points& points,
                               std::map<std::string, Eigen::MatrixXd>& columns,
                               const MetricsOptions& options) {
  const Eigen::Index n = static_cast<Eigen::Index>(points.size());
  std::vector<PointMetrics> out(points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    out[i] = compute_metrics(loss, points[i].coords, options);
  for (const auto& name : metric_column_names()) columns[name] = Eigen::MatrixXd(n, 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    const PointMetrics& m = out[i];
    columns["auc"](i, 0) = m.auc;
    columns["p_correct_min"](i, 0) = m.p_correct_min;
    columns["p_correct_max"](i, 0) = m.p_correct_max;
    columns["nonzero_weights"](i, 0) = m.nonzero_weights;
    columns["connected_hidden"](i, 0) = m.connected_hidden;
    columns["robustness"](i, 0) = m.robustness;
  }
  return out;
}

}  // namespace

std::vector<PointMetrics> analyze_landscape(db::Landscape& landscape,
                                            const MetricsOptions& options) {
  options.validate();
  const MlpLoss loss(landscape.dataset, landscape.model);
  std::vector<PointMetrics> minima =
      fill(loss, landscape.minima, landscape.minima_columns, options);
  fill(loss, landscape.transition_states, landscape.ts_columns, options);
  return minima;
}

}  // namespace lossland::analysis
