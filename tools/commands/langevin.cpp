/// `lossland langevin DB --from A --to B --temperature T` (not listed in --help): noisy gradient
/// descent as a first-passage experiment, the simulation that `lossland kinetics` predicts.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "commands/selection.hpp"
#include "lossland/kinetics/langevin.hpp"

namespace lossland::cli {
namespace {

struct LangevinArgs {
  std::string db, from, to;
  bool json = false;
  kinetics::LangevinOptions options;
};

void run_langevin(const LangevinArgs& a) {
  const db::Landscape land = open_landscape(a.db);
  const auto A = select_minima(land, a.from, "--from");
  const auto B = select_minima(land, a.to, "--to");
  if (A.size() != 1)
    throw std::invalid_argument("--from must name exactly one start minimum (it names " +
                                std::to_string(A.size()) + ")");
  const auto r = kinetics::langevin_first_passage(land, A[0], B, a.options);
  if (a.json) {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& run : r.runs)
      runs.push_back({{"arrived", run.arrived},
                      {"time", run.time},
                      {"minimum", run.minimum},
                      {"unknown_quenches", run.unknown_quenches}});
    std::cout << nlohmann::json{{"database", a.db},
                                {"start", A[0]},
                                {"temperature", a.options.temperature},
                                {"dt", a.options.dt},
                                {"check_interval", a.options.check_interval},
                                {"arrived", r.arrived},
                                {"mean_time", r.mean_time},
                                {"standard_error", r.standard_error},
                                {"runs", runs}}
                     .dump(2)
              << "\n";
    return;
  }
  std::printf(
      "%s: %d of %zu runs from minimum %lld reached B at T = %g; mean first-passage "
      "time %.6g +- %.2g (dt %g, checked every %g)\n",
      a.db.c_str(), r.arrived, r.runs.size(), static_cast<long long>(A[0]), a.options.temperature,
      r.mean_time, r.standard_error, a.options.dt, a.options.check_interval);
}

Registrar reg("langevin", 58, [](CLI::App& app) {
  auto a = std::make_shared<LangevinArgs>();
  auto* c = app.add_subcommand(
      "langevin",
      "Noisy gradient descent w += -dt grad E + sqrt(2 T dt) xi from one minimum until a quench\n"
      "(every --check time units) lands in a minimum of B; prints the mean first-passage time\n"
      "(compare lossland kinetics). A check for docs/kinetics.md, not listed in --help.");
  c->group("");
  auto& o = a->options;
  c->add_option("db", a->db, "Database file")->required();
  c->add_option("--from", a->from, "The start minimum (id, global, zero)")->required();
  c->add_option("--to", a->to, "The target set B")->required();
  c->add_option("--temperature,-T", o.temperature, "Temperature T > 0")->required();
  c->add_option("--dt", o.dt, "Time step")->capture_default_str();
  c->add_option("--check", o.check_interval, "Time between quenches")->capture_default_str();
  c->add_option("--max-time", o.max_time, "Censoring time per run")->capture_default_str();
  c->add_option("--runs", o.runs, "Independent runs")->capture_default_str();
  c->add_option("--seed", o.seed, "Random seed (run r uses stream r)")->capture_default_str();
  c->add_option("--threads,-j", o.threads, "Threads over runs")->capture_default_str();
  c->add_option("--arrive-below", o.arrive_below,
                "Arrive when the loss falls below E (no quenches)");
  c->add_flag("--json", a->json, "Print every run as JSON");
  c->callback([a] { run_langevin(*a); });
});

}  // namespace
}  // namespace lossland::cli
