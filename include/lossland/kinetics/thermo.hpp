#pragma once
/// \file
/// Harmonic superposition thermodynamics (D. J. Wales, "Energy Landscapes", Cambridge University
/// Press (2003)) of the canonical distribution exp(-E(w)/T) over the parameters, T in loss units:
/// the distribution that noisy gradient descent dw = -grad E dt + sqrt(2T) dW samples. Each
/// minimum i stands for its basin:
///
///   Z_i = (|G| / O_i) exp(-E_i / T) (2 pi T)^(P/2) / sqrt(det H_i),
///
/// with |G| the order of the network's symmetry group, O_i the stabiliser order of the minimum
/// (so |G| / O_i counts its distinct copies), and det H_i the product of its Hessian
/// eigenvalues. Then p_i = Z_i / sum_k Z_k, F_i = -T ln Z_i, F = -T ln sum_k Z_k.
/// In basin i the loss is E_i plus P harmonic modes of mean T/2 each, so
///   <E> = sum_i p_i (E_i + P T / 2),
/// and with d ln Z_i / dT = (E_i + P T/2) / T^2 and dp_i/dT = p_i (E_i - sum_k p_k E_k) / T^2,
///   C(T) = d<E>/dT = P/2 + sum_i p_i (E_i - <E_min>)^2 / T^2 = Var(E) / T^2,
/// where <E_min> = sum_i p_i E_i and Var(E) = P T^2 / 2 + sum_i p_i (E_i - <E_min>)^2 is the
/// full variance of the loss in the superposition (within-basin plus between-basin).

#include <vector>

#include "lossland/kinetics/harmonic.hpp"

namespace lossland::kinetics {

/// ln Z_i at temperature T (formula above).
double log_partition_function(const HarmonicLandscape& h, std::size_t minimum, double temperature);

struct ThermoResult {
  double temperature = 0.0;
  std::vector<double> log_z;         ///< ln Z_i per minimum
  double log_z_total = 0.0;          ///< ln sum_i Z_i
  std::vector<double> occupation;    ///< p_i (sums to 1)
  std::vector<double> free_energy;   ///< F_i = -T ln Z_i
  double free_energy_total = 0.0;    ///< F = -T ln Z
  double mean_minimum_energy = 0.0;  ///< <E_min> = sum_i p_i E_i
  double mean_energy = 0.0;          ///< <E> = <E_min> + P T / 2
  double heat_capacity = 0.0;        ///< C = P/2 + sum_i p_i (E_i - <E_min>)^2 / T^2
  double entropy = 0.0;              ///< S = (<E> - F) / T
};

/// Everything above at one temperature. Throws std::invalid_argument for T <= 0 or non-finite,
/// or a landscape without minima.
ThermoResult thermodynamics(const HarmonicLandscape& h, double temperature);

/// thermodynamics() at `points` temperatures spaced evenly in ln T from t_low to t_high
/// (both included; points >= 2, 0 < t_low < t_high).
std::vector<ThermoResult> thermo_scan(const HarmonicLandscape& h, double t_low, double t_high,
                                      int points);

}  // namespace lossland::kinetics
