/// The data of the landscape page: the disconnectivity tree, the minima and their columns, the
/// transition states the tree groups by, the merge transition state of every branching node,
/// stored path profiles and pictures.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "lossland/view/landscape_page.hpp"
#include "view/page_internal.hpp"

namespace lossland::view {

void LandscapePageOptions::validate() const {
  tree.validate();
  if (max_pictures < 0 || max_pictures > 1000000)
    throw std::invalid_argument("LandscapePageOptions.max_pictures: must be in [0, 1e6], got " +
                                std::to_string(max_pictures));
  if (!(zero_threshold >= 0 && zero_threshold < 1))
    throw std::invalid_argument("LandscapePageOptions.zero_threshold: must be in [0, 1)");
}

namespace detail {
namespace {

nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

/// The Kruskal merge tree of the transition states the disconnectivity tree groups by: adding
/// them in ascending energy to a union-find forest, each merge of two sets becomes a node whose
/// children are the two sets' merge nodes (a minimum is a node of its own). The lowest common
/// ancestor of two minima is the merge at which they first share a superbasin, so its
/// transition state is the highest one on their minimax path (the barrier between them).
class MergeTree {
 public:
  MergeTree(std::size_t minima, const std::vector<const db::StoredTransitionState*>& links,
            const std::vector<std::int64_t>& link_ids)
      : parent_(minima, -1), ts_(minima, -1) {
    std::vector<std::size_t> order(links.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return links[a]->energy < links[b]->energy;
    });
    std::vector<int> uf(minima), top(minima);
    std::iota(uf.begin(), uf.end(), 0);
    std::iota(top.begin(), top.end(), 0);
    auto find = [&](int x) {
      while (uf[x] != x) x = uf[x] = uf[uf[x]];
      return x;
    };
    for (std::size_t k : order) {
      const int a = find(static_cast<int>(links[k]->min1)),
                b = find(static_cast<int>(links[k]->min2));
      if (a == b) continue;
      const int node = static_cast<int>(parent_.size());
      parent_.push_back(-1);
      ts_.push_back(link_ids[k]);
      parent_[top[a]] = node;
      parent_[top[b]] = node;
      uf[b] = a;
      top[a] = node;
    }
    // Parents are created after their children, so depths fill from the last node down.
    depth_.assign(parent_.size(), 0);
    for (int n = static_cast<int>(parent_.size()) - 1; n >= 0; --n)
      if (parent_[n] >= 0) depth_[n] = depth_[parent_[n]] + 1;
  }

  /// Lowest common ancestor of two merge-tree nodes (-1 if they never join).
  int lca(int a, int b) const {
    while (a != b) {
      if (a < 0 || b < 0) return -1;
      if (depth_[a] >= depth_[b])
        a = parent_[a];
      else
        b = parent_[b];
    }
    return a;
  }
  std::int64_t ts_of(int node) const { return node < 0 ? -1 : ts_[node]; }

 private:
  std::vector<int> parent_;
  std::vector<std::int64_t> ts_;
  std::vector<int> depth_;
};

std::string lambda_label(double lambda) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", lambda);
  return buf;
}

}  // namespace

