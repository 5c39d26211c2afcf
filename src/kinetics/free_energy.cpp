#include "lossland/kinetics/free_energy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <stdexcept>

#include "lossland/kinetics/thermo.hpp"

namespace lossland::kinetics {

void FreeEnergyOptions::validate() const {
  check_temperature(temperature);
  if (!std::isnan(regroup_barrier) && !(regroup_barrier >= 0 && std::isfinite(regroup_barrier)))
    throw std::invalid_argument("regroup barrier must be a finite free energy >= 0");
}

double log_ts_partition_function(const HarmonicLandscape& h, std::size_t s, double T) {
  const HarmonicTransitionState& t = h.transition_states.at(s);
  return h.log_group_order - t.log_order - t.energy / T +
         0.5 * (h.dimension - 1) * std::log(2 * M_PI * T) - 0.5 * t.log_det;
}

FreeEnergyGroups free_energy_groups(const HarmonicLandscape& h, const FreeEnergyOptions& o) {
  o.validate();
  const double T = o.temperature;
  const ThermoResult th = thermodynamics(h, T);
  const std::size_t M = h.minima.size();
  std::vector<double> log_zs(h.transition_states.size());
  for (std::size_t s = 0; s < log_zs.size(); ++s) log_zs[s] = log_ts_partition_function(h, s, T);

  // Groups by union-find with their ln Z; links recomputed from the transition states.
  std::vector<int> root(M);
  std::iota(root.begin(), root.end(), 0);
  std::function<int(int)> find = [&](int x) { return root[x] == x ? x : root[x] = find(root[x]); };
  std::vector<double> group_log_z = th.log_z;
  auto links_now = [&] {
    std::map<std::pair<int, int>, double> links;
    for (std::size_t s = 0; s < h.transition_states.size(); ++s) {
      int a = find(static_cast<int>(h.transition_states[s].min1));
      int b = find(static_cast<int>(h.transition_states[s].min2));
      if (a == b) continue;
      if (a > b) std::swap(a, b);
      auto [it, fresh] = links.emplace(std::pair{a, b}, log_zs[s]);
      if (!fresh) it->second = log_add(it->second, log_zs[s]);
    }
    return links;
  };
  const double threshold = o.barrier();
  while (true) {
    const auto links = links_now();
    double best = std::numeric_limits<double>::infinity();
    std::pair<int, int> pick{-1, -1};
    for (const auto& [ab, lz] : links) {
      // F_ab - max(F_a, F_b) = -T (lz - min(lnZ_a, lnZ_b))
      const double barrier = -T * (lz - std::min(group_log_z[ab.first], group_log_z[ab.second]));
      if (barrier < best) {
        best = barrier;
        pick = ab;
      }
    }
    if (pick.first < 0 || !(best < threshold)) break;
    root[pick.second] = pick.first;
    group_log_z[pick.first] = log_add(group_log_z[pick.first], group_log_z[pick.second]);
  }

  FreeEnergyGroups g;
  g.temperature = T;
  g.regroup_barrier = threshold;
  std::map<int, int> id_of_root;
  // Groups numbered by ascending free energy (the lowest is group 0).
  std::vector<int> roots;
  for (std::size_t i = 0; i < M; ++i)
    if (find(static_cast<int>(i)) == static_cast<int>(i)) roots.push_back(static_cast<int>(i));
  std::stable_sort(roots.begin(), roots.end(),
                   [&](int x, int y) { return group_log_z[x] > group_log_z[y]; });
  for (std::size_t k = 0; k < roots.size(); ++k) id_of_root[roots[k]] = static_cast<int>(k);
  g.members.resize(roots.size());
  g.group_of.resize(M);
  for (std::size_t i = 0; i < M; ++i) {
    g.group_of[i] = id_of_root.at(find(static_cast<int>(i)));
    g.members[g.group_of[i]].push_back(static_cast<std::int64_t>(i));
  }
  for (std::size_t k = 0; k < roots.size(); ++k) {
    g.free_energy.push_back(-T * group_log_z[roots[k]]);
    const auto& mem = g.members[k];
    g.representative.push_back(*std::max_element(
        mem.begin(), mem.end(), [&](auto x, auto y) { return th.log_z[x] < th.log_z[y]; }));
  }
  std::map<std::pair<int, int>, FreeEnergyLink> links;
  std::map<std::pair<int, int>, std::vector<double>> sums;
  for (std::size_t s = 0; s < h.transition_states.size(); ++s) {
    int a = g.group_of[h.transition_states[s].min1], b = g.group_of[h.transition_states[s].min2];
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    FreeEnergyLink& l = links[{a, b}];
    l.a = a;
    l.b = b;
    if (l.representative < 0 || log_zs[s] > log_zs[l.representative])
      l.representative = static_cast<std::int64_t>(s);
    l.transition_states.push_back(static_cast<std::int64_t>(s));
    sums[{a, b}].push_back(log_zs[s]);
  }
  for (auto& [ab, l] : links) {
    l.free_energy = -T * log_sum_exp(sums[ab]);
    g.links.push_back(l);
  }
  return g;
}

db::Landscape free_energy_landscape(const db::Landscape& land, const FreeEnergyGroups& g) {
  db::Landscape out;
  out.model = land.model;
  out.dataset = land.dataset;
  out.created_by = land.created_by;
  out.notes = land.notes;
  out.notes["free_energy_temperature"] = fmt::format("{}", g.temperature);  // stored as a number
  const auto G = static_cast<Eigen::Index>(g.members.size());
  for (Eigen::Index k = 0; k < G; ++k) {
    db::StoredPoint p = land.minima.at(g.representative[k]);
    p.energy = g.free_energy[k];
    out.minima.push_back(p);
  }
  for (const auto& [name, col] : land.minima_columns) {
    if (col.cols() != 1) continue;
    Eigen::MatrixXd c(G, 1);
    for (Eigen::Index k = 0; k < G; ++k) c(k, 0) = col(g.representative[k], 0);
    out.minima_columns[name] = c;
  }
  Eigen::MatrixXd count(G, 1), rep(G, 1);
  for (Eigen::Index k = 0; k < G; ++k) {
    count(k, 0) = static_cast<double>(g.members[k].size());
    rep(k, 0) = static_cast<double>(g.representative[k]);
  }
  out.minima_columns["members"] = count;
  out.minima_columns["representative"] = rep;
  for (const auto& l : g.links) {
    db::StoredTransitionState t;
    static_cast<db::StoredPoint&>(t) = land.transition_states.at(l.representative);
    t.energy = l.free_energy;
    t.min1 = l.a;
    t.min2 = l.b;
    out.transition_states.push_back(t);
  }
  return out;
}

}  // namespace lossland::kinetics
