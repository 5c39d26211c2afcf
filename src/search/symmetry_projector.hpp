#pragma once
/// \file
/// Private: the projector onto the subspace of points that a group of parameter symmetries
/// fixes, with which the steepest-descent path follower (steepest_descent.cpp) keeps a path in
/// its exact subspace.

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <map>
#include <utility>
#include <vector>

#include "lossland/model/symmetry.hpp"

namespace lossland::detail::descent {

/// Averages a point over the symmetries that fix the path (its exact subspace). The average
/// (1/|G|) sum_g g(x) is a linear map; it is assembled once as a sparse matrix (row k: the
/// coefficients of the parameters that the group's elements move to k), so applying it costs
/// its nonzeros, not |G| P.
class Projector {
 public:
  Projector() = default;
  explicit Projector(std::vector<ParameterMap> group) : group_(std::move(group)) {
    if (group_.size() < 2) return;
    const std::size_t P = group_.front().perm.size();
    const double w = 1.0 / static_cast<double>(group_.size());
    std::vector<std::map<int, double>> rows(P);
    for (const ParameterMap& g : group_)
      for (std::size_t k = 0; k < P; ++k) rows[k][g.perm[k]] += w * g.sign[k];
    start_.push_back(0);
    for (const auto& row : rows) {
      for (const auto& [j, c] : row)
        if (c != 0) entries_.push_back({j, c});
      start_.push_back(entries_.size());
    }
  }
  Eigen::VectorXd operator()(const Eigen::VectorXd& x) const {
    if (group_.size() < 2) return x;
    Eigen::VectorXd out(x.size());
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      double sum = 0;
      for (std::size_t e = start_[k]; e < start_[k + 1]; ++e)
        sum += entries_[e].second * x[entries_[e].first];
      out[k] = sum;
    }
    return out;
  }
  const std::vector<ParameterMap>& group() const { return group_; }
  /// The elements that also fix the point x and the direction v.
  Projector fixing(const Eigen::VectorXd& x, const Eigen::VectorXd& v) const {
    std::vector<ParameterMap> kept;
    const double tx = 1e-8 * std::max(1.0, x.norm());
    for (const ParameterMap& g : group_)
      if ((g(x) - x).norm() <= tx && (g(v) - v).norm() <= 1e-6 * v.norm()) kept.push_back(g);
    return Projector(std::move(kept));
  }

 private:
  std::vector<ParameterMap> group_;
  std::vector<std::size_t> start_;               ///< row k's entries: [start_[k], start_[k+1])
  std::vector<std::pair<int, double>> entries_;  ///< (column, coefficient)
};

}  // namespace lossland::detail::descent
