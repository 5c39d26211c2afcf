#pragma once
/// \file
/// The top-level command line of `lossland`: its description, --version and every registered
/// subcommand. Shared by the program (tools/lossland.cpp) and the Python module (python/), so a
/// keyword argument of `lossland.bh(...)` is parsed by the very option the `bh` flag is.

#include <CLI/CLI.hpp>

#include <string>

namespace lossland::cli {

/// Describes `app` and adds every subcommand of the registry, in --help order.
void setup_app(CLI::App& app);

/// The message for a first word that names no subcommand of `app` ("unknown command 'frob';
/// the commands are: bh, connect, ...", with a suggestion when one name is close), or "" when
/// `word` is a command or an option (starts with '-'). CLI11 itself only says that a
/// subcommand is required.
std::string unknown_command_message(const CLI::App& app, const std::string& word);

}  // namespace lossland::cli
