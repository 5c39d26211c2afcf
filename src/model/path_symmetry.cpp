/// The stabiliser of a point in the network's and the dataset's symmetry group, as signed
/// permutations of the parameters.
#include <cmath>
#include <set>

#include "lossland/model/symmetry.hpp"

namespace lossland {

namespace {

/// The signed permutation a linear map f of that form performs, read off f(1, 2, ..., P).
template <class F>
ParameterMap as_parameter_map(int P, F f) {
  Eigen::VectorXd idx(P);
  for (int k = 0; k < P; ++k) idx[k] = k + 1;
  const Eigen::VectorXd out = f(idx);
  ParameterMap m;
  for (int k = 0; k < P; ++k) {
    m.perm.push_back(static_cast<int>(std::lround(std::abs(out[k]))) - 1);
    m.sign.push_back(out[k] < 0 ? -1 : 1);
  }
  return m;
}

}  // namespace

Eigen::VectorXd ParameterMap::operator()(const Eigen::VectorXd& w) const {
  Eigen::VectorXd out(w.size());
  for (Eigen::Index k = 0; k < w.size(); ++k) out[k] = sign[k] * w[perm[k]];
  return out;
}

ParameterMap ParameterMap::after(const ParameterMap& other) const {
  // (this(other(w)))_k = sign_k (other(w))_{perm_k} = sign_k sign'_{perm_k} w_{perm'_{perm_k}}
  ParameterMap m;
  for (std::size_t k = 0; k < perm.size(); ++k) {
    m.perm.push_back(other.perm[perm[k]]);
    m.sign.push_back(sign[k] * other.sign[perm[k]]);
  }
  return m;
}

std::vector<ParameterMap> stabiliser_generators(const ModelSpec& spec, const Dataset& data,
                                                const Eigen::VectorXd& w, double tol) {
  const ParamLayout L(spec);
  const int P = spec.num_params();
  const double eps = tol * std::max(1.0, w.norm());
  const bool flips = spec.activation == Activation::Tanh;
  std::vector<ParameterMap> gens;
  auto node_map = [&](const NodeMap& nm) {
    return as_parameter_map(P, [&](const Eigen::VectorXd& x) { return apply(spec, nm, x); });
  };
  NodeMap id;
  for (int j = 0; j < L.H; ++j) {
    id.perm.push_back(j);
    id.sign.push_back(1);
  }
  auto node = [&](int j, double s) {
    Eigen::VectorXd v(L.I + 1 + L.O);
    for (int k = 0; k < L.I; ++k) v[k] = s * w[L.W(j, k)];
    v[L.I] = s * w[L.b(j)];
    for (int i = 0; i < L.O; ++i) v[L.I + 1 + i] = s * w[L.V(i, j)];
    return v;
  };
  for (int j = 0; j < L.H; ++j) {
    if (flips && node(j, 1).norm() <= eps) {
      NodeMap m = id;
      m.sign[j] = -1;
      gens.push_back(node_map(m));
    }
    for (int k = j + 1; k < L.H; ++k)
      for (const double s : {1.0, -1.0}) {
        if (s < 0 && !flips) continue;
        if ((node(j, 1) - node(k, s)).norm() > eps) continue;
        NodeMap m = id;
        std::swap(m.perm[j], m.perm[k]);
        m.sign[j] = m.sign[k] = static_cast<int>(s);
        gens.push_back(node_map(m));
      }
  }
  for (const DatasetSymmetry& d : dataset_symmetries(data)) {
    if (d.is_identity()) continue;
    const Alignment a = align(spec, w, apply(spec, d, w));
    if (a.distance > eps) continue;
    gens.push_back(as_parameter_map(
        P, [&](const Eigen::VectorXd& x) { return apply(spec, a.map, apply(spec, d, x)); }));
  }
  return gens;
}

std::vector<ParameterMap> generated_group(const std::vector<ParameterMap>& gens, int dim,
                                          std::size_t max_size) {
  ParameterMap identity;
  for (int k = 0; k < dim; ++k) {
    identity.perm.push_back(k);
    identity.sign.push_back(1);
  }
  std::vector<ParameterMap> group{identity};
  std::set<std::pair<std::vector<int>, std::vector<int>>> seen{{identity.perm, identity.sign}};
  for (std::size_t at = 0; at < group.size(); ++at)
    for (const ParameterMap& g : gens) {
      const ParameterMap h = g.after(group[at]);
      if (!seen.insert({h.perm, h.sign}).second) continue;
      if (group.size() >= max_size) return {identity};
      group.push_back(h);
    }
  return group;
}

}  // namespace lossland
