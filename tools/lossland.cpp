/// The `lossland` program: one CLI with subcommands (docs/cli.md).
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include "app.hpp"
#include "commands/command.hpp"

int main(int argc, char** argv) {
  using namespace lossland::cli;
  CLI::App app;
  setup_app(app);
  if (argc > 1) {
    const std::string unknown = unknown_command_message(app, argv[1]);
    if (!unknown.empty()) {
      std::cerr << "lossland: error: " << unknown << "\n";
      return kUserError;
    }
  }
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
