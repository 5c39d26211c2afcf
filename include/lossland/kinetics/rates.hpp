#pragma once
/// \file
/// Rate constants between minima from the harmonic landscape, in log space. For minimum i and
/// a transition state s that joins it to minimum j (kappa_s its negative eigenvalue, O the
/// stabiliser orders, det' the product of the P - 1 positive eigenvalues of s):
///
///   overdamped (the default; J. S. Langer, Ann. Phys. 54, 258 (1969); the multidimensional
///   Kramers rate of dw = -grad E dt + sqrt(2T) dW, time in units of that equation):
///     k_s(i->j) = (O_i / O_s) (|kappa_s| / 2 pi) sqrt(det H_i / |det H_s|) exp(-(E_s - E_i)/T)
///   inertial (harmonic transition-state theory with unit masses, as PATHSAMPLE uses;
///   time in units of Newton's equations with unit masses):
///     k_s(i->j) = (O_i / O_s) (1 / 2 pi) (prod_j sqrt(kappa_i,j) / prod'_j sqrt(kappa_s,j))
///                 exp(-(E_s - E_i)/T).
///
/// |det H_s| = |kappa_s| det' H_s. The rate from i to j sums k_s over every transition state
/// joining the pair; a degenerate transition state (min1 == min2) adds no rate between minima.
/// Both forms satisfy detailed balance Z_i k(i->j) = Z_j k(j->i) with the Z_i of thermo.hpp.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lossland/kinetics/harmonic.hpp"

namespace lossland::kinetics {

enum class Dynamics { Overdamped, Inertial };
std::string to_string(Dynamics d);  ///< "overdamped", "inertial"
/// Parses "overdamped" | "inertial"; throws std::invalid_argument naming the accepted values.
Dynamics parse_dynamics(const std::string& s);

/// ln k_s(i -> other end) for transition state s leaving minimum i = min1 (from_min1) or min2.
double log_ts_rate(const HarmonicLandscape& h, std::size_t ts, bool from_min1, double temperature,
                   Dynamics dynamics);

/// One directed elementary step through one transition state.
struct RateEdge {
  std::int64_t from = -1, to = -1, ts = -1;
  double log_rate = 0.0;  ///< ln k_s(from -> to)
};

/// The master equation's rates at one temperature.
struct RateNetwork {
  double temperature = 0.0;
  Dynamics dynamics = Dynamics::Overdamped;
  /// log_k[i][j] = ln k(i -> j), summed over the transition states joining i and j (j != i).
  std::vector<std::map<std::int64_t, double>> log_k;
  /// ln of the total escape rate of each minimum, ln sum_j k(i -> j) (-inf if none).
  std::vector<double> log_escape;
  /// ln p_i at equilibrium (thermo.hpp).
  std::vector<double> log_occupation;
  /// Every elementary step (two per non-degenerate transition state).
  std::vector<RateEdge> edges;
  int degenerate_transition_states = 0;  ///< min1 == min2: no rate between minima
  int num_minima() const { return static_cast<int>(log_k.size()); }
};

/// Builds the network. Throws std::invalid_argument for a bad temperature or landscape.
RateNetwork rate_network(const HarmonicLandscape& h, double temperature, Dynamics dynamics);

/// max over pairs of |ln(p_i k(i->j)) - ln(p_j k(j->i))|: 0 up to round-off (detailed balance).
double detailed_balance_violation(const RateNetwork& net);

}  // namespace lossland::kinetics
