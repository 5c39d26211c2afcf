#include "lossland/optimize/quench.hpp"

namespace lossland {

Quench quench(const Loss& loss, const Eigen::VectorXd& x0, const MinimizerOptions& minimizer,
              double eigen_cutoff) {
  Quench q;
  q.result = minimize(loss, x0, minimizer);
  if (q.result.converged()) q.classification = classify(loss, q.result.x, eigen_cutoff);
  return q;
}

}  // namespace lossland
