#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "kinetics/ngt_elimination.hpp"

namespace lossland::kinetics::detail {

namespace {

/// Removals per block of the dense phase: large enough that each block's product is
/// compute-bound, small enough that the panel stays in cache.
constexpr std::size_t kBlock = 64;

/// The range [e^-R, e^R] within which a number type keeps every value the dense phase forms
/// (probabilities, their sums, scaled waiting times) at full relative precision: far from
/// underflow, so that the absolute error of a product that does underflow, at most the
/// smallest subnormal, is below the type's epsilon relative to any value kept. double
/// underflows at e^-708, the x86 extended long double at e^-11355.
template <class Real>
constexpr double log_range();
template <>
constexpr double log_range<double>() {
  return 650.0;
}
template <>
constexpr double log_range<long double>() {
  return std::numeric_limits<long double>::max_exponent > 10000 ? 11000.0 : 650.0;
}

/// eliminate_dense in the number type Real (see ngt_elimination.hpp).
template <class Real>
bool eliminate_dense_as(const std::vector<std::int64_t>& core,
                        const std::vector<std::vector<Arc>>& out,
                        const std::vector<double>& log_tau, const std::vector<char>& transient,
                        Elimination& el) {
  const double range = log_range<Real>();
  const std::size_t n = core.size();
  // Columns: the core in its removal order, then every absorbing node a core node leads to.
  std::vector<std::int64_t> column_node(core.begin(), core.end());
  std::vector<std::int64_t> column_of(transient.size(), -1);
  for (std::size_t r = 0; r < n; ++r) column_of[core[r]] = static_cast<std::int64_t>(r);
  double t0 = -std::numeric_limits<double>::infinity();
  for (std::int64_t x : core) {
    t0 = std::max(t0, log_tau[x]);
    for (const Arc& a : out[x]) {
      if (a.lp < -range) return false;
      if (column_of[a.to] < 0) {
        column_of[a.to] = static_cast<std::int64_t>(column_node.size());
        column_node.push_back(a.to);
      }
    }
  }
  for (std::int64_t x : core)
    if (log_tau[x] - t0 < -range) return false;
  const std::size_t cols = column_node.size();
  std::vector<Real> p(n * cols, Real(0)), tau(n);
  for (std::size_t r = 0; r < n; ++r) {
    tau[r] = std::exp(static_cast<Real>(log_tau[core[r]] - t0));
    for (const Arc& a : out[core[r]]) p[r * cols + column_of[a.to]] = std::exp(Real(a.lp));
  }

  const std::size_t nodes_before = el.node.size(), arcs_before = el.arcs.size();
  auto undo = [&] {
    el.node.resize(nodes_before);
    el.begin.resize(nodes_before + 1);
    el.arcs.resize(arcs_before);
    el.log_leave.resize(nodes_before);
    el.log_tau.resize(nodes_before);
    return false;
  };
  const Real floor = std::exp(Real(-range)), ceiling = std::exp(Real(range));
  // Blocks of kBlock removals. Within a block, rows are updated one removal at a time on the
  // block's own columns (the panel); the rest of the matrix, columns past the block, takes the
  // block's removals at once as one product, P[R, >] += F P[K, >], with F the multipliers
  // P_{x<-b} / S_x: the same sums as removing the nodes one at a time, in another order.
  using RowMajor = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<RowMajor> pm(p.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols));
  std::vector<Arc> row;
  for (std::size_t k0 = 0; k0 < n; k0 += kBlock) {
    const std::size_t k1 = std::min(n, k0 + kBlock);
    for (std::size_t x = k0; x < k1; ++x) {
      // Row x is current: every earlier removal has reached it. Columns of removed nodes and
      // its own (the self-loop, left out) are not part of it.
      const Real* px = &p[x * cols];
      Real s = 0;
      row.clear();
      for (std::size_t c = x + 1; c < cols; ++c)
        if (px[c] > 0) {
          if (px[c] < floor) return undo();
          s += px[c];
          row.push_back({column_node[c], static_cast<double>(std::log(px[c]))});
        }
      if (!(s >= floor) || !(tau[x] <= ceiling)) return undo();
      std::sort(row.begin(), row.end(), [](const Arc& a, const Arc& b) { return a.to < b.to; });
      el.node.push_back(core[x]);
      el.arcs.insert(el.arcs.end(), row.begin(), row.end());
      el.begin.push_back(el.arcs.size());
      el.log_leave.push_back(static_cast<double>(std::log(s)));
      el.log_tau.push_back(static_cast<double>(std::log(tau[x])) + t0);
      // The block's later rows take x's removal on every column; the rows past the block only on
      // the block's columns, and their multiplier is kept in column x for the product below.
      for (std::size_t b = x + 1; b < n; ++b) {
        Real* pb = &p[b * cols];
        if (pb[x] == 0) continue;
        if (pb[x] < floor) return undo();
        const Real f = pb[x] / s;
        pb[x] = b < k1 ? Real(0) : f;
        const std::size_t end = b < k1 ? cols : k1;
        for (std::size_t c = x + 1; c < end; ++c) pb[c] += f * px[c];
        if (b < k1) pb[b] = 0;  // x's return to b joins b's self-loop, left out of b's sum
        tau[b] += f * tau[x];
      }
    }
    if (k1 == n) break;
    const auto r0 = static_cast<Eigen::Index>(k1), rk = static_cast<Eigen::Index>(n - k1);
    const auto b0 = static_cast<Eigen::Index>(k0), kb = static_cast<Eigen::Index>(k1 - k0);
    const auto c1 = static_cast<Eigen::Index>(cols - k1);
    pm.block(r0, r0, rk, c1).noalias() += pm.block(r0, b0, rk, kb) * pm.block(b0, r0, kb, c1);
    pm.block(r0, b0, rk, kb).setZero();
    for (std::size_t b = k1; b < n; ++b) p[b * cols + b] = 0;  // self-loops, left out
  }
  return true;
}

}  // namespace

bool eliminate_dense(const std::vector<std::int64_t>& core,
                     const std::vector<std::vector<Arc>>& out, const std::vector<double>& log_tau,
                     const std::vector<char>& transient, Elimination& el) {
  // double first (vectorised); where the fill-in reaches probabilities below its range, the
  // wider exponent of long double (scalar, some 5x slower, still far faster than logarithms).
  return eliminate_dense_as<double>(core, out, log_tau, transient, el) ||
         eliminate_dense_as<long double>(core, out, log_tau, transient, el);
}

}  // namespace lossland::kinetics::detail
