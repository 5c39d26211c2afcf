/// `lossland view DB -o landscape.html`: the interactive landscape page
/// (lossland/view/landscape_page.hpp).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/view/landscape_page.hpp"

namespace lossland::cli {
namespace {

struct ViewArgs {
  std::string db, out;
  std::string level_spacing = "auto";
  std::string top = "join";
  bool json = false;
  view::LandscapePageOptions page;
};

/// Refuses, before anything is read, an output that is a directory or the database itself.
void check_output(const std::string& out, const std::string& db) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (out.empty()) throw std::invalid_argument("view: give the page to write with -o FILE.html");
  if (fs::is_directory(out, ec))
    throw std::invalid_argument("-o " + out + ": is a directory; give a file name such as " +
                                (fs::path(out) / "landscape.html").string());
  if (fs::exists(out, ec) && fs::equivalent(out, db, ec))
    throw std::invalid_argument("-o " + out + " is the database itself; give another file name");
  const fs::path parent = fs::absolute(out, ec).parent_path();
  if (!fs::is_directory(parent, ec))
    throw std::invalid_argument("-o " + out + ": the directory " + parent.string() +
                                " does not exist; create it first");
}

void run_view(ViewArgs a) {
  check_output(a.out, a.db);
  apply_tree_flags(a.page.tree, a.level_spacing, a.top);
  a.page.validate();
  const db::Landscape land = open_landscape(a.db);
  if (a.page.database.empty()) a.page.database = a.db;
  view::LandscapePageResult r;
  try {
    r = view::write_landscape_page(land, a.out, a.page);
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    const std::string prefix = "LandscapePageOptions.color: ";
    if (what.rfind(prefix, 0) == 0) what = "--color: " + what.substr(prefix.size());
    throw std::invalid_argument(a.db + ": " + what);
  }
  if (a.json) {
    const nlohmann::json j = {{"database", a.db},
                              {"output", r.path},
                              {"bytes", r.bytes},
                              {"leaves", r.leaves},
                              {"merge_nodes", r.merge_nodes},
                              {"pictures", r.pictures},
                              {"analyzed", r.analyzed},
                              {"columns", r.columns},
                              {"notes", r.notes}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("%s: %zu minima drawn, %zu merge nodes, pictures for %zu minima; %zu kB\n",
              a.db.c_str(), r.leaves, r.merge_nodes, r.pictures, r.bytes / 1024);
  for (const auto& n : r.notes) std::printf("  note: %s\n", n.c_str());
  std::printf("wrote %s (open it in a browser; it needs no network)\n", r.path.c_str());
}

Registrar reg("view", 42, [](CLI::App& app) {
  auto a = std::make_shared<ViewArgs>();
  auto* c = app.add_subcommand(
      "view",
      "Write an interactive landscape page: one self-contained HTML file (no network, works\n"
      "from file://) with the disconnectivity graph in the layout of `lossland dgraph` (same\n"
      "level and window flags). Hover a branch end for a minimum (energy, AUC, connected nodes,\n"
      "id) or a merge point for its transition state; click a minimum for its network diagram\n"
      "and sensitivity map; click two for the lowest-barrier (minimax) path, highlighted in the\n"
      "tree, and its energy profile. Colour by any /minima column, zoom into an energy window.\n"
      "Examples:\n"
      "  lossland view x3.h5 -o x3.html --no-zero\n"
      "  lossland view x3.h5 -o x3.html --no-zero --color robustness --max-pictures 200");
  c->add_option("db", a->db, "Database file")->required();
  c->add_option("-o,--output", a->out, "Page to write (.html)")->required();
  add_tree_options(c, a->page.tree, a->level_spacing, a->top);
  c->add_option("--color", a->page.color,
                "Colour the leaves by this /minima column when the page opens (default: auc if "
                "present, else energy); the page's dropdown offers every numeric column");
  c->add_option("--max-pictures", a->page.max_pictures,
                "Network diagrams and sensitivity maps for at most this many lowest drawn minima")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  c->add_option("--zero-threshold", a->page.zero_threshold,
                "A weight with |w| <= this gets no edge in the network diagrams")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.999));
  c->add_option("--title", a->page.title, "Page title (default: dataset, activation, N_h, lambda)");
  c->add_flag("--json", a->json, "Print what was written (counts, columns, notes) as JSON");
  c->callback([a] { run_view(*a); });
});

}  // namespace
}  // namespace lossland::cli
