/// EI equations on trained networks (Chen, ChinaXiv 202507.00082 (2025), Secs. 3-4;
/// docs/ei.md). See ei.hpp.
#include "lossland/analysis/ei.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "lossland/analysis/metrics.hpp"
#include "model/activation.hpp"
#include "search/random.hpp"
#include "util/require.hpp"

namespace lossland::analysis {

namespace {

using lossland::detail::require;

using lossland::detail::activate;
using lossland::detail::ActivationValues;

void check_params(const ModelSpec& spec, const Eigen::VectorXd& w) {
  require(spec.layers.size() == 3,
          "EI analysis: only networks with one hidden layer are implemented (layers has " +
              std::to_string(spec.layers.size()) + " entries)");
  require(w.size() == spec.num_params(),
          "EI analysis: parameter vector has " + std::to_string(w.size()) +
              " entries, the model needs " + std::to_string(spec.num_params()));
}

/// W as an H x I matrix.
Eigen::MatrixXd hidden_weights(const ModelSpec& spec, const Eigen::VectorXd& w) {
  const ParamLayout L(spec);
  Eigen::MatrixXd W(L.H, L.I);
  for (int j = 0; j < L.H; ++j)
    for (int k = 0; k < L.I; ++k) W(j, k) = w[L.W(j, k)];
  return W;
}

/// Scales of f's derivatives: g_scale = sum_j |u_j| |W_j.| bounds |grad f|; h_scale =
/// sum_j |u_j| |W_j.|^2 bounds |Hess f| up to max|act''| (<= 0.77 for tanh).
void derivative_scales(const Eigen::MatrixXd& W, const Eigen::VectorXd& u, double& g_scale,
                       double& h_scale) {
  g_scale = h_scale = 0.0;
  for (int j = 0; j < W.rows(); ++j) {
    const double n = W.row(j).norm();
    g_scale += std::abs(u[j]) * n;
    h_scale += std::abs(u[j]) * n * n;
  }
}

InputPointKind kind_from_eigenvalues(const Eigen::VectorXd& ev, double cutoff) {
  int neg = 0, pos = 0;
  for (int i = 0; i < ev.size(); ++i) {
    if (ev[i] < -cutoff)
      ++neg;
    else if (ev[i] > cutoff)
      ++pos;
    else
      return InputPointKind::Degenerate;
  }
  if (neg == ev.size()) return InputPointKind::Maximum;
  if (pos == ev.size()) return InputPointKind::Minimum;
  return InputPointKind::Saddle;
}

Eigen::VectorXd output_difference(const ModelSpec& spec, const Eigen::VectorXd& w, double& dc) {
  const ParamLayout L(spec);
  Eigen::VectorXd u(L.H);
  for (int j = 0; j < L.H; ++j) u[j] = w[L.V(1, j)] - w[L.V(0, j)];
  dc = w[L.c(1)] - w[L.c(0)];
  return u;
}

double logistic(double t) {
  return 1.0 / (1.0 + std::exp(-t));
}

}  // namespace

// ---- options ---------------------------------------------------------------------------------

void EiOptions::validate() const {
  require(rank_rtol > 0 && rank_rtol < 1, "EiOptions.rank_rtol: must be in (0, 1)");
  require(std::isfinite(box_low) && std::isfinite(box_high) && box_low < box_high,
          "EiOptions.box_low/box_high: must be finite with box_low < box_high");
  require(grid_per_dim >= 2 && grid_per_dim <= 400, "EiOptions.grid_per_dim: must be in [2, 400]");
  require(max_input_dim >= 1 && max_input_dim <= 4, "EiOptions.max_input_dim: must be in [1, 4]");
  require(std::pow(static_cast<double>(grid_per_dim), max_input_dim) <= 2e5 || max_input_dim == 1,
          "EiOptions.grid_per_dim: grid_per_dim^max_input_dim must not exceed 200000 "
          "(lower grid_per_dim or max_input_dim)");
  require(max_newton_iterations >= 1 && max_newton_iterations <= 1000,
          "EiOptions.max_newton_iterations: must be in [1, 1000]");
  require(max_newton_step > 0 && std::isfinite(max_newton_step),
          "EiOptions.max_newton_step: must be > 0");
  require(gradient_rtol > 0 && gradient_rtol <= 1e-3,
          "EiOptions.gradient_rtol: must be in (0, 1e-3]");
  require(dedup_distance > 0 && dedup_distance <= 0.1,
          "EiOptions.dedup_distance: must be in (0, 0.1]");
  require(eigen_rtol > 0 && eigen_rtol <= 1e-2, "EiOptions.eigen_rtol: must be in (0, 1e-2]");
  require(stationary_input_rtol > 0 && stationary_input_rtol < 1,
          "EiOptions.stationary_input_rtol: must be in (0, 1)");
  require(extremum_distance > 0 && std::isfinite(extremum_distance),
          "EiOptions.extremum_distance: must be > 0");
}

void EiTrainOptions::validate() const {
  analysis.validate();
  require(random_directions >= 0 && random_directions <= 10000000,
          "EiTrainOptions.random_directions: must be in [0, 1e7]");
  require(target_probability > 0.5 && target_probability < 1,
          "EiTrainOptions.target_probability: must be in (0.5, 1)");
  require(refinement_iterations >= 0 && refinement_iterations <= 10000000,
          "EiTrainOptions.refinement_iterations: must be in [0, 1e7]");
  require(max_output_norm > 0 && max_output_norm <= 1e6,
          "EiTrainOptions.max_output_norm: must be in (0, 1e6]");
  quench.validate();
}

std::string to_string(InputPointKind k) {
  switch (k) {
    case InputPointKind::Maximum:
      return "maximum";
    case InputPointKind::Minimum:
      return "minimum";
    case InputPointKind::Saddle:
      return "saddle";
    case InputPointKind::Degenerate:
      return "degenerate";
  }
  return "?";
}

std::string to_string(EiTrainStatus s) {
  switch (s) {
    case EiTrainStatus::Polarized:
      return "polarized";
    case EiTrainStatus::NotPolarizable:
      return "not-polarizable";
    case EiTrainStatus::NoNullSpace:
      return "no-null-space";
  }
  return "?";
}

// ---- derivatives and the EI matrix ------------------------------------------------------------

DecisionDerivatives decision_derivatives(const ModelSpec& spec, const Eigen::VectorXd& w,
                                         const Eigen::VectorXd& x, DecisionFunction which) {
  check_params(spec, w);
  require(spec.outputs() == 2, "decision function: defined for two-class networks only (O = " +
                                   std::to_string(spec.outputs()) + ")");
  require(x.size() == spec.inputs(), "decision function: input has " + std::to_string(x.size()) +
                                         " entries, the model takes " +
                                         std::to_string(spec.inputs()));
  const ParamLayout L(spec);
  double dc = 0;
  const Eigen::VectorXd u = output_difference(spec, w, dc);
  DecisionDerivatives d;
  d.value = dc;
  d.gradient = Eigen::VectorXd::Zero(L.I);
  d.hessian = Eigen::MatrixXd::Zero(L.I, L.I);
  for (int j = 0; j < L.H; ++j) {
    double z = w[L.b(j)];
    Eigen::VectorXd Wj(L.I);
    for (int k = 0; k < L.I; ++k) {
      Wj[k] = w[L.W(j, k)];
      z += Wj[k] * x[k];
    }
    const ActivationValues a = activate(spec.activation, z);
    d.value += u[j] * a.f;
    d.gradient += (u[j] * a.d1) * Wj;
    d.hessian += (u[j] * a.d2) * (Wj * Wj.transpose());
  }
  if (which == DecisionFunction::Probability) {
    // p = S(f): grad p = S'(f) grad f, Hess p = S'(f) Hess f + S''(f) grad f grad f^T.
    const double p = logistic(d.value);
    const double s1 = p * (1.0 - p);
    const double s2 = s1 * (1.0 - 2.0 * p);
    d.hessian = s1 * d.hessian + s2 * (d.gradient * d.gradient.transpose());
    d.gradient *= s1;
    d.value = p;
  }
  return d;
}

Eigen::MatrixXd ei_matrix(const ModelSpec& spec, const Eigen::VectorXd& w,
                          const Eigen::MatrixXd& inputs) {
  check_params(spec, w);
  require(inputs.cols() == spec.inputs(),
          "EI matrix: inputs have " + std::to_string(inputs.cols()) + " columns, the model takes " +
              std::to_string(spec.inputs()));
  const ParamLayout L(spec);
  const int N = static_cast<int>(inputs.rows());
  Eigen::MatrixXd A(N * L.I, L.H);
  for (int d = 0; d < N; ++d)
    for (int j = 0; j < L.H; ++j) {
      double z = w[L.b(j)];
      for (int k = 0; k < L.I; ++k) z += w[L.W(j, k)] * inputs(d, k);
      const double a1 = activate(spec.activation, z).d1;
      for (int t = 0; t < L.I; ++t) A(d * L.I + t, j) = a1 * w[L.W(j, t)];
    }
  return A;
}

Eigen::MatrixXd ei_output_directions(const ModelSpec& spec, const Eigen::VectorXd& w) {
  check_params(spec, w);
  const ParamLayout L(spec);
  if (L.O == 2) {
    double dc = 0;
    return output_difference(spec, w, dc);
  }
  Eigen::MatrixXd V(L.O, L.H);
  for (int i = 0; i < L.O; ++i)
    for (int j = 0; j < L.H; ++j) V(i, j) = w[L.V(i, j)];
  const Eigen::RowVectorXd mean = V.colwise().mean();
  Eigen::MatrixXd U(L.H, L.O);
  for (int i = 0; i < L.O; ++i) U.col(i) = (V.row(i) - mean).transpose();
  return U;
}

RankReport rank_report(const Eigen::MatrixXd& a, double rtol) {
  RankReport r;
  const int cols = static_cast<int>(a.cols());
  if (a.rows() == 0 || cols == 0) {
    r.singular_values.resize(0);
    r.nullity = cols;
    r.null_space = Eigen::MatrixXd::Identity(cols, cols);
    r.least_singular_vector =
        cols > 0 ? Eigen::VectorXd(Eigen::VectorXd::Unit(cols, cols - 1)) : Eigen::VectorXd();
    return r;
  }
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(a, Eigen::ComputeFullV);
  r.singular_values = svd.singularValues();
  const double s1 = r.singular_values.size() ? r.singular_values[0] : 0.0;
  r.rank = 0;
  if (s1 > 0)
    for (int k = 0; k < r.singular_values.size(); ++k) r.rank += r.singular_values[k] > rtol * s1;
  r.nullity = cols - r.rank;
  r.null_space = svd.matrixV().rightCols(r.nullity);
  r.least_singular_vector = svd.matrixV().col(cols - 1);
  return r;
}

double ei_residual(const Eigen::MatrixXd& a, const Eigen::VectorXd& u) {
  const double un = u.norm();
  if (un == 0.0) return 1.0;
  if (a.size() == 0) return 0.0;
  const double s1 = Eigen::JacobiSVD<Eigen::MatrixXd>(a).singularValues()[0];
  if (s1 == 0.0) return 0.0;
  return (a * u).norm() / (s1 * un);
}

// ---- input-space stationary points --------------------------------------------------------

std::vector<InputStationaryPoint> input_stationary_points(const ModelSpec& spec,
                                                          const Eigen::VectorXd& w,
                                                          const EiOptions& options,
                                                          DecisionFunction which) {
  options.validate();
  check_params(spec, w);
  std::vector<InputStationaryPoint> found;
  const int I = spec.inputs();
  if (spec.outputs() != 2 || I > options.max_input_dim) return found;

  const Eigen::MatrixXd W = hidden_weights(spec, w);
  double dc = 0, g_scale = 0, h_scale = 0;
  const Eigen::VectorXd u = output_difference(spec, w, dc);
  derivative_scales(W, u, g_scale, h_scale);
  if (g_scale == 0.0) return found;  // f is constant: every point stationary, none isolated
  const double g_tol = options.gradient_rtol * g_scale;
  const double cutoff = options.eigen_rtol * h_scale;
  const double width = options.box_high - options.box_low;
  const double margin = 1e-9 * std::max(1.0, width);

  long long starts = 1;
  for (int k = 0; k < I; ++k) starts *= options.grid_per_dim;
  const double spacing = width / (options.grid_per_dim - 1);
  std::vector<Eigen::VectorXd> converged;
  for (long long s = 0; s < starts; ++s) {
    Eigen::VectorXd x(I);
    long long rest = s;
    for (int k = 0; k < I; ++k) {
      x[k] = options.box_low + spacing * static_cast<double>(rest % options.grid_per_dim);
      rest /= options.grid_per_dim;
    }
    bool ok = false;
    for (int it = 0; it <= options.max_newton_iterations; ++it) {
      const DecisionDerivatives fd = decision_derivatives(spec, w, x);
      if (fd.gradient.norm() <= g_tol) {
        ok = true;
        break;
      }
      if (it == options.max_newton_iterations) break;
      const DecisionDerivatives d =
          which == DecisionFunction::LogitDifference ? fd : decision_derivatives(spec, w, x, which);
      Eigen::JacobiSVD<Eigen::MatrixXd> svd(d.hessian, Eigen::ComputeFullU | Eigen::ComputeFullV);
      svd.setThreshold(1e-12);
      Eigen::VectorXd step = -svd.solve(d.gradient);
      const double n = step.norm();
      if (!std::isfinite(n) || n == 0.0) break;
      if (n > options.max_newton_step) step *= options.max_newton_step / n;
      x += step;
      if ((x.array() < options.box_low - 0.5 * width).any() ||
          (x.array() > options.box_high + 0.5 * width).any())
        break;
    }
    if (!ok) continue;
    if ((x.array() < options.box_low - margin).any() ||
        (x.array() > options.box_high + margin).any())
      continue;
    bool dup = false;
    for (const auto& y : converged)
      if ((y - x).norm() <= options.dedup_distance) {
        dup = true;
        break;
      }
    if (!dup) converged.push_back(x);
  }
  std::sort(converged.begin(), converged.end(),
            [](const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
              return std::lexicographical_compare(a.data(), a.data() + a.size(), b.data(),
                                                  b.data() + b.size());
            });
  for (const auto& x : converged) {
    const DecisionDerivatives d = decision_derivatives(spec, w, x);
    InputStationaryPoint p;
    p.x = x;
    p.value = d.value;
    p.probability = logistic(d.value);
    p.hessian_eigenvalues =
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(d.hessian, Eigen::EigenvaluesOnly)
            .eigenvalues();
    p.kind = kind_from_eigenvalues(p.hessian_eigenvalues, cutoff);
    found.push_back(std::move(p));
  }
  return found;
}

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

// ---- EI training ----------------------------------------------------------------------------

Eigen::VectorXd random_hidden_layer(const ModelSpec& spec, std::uint64_t seed, double scale) {
  const int n = spec.hidden() * (spec.inputs() + 1);
  detail::Rng rng(seed, 0xE1);
  Eigen::VectorXd h(n);
  for (int i = 0; i < n; ++i) h[i] = scale * rng.normal();
  return h;
}

namespace {

/// One candidate of the polarize search, scored lexicographically.
struct Candidate {
  Eigen::VectorXd u;  ///< unit
  int polarized = -1;
  bool termination = false;
  double margin = -std::numeric_limits<double>::infinity();
  double min1 = 0, max0 = 0;
  bool better_than(const Candidate& o) const {
    if (polarized != o.polarized) return polarized > o.polarized;
    if (termination != o.termination) return termination;
    return margin > o.margin;
  }
};

}  // namespace

EiTrainResult ei_train_last_layer(const MlpLoss& loss, const Eigen::VectorXd& hidden,
                                  const EiTrainOptions& options, const db::LandscapeIndex* index) {
  options.validate();
  const ModelSpec& spec = loss.spec();
  const Dataset& data = loss.data();
  require(spec.outputs() == 2, "EI training: implemented for two-class networks only (O = " +
                                   std::to_string(spec.outputs()) + ")");
  const ParamLayout L(spec);
  require(hidden.size() == L.H * (L.I + 1),
          "EI training: hidden layer has " + std::to_string(hidden.size()) +
              " values, the model needs H(I+1) = " + std::to_string(L.H * (L.I + 1)));
  int n1 = 0, n0 = 0;
  for (int d = 0; d < data.num_samples(); ++d) (data.labels[d] == 1 ? n1 : n0)++;
  require(n1 > 0 && n0 > 0, "EI training: the dataset needs samples of both classes");

  Eigen::VectorXd w = Eigen::VectorXd::Zero(L.size());
  w.head(hidden.size()) = hidden;
  const Eigen::MatrixXd A = ei_matrix(spec, w, data.inputs);
  EiTrainResult r;
  r.rank = rank_report(A, options.analysis.rank_rtol);

  // Per-sample hidden values h_dj and act''(z_dj), for q_d = u . h(x_d) and Hess f(x_d).
  const int N = data.num_samples();
  const Eigen::MatrixXd W = hidden_weights(spec, w);
  Eigen::MatrixXd Hval(N, L.H), A2(N, L.H);
  for (int d = 0; d < N; ++d)
    for (int j = 0; j < L.H; ++j) {
      double z = w[L.b(j)];
      for (int k = 0; k < L.I; ++k) z += W(j, k) * data.inputs(d, k);
      const ActivationValues a = activate(spec.activation, z);
      Hval(d, j) = a.f;
      A2(d, j) = a.d2;
    }
  auto score = [&](const Eigen::VectorXd& u) {
    Candidate c;
    c.u = u;
    double g_scale = 0, h_scale = 0;
    derivative_scales(W, u, g_scale, h_scale);
    const double cutoff = options.analysis.eigen_rtol * h_scale;
    c.polarized = 0;
    c.min1 = std::numeric_limits<double>::infinity();
    c.max0 = -std::numeric_limits<double>::infinity();
    for (int d = 0; d < N; ++d) {
      Eigen::MatrixXd Hd = Eigen::MatrixXd::Zero(L.I, L.I);
      for (int j = 0; j < L.H; ++j) Hd += (u[j] * A2(d, j)) * (W.row(j).transpose() * W.row(j));
      const Eigen::VectorXd ev =
          Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(Hd, Eigen::EigenvaluesOnly).eigenvalues();
      const InputPointKind k = kind_from_eigenvalues(ev, cutoff);
      const bool one = data.labels[d] == 1;
      c.polarized += one ? k == InputPointKind::Maximum : k == InputPointKind::Minimum;
      const double q = Hval.row(d).dot(u);
      if (one)
        c.min1 = std::min(c.min1, q);
      else
        c.max0 = std::max(c.max0, q);
    }
    c.margin = c.min1 - c.max0;
    c.termination = c.margin > 0;
    return c;
  };

  Candidate best;
  auto consider = [&](const Eigen::VectorXd& u) {
    const double n = u.norm();
    if (n == 0.0) return;
    Candidate c = score(u / n);
    if (best.polarized < 0 || c.better_than(best)) best = std::move(c);
  };
  const int k = r.rank.nullity;
  if (k == 0) {
    consider(r.rank.least_singular_vector);
    consider(-r.rank.least_singular_vector);
  } else {
    const Eigen::MatrixXd& Nsp = r.rank.null_space;
    for (int i = 0; i < k; ++i) {
      consider(Nsp.col(i));
      consider(-Nsp.col(i));
    }
    if (k <= 12)
      for (long pattern = 0; pattern < (1L << k); ++pattern) {
        Eigen::VectorXd a(k);
        for (int i = 0; i < k; ++i) a[i] = (pattern >> i) & 1 ? -1.0 : 1.0;
        consider(Nsp * a);
      }
    detail::Rng rng(options.seed, 0xE2);
    for (int t = 0; t < options.random_directions; ++t) {
      Eigen::VectorXd a(k);
      for (int i = 0; i < k; ++i) a[i] = rng.normal();
      consider(Nsp * a);
    }
    // Refinement. With u = N a, every polarize condition is concave in a: lambda_min(Hess f(x_d))
    // (class 0) and lambda_min(-Hess f(x_d)) (class 1) are minimum eigenvalues of matrices
    // linear in a, and the margin min_{class 1} q_d - max_{class 0} q_d is a minimum of linear
    // functions. So phi(a) = min of all of them (Hessian terms divided by h_norm =
    // sum_j |W_j.|^2) is concave and positively homogeneous, and a polarized solution exists iff
    // max_{|a| <= 1} phi > 0. Projected supergradient ascent from the best direction found so
    // far (steps 0.2 / sqrt(iteration + 1), refinement_iterations of them) climbs to it.
    double h_norm = 0;
    for (int j = 0; j < L.H; ++j) h_norm += W.row(j).squaredNorm();
    h_norm = std::max(h_norm, 1e-300);
    auto phi = [&](const Eigen::VectorXd& a, Eigen::VectorXd& grad) {
      const Eigen::VectorXd u = Nsp * a;
      double value = std::numeric_limits<double>::infinity();
      Eigen::VectorXd gu = Eigen::VectorXd::Zero(L.H);
      int d1 = -1, d0 = -1;
      double min1 = std::numeric_limits<double>::infinity(), max0 = -min1;
      for (int d = 0; d < N; ++d) {
        const double sign = data.labels[d] == 1 ? -1.0 : 1.0;
        Eigen::MatrixXd Hd = Eigen::MatrixXd::Zero(L.I, L.I);
        for (int j = 0; j < L.H; ++j)
          Hd += (sign * u[j] * A2(d, j) / h_norm) * (W.row(j).transpose() * W.row(j));
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(Hd);
        if (es.eigenvalues()[0] < value) {
          value = es.eigenvalues()[0];
          const Eigen::VectorXd v = es.eigenvectors().col(0);
          for (int j = 0; j < L.H; ++j)
            gu[j] = sign * A2(d, j) / h_norm * std::pow(W.row(j).dot(v), 2);
        }
        const double q = Hval.row(d).dot(u);
        if (data.labels[d] == 1 && q < min1) min1 = q, d1 = d;
        if (data.labels[d] != 1 && q > max0) max0 = q, d0 = d;
      }
      if (min1 - max0 < value) {
        value = min1 - max0;
        gu = (Hval.row(d1) - Hval.row(d0)).transpose();
      }
      grad = Nsp.transpose() * gu;
      return value;
    };
    Eigen::VectorXd a = Nsp.transpose() * best.u, g;
    Eigen::VectorXd best_a = a;
    double best_phi = phi(a, g);
    for (int it = 0; it < options.refinement_iterations && best_phi <= 0; ++it) {
      const double gn = g.norm();
      if (gn == 0.0) break;
      a += (0.2 / std::sqrt(it + 1.0)) * g / gn;
      if (a.norm() > 1) a.normalize();
      const double v = phi(a, g);
      if (v > best_phi) best_phi = v, best_a = a;
    }
    consider(Nsp * best_a);
  }

  // Scale: the sample nearest the boundary gets |f| = logit(target), bias centred.
  const double target_logit =
      std::log(options.target_probability / (1 - options.target_probability));
  double spread = best.margin / 2;
  if (!(spread > 0)) {
    double m = 0;
    for (int d = 0; d < N; ++d)
      m = std::max(m, std::abs(Hval.row(d).dot(best.u) - (best.min1 + best.max0) / 2));
    spread = std::max(m, 1e-12);
  }
  // A direction that barely changes f across the samples (e.g. one living on dead hidden nodes)
  // would need a huge scale: cap |u| at max_output_norm.
  const double s = std::min(target_logit / spread, options.max_output_norm);
  const Eigen::VectorXd u = s * best.u;
  const double dc = -s * (best.min1 + best.max0) / 2;
  for (int j = 0; j < L.H; ++j) {
    w[L.V(0, j)] = -u[j] / 2;
    w[L.V(1, j)] = u[j] / 2;
  }
  w[L.c(0)] = -dc / 2;
  w[L.c(1)] = dc / 2;
  r.start = w;
  r.start_residual = ei_residual(A, u);
  r.start_samples_polarized = best.polarized;
  const Eigen::MatrixXd p = loss.probabilities(w, data.inputs);
  r.start_termination = true;
  for (int d = 0; d < N; ++d)
    r.start_termination = r.start_termination && ((data.labels[d] == 1) == (p(d, 1) > 0.5));
  r.start_energy = loss.energy(w);

  std::ostringstream msg;
  if (k == 0) {
    r.status = EiTrainStatus::NoNullSpace;
    msg << "rank(A) = " << r.rank.rank << " = N_h: EI admits only u = 0; started from the least "
        << "singular direction (residual " << r.start_residual << ")";
  } else if (best.polarized == N && best.termination) {
    r.status = EiTrainStatus::Polarized;
    msg << "null space of dimension " << k << "; polarized solution found (every sample at an "
        << "extremum of its class's kind, termination condition met)";
  } else {
    r.status = EiTrainStatus::NotPolarizable;
    msg << "null space of dimension " << k << ", but no direction searched polarizes: best has "
        << best.polarized << " of " << N << " samples at extrema of the predicted kind, "
        << "termination " << (best.termination ? "met" : "not met");
  }
  r.message = msg.str();

  r.quench = minimize(loss, r.start, options.quench);
  if (index != nullptr && r.quench.converged())
    r.database_minimum = index->find_minimum(r.quench.energy, r.quench.x);
  return r;
}

}  // namespace lossland::analysis
