#include "lossland/model/stabiliser.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace lossland {

namespace {

using Big = __int128;

std::int64_t to_int64(Big v, const char* what) {
  if (v > Big(INT64_MAX)) throw std::overflow_error(std::string(what) + " exceeds int64");
  return static_cast<std::int64_t>(v);
}

Big factorial_power(int k, int base) {
  Big v = 1;
  for (int i = 2; i <= k; ++i) {
    v *= i;
    if (v > Big(INT64_MAX)) throw std::overflow_error("stabiliser order exceeds int64");
  }
  for (int i = 0; i < k; ++i) {
    v *= base;
    if (v > Big(INT64_MAX)) throw std::overflow_error("stabiliser order exceeds int64");
  }
  return v;
}

/// Permanent of a small non-negative integer matrix by Ryser's formula
/// perm(A) = (-1)^n sum_{S subset of columns} (-1)^|S| prod_i sum_{j in S} a_ij.
Big ryser(const std::vector<std::vector<int>>& a) {
  const int n = static_cast<int>(a.size());
  if (n > 20) throw std::overflow_error("stabiliser: a block of more than 20 nodes");
  Big total = 0;
  for (std::uint32_t s = 1; s < (1u << n); ++s) {
    Big prod = 1;
    for (int i = 0; i < n && prod != 0; ++i) {
      int row = 0;
      for (int j = 0; j < n; ++j)
        if (s & (1u << j)) row += a[i][j];
      prod *= row;
    }
    const int bits = __builtin_popcount(s);
    total += ((n - bits) % 2 == 0) ? prod : -prod;
  }
  return total;
}

}  // namespace

std::int64_t symmetry_group_order(const ModelSpec& spec) {
  const int H = spec.hidden();
  return to_int64(factorial_power(H, spec.activation == Activation::Tanh ? 2 : 1),
                  "symmetry group order");
}

double log_symmetry_group_order(const ModelSpec& spec) {
  const int H = spec.hidden();
  return std::lgamma(H + 1.0) + (spec.activation == Activation::Tanh ? H * std::log(2.0) : 0.0);
}

std::int64_t stabiliser_order(const ModelSpec& spec, const Eigen::VectorXd& w, double tol) {
  if (w.size() != spec.num_params())
    throw std::invalid_argument("stabiliser_order: parameter vector has " +
                                std::to_string(w.size()) + " entries, the model has " +
                                std::to_string(spec.num_params()));
  if (!(tol >= 0)) throw std::invalid_argument("stabiliser_order: tol must be >= 0");
  const ParamLayout L(spec);
  const bool flips = spec.activation == Activation::Tanh;
  std::vector<Eigen::VectorXd> node(L.H, Eigen::VectorXd(L.O + L.I + 1));
  for (int j = 0; j < L.H; ++j) {
    for (int i = 0; i < L.O; ++i) node[j][i] = w[L.V(i, j)];
    for (int k = 0; k < L.I; ++k) node[j][L.O + k] = w[L.W(j, k)];
    node[j][L.O + L.I] = w[L.b(j)];
  }
  std::vector<std::vector<int>> a(L.H, std::vector<int>(L.H, 0));
  std::vector<int> root(L.H);
  std::iota(root.begin(), root.end(), 0);
  auto find = [&](int x) {
    while (root[x] != x) x = root[x] = root[root[x]];
    return x;
  };
  for (int j = 0; j < L.H; ++j)
    for (int k = 0; k < L.H; ++k) {
      a[j][k] = ((node[k] - node[j]).cwiseAbs().maxCoeff() <= tol) +
                (flips && (node[k] + node[j]).cwiseAbs().maxCoeff() <= tol);
      if (a[j][k]) root[find(j)] = find(k);
    }
  Big order = 1;
  for (int r = 0; r < L.H; ++r) {
    if (find(r) != r) continue;
    std::vector<int> members;
    for (int j = 0; j < L.H; ++j)
      if (find(j) == r) members.push_back(j);
    const int k = static_cast<int>(members.size());
    const int c = a[members[0]][members[0]];
    bool constant = true;
    for (int x : members)
      for (int y : members) constant = constant && a[x][y] == c;
    Big block;
    if (constant) {
      block = factorial_power(k, c);
    } else {
      std::vector<std::vector<int>> sub(k, std::vector<int>(k));
      for (int x = 0; x < k; ++x)
        for (int y = 0; y < k; ++y) sub[x][y] = a[members[x]][members[y]];
      block = ryser(sub);
    }
    order *= block;
    if (order > Big(INT64_MAX)) throw std::overflow_error("stabiliser order exceeds int64");
  }
  return to_int64(order, "stabiliser order");
}

}  // namespace lossland
