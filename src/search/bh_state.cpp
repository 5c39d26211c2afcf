/// \file
/// Basin-hopping run state in the database (issue 16): a killed run continues exactly.
/// Layout of land.run_state, every entry float64 (integers below 2^53 are exact; a 64-bit
/// random state is split into two 32-bit halves):
///   bh_rng      W x 4  state >> 32, state & 0xffffffff, spare normal, has spare (0/1)
///   bh_walkers  W x 6  has current (0/1), energy, step size, steps, accepted in the
///                      adaptation window, steps since a new minimum
///   bh_x        W x P  current point (canonical layout)
///   bh_stats    1 x 7  steps, accepted, new minima, steps since new, failed quenches,
///                      non-Morse points, saddles
/// and the note bh_run holds the settings the state belongs to (run_fingerprint).

#include <fmt/format.h>

#include <cmath>

#include "lossland/search/completeness.hpp"
#include "search/bh_walker.hpp"

namespace lossland::detail {

namespace {

constexpr const char* kNote = "bh_run";
const char* const kNames[] = {"bh_rng", "bh_walkers", "bh_x", "bh_stats"};

/// True if `v` is a whole number in [0, limit).
bool whole(double v, double limit) {
  return v >= 0 && v < limit && v == std::floor(v);
}

}  // namespace

std::string run_fingerprint(const BasinHoppingOptions& o, int num_params) {
  const MinimizerOptions& m = o.minimizer;
  return fmt::format(
             "P={} seed={} walkers={} steps_per_round={} max_steps={} max_steps_without_new={} "
             "temperature={:a} step_size={:a} target_acceptance={:a} adapt_interval={} "
             "adapt_factor={:a} min_step_size={:a} max_step_size={:a} init_scale={:a} "
             "restart_after={} eigen_cutoff={:a} rms_tolerance={:a} lbfgs_rms_tolerance={:a} "
             "lbfgs_memory={} max_lbfgs_iterations={} max_newton_iterations={} "
             "max_newton_step={:a} "
             "saddle_escape_cutoff={:a} saddle_escape_step={:a} max_saddle_escapes={}",
             num_params, o.seed, o.walkers, o.steps_per_round, o.max_steps, o.max_steps_without_new,
             o.temperature, o.step_size, o.target_acceptance, o.adapt_interval, o.adapt_factor,
             o.min_step_size, o.max_step_size, o.init_scale, o.restart_after, o.eigen_cutoff,
             m.rms_tolerance, m.lbfgs_rms_tolerance, m.lbfgs_memory, m.max_lbfgs_iterations,
             m.max_newton_iterations, m.max_newton_step, m.saddle_escape_cutoff,
             m.saddle_escape_step, m.max_saddle_escapes) +
         (o.stop_rule == BasinHoppingStopRule::Estimate
              ? fmt::format(" stop_rule=estimate stop_p_new={:a} stop_quiet={}", o.stop_p_new,
                            o.stop_quiet)
              : std::string());
}

void ensure_hit_columns(db::Landscape& land) {
  const auto rows = static_cast<Eigen::Index>(land.minima.size());
  for (const char* name : {db::kHitsColumn, db::kFirstFoundColumn})
    if (!land.minima_columns.count(name))
      land.minima_columns[name] = Eigen::MatrixXd::Constant(rows, 1, std::nan(""));
}

void record_hit(db::Landscape& land, std::int64_t row, std::int64_t quench) {
  land.minima_columns.at(db::kHitsColumn)(row, 0) += 1;  // NaN (unknown) stays unknown
  double& first = land.minima_columns.at(db::kFirstFoundColumn)(row, 0);
  if (first == -1) first = static_cast<double>(quench);
}

void save_run_state(db::Landscape& land, const std::string& fingerprint,
                    const std::vector<Walker>& walkers, const BasinHoppingStats& st) {
  const auto W = static_cast<Eigen::Index>(walkers.size());
  const Eigen::Index P = land.num_params();
  Eigen::MatrixXd rng(W, 4), wk(W, 6), x = Eigen::MatrixXd::Zero(W, P);
  for (Eigen::Index w = 0; w < W; ++w) {
    const Walker& k = walkers[w];
    const Rng::State s = k.rng.state();
    rng.row(w) << double(s.state >> 32), double(s.state & 0xffffffffULL), s.spare,
        s.has_spare ? 1.0 : 0.0;
    wk.row(w) << (k.has_current ? 1.0 : 0.0), k.energy, k.step, double(k.steps),
        double(k.accepted_in_window), double(k.steps_since_new);
    if (k.x.size() == P) x.row(w) = k.x.transpose();
  }
  Eigen::MatrixXd stats(1, 7);
  stats << double(st.steps), double(st.accepted), double(st.new_minima), double(st.steps_since_new),
      double(st.failed_quenches), double(st.non_morse), double(st.saddles);
  land.run_state["bh_rng"] = rng;
  land.run_state["bh_walkers"] = wk;
  land.run_state["bh_x"] = x;
  land.run_state["bh_stats"] = stats;
  land.notes[kNote] = fingerprint;
}

void clear_run_state(db::Landscape& land) {
  for (const char* name : kNames) land.run_state.erase(name);
  land.notes.erase(kNote);
}

RunStateLoad load_run_state(const db::Landscape& land, const std::string& fingerprint,
                            int num_params, std::vector<Walker>& walkers, BasinHoppingStats& st) {
  const auto note = land.notes.find(kNote);
  bool any = note != land.notes.end();
  for (const char* name : kNames) any = any || land.run_state.count(name);
  if (!any) return RunStateLoad::None;
  if (note == land.notes.end() || note->second != fingerprint) return RunStateLoad::OtherSettings;
  for (const char* name : kNames)
    if (!land.run_state.count(name)) return RunStateLoad::OtherSettings;
  const Eigen::MatrixXd& rng = land.run_state.at("bh_rng");
  const Eigen::MatrixXd& wk = land.run_state.at("bh_walkers");
  const Eigen::MatrixXd& x = land.run_state.at("bh_x");
  const Eigen::MatrixXd& stats = land.run_state.at("bh_stats");
  const auto W = static_cast<Eigen::Index>(walkers.size());
  if (rng.rows() != W || rng.cols() != 4 || wk.rows() != W || wk.cols() != 6 || x.rows() != W ||
      x.cols() != num_params || stats.rows() != 1 || stats.cols() != 7)
    return RunStateLoad::OtherSettings;
  constexpr double k2to32 = 4294967296.0, k2to53 = 9007199254740992.0;
  for (Eigen::Index w = 0; w < W; ++w) {
    if (!whole(rng(w, 0), k2to32) || !whole(rng(w, 1), k2to32) || !whole(rng(w, 3), 2) ||
        !whole(wk(w, 0), 2) || !(wk(w, 2) > 0))
      return RunStateLoad::OtherSettings;
    for (int c = 3; c < 6; ++c)
      if (!whole(wk(w, c), k2to53)) return RunStateLoad::OtherSettings;
  }
  for (int c = 0; c < 7; ++c)
    if (!whole(stats(0, c), k2to53)) return RunStateLoad::OtherSettings;

  for (Eigen::Index w = 0; w < W; ++w) {
    Walker& k = walkers[w];
    Rng::State s;
    s.state = (std::uint64_t(rng(w, 0)) << 32) | std::uint64_t(rng(w, 1));
    s.spare = rng(w, 2);
    s.has_spare = rng(w, 3) != 0.0;
    k.rng.set_state(s);
    k.has_current = wk(w, 0) != 0.0;
    k.energy = wk(w, 1);
    k.step = wk(w, 2);
    k.steps = static_cast<std::int64_t>(wk(w, 3));
    k.accepted_in_window = static_cast<std::int64_t>(wk(w, 4));
    k.steps_since_new = static_cast<std::int64_t>(wk(w, 5));
    k.x = x.row(w).transpose();
  }
  st.steps = static_cast<std::int64_t>(stats(0, 0));
  st.accepted = static_cast<std::int64_t>(stats(0, 1));
  st.new_minima = static_cast<std::int64_t>(stats(0, 2));
  st.steps_since_new = static_cast<std::int64_t>(stats(0, 3));
  st.failed_quenches = static_cast<std::int64_t>(stats(0, 4));
  st.non_morse = static_cast<std::int64_t>(stats(0, 5));
  st.saddles = static_cast<std::int64_t>(stats(0, 6));
  return RunStateLoad::Resumed;
}

}  // namespace lossland::detail
