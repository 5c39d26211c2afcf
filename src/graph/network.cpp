#include "lossland/graph/network.hpp"
#include "util/disjoint_sets.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <functional>
#include <limits>
#include <mutex>
#include <numeric>
#include <stdexcept>

namespace lossland::graph {

std::string to_string(PathStatus s) {
  switch (s) {
    case PathStatus::Found:
      return "found";
    case PathStatus::SameMinimum:
      return "same_minimum";
    case PathStatus::NotConnected:
      return "not_connected";
  }
  return "unknown";
}

namespace {
struct EdgeData {
  double energy = 0.0;
  std::int64_t ts = -1;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                    boost::no_property, EdgeData>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

using lossland::detail::DisjointSets;

struct TransitionNetwork::Impl {
  std::vector<double> minimum_energy;
  std::vector<double> ts_energy;
  std::vector<std::size_t> ts_end1, ts_end2;  ///< the two minima of each transition state
  /// Transition states touching each minimum (self-loops once), ascending: CSR rows.
  std::vector<std::size_t> ts_of_start;
  std::vector<std::int64_t> ts_of;
  /// The transition states with two different minima, ascending (the edges).
  std::vector<std::int64_t> edges;
  int self_loops = 0;
  /// The Boost graph, built on the first path query only (stats and tables need none of it).
  mutable std::once_flag graph_built;
  mutable Graph g;

  const Graph& graph() const {
    std::call_once(graph_built, [this] {
      g = Graph(minimum_energy.size());
      for (std::int64_t t : edges)
        boost::add_edge(static_cast<Vertex>(ts_end1[t]), static_cast<Vertex>(ts_end2[t]),
                        EdgeData{ts_energy[t], t}, g);
    });
    return g;
  }

  void check(std::int64_t m) const {
    if (m < 0 || m >= static_cast<std::int64_t>(minimum_energy.size()))
      throw std::out_of_range(
          "minimum " + std::to_string(m) + " does not exist: the database has " +
          std::to_string(minimum_energy.size()) + " minima (ids 0.." +
          std::to_string(static_cast<std::int64_t>(minimum_energy.size()) - 1) + ")");
  }

