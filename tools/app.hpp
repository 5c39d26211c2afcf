#pragma once
/// \file
/// The top-level command line of `lossland`: its description, --version and every registered
/// subcommand. Shared by the program (tools/lossland.cpp) and the Python module (python/), so a
/// keyword argument of `lossland.bh(...)` is parsed by the very option the `bh` flag is.

#include <CLI/CLI.hpp>

namespace lossland::cli {

/// Describes `app` and adds every subcommand of the registry, in --help order.
void setup_app(CLI::App& app);

}  // namespace lossland::cli
