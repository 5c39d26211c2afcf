#include "lossland/graph/disconnectivity.hpp"

#include <algorithm>
#include <cmath>
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

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  }
  void unite(int a, int b) { parent[find(a)] = find(b); }
};

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
  std::vector<char> kept(M, 0);
  for (std::int64_t i = 0; i < M; ++i) {
    const auto& m = land.minima[i];
    const bool zero = opt.omit_zero && is_all_zero(m.coords, opt.zero_tol);
    kept[i] = !zero && m.energy <= opt.max_energy;
    (kept[i] ? tree.minima_kept : tree.minima_omitted).push_back(i);
  }
  if (tree.minima_kept.empty())
    throw std::invalid_argument(
        M == 0
            ? "the database holds no minima: run lossland bh first"
            : "no minimum is left to draw (all were omitted by --no-zero or --emax): relax them");

  struct Link {
    int a, b;
    double e;
  };
  std::vector<Link> links;
  double e_top = -std::numeric_limits<double>::infinity();
  double e_bottom = std::numeric_limits<double>::infinity();
  for (std::int64_t i : tree.minima_kept) {
    e_top = std::max(e_top, land.minima[i].energy);
    e_bottom = std::min(e_bottom, land.minima[i].energy);
  }
  for (const auto& ts : land.transition_states) {
    if (ts.min1 < 0 || ts.min1 >= M || ts.min2 < 0 || ts.min2 >= M)
      throw std::invalid_argument("a transition state names a minimum outside the database");
    if (!kept[ts.min1] || !kept[ts.min2] || ts.min1 == ts.min2 || ts.energy > opt.max_energy)
      continue;
    links.push_back({static_cast<int>(ts.min1), static_cast<int>(ts.min2), ts.energy});
    e_top = std::max(e_top, ts.energy);
  }
  tree.transition_states_used = static_cast<int>(links.size());
  if (land.transition_states.empty() && land.minima.size() > 1)
    tree.notes.push_back(
        "no transition states yet: each minimum is its own branch (run lossland connect)");
  else if (links.empty())
    tree.notes.push_back("no transition state joins two of the drawn minima");

  // Levels e_k = e_top + delta/2 - k delta.
  const double range = e_top - e_bottom;
  int L;
  double delta;
  if (opt.spacing > 0) {
    delta = opt.spacing;
    L = static_cast<int>(std::min(10000.0, std::floor(range / delta) + 1));
  } else {
    L = opt.levels;
    delta = range / (L - 1);
  }
  if (!(delta > 0)) delta = std::max(std::abs(e_top) * 1e-6, 1e-12);
  tree.delta = delta;
  for (int k = 0; k < L; ++k) tree.level_energies.push_back(e_top + delta / 2 - k * delta);

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
  std::sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.e < b.e; });
  for (int k = 0; k < L; ++k) {
    const double ek = tree.level_energies[k];
    UnionFind uf(M);
    for (const auto& l : links)
      if (l.e < ek) uf.unite(l.a, l.b);
    // Members of the previous level's superbasins that lie above e_k end here as leaves.
    std::map<int, std::vector<std::int64_t>> groups;  // root -> members below e_k
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
      groups[uf.find(static_cast<int>(i))].push_back(i);
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
  if (!links.empty() && tree.roots.size() > 1)
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
