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

std::string fmt_g(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

}  // namespace lossland::cli
