/// `lossland bh DB --hidden H --lambda L ...`: basin-hopping into a database (docs/cli.md).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "commands/completeness_report.hpp"
#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/db/lock.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/search/basin_hopping.hpp"
#include "util/throttle.hpp"

namespace lossland::cli {
namespace {

/// Exit status of --testing-exit-after-rounds (neither success nor a user error).
constexpr int kTestingExit = 86;
/// Seconds between two progress lines on a terminal.
constexpr double kProgressInterval = 0.2;

struct BhArgs {
  std::string db;
  int hidden = 0;
  double lambda = -1;
  std::string dataset = "xor";
  std::string activation = "tanh";
  std::string regularize = "all";
  double save_interval = 2.0;
  bool json = false;
  /// Testing only (hidden): exit at once after this many rounds, as a kill -9 would, without
  /// the final save. 0: off.
  long exit_after_rounds = 0;
  BasinHoppingOptions bh;
};

void run_bh(const BhArgs& a) {
  const Dataset data = load_dataset(a.dataset);
  const ModelSpec spec = model_from_flags(data, a.hidden, a.lambda, a.activation, a.regularize);
  spec.check_searchable();
  a.bh.validate();
  check_cutoff_resolves_lambda(spec.lambda, a.bh.eigen_cutoff);

  const db::WriterLock lock(a.db);  // held until the run ends; refuses a second writer
  db::Landscape land;
  std::size_t had = 0;
  if (db::exists(a.db)) {
    land = db::read(a.db);
    db::check_compatible(a.db, land, spec, data);
    had = land.minima.size();
  } else {
    land.model = spec;
    land.dataset = data;
    land.created_by = "lossland " LOSSLAND_VERSION;
    db::write(a.db, land);  // fail early on an unwritable path
  }
  const MlpLoss loss(land.dataset, land.model);
  db::LandscapeIndex index(land);

  install_stop_handlers();
  const bool tty = stderr_is_terminal();
  // The first save comes after the first round, then every save_interval seconds.
  detail::Throttle saves(a.save_interval), prints(kProgressInterval, false);
  long rounds = 0;
  auto callback = [&](const BasinHoppingStats& st) {
    if (saves.due()) db::write(a.db, land);
    if (++rounds == a.exit_after_rounds) std::_Exit(kTestingExit);
    if (tty && prints.due()) {
      std::fprintf(stderr, "\r  step %lld  minima %zu (+%lld)  lowest %.10g  since new %lld   ",
                   static_cast<long long>(st.steps), land.minima.size(),
                   static_cast<long long>(st.new_minima), st.lowest_energy,
                   static_cast<long long>(st.steps_since_new));
    }
    return !stop_requested();
  };
  const BasinHoppingResult r = basin_hopping(loss, index, a.bh, callback);
  db::write(a.db, land);
  if (tty) std::fprintf(stderr, "\r%80s\r", "");
  if (!r.note.empty() && !a.json) std::fprintf(stderr, "lossland: note: %s\n", r.note.c_str());

  const auto& s = r.stats;
  if (a.json) {
    nlohmann::json j = {{"database", a.db},
                        {"status", to_string(r.status)},
                        {"resumed", r.resumed},
                        {"note", r.note},
                        {"hidden", a.hidden},
                        {"lambda", a.lambda},
                        {"steps", s.steps},
                        {"minima", land.minima.size()},
                        {"new_minima", land.minima.size() - had},
                        {"lowest_energy", s.lowest_energy},
                        {"accepted", s.accepted},
                        {"failed_quenches", s.failed_quenches},
                        {"non_morse", s.non_morse},
                        {"saddles", s.saddles},
                        {"seconds", s.seconds},
                        {"completeness", completeness_json(r.completeness)}};
    // Loss evaluations of this run's quenches (since it started or resumed), in all and per
    // quench and per new minimum (null where there is nothing to divide by).
    const auto per = [&](std::int64_t n) {
      return n > 0 ? nlohmann::json(static_cast<double>(s.evaluations_this_run) /
                                    static_cast<double>(n))
                   : nlohmann::json(nullptr);
    };
    j["function_evaluations"] = s.evaluations_this_run;
    j["evaluations_per_quench"] = per(s.quenches_this_run);
    j["evaluations_per_new_minimum"] = per(static_cast<std::int64_t>(land.minima.size() - had));
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("%s: %zu minima (%zu new) after %lld steps in %.2f s; stopped: %s\n", a.db.c_str(),
                land.minima.size(), land.minima.size() - had, static_cast<long long>(s.steps),
                s.seconds, to_string(r.status).c_str());
    std::printf(
        "  lowest loss %.12g; accepted %lld; failed quenches %lld; non-Morse %lld; "
        "saddles %lld\n",
        s.lowest_energy, static_cast<long long>(s.accepted),
        static_cast<long long>(s.failed_quenches), static_cast<long long>(s.non_morse),
        static_cast<long long>(s.saddles));
    std::printf("  %s\n", describe(r.completeness).c_str());
  }
}

Registrar reg("bh", 10, [](CLI::App& app) {
  auto args = std::make_shared<BhArgs>();
  auto* c = app.add_subcommand(
      "bh",
      "Basin-hopping: find the minima of a network loss and store them in DB (HDF5).\n"
      "Running again on an existing DB continues that landscape: a run that was killed or\n"
      "stopped continues exactly (same minima, same order as one uninterrupted run) when\n"
      "started again with the same options; a finished one starts a new run from its minima.\n"
      "One writer at a time: a second command writing DB is refused (DB.lock names the pid).");
  c->add_option("db", args->db, "Database file (created if missing)")->required();
  c->add_option("--hidden,-H", args->hidden, "Hidden nodes N_h (>= 1)")
      ->required()
      ->check(CLI::Range(1, 1000));
  c->add_option("--lambda,-l", args->lambda, "Regularisation lambda (>= 0)")->required();
  add_model_options(c, args->dataset, args->activation, args->regularize);
  auto& o = args->bh;
  c->add_option("--steps", o.max_steps, "Stop after N quenches in total")->capture_default_str();
  c->add_option("--stop-after", o.max_steps_without_new,
                "Stop after K quenches in a row found no new minimum (0: never)")
      ->capture_default_str();
  add_stop_rule_options(c, o);
  add_seed_option(c, o.seed, "Random seed");
  c->add_option("--threads,-j", o.threads, "Worker threads (0: all cores)")->capture_default_str();
  c->add_option("--walkers", o.walkers,
                "Independent walkers; results depend on seed and walkers, not threads")
      ->capture_default_str();
  c->add_option("--temperature,-T", o.temperature, "Metropolis temperature (loss units)")
      ->capture_default_str();
  c->add_option("--step-size", o.step_size, "Initial maximum displacement per coordinate")
      ->capture_default_str();
  c->add_option("--rms-tolerance", o.minimizer.rms_tolerance,
                "Quench convergence: RMS gradient at or below this")
      ->capture_default_str();
  c->add_option("--eigen-cutoff", o.eigen_cutoff,
                "Hessian eigenvalues in [-cutoff, cutoff] are zero (non-Morse point)")
      ->capture_default_str();
  add_save_interval_option(c, args->save_interval);
  c->add_flag("--json", args->json, "Print the summary as JSON");
  c->add_option("--testing-exit-after-rounds", args->exit_after_rounds,
                "Testing: exit after N rounds without the final save, as a kill would")
      ->group("");
  c->callback([args] { run_bh(*args); });
});

}  // namespace
}  // namespace lossland::cli
