/// `lossland query DB minima|...`: tables for people, JSON for programs.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/model/symmetry.hpp"

namespace lossland::cli {
namespace {

struct QueryArgs {
  std::string db;
  bool json = false;
  std::string sort = "energy";
  int limit = 0;
};

std::vector<std::size_t> sorted_minima(const db::Landscape& land, const std::string& key) {
  std::vector<std::size_t> order(land.minima.size());
  std::iota(order.begin(), order.end(), 0);
  if (key == "energy")
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return land.minima[a].energy < land.minima[b].energy;
    });
  return order;
}

void query_minima(const QueryArgs& a) {
  const db::Landscape land = open_landscape(a.db);
  std::vector<std::size_t> order = sorted_minima(land, a.sort);
  if (a.limit > 0 && order.size() > static_cast<std::size_t>(a.limit)) order.resize(a.limit);
  std::vector<double> energies;
  std::vector<Eigen::VectorXd> coords;
  for (const auto& m : land.minima) {
    energies.push_back(m.energy);
    coords.push_back(m.coords);
  }
  const std::vector<int> cls = dataset_symmetry_classes(land.model, land.dataset, energies, coords);
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < cls.size(); ++i) distinct += cls[i] == static_cast<int>(i);
  if (a.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i : order) {
      const auto& m = land.minima[i];
      rows.push_back({{"id", i},
                      {"energy", m.energy},
                      {"grad_rms", m.grad_rms},
                      {"min_eigenvalue", m.eigenvalues.size() ? m.eigenvalues[0] : 0.0},
                      {"dataset_symmetry_class", cls[i]}});
    }
    nlohmann::json j = {{"database", a.db},
                        {"count", land.minima.size()},
                        {"count_up_to_dataset_symmetry", distinct},
                        {"minima", rows}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("%s: %zu minima up to the network's symmetries; %zu up to the dataset's too\n",
              a.db.c_str(), land.minima.size(), distinct);
  std::printf("%6s  %22s  %11s  %13s  %6s\n", "id", "energy", "grad_rms", "min_eigval", "class");
  for (std::size_t i : order) {
    const auto& m = land.minima[i];
    std::printf("%6zu  %22.15g  %11.3e  %13.6e  %6d\n", i, m.energy, m.grad_rms,
                m.eigenvalues.size() ? m.eigenvalues[0] : 0.0, cls[i]);
  }
}

Registrar reg("query", 30, [](CLI::App& app) {
  auto* q = app.add_subcommand("query", "Ask a database about its minima and transition states\n"
                                         "Usage: lossland query DB minima [--json] [--limit N]");
  auto args = std::make_shared<QueryArgs>();
  q->add_option("db", args->db, "Database file")->required();
  q->require_subcommand(1);
  auto* m = q->add_subcommand("minima", "List the minima, lowest first");
  m->add_flag("--json", args->json, "JSON for programs");
  m->add_option("--limit", args->limit, "Show at most N rows (0: all)");
  m->callback([args] { query_minima(*args); });
});

}  // namespace
}  // namespace lossland::cli
