#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/model_for.hpp"
#include "model/activation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace lossland {

std::string to_string(Activation a) {
  return a == Activation::Tanh ? "tanh" : "sigmoid";
}
std::string to_string(Regularize r) {
  return r == Regularize::All ? "all" : "weights";
}

Activation parse_activation(const std::string& s) {
  if (s == "tanh") return Activation::Tanh;
  if (s == "sigmoid") return Activation::Sigmoid;
  throw std::invalid_argument("activation '" + s + "' is not known: use tanh or sigmoid");
}

Regularize parse_regularize(const std::string& s) {
  if (s == "all") return Regularize::All;
  if (s == "weights") return Regularize::Weights;
  throw std::invalid_argument("regularize '" + s + "' is not known: use all or weights");
}

int ModelSpec::num_params() const {
  if (layers.size() < 2) return 0;
  constexpr std::int64_t kCap = std::numeric_limits<int>::max();
  std::int64_t p = 0;
  for (std::size_t l = 1; l < layers.size(); ++l) {
    // Each factor is below 2^31 + 1, so the product fits in 63 bits; the sum saturates.
    p += std::int64_t(layers[l]) * (std::int64_t(layers[l - 1]) + 1);
    if (p > kCap || p < 0) return static_cast<int>(kCap);
  }
  return static_cast<int>(p);
}

void check_lambda(double lambda, const std::string& name) {
  if (!std::isfinite(lambda) || lambda < 0)
    throw std::invalid_argument(name + ": must be a finite number >= 0, got " +
                                fmt::format("{:.10g}", lambda));
}

void ModelSpec::validate() const {
  if (layers.size() != 3)
    throw std::invalid_argument(
        "layers: exactly one hidden layer is supported ({inputs, hidden, "
        "outputs}); got " +
        std::to_string(layers.size()) + " layers");
  if (layers[0] < 1) throw std::invalid_argument("layers: the number of inputs must be >= 1");
  if (layers[1] < 1) throw std::invalid_argument("layers: the number of hidden nodes must be >= 1");
  if (layers[2] < 2) throw std::invalid_argument("layers: softmax needs >= 2 outputs (classes)");
  check_lambda(lambda);
  if (num_params() > kMaxParams)
    throw std::invalid_argument("layers: {" + std::to_string(layers[0]) + ", " +
                                std::to_string(layers[1]) + ", " + std::to_string(layers[2]) +
                                "} give more than " + std::to_string(kMaxParams) +
                                " parameters (the dense Hessian alone would not fit in memory)");
}

ModelSpec model_for(const Dataset& data, int hidden, double lambda, const std::string& activation,
                    const std::string& regularize) {
  ModelSpec spec;
  spec.layers = {data.num_inputs(), hidden, data.num_classes};
  spec.activation = parse_activation(activation);
  spec.regularize = parse_regularize(regularize);
  spec.lambda = lambda;
  spec.validate();
  return spec;
}

void ModelSpec::check_searchable() const {
  const int P = num_params();
  if (P > kMaxSearchParams)
    throw std::invalid_argument(
        "the model has P = " + std::to_string(P) + " parameters (N_h = " +
        std::to_string(hidden()) + "); every quench diagonalises a dense P x P Hessian, O(P^3) " +
        "(about 30 s at P = 5000), so a search would take days: lossland searches models of at " +
        "most " + std::to_string(kMaxSearchParams) + " parameters; use fewer hidden nodes");
}

namespace {

using detail::activate;
using detail::ActivationValues;

/// Stable log-softmax pieces: writes p (O) and returns log sum exp(y).
inline double softmax(const double* y, int O, double* p) {
  double ymax = y[0];
  for (int i = 1; i < O; ++i) ymax = std::max(ymax, y[i]);
  double sum = 0.0;
  for (int i = 0; i < O; ++i) {
    p[i] = std::exp(y[i] - ymax);
    sum += p[i];
  }
  for (int i = 0; i < O; ++i) p[i] /= sum;
  return ymax + std::log(sum);
}

// Small fixed-size scratch on the stack for the usual sizes; heap beyond.
template <typename T>
struct Scratch {
  static constexpr int kStack = 256;
  T stack[kStack];
  std::vector<T> heap;
  T* get(int n) {
    if (n <= kStack) return stack;
    heap.resize(n);
    return heap.data();
  }
};

}  // namespace

