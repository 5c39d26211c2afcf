#pragma once
/// \file
/// Subcommand registry of the `lossland` program: each file under tools/commands/ registers one
/// subcommand with a static Registrar, so adding a command touches no other file.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace lossland::cli {

/// Sets up a subcommand on the app: adds options and a callback that does the work.
using Setup = std::function<void(CLI::App& app)>;

struct Command {
  std::string name;
  int order;  ///< position in --help
  Setup setup;
};

std::vector<Command>& registry();

struct Registrar {
  Registrar(std::string name, int order, Setup setup) {
    registry().push_back({std::move(name), order, std::move(setup)});
  }
};

/// Exit code for a failure the user can fix (bad input, bad file); 1 is left for crashes.
inline constexpr int kUserError = 2;

}  // namespace lossland::cli
