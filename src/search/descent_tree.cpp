/// The tree of paths that a steepest descent with branch points leaves: its leaves (the minima
/// it ends in), the path to one leaf with symmetric images carried, the representative leaf, and
/// downsampling a path. See steepest_descent.hpp.
#include "lossland/search/steepest_descent.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace lossland {

void downsample_path(std::vector<PathPoint>& pts, int n) {
  if (static_cast<int>(pts.size()) <= n) return;
  const double s0 = pts.front().s, s1 = pts.back().s;
  std::vector<PathPoint> kept{pts.front()};
  std::size_t at = 0;
  for (int k = 1; k + 1 < n; ++k) {
    const double want = s0 + (s1 - s0) * k / (n - 1);
    while (at + 1 < pts.size() && pts[at + 1].s <= want) ++at;
    if (at > 0 && at + 1 < pts.size() && (kept.size() < 2 || pts[at].s > kept.back().s))
      kept.push_back(pts[at]);
  }
  kept.push_back(pts.back());
  pts = std::move(kept);
}

namespace {

/// Follows a branch's image_of chain to the branch that has a path of its own; `map` becomes
/// the symmetry that carries that branch onto branch k (nullopt: k has its own path).
std::size_t resolve_image(const std::vector<DescentPath>& branches, std::size_t k,
                          std::optional<ParameterMap>& map) {
  map.reset();
  while (branches[k].image_of >= 0) {
    map = map ? map->after(branches[k].image_map) : branches[k].image_map;
    k = static_cast<std::size_t>(branches[k].image_of);
  }
  return k;
}

/// A stationary point, or path points, carried by a symmetry (the spectrum is unchanged).
PathStationary carried(PathStationary p, const std::optional<ParameterMap>& g) {
  if (g) p.x = (*g)(p.x);
  return p;
}

/// Appends d's points (without the first, which its parent ends with, unless `first`).
void append_points(const DescentPath& d, const std::optional<ParameterMap>& g, bool first,
                   std::vector<PathPoint>& to) {
  for (std::size_t k = first ? 0 : 1; k < d.points.size(); ++k) {
    to.push_back(d.points[k]);
    if (g) to.back().x = (*g)(to.back().x);
  }
}

/// Leaves below d, whose points are carried by g; prefix: the path so far (null: no paths).
void collect(const DescentPath& d, const std::optional<ParameterMap>& g,
             std::vector<PathPoint>* prefix, std::vector<int>& route, int depth, double branch_E,
             std::vector<DescentLeaf>& out) {
  if (prefix) append_points(d, g, prefix->empty(), *prefix);
  if (!d.branched) {
    if (d.ok()) {
      out.push_back({carried(d.end, g), {}, depth, branch_E, route});
      if (prefix) out.back().path = *prefix;
    }
  } else if (!d.revisit) {
    for (std::size_t k = 0; k < d.branches.size(); ++k) {
      std::optional<ParameterMap> m;
      const DescentPath& b = d.branches[resolve_image(d.branches, k, m)];
      // The symmetry from the original branch to this point: first m, then the one above.
      std::optional<ParameterMap> total = g;
      if (m) total = g ? g->after(*m) : *m;
      route.push_back(static_cast<int>(k));
      if (prefix) {
        std::vector<PathPoint> p = *prefix;
        collect(b, total, &p, route, depth + 1, d.end.energy, out);
      } else {
        collect(b, total, nullptr, route, depth + 1, d.end.energy, out);
      }
      route.pop_back();
    }
  }
}

}  // namespace

std::vector<DescentLeaf> leaves(const DescentPath& d, bool with_paths) {
  std::vector<DescentLeaf> out;
  std::vector<int> route;
  std::vector<PathPoint> prefix;
  collect(d, std::nullopt, with_paths ? &prefix : nullptr, route, 0, 0.0, out);
  return out;
}

std::vector<PathPoint> leaf_path(const DescentPath& d, const DescentLeaf& leaf) {
  std::vector<PathPoint> path;
  std::optional<ParameterMap> g;
  const DescentPath* at = &d;
  append_points(*at, g, true, path);
  for (const int k : leaf.route) {
    if (k < 0 || static_cast<std::size_t>(k) >= at->branches.size())
      throw std::invalid_argument("leaf_path: the leaf's route does not fit the descent");
    std::optional<ParameterMap> m;
    const DescentPath& b =
        at->branches[resolve_image(at->branches, static_cast<std::size_t>(k), m)];
    if (m) g = g ? g->after(*m) : *m;
    at = &b;
    append_points(*at, g, false, path);
  }
  return path;
}

std::size_t representative_leaf(const std::vector<DescentLeaf>& l) {
  if (l.empty()) throw std::invalid_argument("representative_leaf: a descent without minima");
  std::size_t best = 0;
  for (std::size_t k = 1; k < l.size(); ++k) {
    const double a = l[k].minimum.energy, b = l[best].minimum.energy;
    if (a < b - 1e-12 * std::max(1.0, std::abs(b))) best = k;
  }
  return best;
}

}  // namespace lossland
