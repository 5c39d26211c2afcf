#include "lossland/kinetics/ngt.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>
#include <tuple>

#include "kinetics/ngt_elimination.hpp"

namespace lossland::kinetics {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Minima from which some member of `sink` can be reached (the graph is symmetric).
std::vector<char> reaching(const RateNetwork& net, const std::vector<char>& sink) {
  std::vector<char> seen(sink.begin(), sink.end());
  std::deque<std::int64_t> queue;
  for (std::size_t i = 0; i < sink.size(); ++i)
    if (sink[i]) queue.push_back(static_cast<std::int64_t>(i));
  while (!queue.empty()) {
    const std::int64_t x = queue.front();
    queue.pop_front();
    for (const auto& [j, lk] : net.log_k[x])
      if (!seen[j]) {
        seen[j] = 1;
        queue.push_back(j);
      }
  }
  return seen;
}

using detail::Arc;
using detail::Elimination;

/// ln sum_k exp(lp_k) over `arcs`, the same operations in the same order as log_sum_exp.
double log_sum_exp_arcs(const std::vector<Arc>& arcs) {
  double m = -kInf;
  for (const Arc& a : arcs) m = std::max(m, a.lp);
  if (m == -kInf || m == kInf) return m;
  double s = 0;
  for (const Arc& a : arcs) s += std::exp(a.lp - m);
  return m + std::log(s);
}

/// Removes every minimum that reaches `absorbing` but is not in it, fewest neighbours first
/// (ties: lowest id). Each node's arcs are a vector sorted by neighbour; removing x merges x's
/// arcs into each transient neighbour b's in one pass,
///   ln P'_{g<-b} = ln(P_{g<-b} + exp(ln P_{x<-b} + ln P_{g<-x} - ln(1 - P_{x<-x}))),
/// into a scratch vector that is then swapped in, so after warm-up nothing is allocated. The
/// priority queue is a binary heap of (degree, node) with stale entries skipped when popped,
/// which removes the nodes in exactly the order of an ordered set of current degrees. Once at
/// least options.dense_min_minima transient minima are left and the next to go has at least
/// options.dense_fill times that many neighbours, the rest are removed by eliminate_dense in the
/// same order (unless their values leave its range; then the sparse phase goes on).
Elimination eliminate(const RateNetwork& net, const std::vector<char>& absorbing,
                      const std::vector<char>& live, const NgtOptions& options) {
  const std::size_t M = net.log_k.size();
  std::vector<std::vector<Arc>> out(M);
  std::vector<double> tau(M, kInf);
  std::vector<char> transient(M, 0);
  using Entry = std::pair<std::size_t, std::int64_t>;
  std::vector<Entry> heap;
  for (std::size_t i = 0; i < M; ++i) {
    if (!live[i] || absorbing[i]) continue;
    transient[i] = 1;
    tau[i] = -net.log_escape[i];
    out[i].reserve(net.log_k[i].size());
    for (const auto& [j, lk] : net.log_k[i])  // a std::map: ascending j
      if (live[j]) out[i].push_back({j, lk - net.log_escape[i]});
    heap.emplace_back(out[i].size(), static_cast<std::int64_t>(i));
  }
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue(std::greater<>{},
                                                                       std::move(heap));
  Elimination el;
  std::vector<Arc> merged;
  std::size_t left = std::count(transient.begin(), transient.end(), 1);
  bool dense_tried = !options.dense;
  while (!queue.empty()) {
    const auto [degree, x] = queue.top();
    queue.pop();
    if (!transient[x] || out[x].size() != degree) continue;  // stale
    if (!dense_tried && left >= static_cast<std::size_t>(options.dense_min_minima) &&
        static_cast<double>(degree) >= options.dense_fill * static_cast<double>(left)) {
      dense_tried = true;
      std::vector<std::pair<std::size_t, std::int64_t>> order;
      for (std::size_t i = 0; i < M; ++i)
        if (transient[i]) order.emplace_back(out[i].size(), static_cast<std::int64_t>(i));
      std::sort(order.begin(), order.end());
      std::vector<std::int64_t> core;
      for (const auto& o : order) core.push_back(o.second);
      if (detail::eliminate_dense(core, out, tau, transient, el)) return el;
    }
    const std::vector<Arc>& ox = out[x];
    const double log_leave = log_sum_exp_arcs(ox);
    for (const Arc& xb : ox) {
      const std::int64_t b = xb.to;
      if (!transient[b]) continue;
      std::vector<Arc>& ob = out[b];
      const auto at = std::lower_bound(ob.begin(), ob.end(), x,
                                       [](const Arc& a, std::int64_t n) { return a.to < n; });
      if (at == ob.end() || at->to != x)
        throw std::invalid_argument("the rate network is not symmetric: minimum " +
                                    std::to_string(x) + " leads to " + std::to_string(b) +
                                    " but not back (build it with rate_network)");
      const double lpxb = at->lp;
      merged.clear();
      auto p = ob.begin();
      for (const Arc& gx : ox) {
        if (gx.to == b) continue;  // a return to b: part of b's self-loop, left out of its sum
        const double term = lpxb + gx.lp - log_leave;
        for (; p != ob.end() && p->to < gx.to; ++p)
          if (p->to != x) merged.push_back(*p);
        if (p != ob.end() && p->to == gx.to) {
          merged.push_back({gx.to, log_add(p->lp, term)});
          ++p;
        } else {
          merged.push_back({gx.to, term});
        }
      }
      for (; p != ob.end(); ++p)
        if (p->to != x) merged.push_back(*p);
      const std::size_t before = ob.size();
      ob.swap(merged);
      tau[b] = log_add(tau[b], lpxb + tau[x] - log_leave);
      if (ob.size() != before) queue.emplace(ob.size(), b);  // else b's entry is still current
    }
    transient[x] = 0;
    --left;
    el.node.push_back(x);
    el.arcs.insert(el.arcs.end(), ox.begin(), ox.end());
    el.begin.push_back(el.arcs.size());
    el.log_leave.push_back(log_leave);
    el.log_tau.push_back(tau[x]);
    std::vector<Arc>().swap(out[x]);  // free x's arcs: they live on in el.arcs
  }
  return el;
}

/// Committors by back-substitution over one elimination of A and B: q_x =
/// sum_g P_{g<-x} q_g / (1 - P_{x<-x}), with v the known values (0 on `to`, -inf on `from`).
std::vector<double> back_substitute_committor(const Elimination& el, std::vector<double> v) {
  std::vector<double> terms;
  for (std::size_t r = el.node.size(); r-- > 0;) {
    terms.clear();
    for (std::size_t k = el.begin[r]; k < el.begin[r + 1]; ++k)
      terms.push_back(el.arcs[k].lp + v[el.arcs[k].to]);
    v[el.node[r]] = log_sum_exp(terms) - el.log_leave[r];
  }
  return v;
}

/// The known committor values: 0 (ln 1) on `to`, -inf on `from`, NaN elsewhere.
std::vector<double> committor_ends(const std::vector<char>& from, const std::vector<char>& to) {
  std::vector<double> v(from.size(), std::nan(""));
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (to[i]) v[i] = 0.0;
    if (from[i]) v[i] = -kInf;
  }
  return v;
}

