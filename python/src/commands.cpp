/// \file
/// lossland._core.run_command: runs a subcommand in-process, parsed by the same CLI11 definition
/// as the program (tools/app.hpp), so a keyword argument means what its flag means, with the
/// same defaults, checks and messages. The command's --json summary (std::cout) is captured and
/// returned; the GIL is released while it runs.
#include <pybind11/stl.h>

#include <csignal>
#include <iostream>
#include <mutex>
#include <new>
#include <sstream>

#include "app.hpp"
#include "bindings.hpp"
#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/db/database.hpp"
#include "lossland/model/dataset.hpp"

namespace lossland::python {
namespace {

/// Sends std::cout to a string while alive.
class CaptureCout {
 public:
  CaptureCout() : old_(std::cout.rdbuf(text_.rdbuf())) {}
  ~CaptureCout() {
    std::cout.flush();
    std::cout.rdbuf(old_);
  }
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::streambuf* old_;
};

/// Keeps the interpreter's SIGINT/SIGTERM handlers: a command installs its own (Ctrl-C saves
/// and stops the run, as in the CLI); they are put back, and the stop request forgotten, after.
class KeepSignals {
 public:
  KeepSignals() {
    sigaction(SIGINT, nullptr, &int_);
    sigaction(SIGTERM, nullptr, &term_);
  }
  ~KeepSignals() {
    sigaction(SIGINT, &int_, nullptr);
    sigaction(SIGTERM, &term_, nullptr);
    cli::clear_stop_request();
  }

 private:
  struct sigaction int_ {
  }, term_{};
};

/// One command at a time per process: std::cout and the stop flag are process-wide.
std::mutex g_running;

std::string run_command(std::vector<std::string> args) {
  py::gil_scoped_release nogil;
  const std::lock_guard<std::mutex> one_at_a_time(g_running);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  CLI::App app;
  cli::setup_app(app);
  const KeepSignals signals;
  CaptureCout out;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    throw UsageError(app.help());
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const db::DatabaseError&) {
    throw;
  } catch (const DatasetError&) {
    throw;
  } catch (const std::exception& e) {
    // What the program prints after "lossland: error: " before exiting with status 2.
    throw UserError(e.what());
  }
  return out.text();
}

}  // namespace

void bind_commands(py::module_& m) {
  m.def("run_command", &run_command, py::arg("argv"),
        "Runs `argv` (['lossland', command, ...]) in-process; returns what it printed on stdout.");
  m.def(
      "command_help",
      [](const std::string& name) {
        CLI::App app;
        cli::setup_app(app);
        return app.get_subcommand(name)->help();
      },
      py::arg("name"), "The --help text of a subcommand.");
}

}  // namespace lossland::python
