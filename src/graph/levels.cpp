/// Threshold levels of disconnectivity graphs: the window and the spacing (Mehta et al. 2018,
/// Sec. III A; disconnectionDPS places levels at a regular step, here the step may be regular in
/// ln(E - E_min + eps) so that branching spread over decades above E_min shows).
#include "graph/levels.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lossland::graph {

namespace {

LevelPlan linear_levels(const DisconnectivityOptions& opt, double e_min, double e_top) {
  LevelPlan p;
  p.spacing = LevelSpacing::Linear;
  const double range = e_top - e_min;
  int L;
  if (opt.spacing > 0) {
    p.delta = opt.spacing;
    L = static_cast<int>(std::min(10000.0, std::floor(range / p.delta) + 1));
  } else {
    L = opt.levels;
    p.delta = range / (L - 1);
  }
  for (int k = 0; k < L; ++k) p.energies.push_back(e_top + p.delta / 2 - k * p.delta);
  p.window_top = p.energies.front() + p.delta / 2;
  return p;
}

/// eps: half the smallest gap above e_min among the minima and merges, ignoring gaps that are
/// ties at the window's scale.
double auto_offset(double e_min, double e_top, const std::vector<double>& merges,
                   const std::vector<double>& minima) {
  const double range = e_top - e_min, tie = 1e-7 * range;
  double smallest = range;
  for (const auto* v : {&merges, &minima})
    for (double e : *v)
      if (e - e_min > tie) smallest = std::min(smallest, e - e_min);
  return 0.5 * smallest;
}

LevelPlan log_levels(const DisconnectivityOptions& opt, double e_min, double e_top,
                     const std::vector<double>& merges, const std::vector<double>& minima) {
  LevelPlan p;
  p.spacing = LevelSpacing::Log;
  p.log_offset = opt.log_offset > 0 ? opt.log_offset : auto_offset(e_min, e_top, merges, minima);
  const double eps = p.log_offset;
  const double u_top = std::log(e_top - e_min + eps), u_bot = std::log(eps);
  const int L = opt.levels;
  p.delta = (u_top - u_bot) / (L - 1);
  for (int k = 0; k < L; ++k)
    p.energies.push_back(e_min - eps + std::exp(u_top + p.delta / 2 - k * p.delta));
  p.window_top = e_min - eps + std::exp(u_top + p.delta);
  return p;
}

}  // namespace

int resolved_merges(const std::vector<double>& levels, std::vector<double> merges) {
  std::sort(merges.begin(), merges.end());
  int count = 0;
  long last_bin = -2;
  double last = -std::numeric_limits<double>::infinity();
  for (double b : merges) {
    if (count > 0 && std::abs(b - last) <= 1e-12 * std::max(std::abs(b), std::abs(last)))
      continue;  // the same merge energy
    // Bin index: number of levels at or below b (levels descend).
    const long bin = std::count_if(levels.begin(), levels.end(), [&](double e) { return e <= b; });
    if (bin != last_bin) ++count;
    last_bin = bin;
    last = b;
  }
  return count;
}

LevelPlan choose_levels(const DisconnectivityOptions& opt, double e_min, double e_top,
                        const std::vector<double>& merges, const std::vector<double>& minima) {
  if (!(e_top - e_min > 1e-12 * std::max(1.0, std::abs(e_min)))) {
    // One minimum, or minima at one energy: a readable window above it, linear.
    DisconnectivityOptions flat = opt;
    flat.spacing = 0;
    return linear_levels(flat, e_min, e_min + std::max(0.1 * std::abs(e_min), 1e-6));
  }
  if (opt.level_spacing == LevelSpacing::Linear || opt.spacing > 0)
    return linear_levels(opt, e_min, e_top);
  LevelPlan log = log_levels(opt, e_min, e_top, merges, minima);
  if (opt.level_spacing == LevelSpacing::Log) return log;
  LevelPlan lin = linear_levels(opt, e_min, e_top);
  return resolved_merges(log.energies, merges) > resolved_merges(lin.energies, merges) ? log : lin;
}

}  // namespace lossland::graph
