/// The per-minimum EI analysis (Chen, ChinaXiv 202507.00082 (2025), Secs. 3-4; docs/ei.md):
/// rank and residual of A, the stationary points and where each training input sits among them,
/// over a whole landscape, and the /minima columns that store it. See ei.hpp.
#include "lossland/analysis/ei.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <stdexcept>

#include "analysis/ei_internal.hpp"
#include "lossland/analysis/metrics.hpp"

namespace lossland::analysis {

using namespace ei_internal;

// ---- per-point analysis -----------------------------------------------------------------

EiAnalysis ei_analyze_point(const MlpLoss& loss, const Eigen::VectorXd& w,
                            const EiOptions& options) {
  options.validate();
  const ModelSpec& spec = loss.spec();
  const Dataset& data = loss.data();
  check_params(spec, w);
  EiAnalysis r;
  const Eigen::MatrixXd A = ei_matrix(spec, w, data.inputs);
  r.rank = rank_report(A, options.rank_rtol);
  r.predicted_solution = r.rank.rank < spec.hidden();
  const Eigen::MatrixXd U = ei_output_directions(spec, w);
  r.residual = 0.0;
  for (int i = 0; i < U.cols(); ++i) r.residual = std::max(r.residual, ei_residual(A, U.col(i)));
  if (spec.outputs() != 2) return r;

  const int I = spec.inputs();
  const double s1 = r.rank.singular_values.size() ? r.rank.singular_values[0] : 0.0;
  const Eigen::VectorXd u = U.col(0);
  const Eigen::VectorXd Au = A * u;
  r.stationary_points_computed = I <= options.max_input_dim;
  if (r.stationary_points_computed) r.stationary_points = input_stationary_points(spec, w, options);
  const Eigen::MatrixXd prob = loss.probabilities(w, data.inputs);
  for (int d = 0; d < data.num_samples(); ++d) {
    TrainingInputReport t;
    t.sample = d;
    t.label = data.labels[d];
    t.predicted = t.label == 1 ? InputPointKind::Maximum : InputPointKind::Minimum;
    const double den = s1 * u.norm();
    t.residual = den > 0 ? Au.segment(d * I, I).norm() / den : (u.norm() == 0 ? 1.0 : 0.0);
    t.stationary = t.residual <= options.stationary_input_rtol;
    const Eigen::VectorXd x = data.inputs.row(d).transpose();
    for (const auto& p : r.stationary_points) {
      const double dist = (p.x - x).norm();
      if (dist < t.nearest_distance) {
        t.nearest_distance = dist;
        t.nearest_kind = p.kind;
      }
      if (p.kind == t.predicted) t.distance_to_predicted = std::min(t.distance_to_predicted, dist);
    }
    t.at_predicted_extremum = t.distance_to_predicted <= options.extremum_distance;
    t.probability = prob(d, 1);
    t.correct_side = (t.label == 1) == (t.probability > 0.5);
    r.inputs_stationary += t.stationary;
    r.inputs_at_extrema += t.at_predicted_extremum;
    r.inputs_correct_side += t.correct_side;
    r.inputs.push_back(t);
  }
  return r;
}

std::vector<EiAnalysis> ei_analyze_landscape(const db::Landscape& landscape,
                                             const EiOptions& options) {
  options.validate();
  const MlpLoss loss(landscape.dataset, landscape.model);
  const int M = static_cast<int>(landscape.minima.size());
  std::vector<EiAnalysis> out(M);
  std::string error;
#pragma omp parallel for schedule(dynamic)
  for (int m = 0; m < M; ++m) {
    try {
      out[m] = ei_analyze_point(loss, landscape.minima[m].coords, options);
    } catch (const std::exception& e) {
#pragma omp critical(ei_error)
      error = e.what();
    }
  }
  if (!error.empty()) throw std::invalid_argument(error);
  return out;
}

void ei_store_columns(db::Landscape& landscape, const std::vector<EiAnalysis>& results) {
  const Eigen::Index M = static_cast<Eigen::Index>(landscape.minima.size());
  require(static_cast<Eigen::Index>(results.size()) == M,
          "ei_store_columns: " + std::to_string(results.size()) + " EI results for " +
              std::to_string(M) + " minima");
  const Eigen::Index nsv = std::min<Eigen::Index>(
      static_cast<Eigen::Index>(landscape.dataset.num_samples()) * landscape.model.inputs(),
      landscape.model.hidden());
  Eigen::MatrixXd rank(M, 1), nullity(M, 1), residual(M, 1), predicted(M, 1), sp(M, 1), at(M, 1),
      stationary(M, 1), sv(M, nsv);
  for (Eigen::Index m = 0; m < M; ++m) {
    const EiAnalysis& r = results[m];
    rank(m, 0) = r.rank.rank;
    nullity(m, 0) = r.rank.nullity;
    residual(m, 0) = r.residual;
    predicted(m, 0) = r.predicted_solution ? 1.0 : 0.0;
    sp(m, 0) = r.stationary_points_computed ? static_cast<double>(r.stationary_points.size()) : -1;
    at(m, 0) = r.stationary_points_computed ? r.inputs_at_extrema : -1;
    stationary(m, 0) = r.inputs.empty() ? -1 : r.inputs_stationary;
    for (Eigen::Index k = 0; k < nsv; ++k)
      sv(m, k) = k < r.rank.singular_values.size() ? r.rank.singular_values[k] : 0.0;
  }
  landscape.minima_columns["ei_rank"] = rank;
  landscape.minima_columns["ei_nullity"] = nullity;
  landscape.minima_columns["ei_residual"] = residual;
  landscape.minima_columns["ei_predicted_solution"] = predicted;
  landscape.minima_columns["ei_stationary_points"] = sp;
  landscape.minima_columns["ei_inputs_at_extrema"] = at;
  landscape.minima_columns["ei_inputs_stationary"] = stationary;
  landscape.minima_columns["ei_singular_values"] = sv;
}

double ei_training_auc(const MlpLoss& loss, const Eigen::VectorXd& w) {
  return training_auc(loss.probabilities(w, loss.data().inputs), loss.data().labels,
                      MetricsOptions{}.auc_tie_tolerance);
}

}  // namespace lossland::analysis
