/// Connecting a landscape (Mehta et al. 2018, Sec. III): the jobs (DNEB bands between pairs,
/// single-ended searches along soft modes) run in parallel and merged in order, the missing links
/// chosen by Dijkstra over the minima, and the connect --pair and --all drivers. The candidates
/// themselves are in ts_candidate.cpp. See connect.hpp.
#include "lossland/search/connect.hpp"
#include "util/disjoint_sets.hpp"
#include "util/require.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

#include "lossland/model/symmetry.hpp"
#include "lossland/optimize/stationary.hpp"

namespace lossland {

namespace {

using lossland::detail::DisjointSets;

/// A unit of work: a DNEB band between two minima, or a single-ended search from a minimum.
struct Job {
  bool single_ended = false;
  std::int64_t a = 0;  ///< the first minimum of the pair, or the minimum searched single-ended
  std::int64_t b = 0;  ///< the second minimum of the pair (unused single-ended)
  int attempt = 0;     ///< which try of this pair (varies the band)
  int sign = 1;        ///< single-ended direction along the mode
  int mode = 0;        ///< single-ended: which Hessian eigenvector of `a` (0: lowest eigenvalue)
};

std::vector<TsCandidate> run_job(const Loss& loss, const db::LandscapeIndex& index, const Job& job,
                                 const ConnectOptions& o) {
  const db::Landscape& land = index.landscape();
  if (!job.single_ended) {
    ConnectOptions varied = o;
    if (job.attempt > 0) {  // a second try: denser band with a climbing image
      varied.dneb.image_density *= 2.0;
      varied.dneb.climbing_image = true;
    }
    return double_ended_attempt(loss, land, job.a, job.b, varied, &index);
  }
  const db::StoredPoint& m = land.minima[job.a];
  const Classification c = classify(loss, m.coords, o.eigen_cutoff, true);
  const Eigen::VectorXd v = job.sign * c.eigenvectors.col(job.mode);
  // Start a small way up the mode with a small trust radius that grows with success: near
  // the all-zero minimum at small lambda the saddle lies only ~1e-3 away (Mehta et al. 2018,
  // Sec. III).
  ConnectOptions small = o;
  small.hef.trust_radius = o.single_ended_step;
  const Eigen::VectorXd start = m.coords + o.single_ended_step * v;
  return {refine_transition_state(loss, start, small, v, &land, &index)};
}

/// How many of a minimum's softest modes to search single-ended: `wanted`, extended over any
/// modes degenerate with the last one (relative 1e-6). Within a degenerate eigenspace the
/// solver's basis is arbitrary, e.g. at the all-zero minimum, whose Hessian is 2 lambda times
/// the identity apart from the output biases, so the whole space is searched.
int searched_modes(const db::StoredPoint& m, int wanted) {
  const auto& ev = m.eigenvalues;
  int k = std::min<int>(wanted, static_cast<int>(ev.size()));
  while (k > 0 && k < ev.size() && std::abs(ev[k] - ev[k - 1]) <= 1e-6 * std::abs(ev[k - 1])) ++k;
  return k;
}

/// Runs jobs in parallel and merges them in job order; returns true if anything was new.
bool run_batch(const Loss& loss, db::LandscapeIndex& index, const std::vector<Job>& jobs,
               const ConnectOptions& o, ConnectStats& st) {
  std::vector<std::vector<TsCandidate>> results(jobs.size());
  const int threads = o.threads > 0 ? o.threads : omp_get_num_procs();
  const db::LandscapeIndex& known = index;  // read-only while the jobs run
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::size_t k = 0; k < jobs.size(); ++k) results[k] = run_job(loss, known, jobs[k], o);
  bool anything_new = false;
  for (const auto& batch : results) {
    ++st.attempts;
    for (const TsCandidate& c : batch) {
      ++st.candidates;
      const auto before_minima = st.new_minima;
      if (store_candidate(index, c, st, o.save_paths) || st.new_minima > before_minima)
        anything_new = true;
    }
  }
  return anything_new;
}

/// Squared aligned distances between minima, grown as minima are added.
class DistanceCache {
 public:
  explicit DistanceCache(const db::Landscape& land) : land_(land) {}
  double squared(std::int64_t a, std::int64_t b) {
    if (a == b) return 0.0;
    if (a > b) std::swap(a, b);
    const auto key = std::make_pair(a, b);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    const double d = aligned_distance(land_.model, land_.minima[a].coords, land_.minima[b].coords);
    return cache_[key] = d * d;
  }

