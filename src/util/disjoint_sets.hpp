#pragma once
/// Private: union-find (disjoint sets) over the integers 0..n-1, for connected sets of minima.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace lossland::detail {

/// Union-find with path halving. unite() links one root under the other as named, so which
/// member is the root of a set depends only on the order of the unions (callers that key maps
/// by root rely on it); join_roots() links by size, near-constant per operation on 10^6 items.
class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  }
  /// The root of a's set.
  std::size_t find(std::size_t a) {
    while (parent_[a] != a) a = parent_[a] = parent_[parent_[a]];
    return a;
  }
  bool is_root(std::size_t a) const { return parent_[a] == a; }
  /// Joins the sets of a and b under b's root.
  void unite(std::size_t a, std::size_t b) {
    const std::size_t ra = find(a), rb = find(b);
    parent_[ra] = rb;
    if (ra != rb) size_[rb] += size_[ra];
  }
  /// Joins the sets of the distinct roots a and b, the smaller under the larger (a on a tie);
  /// returns the new root.
  std::size_t join_roots(std::size_t a, std::size_t b) {
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return a;
  }

 private:
  std::vector<std::size_t> parent_, size_;
};

/// Labels the sets of `sets` (over items 0..n-1) 0..count-1 in ascending order of each set's
/// lowest item by energy(i) (ties: the lower index), so label 0 is the set of the lowest item.
/// Returns the label of every item; writes the number of sets to *count when given.
template <class Energy>
std::vector<int> label_by_lowest(DisjointSets& sets, std::size_t n, const Energy& energy,
                                 int* count = nullptr) {
  std::vector<std::int64_t> lowest(n, -1);  // per root: its lowest item
  for (std::size_t v = 0; v < n; ++v) {
    auto& l = lowest[sets.find(v)];
    if (l < 0 || energy(v) < energy(static_cast<std::size_t>(l))) l = static_cast<std::int64_t>(v);
  }
  std::vector<std::size_t> roots;
  for (std::size_t v = 0; v < n; ++v)
    if (sets.is_root(v)) roots.push_back(v);
  std::sort(roots.begin(), roots.end(), [&](std::size_t a, std::size_t b) {
    const double ea = energy(static_cast<std::size_t>(lowest[a]));
    const double eb = energy(static_cast<std::size_t>(lowest[b]));
    return ea != eb ? ea < eb : lowest[a] < lowest[b];
  });
  std::vector<int> rank(n, -1), label(n);
  for (std::size_t r = 0; r < roots.size(); ++r) rank[roots[r]] = static_cast<int>(r);
  for (std::size_t v = 0; v < n; ++v) label[v] = rank[sets.find(v)];
  if (count) *count = static_cast<int>(roots.size());
  return label;
}

}  // namespace lossland::detail