/// A and B together, and the minima that reach them.
std::pair<std::vector<char>, std::vector<char>> ends_and_live(const RateNetwork& net,
                                                              const std::vector<char>& from,
                                                              const std::vector<char>& to) {
  const std::size_t M = net.log_k.size();
  if (from.size() != M || to.size() != M)
    throw std::invalid_argument("log_committor: sets have the wrong size");
  std::vector<char> both(M);
  for (std::size_t i = 0; i < M; ++i) both[i] = from[i] || to[i];
  std::vector<char> live = reaching(net, both);
  return {std::move(both), std::move(live)};
}

}  // namespace

void NgtOptions::validate() const {
  if (dense_min_minima < 2)
    throw std::invalid_argument("NgtOptions::dense_min_minima must be >= 2, got " +
                                std::to_string(dense_min_minima));
  if (!(dense_fill > 0 && dense_fill <= 1))
    throw std::invalid_argument("NgtOptions::dense_fill must be in (0, 1], got " +
                                std::to_string(dense_fill));
}

std::vector<double> log_mfpt_to(const RateNetwork& net, const std::vector<char>& target,
                                const NgtOptions& options) {
  options.validate();
  const std::size_t M = net.log_k.size();
  if (target.size() != M) throw std::invalid_argument("log_mfpt_to: target has the wrong size");
  const std::vector<char> live = reaching(net, target);
  std::vector<double> v(M, kInf);
  for (std::size_t i = 0; i < M; ++i)
    if (target[i]) v[i] = -kInf;
  const Elimination el = eliminate(net, target, live, options);
  std::vector<double> terms;
  for (std::size_t r = el.node.size(); r-- > 0;) {
    terms.assign(1, el.log_tau[r]);
    for (std::size_t k = el.begin[r]; k < el.begin[r + 1]; ++k)
      if (v[el.arcs[k].to] != -kInf) terms.push_back(el.arcs[k].lp + v[el.arcs[k].to]);
    v[el.node[r]] = log_sum_exp(terms) - el.log_leave[r];
  }
  return v;
}

std::vector<double> log_committor(const RateNetwork& net, const std::vector<char>& from,
                                  const std::vector<char>& to, const NgtOptions& options) {
  options.validate();
  const auto [both, live] = ends_and_live(net, from, to);
  return back_substitute_committor(eliminate(net, both, live, options), committor_ends(from, to));
}

