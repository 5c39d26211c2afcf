#include "lossland/kinetics/ngt.hpp"

#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <set>
#include <stdexcept>
#include <tuple>

namespace lossland::kinetics {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// A node as it was removed: its branching probabilities to the nodes then left (ln), ln of
/// 1 - P_{x<-x} and its waiting time (ln).
struct Removed {
  std::int64_t node;
  std::map<std::int64_t, double> out;
  double log_leave;
  double log_tau;
};

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

/// Removes every minimum that reaches `absorbing` but is not in it, fewest neighbours first.
std::vector<Removed> eliminate(const RateNetwork& net, const std::vector<char>& absorbing,
                               const std::vector<char>& live) {
  const std::size_t M = net.log_k.size();
  std::vector<std::map<std::int64_t, double>> out(M);
  std::vector<double> tau(M, kInf);
  std::vector<char> transient(M, 0);
  for (std::size_t i = 0; i < M; ++i) {
    if (!live[i] || absorbing[i]) continue;
    transient[i] = 1;
    tau[i] = -net.log_escape[i];
    for (const auto& [j, lk] : net.log_k[i])
      if (live[j]) out[i][j] = lk - net.log_escape[i];
  }
  std::set<std::pair<std::size_t, std::int64_t>> queue;
  for (std::size_t i = 0; i < M; ++i)
    if (transient[i]) queue.emplace(out[i].size(), static_cast<std::int64_t>(i));
  std::vector<Removed> removed;
  while (!queue.empty()) {
    const std::int64_t x = queue.begin()->second;
    queue.erase(queue.begin());
    std::vector<double> leave;
    for (const auto& [g, lp] : out[x]) leave.push_back(lp);
    const double log_leave = log_sum_exp(leave);
    for (const auto& [b, unused] : out[x]) {
      if (!transient[b]) continue;
      auto& ob = out[b];
      queue.erase({ob.size(), b});
      const double lpxb = ob.at(x);
      ob.erase(x);
      for (const auto& [g, lpgx] : out[x]) {
        if (g == b) continue;  // a return to b: part of b's self-loop, left out of its sum
        const double term = lpxb + lpgx - log_leave;
        auto [it, fresh] = ob.emplace(g, term);
        if (!fresh) it->second = log_add(it->second, term);
      }
      tau[b] = log_add(tau[b], lpxb + tau[x] - log_leave);
      queue.emplace(ob.size(), b);
    }
    transient[x] = 0;
    removed.push_back({x, std::move(out[x]), log_leave, tau[x]});
  }
  return removed;
}

}  // namespace

std::vector<double> log_mfpt_to(const RateNetwork& net, const std::vector<char>& target) {
  const std::size_t M = net.log_k.size();
  if (target.size() != M) throw std::invalid_argument("log_mfpt_to: target has the wrong size");
  const std::vector<char> live = reaching(net, target);
  std::vector<double> v(M, kInf);
  for (std::size_t i = 0; i < M; ++i)
    if (target[i]) v[i] = -kInf;
  const std::vector<Removed> removed = eliminate(net, target, live);
  for (auto r = removed.rbegin(); r != removed.rend(); ++r) {
    std::vector<double> terms{r->log_tau};
    for (const auto& [g, lp] : r->out)
      if (v[g] != -kInf) terms.push_back(lp + v[g]);
    v[r->node] = log_sum_exp(terms) - r->log_leave;
  }
  return v;
}

std::vector<double> log_committor(const RateNetwork& net, const std::vector<char>& from,
                                  const std::vector<char>& to) {
  const std::size_t M = net.log_k.size();
  if (from.size() != M || to.size() != M)
    throw std::invalid_argument("log_committor: sets have the wrong size");
  std::vector<char> both(M);
  for (std::size_t i = 0; i < M; ++i) both[i] = from[i] || to[i];
  const std::vector<char> live = reaching(net, both);
  std::vector<double> v(M, std::nan(""));
  for (std::size_t i = 0; i < M; ++i) {
    if (to[i]) v[i] = 0.0;
    if (from[i]) v[i] = -kInf;
  }
  const std::vector<Removed> removed = eliminate(net, both, live);
  for (auto r = removed.rbegin(); r != removed.rend(); ++r) {
    std::vector<double> terms;
    for (const auto& [g, lp] : r->out) terms.push_back(lp + v[g]);
    v[r->node] = log_sum_exp(terms) - r->log_leave;
  }
  return v;
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
                         const std::vector<std::int64_t>& b) {
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
  const std::vector<double> to_b = log_mfpt_to(net, in_b), to_a = log_mfpt_to(net, in_a);
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
  r.log_committor = log_committor(net, in_a, in_b);
  const std::vector<double> q_a = log_committor(net, in_b, in_a);
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
