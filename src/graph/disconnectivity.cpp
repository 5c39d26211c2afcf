#include "lossland/graph/disconnectivity.hpp"
#include "util/disjoint_sets.hpp"

#include "graph/levels.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <numeric>
#include <stdexcept>

namespace lossland::graph {

void DisconnectivityOptions::validate() const {
  if (spacing == 0.0 && (levels < 2 || levels > 10000))
    throw std::invalid_argument("levels must be in [2, 10000] (got " + std::to_string(levels) +
                                ")");
  if (!(spacing >= 0.0) || !std::isfinite(spacing))
    throw std::invalid_argument("spacing must be 0 (use levels) or a finite positive energy");
  if (!(zero_tol >= 0.0 && zero_tol < 1.0))
    throw std::invalid_argument("zero_tol must be in [0, 1)");
  if (std::isnan(max_energy)) throw std::invalid_argument("max_energy must not be NaN");
  if (!(log_offset >= 0.0) || !std::isfinite(log_offset))
    throw std::invalid_argument("log_offset must be 0 (automatic) or a finite positive energy");
  if (spacing > 0 && level_spacing == LevelSpacing::Log)
    throw std::invalid_argument(
        "spacing (--spacing, an energy step) needs linear levels; with log levels give the "
        "number of levels (--levels) instead");
}

const char* to_string(LevelSpacing s) {
  switch (s) {
    case LevelSpacing::Auto:
      return "auto";
    case LevelSpacing::Linear:
      return "linear";
    case LevelSpacing::Log:
      return "log";
  }
  return "?";
}

const char* to_string(WindowTop t) {
  return t == WindowTop::Join ? "join" : "highest";
}

double DisconnectivityTree::level_coordinate(double energy) const {
  if (spacing != LevelSpacing::Log) return energy;
  return std::log(std::max(energy - energy_min + log_offset, std::numeric_limits<double>::min()));
}

bool is_all_zero(const Eigen::VectorXd& coords, double tol) {
  return coords.size() == 0 || coords.cwiseAbs().maxCoeff() <= tol;
}

int DisconnectivityTree::leaf_of(std::int64_t id) const {
  for (std::size_t n = 0; n < nodes.size(); ++n)
    if (nodes[n].leaf && nodes[n].lowest_minimum == id) return static_cast<int>(n);
  return -1;
}

namespace {

using lossland::detail::DisjointSets;

/// Orders items by ascending key, then places them lowest in the middle: the first goes in, the
/// second to its right, the third to the left, and so on (index of the lowest: (n - 1) / 2).
std::vector<int> centred_order(std::vector<int> items, const std::function<double(int)>& key) {
  std::stable_sort(items.begin(), items.end(), [&](int a, int b) { return key(a) < key(b); });
  std::deque<int> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i % 2 == 0 && i > 0)
      out.push_front(items[i]);
    else
      out.push_back(items[i]);
  }
  return {out.begin(), out.end()};
}

}  // namespace

