/// The `lossland` program: one CLI with subcommands (DESIGN section 4).
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>

#include "commands/command.hpp"

namespace lossland::cli {
std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace lossland::cli

int main(int argc, char** argv) {
  using namespace lossland::cli;
  CLI::App app{"lossland " LOSSLAND_VERSION
               ": energy landscapes of neural-network loss functions.\n"
               "Basin-hopping, transition-state searches and a database of minima in HDF5."};
  app.set_version_flag("--version", LOSSLAND_VERSION);
  app.require_subcommand(1);
  auto& commands = registry();
  std::sort(commands.begin(), commands.end(),
            [](const Command& a, const Command& b) { return a.order < b.order; });
  for (auto& c : commands) c.setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints the message; --help and --version give 0
    return code == 0 ? 0 : kUserError;
  } catch (const CommandFailed& e) {
    std::cerr << "lossland: " << e.what() << "\n";
    return e.code();
  } catch (const std::exception& e) {
    std::cerr << "lossland: error: " << e.what() << "\n";
    return kUserError;
  }
  return 0;
}
