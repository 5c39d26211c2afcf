#pragma once
/// \file
/// Subcommand registry of the `lossland` program: each file under tools/commands/ registers one
/// subcommand with a static Registrar, so adding a command touches no other file.

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
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

/// Exit code of every failure that is not kCheckFailed: bad input and bad files, and also any
/// other exception a command throws (tools/lossland.cpp catches every std::exception and returns
/// 2), so no status of its own marks an internal error.
inline constexpr int kUserError = 2;
/// Exit code of a check that ran and found problems (`lossland verify`), as diff(1) uses 1.
inline constexpr int kCheckFailed = 1;

/// Thrown by a command to end with `code` after printing `what()` to stderr.
class CommandFailed : public std::runtime_error {
 public:
  CommandFailed(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

}  // namespace lossland::cli
