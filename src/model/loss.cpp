#include "lossland/model/loss.hpp"

namespace lossland {

Eigen::MatrixXd Loss::hessian(const Eigen::VectorXd& w) const {
  Eigen::VectorXd g;
  Eigen::MatrixXd h;
  energy_gradient_hessian(w, g, h);
  return h;
}

Eigen::VectorXd Loss::gradient(const Eigen::VectorXd& w) const {
  Eigen::VectorXd g;
  energy_gradient(w, g);
  return g;
}

}  // namespace lossland