MlpLoss::MlpLoss(Dataset data, ModelSpec spec) : data_(std::move(data)), spec_(std::move(spec)) {
  spec_.validate();
  data_.validate();
  if (data_.num_inputs() != spec_.inputs())
    throw std::invalid_argument("layers: the network has " + std::to_string(spec_.inputs()) +
                                " inputs but dataset '" + data_.name + "' has " +
                                std::to_string(data_.num_inputs()) + " input columns");
  if (data_.num_classes != spec_.outputs())
    throw std::invalid_argument("layers: the network has " + std::to_string(spec_.outputs()) +
                                " outputs but dataset '" + data_.name + "' has " +
                                std::to_string(data_.num_classes) + " classes");
  num_params_ = spec_.num_params();
  const ParamLayout L(spec_);
  mask_ = Eigen::VectorXd::Ones(num_params_);
  if (spec_.regularize == Regularize::Weights) {
    for (int j = 0; j < L.H; ++j) mask_[L.b(j)] = 0.0;
    for (int i = 0; i < L.O; ++i) mask_[L.c(i)] = 0.0;
  }
}

double MlpLoss::energy(const Eigen::VectorXd& w) const {
  Eigen::VectorXd g;
  return energy_gradient(w, g);
}

double MlpLoss::energy_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) const {
  const ParamLayout L(spec_);
  const int I = L.I, H = L.H, O = L.O, N = data_.num_samples();
  if (w.size() != num_params_) throw std::invalid_argument("MlpLoss: parameter vector size");
  grad.setZero(num_params_);
  Scratch<double> s1, s2, s3, s4, s5;
  double* h = s1.get(H);
  double* dh = s2.get(H);
  double* y = s3.get(O);
  double* p = s4.get(O);
  double* delta = s5.get(H);
  const double* wp = w.data();
  double* gp = grad.data();
  double data_term = 0.0;
  const double inv_n = 1.0 / N;
  for (int d = 0; d < N; ++d) {
    for (int j = 0; j < H; ++j) {
      double z = wp[L.b(j)];
      for (int k = 0; k < I; ++k) z += wp[L.W(j, k)] * data_.inputs(d, k);
      const ActivationValues a = activate(spec_.activation, z);
      h[j] = a.f;
      dh[j] = a.d1;
    }
    for (int i = 0; i < O; ++i) {
      double yi = wp[L.c(i)];
      const double* Vi = wp + L.V(i, 0);
      for (int j = 0; j < H; ++j) yi += Vi[j] * h[j];
      y[i] = yi;
    }
    const int c = data_.labels[d];
    const double lse = softmax(y, O, p);
    data_term += lse - y[c];
    // r_i = dL/dy_i = p_i - [i == c], scaled by 1/N.
    for (int j = 0; j < H; ++j) delta[j] = 0.0;
    for (int i = 0; i < O; ++i) {
      const double r = (p[i] - (i == c ? 1.0 : 0.0)) * inv_n;
      gp[L.c(i)] += r;
      double* gVi = gp + L.V(i, 0);
      const double* Vi = wp + L.V(i, 0);
      for (int j = 0; j < H; ++j) {
        gVi[j] += r * h[j];
        delta[j] += r * Vi[j];
      }
    }
    for (int j = 0; j < H; ++j) {
      const double dz = delta[j] * dh[j];
      gp[L.b(j)] += dz;
      for (int k = 0; k < I; ++k) gp[L.W(j, k)] += dz * data_.inputs(d, k);
    }
  }
  double penalty = 0.0;
  const double lam = spec_.lambda;
  const double* m = mask_.data();
  for (int r = 0; r < num_params_; ++r) {
    penalty += m[r] * wp[r] * wp[r];
    gp[r] += 2.0 * lam * m[r] * wp[r];
  }
  return data_term * inv_n + lam * penalty;
}