 private:
  const db::Landscape& land_;
  std::map<std::pair<std::int64_t, std::int64_t>, double> cache_;
};

/// Dijkstra over the complete graph of minima: weight 0 within a connected set, the squared
/// aligned distance between sets, infinite for pairs whose attempts are used up. Returns the
/// path from a to b (empty if none).
std::vector<std::int64_t> dijkstra_path(
    const db::Landscape& land, std::int64_t a, std::int64_t b, const std::vector<int>& component,
    DistanceCache& dist, const std::map<std::pair<std::int64_t, std::int64_t>, int>& tried,
    int attempts_per_pair) {
  const std::int64_t n = static_cast<std::int64_t>(land.minima.size());
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> d(n, inf);
  std::vector<std::int64_t> prev(n, -1);
  std::vector<char> done(n, 0);
  d[a] = 0;
  for (std::int64_t it = 0; it < n; ++it) {
    std::int64_t u = -1;
    for (std::int64_t k = 0; k < n; ++k)
      if (!done[k] && (u < 0 || d[k] < d[u])) u = k;
    if (u < 0 || d[u] == inf) break;
    done[u] = 1;
    if (u == b) break;
    for (std::int64_t v = 0; v < n; ++v) {
      if (done[v]) continue;
      double w = 0.0;
      if (component[u] != component[v]) {
        auto t = tried.find({std::min(u, v), std::max(u, v)});
        if (t != tried.end() && t->second >= attempts_per_pair) continue;
        w = dist.squared(u, v);
      }
      if (d[u] + w < d[v]) {
        d[v] = d[u] + w;
        prev[v] = u;
      }
    }
  }
  if (d[b] == inf) return {};
  std::vector<std::int64_t> path;
  for (std::int64_t v = b; v >= 0; v = prev[v]) path.push_back(v);
  std::reverse(path.begin(), path.end());
  return path;
}

using TriedMap = std::map<std::pair<std::int64_t, std::int64_t>, int>;

/// One Dijkstra round toward joining a and b: attempts every missing link on the path.
/// Returns the number of jobs run (0 if no path is left).
int join_round(const Loss& loss, db::LandscapeIndex& index, std::int64_t a, std::int64_t b,
               const ConnectOptions& o, ConnectStats& st, DistanceCache& dist, TriedMap& tried) {
  const db::Landscape& land = index.landscape();
  const std::vector<int> comp = connected_components(land);
  const auto path = dijkstra_path(land, a, b, comp, dist, tried, o.attempts_per_pair);
  if (path.empty()) return 0;
  std::vector<Job> jobs;
  for (std::size_t k = 1; k < path.size(); ++k) {
    const std::int64_t u = path[k - 1], v = path[k];
    if (comp[u] == comp[v]) continue;
    int& count = tried[{std::min(u, v), std::max(u, v)}];
    jobs.push_back({false, u, v, count, 1});
    ++count;
  }
  if (jobs.empty()) return 0;
  run_batch(loss, index, jobs, o, st);
  return static_cast<int>(jobs.size());
}

double elapsed(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::string to_string(ConnectStatus s) {
  switch (s) {
    case ConnectStatus::Connected:
      return "connected";
    case ConnectStatus::NotConnected:
      return "not-connected";
    case ConnectStatus::Stopped:
      return "stopped";
  }
  return "unknown";
}

DnebOptions ConnectOptions::default_dneb() {
  // Measured on XOR (N_h = 1..6, lambda = 1e-1..1e-6): the loss is O(1) and its slopes
  // between minima O(1e-2), so soft springs and a short relaxation locate the band maxima well
  // enough for eigenvector-following, which does the rest.
  DnebOptions d;
  d.spring_constant = 1.0;
  d.max_step = 0.1;
  d.rms_tolerance = 1e-4;
  d.max_iterations = 300;
  d.image_density = 3.0;
  d.max_images = 24;
  return d;
}

HefOptions ConnectOptions::default_hef() {
  HefOptions h;
  h.max_positive_iterations = 20;
  return h;
}

void ConnectOptions::validate() const {
  const detail::FieldCheck require("ConnectOptions");
  dneb.validate();
  hef.validate();
  path.validate();
  require(eigen_cutoff > 0 && eigen_cutoff <= 1e-3, "eigen_cutoff", "in (0, 1e-3]");
  require(attempts_per_pair >= 1 && attempts_per_pair <= 1000, "attempts_per_pair", "in [1, 1000]");
  require(max_attempts >= 1 && max_attempts <= 1000000, "max_attempts", "in [1, 1e6]");
  require(all_pairs_limit >= 0 && all_pairs_limit <= 100000, "all_pairs_limit", "in [0, 1e5]");
  require(neighbours >= 1 && neighbours <= 1000, "neighbours", "in [1, 1000]");
  require(single_ended_modes >= 0 && single_ended_modes <= 100, "single_ended_modes",
          "in [0, 100]");
  require(single_ended_step >= hef.min_trust_radius && single_ended_step <= hef.max_trust_radius,
          "single_ended_step", "in [hef.min_trust_radius, hef.max_trust_radius]");
  require(max_passes >= 0 && max_passes <= 100, "max_passes", "in [0, 100]");
  require(threads >= 0 && threads <= 1024, "threads", "in [0, 1024]");
}

std::vector<int> connected_components(const db::Landscape& land, int* count) {
  const std::size_t n = land.minima.size();
  DisjointSets sets(n);
  for (const auto& t : land.transition_states)
    if (t.min1 >= 0 && t.min2 >= 0 && static_cast<std::size_t>(t.min1) < n &&
        static_cast<std::size_t>(t.min2) < n)
      sets.unite(static_cast<std::size_t>(t.min1), static_cast<std::size_t>(t.min2));
  return lossland::detail::label_by_lowest(
      sets, n, [&](std::size_t v) { return land.minima[v].energy; }, count);
}

ConnectResult connect_pair(const Loss& loss, db::LandscapeIndex& index, std::int64_t i,
                           std::int64_t j, const ConnectOptions& o,
                           const ConnectCallback& callback) {
  o.validate();
  const db::Landscape& land = index.landscape();
  const auto n = static_cast<std::int64_t>(land.minima.size());
  if (i < 0 || j < 0 || i >= n || j >= n)
    throw std::invalid_argument("connect: minima " + std::to_string(i) + " and " +
                                std::to_string(j) + " are not both rows of /minima (0.." +
                                std::to_string(n - 1) + ")");
  const auto t0 = std::chrono::steady_clock::now();
  ConnectResult r;
  DistanceCache dist(land);
  TriedMap tried;
  while (true) {
    const std::vector<int> comp = connected_components(land, &r.stats.components);
    if (comp[i] == comp[j]) {
      r.status = ConnectStatus::Connected;
      break;
    }
    if (r.stats.attempts >= o.max_attempts) {
      r.status = ConnectStatus::NotConnected;
      r.message = "attempts used up";
      break;
    }
    if (join_round(loss, index, i, j, o, r.stats, dist, tried) == 0) {
      r.status = ConnectStatus::NotConnected;
      r.message = "every pair on the way has been tried";
      break;
    }
    r.stats.seconds = elapsed(t0);
    if (callback && !callback(r.stats)) {
      r.status = ConnectStatus::Stopped;
      break;
    }
  }
  connected_components(land, &r.stats.components);
  r.stats.seconds = elapsed(t0);
  if (r.message.empty()) r.message = to_string(r.status);
  return r;
}

ConnectResult connect_all(const Loss& loss, db::LandscapeIndex& index, const ConnectOptions& o,
                          const ConnectCallback& callback) {
  o.validate();
  const db::Landscape& land = index.landscape();
  const auto t0 = std::chrono::steady_clock::now();
  ConnectResult r;
  ConnectStats& st = r.stats;
  if (land.minima.size() < 2) {
    st.components = static_cast<int>(land.minima.size());
    r.status = ConnectStatus::Connected;
    r.message = "fewer than two minima: nothing to connect";
    return r;
  }
  DistanceCache dist(land);
  TriedMap tried;
  auto stop = [&] {
    st.seconds = elapsed(t0);
    return callback && !callback(st);
  };

  // Phase 1: join every minimum to the set of the lowest one.
  std::set<std::int64_t> unreachable;
  while (true) {
    const std::vector<int> comp = connected_components(land, &st.components);
    if (st.components == 1) break;
    std::int64_t g = 0;
    for (std::size_t k = 1; k < land.minima.size(); ++k)
      if (land.minima[k].energy < land.minima[g].energy) g = static_cast<std::int64_t>(k);
    std::int64_t target = -1;  // lowest minimum outside the main set not yet given up
    for (std::size_t k = 0; k < land.minima.size(); ++k)
      if (comp[k] != comp[g] && !unreachable.count(static_cast<std::int64_t>(k)) &&
          (target < 0 || land.minima[k].energy < land.minima[target].energy))
        target = static_cast<std::int64_t>(k);
    if (target < 0) break;
    int used = 0;
    while (used < o.max_attempts) {
      const int n = join_round(loss, index, g, target, o, st, dist, tried);
      if (n == 0) break;
      used += n;
      if (stop()) {
        r.status = ConnectStatus::Stopped;
        r.message = to_string(r.status);
        return r;
      }
      const std::vector<int> now = connected_components(land);
      if (now[g] == now[target]) break;
    }
    const std::vector<int> now = connected_components(land);
    if (now[g] != now[target]) unreachable.insert(target);
  }

  // Phase 2: passes toward a complete set of transition states.
  std::set<std::pair<std::int64_t, int>> searched;  // (minimum, mode) done single-ended
  for (int pass = 0; pass < o.max_passes; ++pass) {
    std::vector<Job> jobs;
    const auto n = static_cast<std::int64_t>(land.minima.size());
    std::set<std::pair<std::int64_t, std::int64_t>> pairs;
    if (n <= o.all_pairs_limit) {
      for (std::int64_t a = 0; a < n; ++a)
        for (std::int64_t b = a + 1; b < n; ++b) pairs.insert({a, b});
    } else {
      for (std::int64_t a = 0; a < n; ++a) {
        std::vector<std::pair<double, std::int64_t>> near;
        for (std::int64_t b = 0; b < n; ++b)
          if (b != a) near.push_back({dist.squared(a, b), b});
        const auto k = std::min<std::size_t>(o.neighbours, near.size());
        std::partial_sort(near.begin(), near.begin() + k, near.end());
        for (std::size_t q = 0; q < k; ++q)
          pairs.insert({std::min(a, near[q].second), std::max(a, near[q].second)});
      }
    }
    for (const auto& [a, b] : pairs) {
      int& count = tried[{a, b}];
      if (count > 0) continue;  // every pair gets one band in the passes
      jobs.push_back({false, a, b, count, 1});
      ++count;
    }
    for (std::int64_t a = 0; a < n; ++a)
      for (int mode = 0; mode < searched_modes(land.minima[a], o.single_ended_modes); ++mode)
        if (searched.insert({a, mode}).second)
          for (int sign : {1, -1}) jobs.push_back({true, a, 0, 0, sign, mode});
    if (jobs.empty()) break;
    ++st.passes;
    bool anything_new = false;
    constexpr std::size_t kChunk = 16;  // save points; independent of the thread count
    for (std::size_t from = 0; from < jobs.size(); from += kChunk) {
      const std::vector<Job> chunk(jobs.begin() + from,
                                   jobs.begin() + std::min(jobs.size(), from + kChunk));
      anything_new |= run_batch(loss, index, chunk, o, st);
      if (stop()) {
        r.status = ConnectStatus::Stopped;
        r.message = to_string(r.status);
        return r;
      }
    }
    if (!anything_new) break;
  }
  connected_components(land, &st.components);
  st.seconds = elapsed(t0);
  r.status = st.components == 1 ? ConnectStatus::Connected : ConnectStatus::NotConnected;
  r.message = st.components == 1 ? "one connected set"
                                 : std::to_string(st.components) + " connected sets remain";
  return r;
}

}  // namespace lossland
