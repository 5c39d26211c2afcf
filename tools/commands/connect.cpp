/// `lossland connect DB --all | --pair I J`: transition states and pathways (docs/loss.md).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/db/lock.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/search/completeness.hpp"
#include "lossland/search/connect.hpp"
#include "util/throttle.hpp"

namespace lossland::cli {
namespace {

struct ConnectArgs {
  std::string db;
  bool all = false;
  std::vector<std::int64_t> pair;
  double save_interval = 2.0;
  bool json = false;
  ConnectOptions options;
};

void run_connect(ConnectArgs& a) {
  if (a.all == !a.pair.empty())
    throw std::invalid_argument("connect: give exactly one of --all or --pair I J");
  if (!a.pair.empty() && a.pair[0] == a.pair[1])
    throw std::invalid_argument("--pair " + std::to_string(a.pair[0]) + " " +
                                std::to_string(a.pair[1]) +
                                ": a minimum cannot be connected to itself; give two different "
                                "rows of /minima");
  const db::WriterLock lock(a.db);  // held until the run ends; refuses a second writer
  db::Landscape land = open_landscape(a.db);
  land.model.check_searchable();
  check_cutoff_resolves_lambda(land.model.lambda, a.options.eigen_cutoff);
  const std::size_t minima_before = land.minima.size();
  const std::size_t ts_before = land.transition_states.size();
  if (land.minima.empty())
    throw std::invalid_argument("database '" + a.db +
                                "' holds no minima: run `lossland bh` on it first");
  for (const std::int64_t m : a.pair)
    if (m < 0 || m >= static_cast<std::int64_t>(land.minima.size()))
      throw std::invalid_argument("--pair: minimum " + std::to_string(m) +
                                  " is not a row of /minima of '" + a.db + "' (it has " +
                                  std::to_string(land.minima.size()) + " minima, rows 0.." +
                                  std::to_string(land.minima.size() - 1) + ")");
  const MlpLoss loss(land.dataset, land.model);
  db::LandscapeIndex index(land);
  install_stop_handlers();
  const bool tty = stderr_is_terminal();
  detail::Throttle saves(a.save_interval);  // the first save after the first attempt
  auto callback = [&](const ConnectStats& st) {
    if (saves.due()) db::write(a.db, land);
    if (tty)
      std::fprintf(stderr, "\r  attempts %lld  minima %zu  transition states %zu  sets %d   ",
                   static_cast<long long>(st.attempts), land.minima.size(),
                   land.transition_states.size(), st.components);
    return !stop_requested();
  };
  const ConnectResult r =
      a.all ? connect_all(loss, index, a.options, callback)
            : connect_pair(loss, index, a.pair[0], a.pair[1], a.options, callback);
  record_connect_run(land, r.stats.attempts);
  db::write(a.db, land);
  if (tty) std::fprintf(stderr, "\r%80s\r", "");
  const auto& s = r.stats;
  if (a.json) {
    nlohmann::json j = {{"database", a.db},
                        {"status", to_string(r.status)},
                        {"message", r.message},
                        {"minima", land.minima.size()},
                        {"transition_states", land.transition_states.size()},
                        {"new_minima", land.minima.size() - minima_before},
                        {"new_transition_states", land.transition_states.size() - ts_before},
                        {"degenerate_transition_states", s.degenerate_ts},
                        {"branched_transition_states", s.branched_ts},
                        {"connected_sets", s.components},
                        {"attempts", s.attempts},
                        {"known_candidates", s.known_ts},
                        {"rejected_candidates", s.rejected},
                        {"rejected_because", s.rejected_because},
                        {"passes", s.passes},
                        {"seconds", s.seconds}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("%s: %s (%s)\n", a.db.c_str(), to_string(r.status).c_str(), r.message.c_str());
  std::printf(
      "  %zu minima (%zu new), %zu transition states (%zu new, %lld joining a minimum to "
      "itself, %lld branched), %d connected set%s\n",
      land.minima.size(), land.minima.size() - minima_before, land.transition_states.size(),
      land.transition_states.size() - ts_before, static_cast<long long>(s.degenerate_ts),
      static_cast<long long>(s.branched_ts), s.components, s.components == 1 ? "" : "s");
  std::printf(
      "  %lld attempts, %lld candidates already stored, %lld rejected, %d refinement passes, "
      "%.2f s\n",
      static_cast<long long>(s.attempts), static_cast<long long>(s.known_ts),
      static_cast<long long>(s.rejected), s.passes, s.seconds);
  for (const auto& [why, count] : s.rejected_because)
    std::printf("    rejected %lld: %s\n", static_cast<long long>(count), why.c_str());
}

Registrar reg("connect", 15, [](CLI::App& app) {
  auto args = std::make_shared<ConnectArgs>();
  auto* c = app.add_subcommand(
      "connect",
      "Find transition states between the minima of DB (DNEB + hybrid eigenvector-following)\n"
      "and store them with the minima they join. --pair I J joins two minima; --all joins every\n"
      "minimum to the global minimum, then searches toward a complete set of transition states.");
  c->add_option("db", args->db, "Database file (from `lossland bh`)")->required();
  c->add_flag("--all", args->all, "Connect every minimum, then refine until a pass finds nothing");
  c->add_option("--pair", args->pair, "Connect minima I and J (0-based rows of /minima)")
      ->expected(2);
  auto& o = args->options;
  c->add_option("--threads,-j", o.threads, "Worker threads (0: all cores)")->capture_default_str();
  c->add_option("--max-attempts", o.max_attempts,
                "Attempts for one pair (or to join one minimum to the rest)")
      ->capture_default_str();
  c->add_option("--passes", o.max_passes, "Refinement passes after connecting (0: none)")
      ->capture_default_str();
  c->add_option("--all-pairs-limit", o.all_pairs_limit,
                "Try all pairs when there are at most this many minima, else nearest neighbours")
      ->capture_default_str();
  c->add_option("--modes", o.single_ended_modes,
                "Softest modes of each minimum searched single-ended (both directions)")
      ->capture_default_str();
  c->add_option("--pushoff", o.path.max_pushoff,
                "Largest push-off from a transition state along its negative mode (the one used\n"
                "is the largest over which the mode has not turned)")
      ->capture_default_str();
  c->add_option("--path-tolerance", o.path.step_tolerance,
                "Step tolerance of the steepest-descent path follower: relative error of the\n"
                "local quadratic model's gradient at the end of a step")
      ->capture_default_str();
  c->add_option("--branch-radius", o.path.branch_radius,
                "A path passing this close to a stationary point of index >= 1 branches there")
      ->capture_default_str();
  c->add_flag("!--no-save-paths", o.save_paths,
              "Do not keep the downsampled steepest-descent paths in /paths (they feed\n"
              "`lossland profile`)");
  c->add_option("--eigen-cutoff", o.eigen_cutoff,
                "Hessian eigenvalues in [-cutoff, cutoff] are zero (non-Morse)")
      ->capture_default_str();
  add_save_interval_option(c, args->save_interval);
  c->add_flag("--json", args->json, "Print the summary as JSON");
  c->callback([args] { run_connect(*args); });
});

}  // namespace
}  // namespace lossland::cli
