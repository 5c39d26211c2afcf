/// The EI last-layer training step (Chen, ChinaXiv 202507.00082 (2025), Algorithm 1; docs/ei.md):
/// output weights from the null space of A that "polarize" the training inputs, scaled to a
/// target probability, then quenched. See ei.hpp.
#include "lossland/analysis/ei.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "analysis/ei_internal.hpp"
#include "model/activation.hpp"
#include "search/random.hpp"

namespace lossland::analysis {

using namespace ei_internal;

using lossland::detail::activate;
using lossland::detail::ActivationValues;

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
