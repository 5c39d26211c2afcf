#include "commands/common.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace lossland::cli {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) {
  g_stop.store(true);
}
}  // namespace

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

void install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

bool stop_requested() {
  return g_stop.load();
}

db::Landscape open_landscape(const std::string& path) {
  return db::read(path);
}

void add_model_options(CLI::App* command, std::string& dataset, std::string& activation,
                       std::string& regularize) {
  command
      ->add_option("--dataset,-d", dataset,
                   "xor (built in), a name in data/ (and, or, parity3) or a CSV path")
      ->capture_default_str();
  command->add_option("--activation", activation, "Hidden units: tanh or sigmoid")
      ->check(CLI::IsMember({"tanh", "sigmoid"}))
      ->capture_default_str();
  command->add_option("--regularize", regularize, "Penalise all parameters or weights only")
      ->check(CLI::IsMember({"all", "weights"}))
      ->capture_default_str();
}

void add_save_interval_option(CLI::App* command, double& seconds) {
  command->add_option("--save-interval", seconds, "Seconds between saves of the database(s)")
      ->capture_default_str();
}

std::string fmt_g(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

}  // namespace lossland::cli