nlohmann::json page_data(const db::Landscape& land, const LandscapePageOptions& o) {
  o.validate();
  const graph::DisconnectivityTree t = graph::build_disconnectivity(land, o.tree);
  const std::size_t M = land.minima.size();

  // The transition states the tree groups by (disconnectivity.cpp): both ends at or below
  // max_energy, distinct, the transition state itself at or below max_energy.
  std::vector<const db::StoredTransitionState*> links;
  std::vector<std::int64_t> link_ids;
  nlohmann::json ts_json = nlohmann::json::array();
  const double emax = o.tree.max_energy;
  for (std::size_t i = 0; i < land.transition_states.size(); ++i) {
    const auto& ts = land.transition_states[i];
    if (ts.min1 < 0 || ts.min2 < 0 || ts.min1 >= static_cast<std::int64_t>(M) ||
        ts.min2 >= static_cast<std::int64_t>(M) || ts.min1 == ts.min2 || ts.energy > emax ||
        land.minima[ts.min1].energy > emax || land.minima[ts.min2].energy > emax)
      continue;
    links.push_back(&ts);
    link_ids.push_back(static_cast<std::int64_t>(i));
    ts_json.push_back({{"id", i}, {"energy", ts.energy}, {"min1", ts.min1}, {"min2", ts.min2}});
  }
  const MergeTree merges(M, links, link_ids);

  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& n : t.nodes) {
    std::int64_t ts = -1;
    if (n.children.size() >= 2) {
      int a = static_cast<int>(t.nodes[n.children[0]].lowest_minimum);
      for (std::size_t c = 1; c < n.children.size() && a >= 0; ++c)
        a = merges.lca(a, static_cast<int>(t.nodes[n.children[c]].lowest_minimum));
      ts = merges.ts_of(a);
    }
    nodes.push_back({{"x", n.x},
                     {"energy", n.energy},
                     {"level", n.level},
                     {"parent", n.parent},
                     {"children", n.children},
                     {"minimum", n.leaf ? n.lowest_minimum : -1},
                     {"lowest", n.lowest_minimum},
                     {"size", n.minima.size()},
                     {"ts", ts}});
  }
  nlohmann::json tree = {{"spacing", graph::to_string(t.spacing)},
                         {"levels", t.level_energies},
                         {"delta", t.delta},
                         {"log_offset", t.log_offset},
                         {"energy_min", t.energy_min},
                         {"window_top", t.window_top},
                         {"transition_states_above", t.transition_states_above},
                         {"highest_above", finite_or_null(t.highest_above)},
                         {"transition_states_used", t.transition_states_used},
                         {"num_leaves", t.num_leaves},
                         {"roots", t.roots},
                         {"notes", t.notes},
                         {"nodes", nodes}};

  std::vector<int> leaf_node(M, -1);
  for (std::size_t i = 0; i < t.nodes.size(); ++i)
    if (t.nodes[i].leaf) leaf_node[t.nodes[i].lowest_minimum] = static_cast<int>(i);
  nlohmann::json minima = nlohmann::json::array();
  for (std::size_t i = 0; i < M; ++i)
    minima.push_back({{"id", i},
                      {"energy", land.minima[i].energy},
                      {"drawn", leaf_node[i] >= 0},
                      {"leaf", leaf_node[i]}});

  nlohmann::json columns = nlohmann::json::object();
  for (const auto& [name, col] : land.minima_columns) {
    if (col.cols() != 1 || static_cast<std::size_t>(col.rows()) != M) continue;
    nlohmann::json v = nlohmann::json::array();
    for (Eigen::Index r = 0; r < col.rows(); ++r) v.push_back(finite_or_null(col(r, 0)));
    columns[name] = v;
  }
  const std::string color =
      o.color.empty() ? (columns.contains("auc") ? "auc" : "energy") : o.color;
  if (color != "energy" && !columns.contains(color)) {
    std::string have = "energy";
    for (const auto& [k, v] : columns.items()) have += ", " + k;
    throw std::invalid_argument(
        "LandscapePageOptions.color: the database has no 1-D /minima column '" + color +
        "' (it has: " + have + ")");
  }

  // Stored steepest-descent paths, as (s, E) per side, for the energy profiles.
  nlohmann::json profiles = nlohmann::json::object();
  for (const db::StoredPath& p : land.paths) {
    if (p.side != 1 && p.side != 2) continue;
    auto& e = profiles[std::to_string(p.ts)];
    e[p.side == 1 ? "s1" : "s2"] = p.s;
    e[p.side == 1 ? "e1" : "e2"] = p.energy;
  }

  // Pictures for the lowest drawn minima.
  std::vector<std::int64_t> by_energy = t.minima_kept;
  std::stable_sort(by_energy.begin(), by_energy.end(), [&](std::int64_t a, std::int64_t b) {
    return land.minima[a].energy < land.minima[b].energy;
  });
  if (by_energy.size() > static_cast<std::size_t>(o.max_pictures)) by_energy.resize(o.max_pictures);
  const bool have_coords = M == 0 || land.minima.front().coords.size() == land.num_params();
  const nlohmann::json pictures =
      have_coords ? minimum_pictures(land, by_energy, o) : nlohmann::json::object();

  std::string title = o.title;
  if (title.empty()) {
    title = (land.dataset.name == "xor" ? std::string("XOR") : land.dataset.name) + ", " +
            to_string(land.model.activation) + ", N_h = " + std::to_string(land.model.hidden()) +
            ", \xce\xbb = " + lambda_label(land.model.lambda);
  }
  std::string layers;
  for (int l : land.model.layers) layers += (layers.empty() ? "" : "-") + std::to_string(l);
  return {{"title", title},
          {"database", o.database.empty() ? std::string("DB") : o.database},
          {"model", layers + " network, " + std::string(to_string(land.model.activation)) +
                        " hidden units, \xce\xbb = " + lambda_label(land.model.lambda)},
          {"hidden", land.model.hidden()},
          {"analyzed", columns.contains("auc") && columns.contains("connected_hidden")},
          {"color", color},
          {"minima_total", M},
          {"transition_states_total", land.transition_states.size()},
          {"max_pictures", o.max_pictures},
          {"tree", tree},
          {"minima", minima},
          {"columns", columns},
          {"transition_states", ts_json},
          {"profiles", profiles},
          {"pictures", pictures}};
}

}  // namespace detail

std::string landscape_page_data(const db::Landscape& land, const LandscapePageOptions& o) {
  return detail::page_data(land, o).dump();
}

}  // namespace lossland::view