  /// Dijkstra with combine = max and compare = <: d(v) = min over paths of the highest edge
  /// energy, seeded with d(source) = E(source) so that d is never below the source's energy.
  void minimax(std::int64_t from, std::vector<double>& dist, std::vector<Vertex>& pred) const {
    const Graph& gr = graph();
    const std::size_t n = boost::num_vertices(gr);
    dist.assign(n, kInf);
    pred.resize(n);
    boost::dijkstra_shortest_paths(
        gr, static_cast<Vertex>(from),
        boost::predecessor_map(
            boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, gr)))
            .distance_map(boost::make_iterator_property_map(dist.begin(),
                                                            boost::get(boost::vertex_index, gr)))
            .weight_map(boost::get(&EdgeData::energy, gr))
            .distance_compare(std::less<double>())
            .distance_combine([](double a, double b) { return std::max(a, b); })
            .distance_inf(kInf)
            .distance_zero(minimum_energy[from]));
  }
};

TransitionNetwork::TransitionNetwork(const db::Landscape& land) : impl_(std::make_unique<Impl>()) {
  const std::int64_t M = static_cast<std::int64_t>(land.minima.size());
  const std::size_t T = land.transition_states.size();
  Impl& im = *impl_;
  im.minimum_energy.reserve(static_cast<std::size_t>(M));
  for (const auto& m : land.minima) im.minimum_energy.push_back(m.energy);
  im.ts_energy.reserve(T);
  im.ts_end1.reserve(T);
  im.ts_end2.reserve(T);
  std::vector<std::size_t> count(static_cast<std::size_t>(M) + 1, 0);
  for (std::size_t t = 0; t < T; ++t) {
    const auto& ts = land.transition_states[t];
    if (ts.min1 < 0 || ts.min1 >= M || ts.min2 < 0 || ts.min2 >= M)
      throw std::invalid_argument("transition state " + std::to_string(t) + " joins minima " +
                                  std::to_string(ts.min1) + " and " + std::to_string(ts.min2) +
                                  " but the database has " + std::to_string(M) +
                                  " minima: the file is inconsistent; re-run lossland connect");
    im.ts_energy.push_back(ts.energy);
    im.ts_end1.push_back(static_cast<std::size_t>(ts.min1));
    im.ts_end2.push_back(static_cast<std::size_t>(ts.min2));
    ++count[ts.min1 + 1];
    if (ts.min1 == ts.min2) {
      ++im.self_loops;
      continue;
    }
    ++count[ts.min2 + 1];
    im.edges.push_back(static_cast<std::int64_t>(t));
  }
  std::partial_sum(count.begin(), count.end(), count.begin());
  im.ts_of_start = count;
  im.ts_of.resize(count.back());
  for (std::size_t t = 0; t < T; ++t) {  // ascending t, so each row is sorted
    im.ts_of[count[im.ts_end1[t]]++] = static_cast<std::int64_t>(t);
    if (im.ts_end2[t] != im.ts_end1[t])
      im.ts_of[count[im.ts_end2[t]]++] = static_cast<std::int64_t>(t);
  }
}

TransitionNetwork::~TransitionNetwork() = default;
TransitionNetwork::TransitionNetwork(TransitionNetwork&&) noexcept = default;
TransitionNetwork& TransitionNetwork::operator=(TransitionNetwork&&) noexcept = default;

int TransitionNetwork::num_minima() const {
  return static_cast<int>(impl_->minimum_energy.size());
}
int TransitionNetwork::num_edges() const {
  return static_cast<int>(impl_->edges.size());
}
int TransitionNetwork::num_self_loops() const {
  return impl_->self_loops;
}

std::vector<std::int64_t> TransitionNetwork::transition_states_of(std::int64_t m) const {
  impl_->check(m);
  return {impl_->ts_of.begin() + static_cast<std::ptrdiff_t>(impl_->ts_of_start[m]),
          impl_->ts_of.begin() + static_cast<std::ptrdiff_t>(impl_->ts_of_start[m + 1])};
}

Components TransitionNetwork::components() const {
  Components c;
  const std::size_t n = impl_->minimum_energy.size();
  DisjointSets sets(n);
  for (std::int64_t t : impl_->edges) {
    const std::size_t a = sets.find(impl_->ts_end1[t]), b = sets.find(impl_->ts_end2[t]);
    if (a != b) sets.join_roots(a, b);
  }
  // Numbered by each set's lowest minimum (ties by lowest id).
  c.of_minimum = lossland::detail::label_by_lowest(
      sets, n, [&](std::size_t v) { return impl_->minimum_energy[v]; }, &c.count);
  c.sizes.assign(static_cast<std::size_t>(c.count), 0);
  for (std::size_t v = 0; v < n; ++v) ++c.sizes[c.of_minimum[v]];
  return c;
}

std::vector<double> TransitionNetwork::minimax_energies(std::int64_t from) const {
  impl_->check(from);
  std::vector<double> dist;
  std::vector<Vertex> pred;
  impl_->minimax(from, dist, pred);
  return dist;
}

std::vector<EscapeBarrier> TransitionNetwork::escape_barriers() const {
  const std::size_t M = impl_->minimum_energy.size();
  const auto& E = impl_->minimum_energy;
  std::vector<EscapeBarrier> out(M);
  // Edges in ascending energy (ties by transition state id, so the result is deterministic).
  std::vector<EdgeData> edges;
  edges.reserve(impl_->edges.size());
  for (std::int64_t t : impl_->edges) edges.push_back({impl_->ts_energy[t], t});
  std::sort(edges.begin(), edges.end(), [](const EdgeData& a, const EdgeData& b) {
    return a.energy != b.energy ? a.energy < b.energy : a.ts < b.ts;
  });
  // Union-find over minima; per root: its lowest minimum and the minima that have not escaped
  // (the lowest one, plus any of exactly equal energy).
  DisjointSets sets(M);
  std::vector<std::int64_t> lowest(M);
  std::iota(lowest.begin(), lowest.end(), 0);
  std::vector<std::vector<std::int64_t>> waiting(M);
  for (std::size_t i = 0; i < M; ++i) waiting[i] = {static_cast<std::int64_t>(i)};
  for (const EdgeData& d : edges) {
    const std::size_t ra = sets.find(impl_->ts_end1[d.ts]), rb = sets.find(impl_->ts_end2[d.ts]);
    if (ra == rb) continue;
    auto escape_into = [&](std::size_t from, std::size_t into) {
      std::vector<std::int64_t> still;
      for (std::int64_t i : waiting[from]) {
        if (E[i] > E[lowest[into]]) {
          out[i].saddle_energy = d.energy;
          out[i].barrier = d.energy - E[i];
          out[i].transition_state = d.ts;
          out[i].lower_minimum = lowest[into];
        } else {
          still.push_back(i);
        }
      }
      waiting[from] = std::move(still);
    };
    escape_into(ra, rb);
    escape_into(rb, ra);
    const std::size_t root = sets.join_roots(ra, rb), gone = root == ra ? rb : ra;
    waiting[root].insert(waiting[root].end(), waiting[gone].begin(), waiting[gone].end());
    waiting[gone].clear();
    waiting[gone].shrink_to_fit();
    if (E[lowest[gone]] < E[lowest[root]] ||
        (E[lowest[gone]] == E[lowest[root]] && lowest[gone] < lowest[root]))
      lowest[root] = lowest[gone];
  }
  return out;
}

MinimaxPath TransitionNetwork::minimax_path(std::int64_t from, std::int64_t to) const {
  impl_->check(from);
  impl_->check(to);
  MinimaxPath p;
  if (from == to) {
    p.status = PathStatus::SameMinimum;
    p.minima = {from};
    p.highest_energy = impl_->minimum_energy[from];
    p.message = "minima " + std::to_string(from) + " and " + std::to_string(to) + " are the same";
    return p;
  }
  std::vector<double> dist;
  std::vector<Vertex> pred;
  impl_->minimax(from, dist, pred);
  if (dist[to] == kInf) {
    p.status = PathStatus::NotConnected;
    p.highest_energy = kInf;
    p.message = "minima " + std::to_string(from) + " and " + std::to_string(to) +
                " are not connected by transition states (they lie in different connected sets; "
                "run lossland connect --pair " +
                std::to_string(from) + " " + std::to_string(to) + ")";
    return p;
  }
  std::vector<std::int64_t> chain;
  for (Vertex v = static_cast<Vertex>(to);; v = pred[v]) {
    chain.push_back(static_cast<std::int64_t>(v));
    if (v == static_cast<Vertex>(from)) break;
  }
  std::reverse(chain.begin(), chain.end());
  p.status = PathStatus::Found;
  p.minima = chain;
  p.highest_energy = -kInf;
  for (std::size_t k = 1; k < chain.size(); ++k) {
    // The lowest of possibly parallel transition states between the two minima.
    double best = kInf;
    std::int64_t best_ts = -1;
    const Graph& g = impl_->graph();
    for (auto [e, end] = boost::out_edges(static_cast<Vertex>(chain[k - 1]), g); e != end; ++e) {
      if (static_cast<std::int64_t>(boost::target(*e, g)) != chain[k]) continue;
      const EdgeData& d = g[*e];
      if (d.energy < best || (d.energy == best && d.ts < best_ts)) {
        best = d.energy;
        best_ts = d.ts;
      }
    }
    p.transition_states.push_back(best_ts);
    if (best > p.highest_energy) {
      p.highest_energy = best;
      p.highest_step = static_cast<int>(k - 1);
    }
  }
  p.message = "path of " + std::to_string(p.transition_states.size()) +
              " transition state(s) from minimum " + std::to_string(from) + " to minimum " +
              std::to_string(to);
  return p;
}

}  // namespace lossland::graph
