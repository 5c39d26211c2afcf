#include "lossland/search/basin_hopping.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "search/random.hpp"

namespace lossland {

namespace {

void require(bool ok, const char* field, const char* range) {
  if (!ok)
    throw std::invalid_argument(std::string("BasinHoppingOptions.") + field + ": must be " + range);
}

struct Walker {
  explicit Walker(detail::Rng r) : rng(r) {}
  detail::Rng rng;
  bool has_current = false;
  Eigen::VectorXd x;
  double energy = 0.0;
  double step = 0.0;
  std::int64_t steps = 0;
  std::int64_t accepted_in_window = 0;
  std::int64_t steps_since_new = 0;
  Eigen::VectorXd trial;
  Quench outcome;
};

Eigen::VectorXd random_point(detail::Rng& rng, int n, double scale) {
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) x[i] = scale * rng.normal();
  return x;
}

db::StoredPoint to_stored(const Quench& q) {
  db::StoredPoint p;
  p.energy = q.result.energy;
  p.coords = q.result.x;
  p.grad_rms = q.result.grad_rms;
  p.eigenvalues = q.classification.eigenvalues;
  return p;
}

}  // namespace

std::string to_string(BasinHoppingStatus s) {
  switch (s) {
    case BasinHoppingStatus::MaxSteps: return "max-steps";
    case BasinHoppingStatus::NoNewMinima: return "no-new-minima";
    case BasinHoppingStatus::Stopped: return "stopped";
  }
  return "unknown";
}

void BasinHoppingOptions::validate() const {
  require(walkers >= 1 && walkers <= 4096, "walkers", "in [1, 4096]");
  require(threads >= 0 && threads <= 1024, "threads", "in [0, 1024]");
  require(max_steps >= 1, "max_steps", ">= 1");
  require(max_steps_without_new >= 0, "max_steps_without_new", ">= 0");
  require(temperature > 0 && std::isfinite(temperature), "temperature", "> 0");
  require(step_size > 0 && std::isfinite(step_size), "step_size", "> 0");
  require(target_acceptance > 0 && target_acceptance < 1, "target_acceptance", "in (0, 1)");
  require(adapt_interval >= 0 && adapt_interval <= 1000000, "adapt_interval", "in [0, 1e6]");
  require(adapt_factor > 0 && adapt_factor < 1, "adapt_factor", "in (0, 1)");
  require(min_step_size > 0 && min_step_size <= step_size, "min_step_size", "in (0, step_size]");
  require(max_step_size >= step_size, "max_step_size", ">= step_size");
  require(init_scale > 0 && std::isfinite(init_scale), "init_scale", "> 0");
  require(restart_after >= 0, "restart_after", ">= 0");
  require(eigen_cutoff > 0 && eigen_cutoff <= 1e-3, "eigen_cutoff", "in (0, 1e-3]");
  minimizer.validate();
}

Quench quench(const Loss& loss, const Eigen::VectorXd& x0, const MinimizerOptions& minimizer,
              double eigen_cutoff) {
  Quench q;
  q.result = minimize(loss, x0, minimizer);
  if (q.result.converged()) q.classification = classify(loss, q.result.x, eigen_cutoff);
  return q;
}

