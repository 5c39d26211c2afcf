/// `lossland verify DB`: re-derive every stored point and edge from the file.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/search/verify.hpp"

namespace lossland::cli {
namespace {

struct VerifyArgs {
  std::string db;
  bool json = false;
  VerifyOptions options;
};

void run_verify(const VerifyArgs& a) {
  const db::Landscape land = open_landscape(a.db);
  const MlpLoss loss(land.dataset, land.model);
  const VerifyReport r = verify_landscape(loss, land, a.options);
  if (a.json) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : r.problems)
      problems.push_back(
          {{"table", p.table}, {"row", p.row}, {"check", p.check}, {"detail", p.detail}});
    const nlohmann::json j = {{"database", a.db},
                              {"ok", r.ok()},
                              {"minima_checked", r.minima_checked},
                              {"transition_states_checked", r.ts_checked},
                              {"edges_checked", r.edges_checked},
                              {"branched_transition_states", r.branched},
                              {"path_steps", r.path_steps},
                              {"disagreements", problems},
                              {"seconds", r.seconds}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf(
        "%s: %lld minima, %lld transition states checked (%lld edges followed, %lld "
        "branched), %.2f s\n",
        a.db.c_str(), static_cast<long long>(r.minima_checked),
        static_cast<long long>(r.ts_checked), static_cast<long long>(r.edges_checked),
        static_cast<long long>(r.branched), r.seconds);
    if (r.ok()) {
      std::printf("  every stored point and edge re-derives from the file\n");
    } else {
      std::printf("  %zu disagreement%s:\n", r.problems.size(), r.problems.size() == 1 ? "" : "s");
      std::printf("  %-18s %6s  %-10s %s\n", "table", "row", "check", "detail");
      for (const auto& p : r.problems)
        std::printf("  %-18s %6lld  %-10s %s\n", p.table.c_str(), static_cast<long long>(p.row),
                    p.check.c_str(), p.detail.c_str());
    }
  }
  if (!r.ok())
    throw CommandFailed(kCheckFailed, std::to_string(r.problems.size()) +
                                          " disagreement(s) between '" + a.db +
                                          "' and its re-derivation (listed above)");
}

Registrar reg("verify", 17, [](CLI::App& app) {
  auto a = std::make_shared<VerifyArgs>();
  auto* c = app.add_subcommand(
      "verify",
      "Re-derive every stored point and edge of DB from the file: energy, RMS gradient, Hessian\n"
      "spectrum, index and canonical form of each minimum and transition state, and both\n"
      "steepest-descent paths of each transition state, which must end at its stored minima\n"
      "(and, for a path that branches at a higher-index saddle, at the minima /ts_branches\n"
      "lists). Prints a table of disagreements; exit status 1 if there is one, 2 for bad input.");
  c->add_option("db", a->db, "Database file")->required();
  auto& o = a->options;
  c->add_option("--sample", o.sample,
                "Check N transition states spread evenly over the rows (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option("--threads,-j", o.threads, "Worker threads (0: all cores)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  c->add_option("--path-tolerance", o.path.step_tolerance,
                "Step tolerance of the path follower (as `connect --path-tolerance`)")
      ->capture_default_str();
  c->add_option("--energy-tolerance", o.energy_tolerance,
                "Stored and recomputed energies agree to this, relative to max(1, |E|)")
      ->capture_default_str();
  c->add_option("--eigen-cutoff", o.eigen_cutoff,
                "Hessian eigenvalues in [-cutoff, cutoff] are zero (non-Morse)")
      ->capture_default_str();
  c->add_flag("--json", a->json, "Print the report as JSON");
  c->callback([a] { run_verify(*a); });
});

}  // namespace
}  // namespace lossland::cli
