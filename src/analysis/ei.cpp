/// EI equations on trained networks (Chen, ChinaXiv 202507.00082 (2025), Secs. 3-4;
/// docs/ei.md), the algebra: the decision function's input-space derivatives, the EI matrix A,
/// the output directions, the numerical rank and null space of A and the EI residual. See ei.hpp.
#include "lossland/analysis/ei.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "analysis/ei_internal.hpp"
#include "model/activation.hpp"

namespace lossland::analysis {

using namespace ei_internal;

using lossland::detail::activate;
using lossland::detail::ActivationValues;

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

}  // namespace lossland::analysis
