#include "lossland/kinetics/rates.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "lossland/kinetics/thermo.hpp"

namespace lossland::kinetics {

std::string to_string(Dynamics d) {
  return d == Dynamics::Overdamped ? "overdamped" : "inertial";
}

Dynamics parse_dynamics(const std::string& s) {
  if (s == "overdamped") return Dynamics::Overdamped;
  if (s == "inertial") return Dynamics::Inertial;
  throw std::invalid_argument("unknown dynamics '" + s + "': use overdamped or inertial");
}

double log_ts_rate(const HarmonicLandscape& h, std::size_t s, bool from_min1, double T,
                   Dynamics dyn) {
  const HarmonicTransitionState& t = h.transition_states.at(s);
  const HarmonicPoint& m = h.minima.at(from_min1 ? t.min1 : t.min2);
  const double log_kappa = std::log(std::abs(t.negative_eigenvalue));
  const double barrier = -(t.energy - m.energy) / T;
  const double orders = m.log_order - t.log_order;
  const double log_2pi = std::log(2 * M_PI);
  if (dyn == Dynamics::Overdamped)  // |kappa_s|/2pi sqrt(det H_i / (|kappa_s| det' H_s))
    return orders + log_kappa - log_2pi + 0.5 * (m.log_det - log_kappa - t.log_det) + barrier;
  return orders - log_2pi + 0.5 * (m.log_det - t.log_det) + barrier;
}

RateNetwork rate_network(const HarmonicLandscape& h, double T, Dynamics dyn) {
  check_temperature(T);
  h.validate();
  RateNetwork net;
  net.temperature = T;
  net.dynamics = dyn;
  const std::size_t M = h.minima.size();
  net.log_k.assign(M, {});
  for (std::size_t s = 0; s < h.transition_states.size(); ++s) {
    const auto& t = h.transition_states[s];
    if (t.min1 == t.min2) {
      ++net.degenerate_transition_states;
      continue;
    }
    for (bool forward : {true, false}) {
      RateEdge e;
      e.from = forward ? t.min1 : t.min2;
      e.to = forward ? t.min2 : t.min1;
      e.ts = static_cast<std::int64_t>(s);
      e.log_rate = log_ts_rate(h, s, forward, T, dyn);
      auto [it, fresh] = net.log_k[e.from].emplace(e.to, e.log_rate);
      if (!fresh) it->second = log_add(it->second, e.log_rate);
      net.edges.push_back(e);
    }
  }
  const ThermoResult th = thermodynamics(h, T);
  for (std::size_t i = 0; i < M; ++i) {
    std::vector<double> out;
    for (const auto& [j, lk] : net.log_k[i]) out.push_back(lk);
    net.log_escape.push_back(log_sum_exp(out));
    net.log_occupation.push_back(th.log_z[i] - th.log_z_total);
  }
  return net;
}

double detailed_balance_violation(const RateNetwork& net) {
  double worst = 0;
  for (std::size_t i = 0; i < net.log_k.size(); ++i)
    for (const auto& [j, lk] : net.log_k[i]) {
      const double back = net.log_k[j].at(static_cast<std::int64_t>(i));
      worst =
          std::max(worst, std::abs((net.log_occupation[i] + lk) - (net.log_occupation[j] + back)));
    }
  return worst;
}

}  // namespace lossland::kinetics
