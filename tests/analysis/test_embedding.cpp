/// Embedding (Mehta et al. 2018, App. A): padding with zero nodes keeps stationarity to rounding,
/// and the reported index is that of a direct Hessian of the padded point.
#include <gtest/gtest.h>

#include "lossland/analysis/embedding.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"

using namespace lossland;
using namespace lossland::analysis;

namespace {

ModelSpec xor_spec(int hidden, double lambda, Activation act = Activation::Tanh) {
  ModelSpec s;
  s.layers = {2, hidden, 2};
  s.lambda = lambda;
  s.activation = act;
  return s;
}

/// A converged 2-node XOR minimum, quenched from a start near the ideal-rule network.
Eigen::VectorXd two_node_minimum(const ModelSpec& s) {
  const ParamLayout L(s);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(L.size());
  w[L.W(0, 0)] = 3;
  w[L.W(0, 1)] = -3;
  w[L.b(0)] = -1.5;
  w[L.W(1, 0)] = -3;
  w[L.W(1, 1)] = 3;
  w[L.b(1)] = -1.5;
  w[L.V(1, 0)] = w[L.V(1, 1)] = w[L.c(1)] = 2;
  const MlpLoss loss(xor_dataset(), s);
  const MinimizerResult r = minimize(loss, w);
  EXPECT_TRUE(r.converged()) << r.message;
  return r.x;
}

/// Padding written out independently of embed_point(): new nodes appended with zeros.
Eigen::VectorXd pad_by_hand(const Eigen::VectorXd& w, int H, int N) {
  // Small layout [W(2H) | b(H) | V(2H) | c(2)]; big [W(2N) | b(N) | V(2N) | c(2)].
  Eigen::VectorXd e = Eigen::VectorXd::Zero(5 * N + 2);
  e.segment(0, 2 * H) = w.segment(0, 2 * H);
  e.segment(2 * N, H) = w.segment(2 * H, H);
  e.segment(3 * N, H) = w.segment(3 * H, H);  // V row 0
  e.segment(4 * N, H) = w.segment(4 * H, H);  // V row 1
  e.segment(5 * N, 2) = w.segment(5 * H, 2);  // c
  return e;
}

db::Landscape landscape_with(const ModelSpec& s, const Eigen::VectorXd& w) {
  db::Landscape land;
  land.model = s;
  land.dataset = xor_dataset();
  db::StoredPoint p;
  p.coords = w;
  p.energy = MlpLoss(land.dataset, s).energy(w);
  land.minima.push_back(p);
  return land;
}

}  // namespace

TEST(Embedding, PaddingMatchesHandLayout) {
  Eigen::VectorXd w = Eigen::VectorXd::LinSpaced(12, 1, 12);
  EXPECT_EQ(embed_point(xor_spec(2, 1e-4), w, 5), pad_by_hand(w, 2, 5));
  EXPECT_EQ(embed_point(xor_spec(2, 1e-4), w, 2), w);
  EXPECT_THROW(embed_point(xor_spec(2, 1e-4), w, 1), std::invalid_argument);
  EXPECT_THROW(embed_point(xor_spec(2, 1e-4), Eigen::VectorXd::Zero(7), 3), std::invalid_argument);
}

TEST(Embedding, TanhMinimumStaysStationaryAndIndexMatchesDirectHessian) {
  for (double lambda : {1e-2, 1e-4}) {
    const ModelSpec s2 = xor_spec(2, lambda);
    const Eigen::VectorXd w = two_node_minimum(s2);
    const db::Landscape land = landscape_with(s2, w);
    ASSERT_EQ(classify(MlpLoss(xor_dataset(), s2), w).kind, PointKind::Minimum);
    std::vector<int> index;
    for (int N = 2; N <= 6; ++N) {
      SCOPED_TRACE("lambda " + std::to_string(lambda) + " N " + std::to_string(N));
      const EmbeddedPoint p = embed_and_classify(land, w, N);
      const MlpLoss big(xor_dataset(), xor_spec(N, lambda));
      const Eigen::VectorXd e = pad_by_hand(w, 2, N);
      const Classification direct = classify(big, e);
      EXPECT_EQ(p.index, direct.index);
      EXPECT_EQ(p.num_zero, direct.num_zero);
      EXPECT_NEAR(p.energy, land.minima[0].energy, 1e-15);
      EXPECT_LE(p.gradient_change, 1e-15);
      EXPECT_TRUE(p.stationary);
      EXPECT_EQ(p.original_index, 0);
      index.push_back(p.index);
    }
    // The new nodes' Hessian blocks are identical and decoupled (every cross term carries a
    // factor tanh(0) = 0 or a zero outgoing weight), so each added node adds the same count.
    for (int N = 3; N <= 6; ++N) EXPECT_EQ(index[N - 2], (N - 2) * index[1]) << "N " << N;
  }
}

TEST(Embedding, GradientOfNewNodesAtAnyPoint) {
  // At any w, a zero node's gradient is: dE/dW_new = dE/db_new = 0 (each carries a factor
  // V_new = 0) and dE/dV_{i,new} = mean_d (p_i(x_d) - delta_{i,c(d)}) act(0). tanh(0) = 0, so
  // padding changes no gradient component; the sigmoid's S(0) = 1/2 leaves
  // (1/2) mean_d (p_i - delta_i), which is why the theorem is stated for tanh.
  Eigen::VectorXd w(12);
  w << 0.3, -1.2, 0.8, 0.5, -0.4, 0.9, 1.1, -0.7, 0.2, 0.6, 0.25, -0.35;
  for (Activation act : {Activation::Tanh, Activation::Sigmoid}) {
    const ModelSpec s2 = xor_spec(2, 1e-3, act);
    const db::Landscape land = landscape_with(s2, w);
    const Eigen::MatrixXd p = MlpLoss(xor_dataset(), s2).probabilities(w, xor_dataset().inputs);
    double expected = 0;
    if (act == Activation::Sigmoid)
      for (int i = 0; i < 2; ++i) {
        double mean = 0;
        for (int d = 0; d < 4; ++d) mean += (p(d, i) - (xor_dataset().labels[d] == i)) / 4;
        expected = std::max(expected, std::abs(0.5 * mean));
      }
    if (act == Activation::Sigmoid) EXPECT_GT(expected, 1e-3);
    const EmbeddedPoint e = embed_and_classify(land, w, 3);
    EXPECT_NEAR(e.gradient_change, expected, 1e-15) << to_string(act);
    EXPECT_FALSE(e.stationary);  // w itself is not stationary
  }
}

TEST(Embedding, LandscapeListsMinimaThenTransitionStates) {
  const ModelSpec s2 = xor_spec(2, 1e-2);
  db::Landscape land = landscape_with(s2, two_node_minimum(s2));
  db::StoredTransitionState t;
  t.coords = Eigen::VectorXd::Zero(12);
  t.energy = std::log(2.0);
  t.min1 = t.min2 = 0;
  land.transition_states.push_back(t);
  const auto pts = embed_landscape(land, 4);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_TRUE(pts[0].is_minimum);
  EXPECT_FALSE(pts[1].is_minimum);
  EXPECT_EQ(pts[1].id, 0);
  EXPECT_NEAR(pts[1].energy, std::log(2.0), 1e-15);
}