DisconnectivityTree build_disconnectivity(const db::Landscape& land,
                                          const DisconnectivityOptions& opt) {
  opt.validate();
  DisconnectivityTree tree;
  const std::int64_t M = static_cast<std::int64_t>(land.minima.size());
  tree.minima_total = land.minima.size();
  tree.transition_states_total = land.transition_states.size();
  // kept: drawn; hidden: the all-zero minimum under omit_zero, grouped but not drawn.
  std::vector<char> kept(M, 0), present(M, 0);
  for (std::int64_t i = 0; i < M; ++i) {
    const auto& m = land.minima[i];
    present[i] = m.energy <= opt.max_energy;
    kept[i] = present[i] && !(opt.omit_zero && is_all_zero(m.coords, opt.zero_tol));
    (kept[i] ? tree.minima_kept : tree.minima_omitted).push_back(i);
  }
  if (tree.minima_kept.empty())
    throw std::invalid_argument(
        M == 0
            ? "the database holds no minima: run lossland bh first"
            : "no minimum is left to draw (all were omitted by --no-zero or --emax): relax them");

  {
    const auto above = std::count(present.begin(), present.end(), 0);
    const auto hidden = static_cast<std::int64_t>(tree.minima_omitted.size()) - above;
    if (hidden > 0)
      tree.notes.push_back(hidden == 1 ? "all-zero minimum not drawn (it still joins the others)"
                                       : std::to_string(hidden) +
                                             " all-zero minima not drawn (they still join others)");
    if (above > 0) {
      tree.notes.push_back(fmt::format("{} minim{} above E = {:.6g} left out", above,
                                       above == 1 ? "um" : "a", opt.max_energy));
    }
  }

  struct Link {
    int a, b;
    double e;
  };
  std::vector<Link> links;
  double e_high_min = -std::numeric_limits<double>::infinity();
  double e_bottom = std::numeric_limits<double>::infinity();
  std::vector<double> kept_energies;
  for (std::int64_t i : tree.minima_kept) {
    e_high_min = std::max(e_high_min, land.minima[i].energy);
    e_bottom = std::min(e_bottom, land.minima[i].energy);
    kept_energies.push_back(land.minima[i].energy);
  }
  double e_high_ts = -std::numeric_limits<double>::infinity();
  for (const auto& ts : land.transition_states) {
    if (ts.min1 < 0 || ts.min1 >= M || ts.min2 < 0 || ts.min2 >= M)
      throw std::invalid_argument("a transition state names a minimum outside the database");
    if (!present[ts.min1] || !present[ts.min2] || ts.min1 == ts.min2 || ts.energy > opt.max_energy)
      continue;
    links.push_back({static_cast<int>(ts.min1), static_cast<int>(ts.min2), ts.energy});
    e_high_ts = std::max(e_high_ts, ts.energy);
  }
  std::sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.e < b.e; });
  tree.transition_states_used = static_cast<int>(links.size());

  // Merges of drawn basins, in ascending order of the transition states (Kruskal): a union of
  // two sets that both hold a drawn minimum.
  {
    DisjointSets uf(M);
    std::vector<char> has_kept(kept);
    for (const auto& l : links) {
      const std::size_t ra = uf.find(l.a), rb = uf.find(l.b);
      if (ra == rb) continue;
      if (has_kept[ra] && has_kept[rb]) tree.merge_energies.push_back(l.e);
      uf.unite(ra, rb);
      has_kept[uf.find(ra)] = has_kept[ra] || has_kept[rb];
    }
    std::vector<int> drawn_in_set(M, 0);
    for (std::int64_t i : tree.minima_kept) ++drawn_in_set[uf.find(static_cast<std::size_t>(i))];
    for (std::int64_t i : tree.minima_kept)
      if (drawn_in_set[uf.find(static_cast<std::size_t>(i))] == 1)
        tree.minima_isolated.push_back(i);
  }
  if (!tree.merge_energies.empty()) tree.join_energy = tree.merge_energies.back();
  if (land.transition_states.empty() && land.minima.size() > 1)
    tree.notes.push_back(
        "no transition states yet: each minimum is its own branch (run lossland connect)");
  else if (tree.merge_energies.empty() && tree.minima_kept.size() > 1)
    tree.notes.push_back("no transition state joins two of the drawn minima");
  else if (!tree.minima_isolated.empty() && std::isfinite(opt.max_energy)) {
    tree.notes.push_back(
        fmt::format("{} minim{} with no transition state below E = {:.6g} drawn as separate roots",
                    tree.minima_isolated.size(), tree.minima_isolated.size() == 1 ? "um" : "a",
                    opt.max_energy));
  }

  // The window and the levels.
  const double e_top =
      std::max(e_high_min, opt.top == WindowTop::Join ? tree.join_energy : e_high_ts);
  const LevelPlan plan = choose_levels(opt, e_bottom, e_top, tree.merge_energies, kept_energies);
  tree.level_energies = plan.energies;
  tree.delta = plan.delta;
  tree.spacing = plan.spacing;
  tree.log_offset = plan.log_offset;
  tree.energy_min = e_bottom;
  tree.window_top = plan.window_top;
  const int L = static_cast<int>(tree.level_energies.size());
  for (const auto& l : links)
    if (l.e >= tree.level_energies.front()) {
      ++tree.transition_states_above;
      tree.highest_above = std::max(tree.highest_above, l.e);
    }

  auto energy_of = [&](std::int64_t i) { return land.minima[i].energy; };
  auto add_node = [&](DisconnectivityNode n) {
    tree.nodes.push_back(std::move(n));
    return static_cast<int>(tree.nodes.size()) - 1;
  };
  auto make_leaf = [&](std::int64_t id, int level, int parent) {
    DisconnectivityNode n;
    n.level = level;
    n.energy = energy_of(id);
    n.parent = parent;
    n.minima = {id};
    n.lowest_minimum = id;
    n.leaf = true;
    const int idx = add_node(n);
    if (parent >= 0) tree.nodes[parent].children.push_back(idx);
    return idx;
  };

  // open[i] = node holding minimum i at the previous level (a superbasin of >= 2 minima), or -1
  // once the minimum has its leaf.
  std::vector<int> open(M, -1);
  std::vector<int> roots_unordered;
  for (int k = 0; k < L; ++k) {
    const double ek = tree.level_energies[k];
    DisjointSets uf(M);
    for (const auto& l : links)
      if (l.e < ek) uf.unite(l.a, l.b);
    // Members of the previous level's superbasins that lie above e_k end here as leaves.
    std::map<std::size_t, std::vector<std::int64_t>> groups;  // root -> members below e_k
    for (std::int64_t i : tree.minima_kept) {
      const bool alive = (k == 0) || open[i] >= 0;
      if (!alive) continue;
      if (energy_of(i) >= ek) {
        if (k > 0) {
          make_leaf(i, k - 1, open[i]);
          open[i] = -1;
        }
        continue;
      }
      groups[uf.find(static_cast<std::size_t>(i))].push_back(i);
    }
    for (auto& [root, members] : groups) {
      const int parent = k == 0 ? -1 : open[members.front()];
      if (members.size() == 1) {
        const int leaf = make_leaf(members.front(), k, parent);
        if (k == 0) roots_unordered.push_back(leaf);
        open[members.front()] = -1;
        continue;
      }
      DisconnectivityNode n;
      n.level = k;
      n.energy = ek;
      n.parent = parent;
      n.minima = members;
      n.lowest_minimum = *std::min_element(
          members.begin(), members.end(),
          [&](std::int64_t a, std::int64_t b) { return energy_of(a) < energy_of(b); });
      const int idx = add_node(n);
      if (parent >= 0)
        tree.nodes[parent].children.push_back(idx);
      else
        roots_unordered.push_back(idx);
      for (std::int64_t i : members) open[i] = idx;
    }
  }
  // Basins still holding several minima below the last level end in one leaf per minimum.
  for (std::int64_t i : tree.minima_kept)
    if (open[i] >= 0) make_leaf(i, L - 1, open[i]);

  // Layout: centred order at every node, leaves numbered left to right, x = mean of children.
  auto low_energy = [&](int node) { return energy_of(tree.nodes[node].lowest_minimum); };
  for (auto& n : tree.nodes) n.children = centred_order(n.children, low_energy);
  tree.roots = centred_order(roots_unordered, low_energy);
  if (!tree.merge_energies.empty() && tree.roots.size() > 1)
    tree.notes.push_back(std::to_string(tree.roots.size()) +
                         " connected sets: branches that never join share no transition state");
  int next = 0;
  std::function<void(int)> place = [&](int node) {
    auto& n = tree.nodes[node];
    if (n.children.empty()) {
      n.x = next++;
      return;
    }
    double sum = 0;
    for (int c : n.children) {
      place(c);
      sum += tree.nodes[c].x;
    }
    tree.nodes[node].x = sum / static_cast<double>(tree.nodes[node].children.size());
  };
  for (int r : tree.roots) place(r);
  tree.num_leaves = next;
  return tree;
}

}  // namespace lossland::graph
