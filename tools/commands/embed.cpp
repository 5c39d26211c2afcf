/// `lossland embed DB --into N`: pad every stored point with zero hidden nodes up to N and
/// report its Hessian index there (Mehta et al. 2018, App. A, Sec. IV C).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/analysis/embedding.hpp"

namespace lossland::cli {
namespace {

struct EmbedArgs {
  std::string db;
  int into = 0;
  bool json = false;
  analysis::EmbeddingOptions options;
};

void run_embed(const EmbedArgs& a) {
  a.options.validate();
  const db::Landscape land = open_landscape(a.db);
  if (a.into < land.model.hidden())
    throw std::invalid_argument("--into " + std::to_string(a.into) + " is smaller than the " +
                                std::to_string(land.model.hidden()) + " hidden nodes of " + a.db +
                                "; give N >= " + std::to_string(land.model.hidden()));
  const auto points = analysis::embed_landscape(land, a.into, a.options);
  if (a.json) {
    nlohmann::json j = {
        {"database", a.db}, {"from_hidden", land.model.hidden()}, {"into_hidden", a.into}};
    j["points"] = nlohmann::json::array();
    for (const auto& p : points)
      j["points"].push_back({{"id", p.id},
                             {"kind", p.is_minimum ? "minimum" : "ts"},
                             {"energy", p.energy},
                             {"index", p.index},
                             {"original_index", p.original_index},
                             {"num_zero", p.num_zero},
                             {"grad_rms", p.grad_rms},
                             {"gradient_change", p.gradient_change},
                             {"stationary", p.stationary},
                             {"classification", to_string(p.kind)},
                             {"lowest_eigenvalue", p.lowest_eigenvalue}});
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("%s: %zu points of the %d-node landscape embedded into %d hidden nodes\n",
              a.db.c_str(), points.size(), land.model.hidden(), a.into);
  std::printf("%-8s %5s %18s %10s %6s %6s %5s %12s  %s\n", "kind", "id", "energy", "grad_rms",
              "index", "was", "zero", "lowest_eig", "classification");
  int not_stationary = 0;
  for (const auto& p : points) {
    std::printf("%-8s %5lld %18.12g %10.2e %6d %6d %5d %12.4e  %s%s\n",
                p.is_minimum ? "minimum" : "ts", static_cast<long long>(p.id), p.energy, p.grad_rms,
                p.index, p.original_index, p.num_zero, p.lowest_eigenvalue,
                to_string(p.kind).c_str(), p.stationary ? "" : "  NOT STATIONARY");
    not_stationary += !p.stationary;
  }
  if (not_stationary)
    std::printf(
        "%d point(s) are not stationary after padding (RMS gradient above %g); the "
        "embedding theorem needs act(0) = 0 (tanh)\n",
        not_stationary, a.options.stationary_rms);
}

Registrar reg("embed", 52, [](CLI::App& app) {
  auto args = std::make_shared<EmbedArgs>();
  auto* c = app.add_subcommand(
      "embed",
      "Pad every stored point with zero hidden nodes up to N, check it is still stationary,\n"
      "and report its Hessian index in the larger landscape (Mehta et al., Phys.\n"
      "Rev. E 97, 052307 (2018), Appendix A).");
  c->add_option("db", args->db, "Database file")->required();
  c->add_option("--into,-N", args->into, "Hidden nodes of the larger network (>= the DB's)")
      ->required()
      ->check(CLI::Range(1, 1000));
  c->add_option("--stationary-rms", args->options.stationary_rms,
                "The padded point is stationary when its RMS gradient is at most this")
      ->capture_default_str();
  c->add_option("--eigen-cutoff", args->options.eigen_cutoff,
                "Hessian eigenvalues in [-cutoff, cutoff] count as zero")
      ->capture_default_str();
  c->add_flag("--json", args->json,
              "Print {\"points\": [{\"id\", \"kind\", \"energy\", \"index\", ...}]}");
  c->callback([args] { run_embed(*args); });
});

}  // namespace
}  // namespace lossland::cli
