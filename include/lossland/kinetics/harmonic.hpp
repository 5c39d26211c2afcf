#pragma once
/// \file
/// The harmonic picture of a landscape that thermodynamics and kinetics work from: for each
/// minimum and transition state its energy, the log of the product of its positive Hessian
/// eigenvalues, its negative eigenvalue (transition states) and its stabiliser order O
/// (symmetry number), with the order |G| of the network's symmetry group. Everything downstream
/// works with logarithms: at lambda = 1e-6 the determinants span hundreds of orders of
/// magnitude (D. J. Wales, "Energy Landscapes", Cambridge University Press (2003)).

#include <cstdint>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"

namespace lossland::kinetics {

/// One stationary point in the harmonic approximation.
struct HarmonicPoint {
  double energy = 0.0;
  /// ln prod_j kappa_j over the positive Hessian eigenvalues: all P of a minimum, the P - 1
  /// stable ones of a transition state (PATHSAMPLE's FVIB).
  double log_det = 0.0;
  /// The transition state's negative eigenvalue kappa_s (0 for a minimum).
  double negative_eigenvalue = 0.0;
  /// ln of the stabiliser order O (HORDER), >= 0.
  double log_order = 0.0;
};

struct HarmonicTransitionState : HarmonicPoint {
  std::int64_t min1 = -1;  ///< rows of the minima it joins; min1 == min2: degenerate
  std::int64_t min2 = -1;
};

struct HarmonicLandscape {
  int dimension = 0;             ///< P, the number of coordinates
  double log_group_order = 0.0;  ///< ln |G|
  std::vector<HarmonicPoint> minima;
  std::vector<HarmonicTransitionState> transition_states;
  /// Throws std::invalid_argument naming the first inconsistency: dimension < 1, a
  /// non-finite energy or log_det, a log_order < 0, a transition state without a negative
  /// eigenvalue or naming a minimum outside [0, M).
  void validate() const;
};

/// The harmonic landscape of a database: log_det from the stored spectra (every eigenvalue of a
/// minimum > 0; exactly one of a transition state <= 0), O from /minima/horder and
/// /transition_states/horder where present and computed otherwise (db::minimum_orders()), |G|
/// from the model. Throws std::invalid_argument naming the point whose spectrum is not that of a
/// Morse minimum or transition state.
HarmonicLandscape harmonic_landscape(const db::Landscape& landscape);

/// Temperature check shared by the calculations: T must be finite and > 0. Throws
/// std::invalid_argument naming `what`.
void check_temperature(double temperature, const std::string& what = "temperature");

/// ln(sum_k exp(x_k)) without overflow; -inf for an empty list or all -inf.
double log_sum_exp(const std::vector<double>& x);
/// ln(exp(a) + exp(b)).
double log_add(double a, double b);

}  // namespace lossland::kinetics
