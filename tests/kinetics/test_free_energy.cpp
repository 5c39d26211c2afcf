#include <gtest/gtest.h>

#include <cmath>

#include "kinetics/kinetics_test_util.hpp"
#include "lossland/kinetics/free_energy.hpp"
#include "lossland/kinetics/rates.hpp"
#include "lossland/kinetics/thermo.hpp"

using namespace lossland;
using namespace lossland::kinetics;

TEST(FreeEnergy, WithoutRegroupingGroupsAreTheMinima) {
  const HarmonicLandscape h = lossland::testing::random_landscape(6, 12, 4, 31);
  FreeEnergyOptions o;
  o.temperature = 0.02;
  o.regroup_barrier = 0.0;
  const FreeEnergyGroups g = free_energy_groups(h, o);
  const ThermoResult th = thermodynamics(h, o.temperature);
  ASSERT_EQ(g.members.size(), 6u);
  for (std::size_t k = 0; k < 6; ++k) {
    ASSERT_EQ(g.members[k].size(), 1u);
    EXPECT_NEAR(g.free_energy[k], th.free_energy[g.members[k][0]], 1e-14);
    if (k) EXPECT_LE(g.free_energy[k - 1], g.free_energy[k]);  // numbered by free energy
  }
  // Each link sums the Z_s of its transition states (linear space, by hand).
  for (const auto& l : g.links) {
    double z = 0;
    for (std::size_t s = 0; s < h.transition_states.size(); ++s) {
      const auto& t = h.transition_states[s];
      const int a = g.group_of[t.min1], b = g.group_of[t.min2];
      if ((a == l.a && b == l.b) || (a == l.b && b == l.a))
        z += std::exp(h.log_group_order - t.log_order - t.energy / o.temperature) *
             std::pow(2 * M_PI * o.temperature, (h.dimension - 1) / 2.0) /
             std::sqrt(std::exp(t.log_det));
    }
    EXPECT_NEAR(l.free_energy, -o.temperature * std::log(z), 1e-12);
  }
}

TEST(FreeEnergy, GroupBarriersGiveTheLocalEquilibriumRate) {
  // Inertial (HTST) rate from group I to group J with local equilibrium inside I equals
  // sqrt(T / 2 pi) exp(-(F_IJ - F_I)/T).
  const HarmonicLandscape h = lossland::testing::random_landscape(8, 16, 3, 41);
  FreeEnergyOptions o;
  o.temperature = 0.03;
  o.regroup_barrier = 2 * o.temperature;
  const FreeEnergyGroups g = free_energy_groups(h, o);
  ASSERT_LT(g.members.size(), 8u);  // something merged
  const RateNetwork net = rate_network(h, o.temperature, Dynamics::Inertial);
  const ThermoResult th = thermodynamics(h, o.temperature);
  for (const auto& l : g.links) {
    double flux = 0, pa = 0;
    for (auto i : g.members[l.a]) {
      pa += th.occupation[i];
      for (const auto& [j, lk] : net.log_k[i])
        if (g.group_of[j] == l.b) flux += th.occupation[i] * std::exp(lk);
    }
    const double k_group = std::sqrt(o.temperature / (2 * M_PI)) *
                           std::exp(-(l.free_energy - g.free_energy[l.a]) / o.temperature);
    EXPECT_NEAR(k_group / (flux / pa), 1.0, 1e-10);
  }
}

TEST(FreeEnergy, RegroupingMergesLowBarriersFirstAndEveryConnectedSetAtInfinity) {
  // Chain 0 - 1 - 2 with a low barrier between 0 and 1 and a high one between 1 and 2, plus
  // an isolated minimum 3.
  HarmonicLandscape h;
  h.dimension = 2;
  for (double e : {0.0, 0.01, 0.02, 0.0}) h.minima.push_back({e, 0.0, 0, 0});
  for (auto [a, b, e] : {std::tuple{0, 1, 0.015}, {1, 2, 0.5}}) {
    HarmonicTransitionState t;
    t.energy = e;
    t.log_det = 0.0;
    t.negative_eigenvalue = -1;
    t.min1 = a;
    t.min2 = b;
    h.transition_states.push_back(t);
  }
  FreeEnergyOptions o;
  o.temperature = 0.01;
  o.regroup_barrier = 0.05;
  FreeEnergyGroups g = free_energy_groups(h, o);
  EXPECT_EQ(g.group_of[0], g.group_of[1]);
  EXPECT_NE(g.group_of[1], g.group_of[2]);
  EXPECT_EQ(g.members.size(), 3u);
  const ThermoResult th = thermodynamics(h, o.temperature);
  const int merged = g.group_of[0];
  EXPECT_NEAR(g.free_energy[merged], -o.temperature * log_add(th.log_z[0], th.log_z[1]), 1e-14);
  o.regroup_barrier = 1e9;
  g = free_energy_groups(h, o);
  EXPECT_EQ(g.members.size(), 2u);  // {0, 1, 2} and {3}
  EXPECT_TRUE(g.links.empty());
  o.regroup_barrier = -1;
  EXPECT_THROW(free_energy_groups(h, o), std::invalid_argument);
}
