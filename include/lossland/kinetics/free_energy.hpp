#pragma once
/// \file
/// Free-energy landscapes at temperature T (S. V. Krivov and M. Karplus, J. Chem. Phys. 117,
/// 10894 (2002); D. A. Evans and D. J. Wales, J. Chem. Phys. 118, 3891 (2003)). Minima are
/// lumped into groups I with
///   F_I = -T ln sum_{i in I} Z_i                      (Z_i of thermo.hpp),
/// and the transition states between two groups into one barrier
///   F_IJ = -T ln sum_{s joins I and J} Z_s,
///   Z_s = (|G| / O_s) exp(-E_s / T) (2 pi T)^((P-1)/2) / sqrt(det' H_s),
/// the harmonic partition function of the P - 1 stable modes of s, so that the inertial
/// (harmonic transition-state theory) rate from group I to J, with local equilibrium inside I,
/// is sqrt(T / 2 pi) exp(-(F_IJ - F_I) / T) (rates.hpp summed over members).
///
/// Regrouping (the scheme of Evans & Wales): start with one group per minimum; repeatedly take
/// the pair of groups joined by the lowest free-energy barrier, seen from the higher of the two,
/// min(F_IJ - F_I, F_IJ - F_J); while it is below `regroup_barrier`, merge the pair, recompute
/// the merged group's F and its barriers to every other group by the sums above, and go on.
/// Transition states inside a group then drop out; degenerate ones (min1 == min2) never count.

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/kinetics/harmonic.hpp"

namespace lossland::kinetics {

struct FreeEnergyOptions {
  /// Temperature T in loss units. Range: finite, > 0.
  double temperature = 1e-3;
  /// Merge groups joined by a free-energy barrier below this (loss units). Range: >= 0 and
  /// finite, or NaN for the default, 1 x T (barriers under one unit of thermal energy).
  double regroup_barrier = std::numeric_limits<double>::quiet_NaN();
  /// Throws std::invalid_argument naming the field.
  void validate() const;
  double barrier() const { return std::isnan(regroup_barrier) ? temperature : regroup_barrier; }
};

struct FreeEnergyLink {
  int a = -1, b = -1;                           ///< group ids, a < b
  double free_energy = 0.0;                     ///< F_ab
  std::vector<std::int64_t> transition_states;  ///< the members of the sum
  std::int64_t representative = -1;             ///< the transition state with the largest Z_s
};

struct FreeEnergyGroups {
  double temperature = 0.0;
  double regroup_barrier = 0.0;
  std::vector<int> group_of;                       ///< per minimum
  std::vector<std::vector<std::int64_t>> members;  ///< per group, ascending
  std::vector<double> free_energy;                 ///< F_I
  std::vector<std::int64_t> representative;        ///< member with the largest Z_i
  std::vector<FreeEnergyLink> links;               ///< between groups, ascending (a, b)
};

/// ln Z_s of transition state s (formula above).
double log_ts_partition_function(const HarmonicLandscape& h, std::size_t ts, double temperature);

/// Groups and barriers. Throws std::invalid_argument for bad options or no minima.
FreeEnergyGroups free_energy_groups(const HarmonicLandscape& h, const FreeEnergyOptions& options);

/// A landscape whose "minima" are the groups (energy F_I, coordinates, spectrum and 1-D columns
/// of the representative minimum, plus columns `members` (count) and `representative` (id))
/// and whose "transition states" are the links (energy F_IJ, the representative transition
/// state's coordinates and spectrum, min1/min2 the groups): the input for the disconnectivity
/// graph machinery, which then draws a free-energy disconnectivity graph.
db::Landscape free_energy_landscape(const db::Landscape& landscape, const FreeEnergyGroups& groups);

}  // namespace lossland::kinetics
