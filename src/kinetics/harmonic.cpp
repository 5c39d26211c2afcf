#include "lossland/kinetics/harmonic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "lossland/db/landscape_index.hpp"
#include "lossland/graph/pathsample.hpp"
#include "lossland/model/stabiliser.hpp"

namespace lossland::kinetics {

void HarmonicLandscape::validate() const {
  if (dimension < 1) throw std::invalid_argument("harmonic landscape: dimension must be >= 1");
  auto check = [](const HarmonicPoint& p, const std::string& what) {
    if (!std::isfinite(p.energy) || !std::isfinite(p.log_det))
      throw std::invalid_argument(what + ": energy and log_det must be finite");
    if (!(p.log_order >= 0)) throw std::invalid_argument(what + ": log_order must be >= 0");
  };
  for (std::size_t i = 0; i < minima.size(); ++i) check(minima[i], "minimum " + std::to_string(i));
  const auto M = static_cast<std::int64_t>(minima.size());
  for (std::size_t s = 0; s < transition_states.size(); ++s) {
    const auto& t = transition_states[s];
    const std::string what = "transition state " + std::to_string(s);
    check(t, what);
    if (!(t.negative_eigenvalue < 0))
      throw std::invalid_argument(what + ": no negative Hessian eigenvalue");
    if (t.min1 < 0 || t.min1 >= M || t.min2 < 0 || t.min2 >= M)
      throw std::invalid_argument(what + " joins minima outside the landscape");
  }
}

HarmonicLandscape harmonic_landscape(const db::Landscape& land) {
  HarmonicLandscape h;
  h.dimension = land.num_params();
  h.log_group_order = log_symmetry_group_order(land.model);
  const std::vector<double> om = db::minimum_orders(land);
  const std::vector<double> ot = db::transition_state_orders(land);
  for (std::size_t i = 0; i < land.minima.size(); ++i) {
    HarmonicPoint p;
    p.energy = land.minima[i].energy;
    try {
      p.log_det = graph::fvib(land.minima[i].eigenvalues, false);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("minimum " + std::to_string(i) + ": " + e.what());
    }
    p.log_order = std::log(om[i]);
    h.minima.push_back(p);
  }
  for (std::size_t s = 0; s < land.transition_states.size(); ++s) {
    const auto& t = land.transition_states[s];
    HarmonicTransitionState p;
    p.energy = t.energy;
    try {
      p.log_det = graph::fvib(t.eigenvalues, true);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("transition state " + std::to_string(s) + ": " + e.what());
    }
    p.negative_eigenvalue = t.eigenvalues[0];
    if (!(p.negative_eigenvalue < 0))
      throw std::invalid_argument("transition state " + std::to_string(s) +
                                  ": its lowest Hessian eigenvalue is 0, not negative (not a "
                                  "Morse transition state)");
    p.log_order = std::log(ot[s]);
    p.min1 = t.min1;
    p.min2 = t.min2;
    h.transition_states.push_back(p);
  }
  h.validate();
  return h;
}

void check_temperature(double t, const std::string& what) {
  if (!(t > 0) || !std::isfinite(t))
    throw std::invalid_argument(what + " must be a finite number > 0 (in loss units), got " +
                                std::to_string(t));
}

double log_sum_exp(const std::vector<double>& x) {
  const double inf = std::numeric_limits<double>::infinity();
  double m = -inf;
  for (double v : x) m = std::max(m, v);
  if (m == -inf || m == inf) return m;
  double s = 0;
  for (double v : x) s += std::exp(v - m);
  return m + std::log(s);
}

double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == -std::numeric_limits<double>::infinity()) return a;
  return a + std::log1p(std::exp(b - a));
}

}  // namespace lossland::kinetics