double MlpLoss::energy_gradient_hessian(const Eigen::VectorXd& w, Eigen::VectorXd& grad,
                                        Eigen::MatrixXd& hess) const {
  const ParamLayout L(spec_);
  const int I = L.I, H = L.H, O = L.O, N = data_.num_samples(), P = num_params_;
  const double e = energy_gradient(w, grad);
  hess.setZero(P, P);
  // Per sample: J (O x P) = dy/dw, S = diag(p) - p p^T, r = p - e_c.
  // Hessian_d = J^T S J + sum_i r_i d2y_i, accumulated with weight 1/N.
  Eigen::MatrixXd J(O, P);
  Eigen::VectorXd h(H), d1(H), d2(H), y(O), p(O), xt(I + 1);
  Eigen::MatrixXd S(O, O);
  const double inv_n = 1.0 / N;
  for (int d = 0; d < N; ++d) {
    for (int k = 0; k < I; ++k) xt[k] = data_.inputs(d, k);
    xt[I] = 1.0;  // the bias input
    for (int j = 0; j < H; ++j) {
      double z = w[L.b(j)];
      for (int k = 0; k < I; ++k) z += w[L.W(j, k)] * xt[k];
      const ActivationValues a = activate(spec_.activation, z);
      h[j] = a.f;
      d1[j] = a.d1;
      d2[j] = a.d2;
    }
    for (int i = 0; i < O; ++i) {
      y[i] = w[L.c(i)];
      for (int j = 0; j < H; ++j) y[i] += w[L.V(i, j)] * h[j];
    }
    softmax(y.data(), O, p.data());
    const int c = data_.labels[d];
    J.setZero();
    for (int i = 0; i < O; ++i) {
      for (int j = 0; j < H; ++j) {
        const double vd = w[L.V(i, j)] * d1[j];
        for (int k = 0; k < I; ++k) J(i, L.W(j, k)) = vd * xt[k];
        J(i, L.b(j)) = vd;
        J(i, L.V(i, j)) = h[j];
      }
      J(i, L.c(i)) = 1.0;
    }
    S = -p * p.transpose();
    S.diagonal() += p;
    hess.noalias() += inv_n * (J.transpose() * S * J);
    // Second derivatives of the logits, contracted with r.
    for (int j = 0; j < H; ++j) {
      double rv = 0.0;  // sum_i r_i V_ij
      for (int i = 0; i < O; ++i) rv += (p[i] - (i == c ? 1.0 : 0.0)) * w[L.V(i, j)];
      // (W_j., b_j) x (W_j., b_j): rv * act''(z_j) * xt_k * xt_k'
      const double a = inv_n * rv * d2[j];
      for (int k = 0; k <= I; ++k) {
        const int rk = (k < I) ? L.W(j, k) : L.b(j);
        for (int kk = 0; kk <= I; ++kk) {
          const int rkk = (kk < I) ? L.W(j, kk) : L.b(j);
          hess(rk, rkk) += a * xt[k] * xt[kk];
        }
      }
      // (V_ij) x (W_j., b_j): r_i act'(z_j) xt_k
      for (int i = 0; i < O; ++i) {
        const double b = inv_n * (p[i] - (i == c ? 1.0 : 0.0)) * d1[j];
        for (int k = 0; k <= I; ++k) {
          const int rk = (k < I) ? L.W(j, k) : L.b(j);
          hess(L.V(i, j), rk) += b * xt[k];
          hess(rk, L.V(i, j)) += b * xt[k];
        }
      }
    }
  }
  hess.diagonal() += 2.0 * spec_.lambda * mask_;
  return e;
}

Eigen::MatrixXd MlpLoss::logits(const Eigen::VectorXd& w, const Eigen::MatrixXd& inputs) const {
  const ParamLayout L(spec_);
  if (inputs.cols() != L.I) throw std::invalid_argument("MlpLoss::logits: input width");
  Eigen::MatrixXd out(inputs.rows(), L.O);
  for (Eigen::Index d = 0; d < inputs.rows(); ++d) {
    for (int i = 0; i < L.O; ++i) out(d, i) = w[L.c(i)];
    for (int j = 0; j < L.H; ++j) {
      double z = w[L.b(j)];
      for (int k = 0; k < L.I; ++k) z += w[L.W(j, k)] * inputs(d, k);
      const double hj = activate(spec_.activation, z).f;
      for (int i = 0; i < L.O; ++i) out(d, i) += w[L.V(i, j)] * hj;
    }
  }
  return out;
}

Eigen::MatrixXd MlpLoss::probabilities(const Eigen::VectorXd& w,
                                       const Eigen::MatrixXd& inputs) const {
  Eigen::MatrixXd y = logits(w, inputs);
  Eigen::MatrixXd p(y.rows(), y.cols());
  Eigen::VectorXd row(y.cols()), prow(y.cols());
  for (Eigen::Index d = 0; d < y.rows(); ++d) {
    row = y.row(d).transpose();
    softmax(row.data(), static_cast<int>(row.size()), prow.data());
    p.row(d) = prow.transpose();
  }
  return p;
}

}  // namespace lossland
