#include "app.hpp"

#include <algorithm>

#include "commands/command.hpp"

namespace lossland::cli {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

void setup_app(CLI::App& app) {
  app.description("lossland " LOSSLAND_VERSION
                  ": energy landscapes of neural-network loss functions.\n"
                  "Basin-hopping, transition-state searches and a database of minima in HDF5.");
  app.set_version_flag("--version", LOSSLAND_VERSION);
  app.require_subcommand(1);
  auto& commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const Command& a, const Command& b) { return a.order < b.order; });
  for (auto& c : commands) c.setup(app);
}

}  // namespace lossland::cli