BasinHoppingResult basin_hopping(const Loss& loss, db::LandscapeIndex& index,
                                 const BasinHoppingOptions& options,
                                 const BasinHoppingCallback& callback) {
  options.validate();
  const auto start_time = std::chrono::steady_clock::now();
  const int n = loss.dim();
  const double tol = options.minimizer.rms_tolerance;
  BasinHoppingResult out;
  BasinHoppingStats& st = out.stats;
  const db::Landscape& land = index.landscape();

  // The all-zero point is stationary for every network loss (papers/004 Sec. IV.A).
  {
    Quench zero;
    zero.result.x = Eigen::VectorXd::Zero(n);
    Eigen::VectorXd g;
    zero.result.energy = loss.energy_gradient(zero.result.x, g);
    zero.result.grad_rms = rms(g);
    zero.result.status = MinimizerStatus::Converged;
    zero.classification = classify(loss, zero.result.x, options.eigen_cutoff);
    if (zero.is_minimum(tol) && index.add_minimum(to_stored(zero)).added) ++st.new_minima;
  }

  // A resumed run draws fresh streams (the count of stored minima enters the seed) and starts
  // its walkers from the lowest stored minima.
  std::vector<Walker> walkers;
  walkers.reserve(options.walkers);
  const std::uint64_t resume_salt = static_cast<std::uint64_t>(land.minima.size()) * 0x100000001B3ULL;
  std::vector<std::int64_t> by_energy(land.minima.size());
  for (std::size_t i = 0; i < by_energy.size(); ++i) by_energy[i] = static_cast<std::int64_t>(i);
  std::sort(by_energy.begin(), by_energy.end(), [&](std::int64_t a, std::int64_t b) {
    return land.minima[a].energy < land.minima[b].energy;
  });
  const bool resumed = land.minima.size() > 1;
  for (int w = 0; w < options.walkers; ++w) {
    Walker wk(detail::Rng(options.seed ^ resume_salt, static_cast<std::uint64_t>(w)));
    wk.step = options.step_size;
    if (resumed) {
      const auto& m = land.minima[by_energy[w % by_energy.size()]];
      wk.x = m.coords;
      wk.energy = m.energy;
      wk.has_current = true;
    }
    walkers.push_back(std::move(wk));
  }

  const int threads = options.threads > 0 ? options.threads : omp_get_num_procs();
  st.lowest_energy = std::numeric_limits<double>::infinity();
  for (const auto& m : land.minima) st.lowest_energy = std::min(st.lowest_energy, m.energy);

  out.status = BasinHoppingStatus::MaxSteps;
  while (true) {
    // Trial points are drawn serially so every walker's stream is independent of threads.
    const int active = static_cast<int>(
        std::min<std::int64_t>(options.walkers, options.max_steps - st.steps));
    for (int w = 0; w < active; ++w) {
      Walker& wk = walkers[w];
      if (wk.has_current) {
        wk.trial = wk.x;
        for (int i = 0; i < n; ++i) wk.trial[i] += wk.rng.uniform(-wk.step, wk.step);
      } else {
        wk.trial = random_point(wk.rng, n, options.init_scale);
      }
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int w = 0; w < active; ++w)
      walkers[w].outcome = quench(loss, walkers[w].trial, options.minimizer, options.eigen_cutoff);

    // Merge in walker order: the landscape grows identically for any thread count.
    for (int w = 0; w < active; ++w) {
      Walker& wk = walkers[w];
      const Quench& q = wk.outcome;
      ++st.steps;
      ++wk.steps;
      bool is_new = false;
      const bool minimum = q.is_minimum(tol);
      if (!q.result.converged() || q.result.grad_rms > tol) ++st.failed_quenches;
      else if (q.classification.kind == PointKind::NonMorse) ++st.non_morse;
      else if (q.classification.index > 0) ++st.saddles;
      if (minimum) {
        is_new = index.add_minimum(to_stored(q)).added;
        st.lowest_energy = std::min(st.lowest_energy, q.result.energy);
      }
      if (is_new) {
        ++st.new_minima;
        st.steps_since_new = 0;
        wk.steps_since_new = 0;
      } else {
        ++st.steps_since_new;
        ++wk.steps_since_new;
      }
      // Metropolis acceptance at temperature T.
      bool accept = false;
      if (minimum) {
        if (!wk.has_current || q.result.energy <= wk.energy) {
          accept = true;
        } else {
          accept = wk.rng.uniform() < std::exp(-(q.result.energy - wk.energy) / options.temperature);
        }
      }
      if (accept) {
        wk.x = q.result.x;
        wk.energy = q.result.energy;
        wk.has_current = true;
        ++wk.accepted_in_window;
        ++st.accepted;
      }
      if (options.adapt_interval > 0 && wk.steps % options.adapt_interval == 0) {
        const double ratio = static_cast<double>(wk.accepted_in_window) / options.adapt_interval;
        wk.step = ratio < options.target_acceptance ? wk.step * options.adapt_factor
                                                    : wk.step / options.adapt_factor;
        wk.step = std::clamp(wk.step, options.min_step_size, options.max_step_size);
        wk.accepted_in_window = 0;
      }
      if (options.restart_after > 0 && wk.steps_since_new >= options.restart_after) {
        wk.has_current = false;
        wk.steps_since_new = 0;
        wk.step = options.step_size;
      }
    }
    st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    if (callback && !callback(st)) {
      out.status = BasinHoppingStatus::Stopped;
      break;
    }
    if (st.steps >= options.max_steps) {
      out.status = BasinHoppingStatus::MaxSteps;
      break;
    }
    if (options.max_steps_without_new > 0 && st.steps_since_new >= options.max_steps_without_new) {
      out.status = BasinHoppingStatus::NoNewMinima;
      break;
    }
  }
  out.message = to_string(out.status);
  return out;
}

}  // namespace lossland