FastestPath fastest_path(const RateNetwork& net, const std::vector<char>& a,
                         const std::vector<char>& b) {
  const std::size_t M = net.log_k.size();
  std::vector<std::vector<const RateEdge*>> adj(M);
  for (const auto& e : net.edges) adj[e.from].push_back(&e);
  std::vector<double> dist(M, kInf);
  std::vector<const RateEdge*> via(M, nullptr);
  using Item = std::pair<double, std::int64_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  for (std::size_t i = 0; i < M; ++i)
    if (a[i]) {
      dist[i] = 0;
      queue.emplace(0.0, static_cast<std::int64_t>(i));
    }
  FastestPath path;
  std::int64_t end = -1;
  while (!queue.empty()) {
    const auto [d, x] = queue.top();
    queue.pop();
    if (d > dist[x]) continue;
    if (b[x]) {
      end = x;
      break;
    }
    for (const RateEdge* e : adj[x]) {
      const double w = -(e->log_rate - net.log_escape[x]);  // -ln P >= 0
      if (d + w < dist[e->to]) {
        dist[e->to] = d + w;
        via[e->to] = e;
        queue.emplace(dist[e->to], e->to);
      }
    }
  }
  if (end < 0) return path;
  path.found = true;
  std::vector<const RateEdge*> steps;
  for (std::int64_t x = end; via[x]; x = via[x]->from) steps.insert(steps.begin(), via[x]);
  path.minima.push_back(steps.empty() ? end : steps.front()->from);
  for (const RateEdge* e : steps) {
    path.minima.push_back(e->to);
    path.transition_states.push_back(e->ts);
    path.log_branching.push_back(e->log_rate - net.log_escape[e->from]);
    path.log_probability += path.log_branching.back();
  }
  return path;
}

SetKinetics set_kinetics(const RateNetwork& net, const std::vector<std::int64_t>& a,
                         const std::vector<std::int64_t>& b, const NgtOptions& options) {
  options.validate();
  const auto M = static_cast<std::int64_t>(net.log_k.size());
  if (a.empty())
    throw std::invalid_argument("the set A (--from) is empty: name at least one minimum");
  if (b.empty())
    throw std::invalid_argument("the set B (--to) is empty: name at least one minimum");
  std::vector<char> in_a(M, 0), in_b(M, 0);
  for (auto [set, mark, name] : {std::tuple{&a, &in_a, "A (--from)"}, {&b, &in_b, "B (--to)"}})
    for (std::int64_t i : *set) {
      if (i < 0 || i >= M)
        throw std::invalid_argument(std::string("set ") + name + " names minimum " +
                                    std::to_string(i) + ", but the landscape has " +
                                    std::to_string(M) + " minima (ids 0.." + std::to_string(M - 1) +
                                    ")");
      (*mark)[i] = 1;
    }
  for (std::int64_t i = 0; i < M; ++i)
    if (in_a[i] && in_b[i])
      throw std::invalid_argument("minimum " + std::to_string(i) +
                                  " is in both A (--from) and B (--to): the sets must not overlap");
  SetKinetics r;
  for (std::int64_t i = 0; i < M; ++i) {
    if (in_a[i]) r.a.push_back(i);
    if (in_b[i]) r.b.push_back(i);
  }
  const std::vector<double> to_b = log_mfpt_to(net, in_b, options),
                            to_a = log_mfpt_to(net, in_a, options);
  for (std::int64_t i : r.a)
    if (to_b[i] == kInf)
      throw std::invalid_argument("B (--to) cannot be reached from minimum " + std::to_string(i) +
                                  " of A: no chain of transition states joins them (run "
                                  "lossland connect, or choose sets in one connected set)");
  const std::vector<double>& lp = net.log_occupation;
  auto summarise = [&](const std::vector<std::int64_t>& from, const std::vector<double>& mfpt,
                       std::vector<double>& per, double& log_p, double& mean, double& nss) {
    std::vector<double> p, pt, pk;
    for (std::int64_t i : from) {
      per.push_back(mfpt[i]);
      p.push_back(lp[i]);
      pt.push_back(lp[i] + mfpt[i]);
      pk.push_back(lp[i] - mfpt[i]);
    }
    log_p = log_sum_exp(p);
    mean = log_sum_exp(pt) - log_p;
    nss = log_sum_exp(pk) - log_p;
  };
  summarise(r.a, to_b, r.log_mfpt_ab, r.log_p_a, r.log_mean_mfpt_ab, r.log_k_ab_nss);
  summarise(r.b, to_a, r.log_mfpt_ba, r.log_p_b, r.log_mean_mfpt_ba, r.log_k_ba_nss);
  // Both committors come from one elimination of A and B (the same graph transformation).
  const auto [both, live] = ends_and_live(net, in_a, in_b);
  const Elimination el = eliminate(net, both, live, options);
  r.log_committor = back_substitute_committor(el, committor_ends(in_a, in_b));
  const std::vector<double> q_a = back_substitute_committor(el, committor_ends(in_b, in_a));
  auto steady = [&](const std::vector<std::int64_t>& from, const std::vector<double>& q,
                    double log_p) {
    std::vector<double> flux;
    for (std::int64_t i : from)
      for (const auto& [j, lk] : net.log_k[i])
        if (!std::isnan(q[j]) && q[j] != -kInf) flux.push_back(lp[i] + lk + q[j]);
    return log_sum_exp(flux) - log_p;
  };
  r.log_k_ab_ss = steady(r.a, r.log_committor, r.log_p_a);
  r.log_k_ba_ss = steady(r.b, q_a, r.log_p_b);
  r.fastest_path = fastest_path(net, in_a, in_b);
  return r;
}

}  // namespace lossland::kinetics
