#include "lossland/search/basin_hopping.hpp"
#include "util/require.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "search/bh_walker.hpp"
#include "search/random.hpp"

namespace lossland {

namespace {

using detail::Walker;

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

/// One round of one walker: `steps` perturb-quench-accept steps. Reads the landscape, never
/// writes it; minima it finds are kept in wk.finds for the merge.
void walker_round(const Loss& loss, const db::LandscapeIndex& index, const BasinHoppingOptions& o,
                  double tol, int n, int steps, Walker& wk) {
  wk.finds.clear();
  wk.hits.clear();
  wk.round_steps = wk.round_accepted = wk.round_failed = wk.round_non_morse = wk.round_saddles = 0;
  wk.round_evaluations = 0;
  Eigen::VectorXd trial(n);
  for (int s = 0; s < steps; ++s) {
    if (wk.has_current) {
      trial = wk.x;
      for (int i = 0; i < n; ++i) trial[i] += wk.rng.uniform(-wk.step, wk.step);
    } else {
      trial = random_point(wk.rng, n, o.init_scale);
    }
    const Quench q = quench(loss, trial, o.minimizer, o.eigen_cutoff);
    ++wk.round_steps;
    wk.round_evaluations += q.evaluations();
    ++wk.steps;
    const bool minimum = q.is_minimum(tol);
    if (!q.result.converged() || q.result.grad_rms > tol)
      ++wk.round_failed;
    else if (q.classification.kind == PointKind::NonMorse)
      ++wk.round_non_morse;
    else if (q.classification.index > 0)
      ++wk.round_saddles;
    bool is_new = false;
    if (minimum) {
      detail::HitEvent hit;
      hit.step = wk.round_steps - 1;
      hit.row = index.find_minimum(q.result.energy, q.result.x);
      for (std::size_t f = 0; hit.row < 0 && hit.find < 0 && f < wk.finds.size(); ++f)
        if (index.same()(index.landscape().model, q.result.energy, q.result.x, wk.finds[f].energy,
                         wk.finds[f].coords))
          hit.find = static_cast<std::int64_t>(f);
      is_new = hit.row < 0 && hit.find < 0;
      if (is_new) {
        hit.find = static_cast<std::int64_t>(wk.finds.size());
        wk.finds.push_back(to_stored(q));
      }
      wk.hits.push_back(hit);
    }
    wk.steps_since_new = is_new ? 0 : wk.steps_since_new + 1;
    // Metropolis acceptance at temperature T.
    bool accept = false;
    if (minimum) {
      accept = !wk.has_current || q.result.energy <= wk.energy ||
               wk.rng.uniform() < std::exp(-(q.result.energy - wk.energy) / o.temperature);
    }
    if (accept) {
      wk.x = q.result.x;
      wk.energy = q.result.energy;
      wk.has_current = true;
      ++wk.accepted_in_window;
      ++wk.round_accepted;
    }
    if (o.adapt_interval > 0 && wk.steps % o.adapt_interval == 0) {
      const double ratio = static_cast<double>(wk.accepted_in_window) / o.adapt_interval;
      wk.step = ratio < o.target_acceptance ? wk.step * o.adapt_factor : wk.step / o.adapt_factor;
      wk.step = std::clamp(wk.step, o.min_step_size, o.max_step_size);
      wk.accepted_in_window = 0;
    }
    if (o.restart_after > 0 && wk.steps_since_new >= o.restart_after) {
      wk.has_current = false;
      wk.steps_since_new = 0;
      wk.step = o.step_size;
    }
  }
}

}  // namespace

std::string to_string(BasinHoppingStatus s) {
  switch (s) {
    case BasinHoppingStatus::MaxSteps:
      return "max-steps";
    case BasinHoppingStatus::NoNewMinima:
      return "no-new-minima";
    case BasinHoppingStatus::Stopped:
      return "stopped";
    case BasinHoppingStatus::EstimateReached:
      return "estimate-reached";
  }
  return "unknown";
}

void BasinHoppingOptions::validate() const {
  const detail::FieldCheck require("BasinHoppingOptions");
  require(walkers >= 1 && walkers <= 4096, "walkers", "in [1, 4096]");
  require(threads >= 0 && threads <= 1024, "threads", "in [0, 1024]");
  require(steps_per_round >= 1 && steps_per_round <= 1000000, "steps_per_round", "in [1, 1e6]");
  require(max_steps >= 1, "max_steps", ">= 1");
  require(max_steps_without_new >= 0, "max_steps_without_new", ">= 0");
  require(stop_rule == BasinHoppingStopRule::NoNew || stop_rule == BasinHoppingStopRule::Estimate,
          "stop_rule", "no-new or estimate");
  require(stop_p_new > 0 && stop_p_new < 1, "stop_p_new", "in (0, 1)");
  require(stop_quiet >= 0, "stop_quiet", ">= 0");
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

BasinHoppingResult basin_hopping(const Loss& loss, db::LandscapeIndex& index,
                                 const BasinHoppingOptions& options,
                                 const BasinHoppingCallback& callback) {
  options.validate();
  const auto start_time = std::chrono::steady_clock::now();
  const int n = loss.dim();
  const double tol = options.minimizer.rms_tolerance;
  BasinHoppingResult out;
  BasinHoppingStats& st = out.stats;
  db::Landscape& land = index.landscape();
  const std::string fingerprint = detail::run_fingerprint(options, n);

  // A killed run left its walkers and counters in the file: take them up exactly.
  std::vector<Walker> walkers;
  walkers.reserve(options.walkers);
  for (int w = 0; w < options.walkers; ++w)
    walkers.emplace_back(detail::Rng(options.seed, static_cast<std::uint64_t>(w)));
  const detail::RunStateLoad load = detail::load_run_state(land, fingerprint, n, walkers, st);
  if (load == detail::RunStateLoad::Resumed) {
    out.resumed = true;
    out.note = "continued the interrupted run from its last save";
  } else {
    walkers.clear();
    if (load == detail::RunStateLoad::OtherSettings) {
      detail::clear_run_state(land);
      out.note =
          "the file held an interrupted run of other settings; started a new run from its "
          "minima (run with the interrupted run's settings to continue it exactly)";
    }
  }

  detail::ensure_hit_columns(land);
  if (!out.resumed) add_to_count_note(land, kBhRunsNote, 1);
  std::int64_t quench_base = std::max<std::int64_t>(0, count_note(land, kQuenchesNote));

  // The all-zero point is stationary for every network loss (Mehta et al. 2018, Sec. IV A).
  if (!out.resumed) {
    Quench zero;
    zero.result.x = Eigen::VectorXd::Zero(n);
    Eigen::VectorXd g;
    zero.result.energy = loss.energy_gradient(zero.result.x, g);
    zero.result.grad_rms = rms(g);
    zero.result.status = MinimizerStatus::Converged;
    zero.classification = classify(loss, zero.result.x, options.eigen_cutoff);
    if (zero.is_minimum(tol) && index.add_minimum(to_stored(zero)).added) ++st.new_minima;
  }

  // A new run on a stored landscape draws fresh streams (the count of stored minima enters the
  // seed) and starts its walkers from the lowest stored minima.
  const std::uint64_t resume_salt =
      static_cast<std::uint64_t>(land.minima.size()) * 0x100000001B3ULL;
  std::vector<std::int64_t> by_energy(land.minima.size());
  for (std::size_t i = 0; i < by_energy.size(); ++i) by_energy[i] = static_cast<std::int64_t>(i);
  std::sort(by_energy.begin(), by_energy.end(), [&](std::int64_t a, std::int64_t b) {
    return land.minima[a].energy < land.minima[b].energy;
  });
  const bool from_stored = land.minima.size() > 1;
  for (int w = 0; !out.resumed && w < options.walkers; ++w) {
    Walker wk(detail::Rng(options.seed ^ resume_salt, static_cast<std::uint64_t>(w)));
    wk.step = options.step_size;
    if (from_stored) {
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
  const BasinHoppingOptions& o = options;
  while (true) {
    // Parallel phase: the landscape is only read. Walker w takes its steps with its own stream.
    const std::int64_t budget = o.max_steps - st.steps;
    const int per_walker = static_cast<int>(std::max<std::int64_t>(
        1, std::min<std::int64_t>(o.steps_per_round, (budget + o.walkers - 1) / o.walkers)));
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int w = 0; w < o.walkers; ++w)
      walker_round(loss, index, o, tol, n, per_walker, walkers[w]);

    // Merge in walker order: the landscape grows identically for any thread count.
    // steps_since_new counts the quenches of the rounds since one last added a minimum.
    const std::int64_t found_before = st.new_minima;
    std::int64_t round_steps = 0;
    for (Walker& wk : walkers) {
      std::vector<std::int64_t> find_rows(wk.finds.size());
      st.steps += wk.round_steps;
      st.quenches_this_run += wk.round_steps;
      st.evaluations_this_run += wk.round_evaluations;
      st.accepted += wk.round_accepted;
      st.failed_quenches += wk.round_failed;
      st.non_morse += wk.round_non_morse;
      st.saddles += wk.round_saddles;
      for (std::size_t f = 0; f < wk.finds.size(); ++f) {
        st.lowest_energy = std::min(st.lowest_energy, wk.finds[f].energy);
        const db::Lookup found = index.add_minimum(std::move(wk.finds[f]));
        find_rows[f] = found.index;
        if (found.added) {
          ++st.new_minima;
        }
      }
      for (const detail::HitEvent& h : wk.hits)
        detail::record_hit(land, h.row >= 0 ? h.row : find_rows[h.find], quench_base + h.step);
      quench_base += wk.round_steps;
      round_steps += wk.round_steps;
    }
    land.notes[kQuenchesNote] = std::to_string(quench_base);
    st.steps_since_new = st.new_minima > found_before ? 0 : st.steps_since_new + round_steps;
    st.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    detail::save_run_state(land, fingerprint, walkers, st);  // saved with the minima
    if (callback && !callback(st)) {
      out.status = BasinHoppingStatus::Stopped;
      break;
    }
    if (st.steps >= options.max_steps) {
      out.status = BasinHoppingStatus::MaxSteps;
      break;
    }
    if (options.stop_rule == BasinHoppingStopRule::NoNew && options.max_steps_without_new > 0 &&
        st.steps_since_new >= options.max_steps_without_new) {
      out.status = BasinHoppingStatus::NoNewMinima;
      break;
    }
    if (options.stop_rule == BasinHoppingStopRule::Estimate &&
        st.steps_since_new >= options.stop_quiet) {
      const CompletenessEstimate e = estimate_completeness(land);
      if (std::isfinite(e.p_new) && e.p_new < options.stop_p_new) {
        out.status = BasinHoppingStatus::EstimateReached;
        break;
      }
    }
  }
  out.completeness = estimate_completeness(land);
  // A finished run leaves no state: running again starts a new run. A stopped one keeps it.
  if (out.status != BasinHoppingStatus::Stopped) detail::clear_run_state(land);
  out.message = to_string(out.status);
  return out;
}

}  // namespace lossland
