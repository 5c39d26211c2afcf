#include "commands/common.hpp"

#include "lossland/db/landscape_index.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>

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

void clear_stop_request() {
  g_stop.store(false);
}

db::Landscape open_landscape(const std::string& path) {
  return db::read(path);
}

namespace {
bool complete_horder(const std::map<std::string, Eigen::MatrixXd>& columns, std::size_t rows) {
  const auto it = columns.find(db::kHorderColumn);
  return it != columns.end() && it->second.cols() == 1 &&
         it->second.rows() == static_cast<Eigen::Index>(rows) && it->second.allFinite();
}
}  // namespace

db::Landscape open_harmonic_landscape(const std::string& path) {
  db::Landscape land = db::read(path, {false, db::ReadParts::Spectrum::All, false});
  if (complete_horder(land.minima_columns, land.minima.size()) &&
      complete_horder(land.ts_columns, land.transition_states.size()))
    return land;
  land = db::Landscape{};  // release it before the second read
  return db::read(path, {true, db::ReadParts::Spectrum::All, false});
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

ModelSpec model_from_flags(const Dataset& data, int hidden, double lambda,
                           const std::string& activation, const std::string& regularize) {
  check_lambda(lambda, "--lambda");
  return model_for(data, hidden, lambda, activation, regularize);
}

void add_save_interval_option(CLI::App* command, double& seconds) {
  command
      ->add_option("--save-interval", seconds,
                   "Seconds between saves of the database(s) (the first save comes after the "
                   "first round, whatever this is)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) {
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || !(v > 0))
              return "must be a finite number of seconds > 0, got '" + text + "'";
            return std::string();
          },
          "SECONDS > 0"));
}

void add_seed_option(CLI::App* command, std::uint64_t& seed, const std::string& help) {
  command->add_option("--seed", seed, help + " (0 .. 2^64-1)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) {
            const auto first = text.find_first_not_of(" \t");
            if (first != std::string::npos && (text[first] == '-' || text[first] == '+'))
              return "must be a whole number >= 0 without a sign, got '" + text + "'";
            return std::string();
          },
          "UINT64"));
}

void add_tree_options(CLI::App* c, graph::DisconnectivityOptions& tree, std::string& level_spacing,
                      std::string& top) {
  c->add_option("--levels", tree.levels, "Number of threshold levels (2..10000)")
      ->capture_default_str();
  c->add_option("--spacing", tree.spacing,
                "Energy between levels (overrides --levels; 0: use --levels)")
      ->capture_default_str();
  c->add_option("--level-spacing", level_spacing,
                "Levels even in E (linear), in ln(E - E_min + eps) (log: resolves branching "
                "spread over decades above the global minimum), or auto: whichever resolves "
                "more merges (linear on a tie)")
      ->check(CLI::IsMember({"auto", "linear", "log"}))
      ->capture_default_str();
  c->add_option("--log-offset", tree.log_offset,
                "eps of log levels (0: half the smallest gap above E_min of a minimum or merge)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option("--top", top,
                "Window top: join (just above the energy where all drawn minima have joined; a "
                "break mark stands for the transition states above) or highest (the highest "
                "transition state)")
      ->check(CLI::IsMember({"join", "highest"}))
      ->capture_default_str();
  c->add_option("--emax", tree.max_energy,
                "Leave out minima and transition states above E (default: keep all)");
  c->add_flag("--no-zero", tree.omit_zero,
              "Do not draw the all-zero minimum (|w_r| <= 1e-6 for all r), as the paper does; "
              "its transition states still join the others (grouped first, pruned after)");
}

void apply_tree_flags(graph::DisconnectivityOptions& tree, const std::string& level_spacing,
                      const std::string& top) {
  tree.level_spacing = level_spacing == "log"      ? graph::LevelSpacing::Log
                       : level_spacing == "linear" ? graph::LevelSpacing::Linear
                                                   : graph::LevelSpacing::Auto;
  tree.top = top == "highest" ? graph::WindowTop::HighestTransitionState : graph::WindowTop::Join;
}

std::string fmt_g(double v, int digits) {
  return fmt::format("{:.{}g}", v, digits);
}

}  // namespace lossland::cli
