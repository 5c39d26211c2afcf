#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/symmetry.hpp"

using namespace lossland;

namespace {

Eigen::VectorXd random_point(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd;
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) x[i] = nd(rng);
  return x;
}

NodeMap random_map(int H, bool flips, unsigned seed) {
  std::mt19937 rng(seed);
  NodeMap m;
  m.perm.resize(H);
  std::iota(m.perm.begin(), m.perm.end(), 0);
  std::shuffle(m.perm.begin(), m.perm.end(), rng);
  for (int j = 0; j < H; ++j) m.sign.push_back(flips && (rng() & 1) ? -1 : 1);
  return m;
}

/// Every element of the group, for brute force on small H.
std::vector<NodeMap> whole_group(int H, bool flips) {
  std::vector<NodeMap> out;
  std::vector<int> perm(H);
  std::iota(perm.begin(), perm.end(), 0);
  do {
    for (int mask = 0; mask < (flips ? (1 << H) : 1); ++mask) {
      NodeMap m{perm, {}};
      for (int j = 0; j < H; ++j) m.sign.push_back((mask >> j) & 1 ? -1 : 1);
      out.push_back(m);
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  return out;
}

}  // namespace

TEST(Symmetry, EnergyAndGradientNormInvariant) {
  for (auto act : {Activation::Tanh, Activation::Sigmoid}) {
    for (int H = 1; H <= 6; ++H) {
      ModelSpec s{{2, H, 2}, act, Regularize::All, 1e-3};
      MlpLoss loss(xor_dataset(), s);
      const Eigen::VectorXd w = random_point(loss.dim(), H);
      const NodeMap m = random_map(H, act == Activation::Tanh, 7 * H);
      const Eigen::VectorXd w2 = apply(s, m, w);
      EXPECT_NEAR(loss.energy(w), loss.energy(w2), 1e-14);
      EXPECT_NEAR(loss.gradient(w).norm(), loss.gradient(w2).norm(), 1e-13);
      // The gradient transforms like the point (the map is linear and orthogonal).
      EXPECT_LE((apply(s, m, loss.gradient(w)) - loss.gradient(w2)).norm(), 1e-13);
    }
  }
}

TEST(Symmetry, SignFlipIsNotASymmetryOfSigmoid) {
  ModelSpec s{{2, 2, 2}, Activation::Sigmoid, Regularize::All, 1e-3};
  MlpLoss loss(xor_dataset(), s);
  const Eigen::VectorXd w = random_point(loss.dim(), 3);
  const Eigen::VectorXd w2 = apply(s, NodeMap{{0, 1}, {-1, 1}}, w);
  EXPECT_GT(std::abs(loss.energy(w) - loss.energy(w2)), 1e-6);
}

TEST(Symmetry, CanonicalFormIdempotentAndEqualForSymmetricCopies) {
  for (auto act : {Activation::Tanh, Activation::Sigmoid}) {
    for (int H = 1; H <= 6; ++H) {
      ModelSpec s{{2, H, 2}, act, Regularize::All, 1e-3};
      const Eigen::VectorXd w = random_point(s.num_params(), 11 * H);
      const Eigen::VectorXd c = canonical_form(s, w);
      EXPECT_EQ(canonical_form(s, c), c);
      for (unsigned k = 0; k < 5; ++k) {
        const Eigen::VectorXd copy = apply(s, random_map(H, act == Activation::Tanh, k + 100), w);
        EXPECT_EQ(canonical_form(s, copy), c) << "H=" << H << " copy " << k;
      }
    }
  }
}

TEST(Symmetry, AlignedDistanceZeroForCopiesAndPositiveOtherwise) {
  ModelSpec s{{2, 5, 2}, Activation::Tanh, Regularize::All, 1e-3};
  const Eigen::VectorXd a = random_point(s.num_params(), 1);
  const Eigen::VectorXd b = apply(s, random_map(5, true, 2), a);
  EXPECT_GT((a - b).norm(), 0.5);
  EXPECT_LT(aligned_distance(s, a, b), 1e-14);
  const Eigen::VectorXd c = random_point(s.num_params(), 3);
  EXPECT_GT(aligned_distance(s, a, c), 0.1);
  EXPECT_LE(aligned_distance(s, a, c), (a - c).norm() + 1e-15);
  // Output biases are not moved by node maps: a shift there is seen in full.
  Eigen::VectorXd d = b;
  d[s.num_params() - 1] += 0.25;
  EXPECT_NEAR(aligned_distance(s, a, d), 0.25, 1e-12);
}

TEST(Symmetry, HungarianAlignmentMatchesBruteForce) {
  for (auto act : {Activation::Tanh, Activation::Sigmoid}) {
    for (int H = 1; H <= 4; ++H) {
      ModelSpec s{{2, H, 2}, act, Regularize::All, 1e-3};
      const auto group = whole_group(H, act == Activation::Tanh);
      for (unsigned seed = 0; seed < 5; ++seed) {
        const Eigen::VectorXd a = random_point(s.num_params(), 50 + seed);
        const Eigen::VectorXd b = random_point(s.num_params(), 80 + seed);
        double best = 1e300;
        for (const auto& g : group) best = std::min(best, (a - apply(s, g, b)).norm());
        const Alignment al = align(s, a, b);
        EXPECT_NEAR(al.distance, best, 1e-12);
        EXPECT_NEAR((a - al.aligned).norm(), al.distance, 1e-12);
      }
    }
  }
}

TEST(Symmetry, XorHasTheInputSwapAsItsOnlyDatasetSymmetry) {
  const auto g = dataset_symmetries(xor_dataset());
  ASSERT_EQ(g.size(), 2u);
  int nontrivial = 0;
  for (const auto& e : g) {
    if (e.is_identity()) continue;
    ++nontrivial;
    EXPECT_EQ(e.input_perm, (std::vector<int>{1, 0}));
    EXPECT_EQ(e.class_perm, (std::vector<int>{0, 1}));
  }
  EXPECT_EQ(nontrivial, 1);
  // The swap leaves E unchanged but gives a different point.
  ModelSpec s{{2, 3, 2}, Activation::Tanh, Regularize::All, 1e-3};
  MlpLoss loss(xor_dataset(), s);
  const Eigen::VectorXd w = random_point(loss.dim(), 9);
  for (const auto& e : g) {
    const Eigen::VectorXd w2 = apply(s, e, w);
    EXPECT_NEAR(loss.energy(w), loss.energy(w2), 1e-14);
    if (!e.is_identity()) EXPECT_GT(aligned_distance(s, w, w2), 1e-3);
  }
}

TEST(Symmetry, DatasetSymmetryClassesGroupSwappedCopies) {
  ModelSpec s{{2, 2, 2}, Activation::Tanh, Regularize::All, 1e-3};
  const Eigen::VectorXd a = random_point(s.num_params(), 21);
  const Eigen::VectorXd c = random_point(s.num_params(), 22);
  const auto g = dataset_symmetries(xor_dataset());
  const DatasetSymmetry& swap = g[0].is_identity() ? g[1] : g[0];
  const Eigen::VectorXd b = apply(s, NodeMap{{1, 0}, {-1, 1}}, apply(s, swap, a));
  MlpLoss loss(xor_dataset(), s);
  const std::vector<double> e = {loss.energy(a), loss.energy(b), loss.energy(c)};
  const auto cls = dataset_symmetry_classes(s, xor_dataset(), e, {a, b, c});
  EXPECT_EQ(cls, (std::vector<int>{0, 0, 2}));
}
