#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/stabiliser.hpp"
#include "lossland/model/symmetry.hpp"

using namespace lossland;

namespace {

/// Brute force: applies every one of the H! 2^H (tanh) or H! (sigmoid) elements and counts
/// those with |g(w) - w|_inf <= tol.
std::int64_t brute_force_order(const ModelSpec& s, const Eigen::VectorXd& w, double tol) {
  const int H = s.hidden();
  const bool flips = s.activation == Activation::Tanh;
  std::vector<int> perm(H);
  std::iota(perm.begin(), perm.end(), 0);
  std::int64_t count = 0;
  do {
    for (int mask = 0; mask < (flips ? (1 << H) : 1); ++mask) {
      NodeMap m{perm, {}};
      for (int j = 0; j < H; ++j) m.sign.push_back((mask >> j) & 1 ? -1 : 1);
      count += (apply(s, m, w) - w).cwiseAbs().maxCoeff() <= tol;
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  return count;
}

/// A point built node by node: each node is a random vector, a copy (up to a random sign) of
/// an earlier node, or dead (all zero), as `kinds` says ('r', 'c', 'z'), then randomly
/// permuted and sign-flipped by the group so the structure is hidden.
Eigen::VectorXd structured_point(const ModelSpec& s, const std::string& kinds, unsigned seed) {
  const ParamLayout L(s);
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd;
  Eigen::VectorXd w(L.size());
  for (int i = 0; i < L.size(); ++i) w[i] = nd(rng);
  for (int j = 0; j < L.H; ++j) {
    const char k = kinds[j];
    if (k == 'r') continue;
    const int src = k == 'c' ? std::uniform_int_distribution<int>(0, j - 1)(rng) : -1;
    const double sign = (s.activation == Activation::Tanh && (rng() & 1)) ? -1.0 : 1.0;
    auto set = [&](int idx, int src_idx) { w[idx] = src < 0 ? 0.0 : sign * w[src_idx]; };
    for (int kk = 0; kk < L.I; ++kk) set(L.W(j, kk), src < 0 ? 0 : L.W(src, kk));
    set(L.b(j), src < 0 ? 0 : L.b(src));
    for (int i = 0; i < L.O; ++i) set(L.V(i, j), src < 0 ? 0 : L.V(i, src));
  }
  NodeMap g;
  g.perm.resize(L.H);
  std::iota(g.perm.begin(), g.perm.end(), 0);
  std::shuffle(g.perm.begin(), g.perm.end(), rng);
  for (int j = 0; j < L.H; ++j)
    g.sign.push_back(s.activation == Activation::Tanh && (rng() & 1) ? -1 : 1);
  return apply(s, g, w);
}

}  // namespace

TEST(Stabiliser, GroupOrder) {
  EXPECT_EQ(symmetry_group_order({{2, 3, 2}, Activation::Tanh, Regularize::All, 1e-4}), 48);
  EXPECT_EQ(symmetry_group_order({{2, 4, 2}, Activation::Sigmoid, Regularize::All, 1e-4}), 24);
  EXPECT_NEAR(log_symmetry_group_order({{2, 6, 2}, Activation::Tanh, Regularize::All, 1e-4}),
              std::log(720.0 * 64.0), 1e-12);
}

TEST(Stabiliser, ZeroPointIsFixedByTheWholeGroup) {
  for (auto act : {Activation::Tanh, Activation::Sigmoid})
    for (int H = 1; H <= 6; ++H) {
      const ModelSpec s{{2, H, 2}, act, Regularize::All, 1e-4};
      Eigen::VectorXd w = Eigen::VectorXd::Zero(s.num_params());
      const ParamLayout L(s);
      w[L.c(0)] = 0.3;  // output biases are fixed by every element
      EXPECT_EQ(stabiliser_order(s, w), symmetry_group_order(s)) << "H = " << H;
      if (H <= 4) EXPECT_EQ(brute_force_order(s, w, kStabiliserTolerance), symmetry_group_order(s));
    }
}

TEST(Stabiliser, MatchesBruteForceOverTheWholeGroup) {
  // Every node structure for H <= 4: random, copies of earlier nodes (up to sign) and dead
  // nodes, in every combination, for tanh and sigmoid.
  int checked = 0, nontrivial = 0;
  for (auto act : {Activation::Tanh, Activation::Sigmoid})
    for (int H = 1; H <= 4; ++H) {
      const ModelSpec s{{2, H, 2}, act, Regularize::All, 1e-4};
      std::vector<std::string> patterns{""};
      for (int j = 0; j < H; ++j) {
        std::vector<std::string> next;
        for (const auto& p : patterns)
          for (char k : std::string(j == 0 ? "rz" : "rcz")) next.push_back(p + k);
        patterns = next;
      }
      for (const auto& pat : patterns)
        for (unsigned seed = 1; seed <= 3; ++seed) {
          const Eigen::VectorXd w = structured_point(s, pat, seed * 31 + H);
          const std::int64_t fast = stabiliser_order(s, w),
                             slow = brute_force_order(s, w, kStabiliserTolerance);
          EXPECT_EQ(fast, slow) << to_string(act) << " H = " << H << " pattern " << pat;
          ++checked;
          nontrivial += fast > 1;
        }
    }
  EXPECT_GT(checked, 300);
  EXPECT_GT(nontrivial, 150);
}

TEST(Stabiliser, KnownCases) {
  const ModelSpec s{{2, 3, 2}, Activation::Tanh, Regularize::All, 1e-4};
  const ParamLayout L(s);
  std::mt19937 rng(5);
  std::normal_distribution<double> nd;
  Eigen::VectorXd w(s.num_params());
  for (int i = 0; i < w.size(); ++i) w[i] = nd(rng);
  EXPECT_EQ(stabiliser_order(s, w), 1);  // generic
  // Node 2 dead: its sign flip fixes the point.
  Eigen::VectorXd dead = w;
  for (int k = 0; k < L.I; ++k) dead[L.W(2, k)] = 0;
  dead[L.b(2)] = 0;
  for (int i = 0; i < L.O; ++i) dead[L.V(i, 2)] = 0;
  EXPECT_EQ(stabiliser_order(s, dead), 2);
  // A node with zero outgoing weights but a non-zero bias is not dead: flipping it moves b.
  Eigen::VectorXd half = dead;
  half[L.b(2)] = 0.5;
  EXPECT_EQ(stabiliser_order(s, half), 1);
  // Nodes 0 and 1 identical up to sign: swapping them (with both signs flipped) fixes it.
  Eigen::VectorXd twin = dead;
  for (int k = 0; k < L.I; ++k) twin[L.W(1, k)] = -twin[L.W(0, k)];
  twin[L.b(1)] = -twin[L.b(0)];
  for (int i = 0; i < L.O; ++i) twin[L.V(i, 1)] = -twin[L.V(i, 0)];
  EXPECT_EQ(stabiliser_order(s, twin), 4);  // 2! for the twins x 2 for the dead node
  EXPECT_EQ(brute_force_order(s, twin, kStabiliserTolerance), 4);
  // Sigmoid has no flips: a sign-flipped twin is not a twin, a dead node has factor 1.
  const ModelSpec sig{{2, 3, 2}, Activation::Sigmoid, Regularize::All, 1e-4};
  EXPECT_EQ(stabiliser_order(sig, twin), 1);
  // The tolerance: a perturbation of 1e-7 keeps the symmetry, one of 1e-3 breaks it.
  Eigen::VectorXd near = twin;
  near[L.W(1, 0)] += 1e-7;
  EXPECT_EQ(stabiliser_order(s, near), 4);
  near[L.W(1, 0)] += 1e-3;
  EXPECT_EQ(stabiliser_order(s, near), 2);
  // Canonical form does not change the order.
  EXPECT_EQ(stabiliser_order(s, canonical_form(s, twin)), 4);
}

TEST(Stabiliser, NonTransitiveToleranceStillMatchesBruteForce) {
  // Nodes a, b, c with |a - b| and |b - c| within tol but |a - c| not: the permanent counts
  // exactly the elements brute force accepts (no equivalence classes assumed).
  const ModelSpec s{{2, 3, 2}, Activation::Sigmoid, Regularize::All, 1e-4};
  const ParamLayout L(s);
  Eigen::VectorXd w = Eigen::VectorXd::Constant(s.num_params(), 0.4);
  const double tol = 1e-3;
  w[L.W(1, 0)] += 0.8e-3;
  w[L.W(2, 0)] += 1.6e-3;
  EXPECT_EQ(stabiliser_order(s, w, tol), brute_force_order(s, w, tol));
  EXPECT_EQ(stabiliser_order(s, w, tol), 3);  // identity, (0 1), (1 2)
}

TEST(Stabiliser, BadInput) {
  const ModelSpec s{{2, 3, 2}, Activation::Tanh, Regularize::All, 1e-4};
  EXPECT_THROW(stabiliser_order(s, Eigen::VectorXd::Zero(3)), std::invalid_argument);
  EXPECT_THROW(stabiliser_order(s, Eigen::VectorXd::Zero(s.num_params()), -1),
               std::invalid_argument);
}
