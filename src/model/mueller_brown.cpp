#include "lossland/model/mueller_brown.hpp"

#include <cmath>
#include <stdexcept>

namespace lossland {

namespace {

constexpr double kA[4] = {-200, -100, -170, 15};
constexpr double ka[4] = {-1, -1, -6.5, 0.7};
constexpr double kb[4] = {0, 0, 11, 0.6};
constexpr double kc[4] = {-10, -10, -6.5, 0.7};
constexpr double kx0[4] = {1, 0, -0.5, -1};
constexpr double ky0[4] = {0, 0.5, 1.5, 1};

void check_size(const Eigen::VectorXd& w) {
  if (w.size() != 2) throw std::invalid_argument("MuellerBrown: the point must have 2 entries");
}

/// Shared evaluation; `grad` and `hess` may be null.
double evaluate(const Eigen::VectorXd& w, Eigen::VectorXd* grad, Eigen::MatrixXd* hess) {
  check_size(w);
  double e = 0.0;
  if (grad) grad->setZero(2);
  if (hess) hess->setZero(2, 2);
  for (int k = 0; k < 4; ++k) {
    const double dx = w[0] - kx0[k], dy = w[1] - ky0[k];
    const double ek = kA[k] * std::exp(ka[k] * dx * dx + kb[k] * dx * dy + kc[k] * dy * dy);
    e += ek;
    const double qx = 2 * ka[k] * dx + kb[k] * dy, qy = kb[k] * dx + 2 * kc[k] * dy;
    if (grad) {
      (*grad)[0] += ek * qx;
      (*grad)[1] += ek * qy;
    }
    if (hess) {
      (*hess)(0, 0) += ek * (qx * qx + 2 * ka[k]);
      (*hess)(0, 1) += ek * (qx * qy + kb[k]);
      (*hess)(1, 1) += ek * (qy * qy + 2 * kc[k]);
    }
  }
  if (hess) (*hess)(1, 0) = (*hess)(0, 1);
  return e;
}

}  // namespace

double MuellerBrown::energy(const Eigen::VectorXd& w) const {
  return evaluate(w, nullptr, nullptr);
}

double MuellerBrown::energy_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) const {
  return evaluate(w, &grad, nullptr);
}

double MuellerBrown::energy_gradient_hessian(const Eigen::VectorXd& w, Eigen::VectorXd& grad,
                                             Eigen::MatrixXd& hess) const {
  return evaluate(w, &grad, &hess);
}

const std::vector<MuellerBrown::Point>& MuellerBrown::minima() {
  static const std::vector<Point> points = {{{-0.558224, 1.441726}, -146.699509},
                                            {{0.623499, 0.028038}, -108.166724},
                                            {{-0.050011, 0.466694}, -80.767818}};
  return points;
}

const std::vector<MuellerBrown::Point>& MuellerBrown::saddles() {
  static const std::vector<Point> points = {{{-0.822002, 0.624313}, -40.664843},
                                            {{0.212487, 0.292988}, -72.248941}};
  return points;
}

}  // namespace lossland
