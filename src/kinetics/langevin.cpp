#include "lossland/kinetics/langevin.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lossland/db/landscape_index.hpp"
#include "lossland/kinetics/harmonic.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "search/random.hpp"

namespace lossland::kinetics {

void LangevinOptions::validate() const {
  check_temperature(temperature);
  if (!(dt > 0 && dt <= 100)) throw std::invalid_argument("dt must be in (0, 100]");
  if (!(max_time > 0 && std::isfinite(max_time)))
    throw std::invalid_argument("max_time must be finite and > 0");
  if (!(check_interval >= dt && check_interval <= max_time))
    throw std::invalid_argument("check_interval must be in [dt, max_time]");
  if (runs < 1 || runs > 1000000) throw std::invalid_argument("runs must be in [1, 1e6]");
  if (threads < 1 || threads > 1024) throw std::invalid_argument("threads must be in [1, 1024]");
}

LangevinResult langevin_first_passage(const db::Landscape& land, std::int64_t start,
                                      const std::vector<std::int64_t>& target,
                                      const LangevinOptions& o) {
  o.validate();
  const auto M = static_cast<std::int64_t>(land.minima.size());
  if (start < 0 || start >= M) throw std::invalid_argument("the start minimum does not exist");
  if (target.empty()) throw std::invalid_argument("the target set is empty");
  std::vector<char> in_target(M, 0);
  for (auto i : target) {
    if (i < 0 || i >= M) throw std::invalid_argument("a target minimum does not exist");
    in_target[i] = 1;
  }
  if (in_target[start]) throw std::invalid_argument("the start minimum is in the target set");
  const MlpLoss loss(land.dataset, land.model);
  db::Landscape copy = land;
  const db::LandscapeIndex index(copy);
  MinimizerOptions quench;
  quench.rms_tolerance = 1e-10;
  const long steps_per_check = std::max(1L, std::lround(o.check_interval / o.dt));
  const double noise = std::sqrt(2 * o.temperature * o.dt);
  LangevinResult r;
  r.runs.resize(o.runs);
#pragma omp parallel for schedule(dynamic) num_threads(o.threads)
  for (int run = 0; run < o.runs; ++run) {
    detail::Rng rng(o.seed, static_cast<std::uint64_t>(run));
    Eigen::VectorXd w = land.minima[start].coords, g;
    LangevinRun& out = r.runs[run];
    double t = 0;
    while (t < o.max_time) {
      bool below = false;
      for (long s = 0; s < steps_per_check && !below; ++s) {
        below = loss.energy_gradient(w, g) < o.arrive_below;
        if (below) break;
        for (Eigen::Index k = 0; k < w.size(); ++k) w[k] += -o.dt * g[k] + noise * rng.normal();
        t += o.dt;
      }
      if (below) {
        out.arrived = true;
        break;
      }
      if (!std::isnan(o.arrive_below)) continue;
      const MinimizerResult q = minimize(loss, w, quench);
      const std::int64_t m = index.find_minimum(q.energy, q.x);
      if (m < 0) {
        ++out.unknown_quenches;
      } else if (in_target[m]) {
        out.arrived = true;
        out.minimum = m;
        break;
      }
    }
    out.time = std::min(t, o.max_time);
  }
  std::vector<double> times;
  for (const auto& run : r.runs)
    if (run.arrived) times.push_back(run.time);
  r.arrived = static_cast<int>(times.size());
  if (!times.empty()) {
    for (double t : times) r.mean_time += t / times.size();
    double var = 0;
    for (double t : times) var += (t - r.mean_time) * (t - r.mean_time);
    if (times.size() > 1) r.standard_error = std::sqrt(var / (times.size() - 1) / times.size());
  }
  return r;
}

}  // namespace lossland::kinetics
