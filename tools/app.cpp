#include "app.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include "commands/command.hpp"

namespace lossland::cli {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

void setup_app(CLI::App& app) {
  app.description("lossland " LOSSLAND_VERSION
                  ": energy landscapes of neural-network loss functions.\n"
                  "Basin-hopping, transition-state searches and a database of minima in HDF5.");
  app.set_version_flag("--version", LOSSLAND_VERSION);
  app.require_subcommand(1);
  auto& commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const Command& a, const Command& b) { return a.order < b.order; });
  for (auto& c : commands) c.setup(app);
}

namespace {
/// Levenshtein distance: insertions, deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string unknown_command_message(const CLI::App& app, const std::string& word) {
  if (word.empty() || word[0] == '-') return "";
  const auto commands = app.get_subcommands([](const CLI::App*) { return true; });
  std::string names, closest;
  std::size_t best = 3;  // suggest only names at most two edits away
  for (const CLI::App* c : commands) {
    if (c->check_name(word)) return "";
    names += (names.empty() ? "" : ", ") + c->get_name();
    const std::size_t d = edit_distance(word, c->get_name());
    if (d < best) best = d, closest = c->get_name();
  }
  std::string msg = "unknown command '" + word + "'";
  if (!closest.empty()) msg += " (did you mean '" + closest + "'?)";
  return msg + "; the commands are: " + names + " (lossland --help describes them)";
}

}  // namespace lossland::cli
