/// `lossland info DB`: what a database holds (model, data, counts).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"

namespace lossland::cli {
namespace {

void run_info(const std::string& path, bool json) {
  // Counts and energies only: coordinates, spectra and paths stay on disk.
  const db::Landscape land = db::read(path, {false, db::ReadParts::Spectrum::None, false});
  double lowest = 0;
  for (std::size_t i = 0; i < land.minima.size(); ++i)
    if (i == 0 || land.minima[i].energy < lowest) lowest = land.minima[i].energy;
  std::vector<std::string> mcols, tcols;
  for (const auto& [k, v] : land.minima_columns) mcols.push_back(k);
  for (const auto& [k, v] : land.ts_columns) tcols.push_back(k);
  if (json) {
    nlohmann::json j = {{"database", path},
                        {"layers", land.model.layers},
                        {"activation", to_string(land.model.activation)},
                        {"regularize", to_string(land.model.regularize)},
                        {"lambda", land.model.lambda},
                        {"dataset", land.dataset.name},
                        {"samples", land.dataset.num_samples()},
                        {"parameters", land.num_params()},
                        {"minima", land.minima.size()},
                        {"transition_states", land.transition_states.size()},
                        {"created_by", land.created_by},
                        {"minima_columns", mcols},
                        {"ts_columns", tcols}};
    if (!land.minima.empty()) j["global_minimum"] = lowest;
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::string layers;
  for (int l : land.model.layers) layers += (layers.empty() ? "" : "-") + std::to_string(l);
  std::printf("database     %s\n", path.c_str());
  std::printf("model        %s network, %s hidden units, %d parameters\n", layers.c_str(),
              to_string(land.model.activation).c_str(), land.num_params());
  std::printf("loss         cross-entropy + %.6g * |w|^2 over %s parameters\n", land.model.lambda,
              land.model.regularize == Regularize::All ? "all" : "weight");
  std::printf("dataset      %s: %d samples, %d inputs, %d classes\n", land.dataset.name.c_str(),
              land.dataset.num_samples(), land.dataset.num_inputs(), land.dataset.num_classes);
  std::printf("minima       %zu\n", land.minima.size());
  std::printf("transition   %zu\n", land.transition_states.size());
  if (!land.minima.empty()) std::printf("global min   %.15g\n", lowest);
  std::printf("created by   %s\n", land.created_by.c_str());
}

Registrar reg("info", 20, [](CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* c = app.add_subcommand("info", "Show the model, dataset and counts a database holds");
  c->add_option("db", *path, "Database file")->required();
  c->add_flag("--json", *json, "JSON for programs");
  c->callback([path, json] { run_info(*path, *json); });
});

}  // namespace
}  // namespace lossland::cli
