#pragma once
/// \file
/// Shared by the EI tests (test_ei_*.cpp, test_ei_cli.cpp): two-class models, Gaussian vectors,
/// the decision function's derivatives by finite differences of MlpLoss's own forward pass
/// (independent of src/analysis/ei*.cpp), networks with chosen output rows, and XOR landscapes of
/// quenched minima.

#include <Eigen/Dense>
#include <random>
#include <vector>

#include "lossland/analysis/ei.hpp"
#include "lossland/db/database.hpp"
#include "lossland/optimize/minimizer.hpp"

namespace lossland::analysis::ei_test {

inline ModelSpec spec_of(int I, int H, Activation act = Activation::Tanh, double lambda = 1e-4) {
  ModelSpec s;
  s.layers = {I, H, 2};
  s.activation = act;
  s.lambda = lambda;
  return s;
}

inline Eigen::VectorXd random_vector(int n, unsigned seed, double scale = 1.0) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> nd(0.0, scale);
  Eigen::VectorXd v(n);
  for (int i = 0; i < n; ++i) v[i] = nd(gen);
  return v;
}

/// f(x) = y_1 - y_0 or p_1 from MlpLoss's own forward pass (independent of ei.cpp).
inline double forward(const MlpLoss& loss, const Eigen::VectorXd& w, const Eigen::VectorXd& x,
                      DecisionFunction which) {
  const Eigen::MatrixXd X = x.transpose();
  if (which == DecisionFunction::Probability) return loss.probabilities(w, X)(0, 1);
  const Eigen::MatrixXd y = loss.logits(w, X);
  return y(0, 1) - y(0, 0);
}

inline Eigen::VectorXd fd_gradient(const MlpLoss& loss, const Eigen::VectorXd& w,
                                   const Eigen::VectorXd& x, DecisionFunction which,
                                   double h = 1e-5) {
  Eigen::VectorXd g(x.size());
  for (int t = 0; t < x.size(); ++t) {
    Eigen::VectorXd xp = x, xm = x;
    xp[t] += h;
    xm[t] -= h;
    g[t] = (forward(loss, w, xp, which) - forward(loss, w, xm, which)) / (2 * h);
  }
  return g;
}

inline Eigen::MatrixXd fd_hessian(const MlpLoss& loss, const Eigen::VectorXd& w,
                                  const Eigen::VectorXd& x, DecisionFunction which,
                                  double h = 1e-4) {
  const int I = static_cast<int>(x.size());
  Eigen::MatrixXd H(I, I);
  for (int s = 0; s < I; ++s)
    for (int t = 0; t < I; ++t) {
      auto at = [&](double ds, double dt) {
        Eigen::VectorXd y = x;
        y[s] += ds;
        y[t] += dt;
        return forward(loss, w, y, which);
      };
      H(s, t) = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h);
    }
  return H;
}

/// Kind from the signs of the finite-difference Hessian's eigenvalues.
inline InputPointKind fd_kind(const Eigen::MatrixXd& H, double cutoff) {
  const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(H).eigenvalues();
  if ((ev.array() < -cutoff).all()) return InputPointKind::Maximum;
  if ((ev.array() > cutoff).all()) return InputPointKind::Minimum;
  if ((ev.array().abs() <= cutoff).any()) return InputPointKind::Degenerate;
  return InputPointKind::Saddle;
}

/// Parameters with hidden layer `hidden` ([W | b]) and output rows V_0 = v0, V_1 = v0 + u.
inline Eigen::VectorXd with_outputs(const ModelSpec& spec, const Eigen::VectorXd& hidden,
                                    const Eigen::VectorXd& v0, const Eigen::VectorXd& u, double c0,
                                    double c1) {
  const ParamLayout L(spec);
  Eigen::VectorXd w(L.size());
  w.head(hidden.size()) = hidden;
  for (int j = 0; j < L.H; ++j) {
    w[L.V(0, j)] = v0[j];
    w[L.V(1, j)] = v0[j] + u[j];
  }
  w[L.c(0)] = c0;
  w[L.c(1)] = c1;
  return w;
}

/// An XOR landscape of a model with inputs 2, H hidden tanh nodes, two outputs and lambda, whose
/// minima are the quenches (default minimizer) of `starts`; eigenvalues are left zero.
inline db::Landscape quenched_landscape(int H, double lambda,
                                        const std::vector<Eigen::VectorXd>& starts) {
  db::Landscape land;
  land.model = spec_of(2, H, Activation::Tanh, lambda);
  land.dataset = xor_dataset();
  land.created_by = "test";
  const MlpLoss loss(land.dataset, land.model);
  for (const Eigen::VectorXd& x0 : starts) {
    const MinimizerResult r = minimize(loss, x0);
    db::StoredPoint p;
    p.energy = r.energy;
    p.coords = r.x;
    p.grad_rms = r.grad_rms;
    p.eigenvalues = Eigen::VectorXd::Zero(land.num_params());
    land.minima.push_back(p);
  }
  return land;
}

}  // namespace lossland::analysis::ei_test
