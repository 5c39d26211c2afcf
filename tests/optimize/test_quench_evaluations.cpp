/// Every loss evaluation of a quench is counted (what `bh --json` reports per quench): a loss
/// that counts its own calls agrees with minimize()'s function_evaluations and with
/// Quench::evaluations(), from many starts.

#include <gtest/gtest.h>

#include <random>

#include "lossland/model/dataset.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/quench.hpp"

using namespace lossland;

namespace {

/// Wraps a loss and counts its gradient and Hessian evaluations (energy() alone, used only to
/// pick the side of a saddle escape, is not an evaluation of the minimiser's).
class Counting final : public Loss {
 public:
  explicit Counting(const Loss& inner) : inner_(inner) {}
  int dim() const override { return inner_.dim(); }
  double energy(const Eigen::VectorXd& x) const override { return inner_.energy(x); }
  double energy_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) const override {
    ++calls;
    return inner_.energy_gradient(x, g);
  }
  double energy_gradient_hessian(const Eigen::VectorXd& x, Eigen::VectorXd& g,
                                 Eigen::MatrixXd& h) const override {
    ++calls;
    return inner_.energy_gradient_hessian(x, g, h);
  }
  mutable int calls = 0;

 private:
  const Loss& inner_;
};

}  // namespace

TEST(QuenchEvaluations, EveryLossEvaluationIsCounted) {
  for (int hidden : {2, 6}) {
    const ModelSpec s{{2, hidden, 2}, Activation::Tanh, Regularize::All, 1e-4};
    const MlpLoss loss(xor_dataset(), s);
    std::mt19937 rng(3);
    std::normal_distribution<double> normal;
    int converged = 0;
    for (int k = 0; k < 20; ++k) {
      Eigen::VectorXd x0(loss.dim());
      for (Eigen::Index i = 0; i < x0.size(); ++i) x0[i] = normal(rng);
      const Counting minimised(loss);
      const MinimizerResult r = minimize(minimised, x0);
      EXPECT_EQ(r.function_evaluations, minimised.calls) << "N_h " << hidden << " start " << k;
      const Counting quenched(loss);
      const Quench q = quench(quenched, x0, MinimizerOptions{}, 1e-9);
      EXPECT_EQ(q.evaluations(), quenched.calls) << "N_h " << hidden << " start " << k;
      converged += q.result.converged();
    }
    EXPECT_GT(converged, 15) << "the classification's evaluation must be exercised";
  }
}
