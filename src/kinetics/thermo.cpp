#include "lossland/kinetics/thermo.hpp"

#include <cmath>
#include <stdexcept>

namespace lossland::kinetics {

double log_partition_function(const HarmonicLandscape& h, std::size_t i, double T) {
  const HarmonicPoint& m = h.minima.at(i);
  return h.log_group_order - m.log_order - m.energy / T +
         0.5 * h.dimension * std::log(2 * M_PI * T) - 0.5 * m.log_det;
}

ThermoResult thermodynamics(const HarmonicLandscape& h, double T) {
  check_temperature(T);
  if (h.minima.empty()) throw std::invalid_argument("the landscape holds no minima");
  ThermoResult r;
  r.temperature = T;
  const std::size_t M = h.minima.size();
  for (std::size_t i = 0; i < M; ++i) r.log_z.push_back(log_partition_function(h, i, T));
  r.log_z_total = log_sum_exp(r.log_z);
  r.free_energy_total = -T * r.log_z_total;
  for (std::size_t i = 0; i < M; ++i) {
    r.occupation.push_back(std::exp(r.log_z[i] - r.log_z_total));
    r.free_energy.push_back(-T * r.log_z[i]);
    r.mean_minimum_energy += r.occupation[i] * h.minima[i].energy;
  }
  double var = 0;
  for (std::size_t i = 0; i < M; ++i) {
    const double d = h.minima[i].energy - r.mean_minimum_energy;
    var += r.occupation[i] * d * d;
  }
  r.mean_energy = r.mean_minimum_energy + 0.5 * h.dimension * T;
  r.heat_capacity = 0.5 * h.dimension + var / (T * T);
  r.entropy = (r.mean_energy - r.free_energy_total) / T;
  return r;
}

std::vector<ThermoResult> thermo_scan(const HarmonicLandscape& h, double t_low, double t_high,
                                      int points) {
  check_temperature(t_low, "the lowest temperature of the scan");
  check_temperature(t_high, "the highest temperature of the scan");
  if (!(t_low < t_high))
    throw std::invalid_argument("the scan T1:T2 needs T1 < T2 (got " + std::to_string(t_low) + ":" +
                                std::to_string(t_high) + ")");
  if (points < 2 || points > 100000)
    throw std::invalid_argument("the scan needs 2..100000 points, got " + std::to_string(points));
  std::vector<ThermoResult> out;
  const double a = std::log(t_low), b = std::log(t_high);
  for (int k = 0; k < points; ++k)
    out.push_back(thermodynamics(h, std::exp(a + (b - a) * k / (points - 1))));
  return out;
}

}  // namespace lossland::kinetics
