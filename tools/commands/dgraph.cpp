/// `lossland dgraph DB -o graph.svg|png|pdf`: disconnectivity graphs (docs/cli.md).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/graph/render.hpp"
#include "lossland/kinetics/free_energy.hpp"
#include "lossland/survey/paper_figures.hpp"

namespace lossland::cli {
namespace {

struct DgraphArgs {
  std::string db;
  std::vector<std::string> grid;
  std::string out;
  std::string color;
  std::string color_range;
  std::string labels;
  std::string title;
  std::string level_spacing = "auto";
  std::string top = "join";
  bool paper_colors = false;
  int insets = 0;
  bool json = false;
  graph::DisconnectivityOptions tree;
  graph::RenderOptions render;
  double free_energy = std::nan("");  ///< --free-energy T: draw free-energy groups at T
  double regroup = std::nan("");      ///< --regroup DF (default T)
};

/// The landscape to draw: the database itself, or with --free-energy T its free-energy groups
/// (lossland/kinetics/free_energy.hpp) as minima and inter-group barriers as transition states.
db::Landscape graph_input(const std::string& path, const DgraphArgs& a,
                          std::vector<std::vector<std::int64_t>>* groups) {
  // The plain graph needs energies and connections only (coordinates for --no-zero); the
  // free-energy graph needs the spectra too.
  const bool plain = std::isnan(a.free_energy);
  db::Landscape land =
      plain ? db::read(path, {a.tree.omit_zero, db::ReadParts::Spectrum::None, false})
            : open_landscape(path);
  if (plain) {
    if (!std::isnan(a.regroup)) throw std::invalid_argument("--regroup needs --free-energy T");
    return land;
  }
  kinetics::FreeEnergyOptions o;
  o.temperature = a.free_energy;
  o.regroup_barrier = a.regroup;
  if (land.minima.empty())
    throw std::invalid_argument(path + " holds no minima: run lossland bh first");
  const auto g = kinetics::free_energy_groups(kinetics::harmonic_landscape(land), o);
  if (groups) *groups = g.members;
  return kinetics::free_energy_landscape(land, g);
}

/// lambda as people write it: 0.01, 0.1, 1 as is; small values as 1e-4, 2.5e-6.
std::string lambda_text(double lambda) {
  char buf[64];
  if (lambda == 0 || std::abs(lambda) >= 1e-2) {
    std::snprintf(buf, sizeof buf, "%g", lambda);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.3e", lambda);  // d.ddde-XX
  std::string s = buf;
  const auto e = s.find('e');
  std::string mant = s.substr(0, e), ex = s.substr(e + 1);
  while (mant.back() == '0') mant.pop_back();
  if (mant.back() == '.') mant.pop_back();
  const bool neg = ex[0] == '-';
  ex = ex.substr(1);
  while (ex.size() > 1 && ex[0] == '0') ex.erase(0, 1);
  return mant + "e" + (neg ? "-" : "") + ex;
}

std::string default_title(const db::Landscape& land) {
  std::string name = land.dataset.name;
  if (name == "xor") name = "XOR";
  return name + ", " + to_string(land.model.activation) +
         ", N_h = " + std::to_string(land.model.hidden()) +
         ", \xce\xbb = " + lambda_text(land.model.lambda);
}

/// --color-range LO:HI (either side may be empty for "the data's own").
void parse_color_range(const std::string& spec, graph::GraphPanel& p) {
  const auto colon = spec.find(':');
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("--color-range '" + spec + "': " + why +
                                 "; give LO:HI, e.g. 0.5:1 (either side may be left empty)");
  };
  if (colon == std::string::npos) throw bad("no ':'");
  auto number = [&](const std::string& t) {
    if (t.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(t, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != t.size() || !std::isfinite(v)) throw bad("'" + t + "' is not a finite number");
    return v;
  };
  p.color_min = number(spec.substr(0, colon));
  p.color_max = number(spec.substr(colon + 1));
  if (std::isfinite(p.color_min) && std::isfinite(p.color_max) && !(p.color_min < p.color_max))
    throw bad("LO must be below HI");
}

std::vector<std::int64_t> parse_labels(const std::string& spec, const db::Landscape& land) {
  std::vector<std::int64_t> ids;
  if (spec.empty()) return ids;
  const auto M = static_cast<std::int64_t>(land.minima.size());
  if (spec == "all") {
    for (std::int64_t i = 0; i < M; ++i) ids.push_back(i);
    return ids;
  }
  std::stringstream ss(spec);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    std::size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(tok, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != tok.size() || tok.empty())
      throw std::invalid_argument("--label: '" + tok +
                                  "' is not a minimum id; give ids like 0,3,7 or 'all'");
    if (v < 0 || v >= M)
      throw std::invalid_argument("--label: minimum " + tok + " does not exist (the database has " +
                                  std::to_string(M) + " minima)");
    ids.push_back(v);
  }
  return ids;
}

graph::GraphPanel make_panel(const std::string& path, const DgraphArgs& a,
                             std::vector<std::vector<std::int64_t>>* groups = nullptr) {
  const db::Landscape land = graph_input(path, a, groups);
  graph::GraphPanel p;
  try {
    p.tree = graph::build_disconnectivity(land, a.tree);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
  p.title = a.title.empty() ? default_title(land) : a.title;
  if (!std::isnan(a.free_energy)) {
    p.axis_label = "free energy F";
    if (a.title.empty()) p.title += ", free energy at T = " + fmt_g(a.free_energy, 4);
  }
  if (!a.color.empty()) {
    if (a.paper_colors && a.color != "auc")
      throw std::invalid_argument(
          "--paper-colors colours by AUC classes; it cannot be used with "
          "--color " +
          a.color + " (drop one of them)");
    p.color_scheme =
        a.paper_colors ? graph::ColorScheme::AucClasses : graph::ColorScheme::Continuous;
    const auto it = land.minima_columns.find(a.color);
    if (it == land.minima_columns.end()) {
      std::string have;
      for (const auto& [k, v] : land.minima_columns) have += (have.empty() ? "" : ", ") + k;
      throw std::invalid_argument(
          path + " has no /minima column '" + a.color + "' to colour by (" +
          (have.empty() ? "it has none; run lossland analyze first" : "it has: " + have) + ")");
    }
    if (it->second.cols() != 1)
      throw std::invalid_argument("--color " + a.color + ": the column has " +
                                  std::to_string(it->second.cols()) +
                                  " values per minimum; pick a column with one");
    p.color_values.assign(it->second.data(), it->second.data() + it->second.rows());
    p.color_label = a.color;
    if (!a.color_range.empty()) parse_color_range(a.color_range, p);
  } else if (!a.color_range.empty()) {
    throw std::invalid_argument("--color-range needs --color COLUMN (the column to colour by)");
  }
  p.labels = parse_labels(a.labels, land);
  return p;
}

nlohmann::json tree_json(const std::string& path, const graph::DisconnectivityTree& t,
                         const graph::DisconnectivityOptions& opt) {
  nlohmann::json nodes = nlohmann::json::array();
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    nlohmann::json j = {{"id", i},
                        {"level", n.level},
                        {"energy", n.energy},
                        {"parent", n.parent},
                        {"children", n.children},
                        {"leaf", n.leaf},
                        {"x", n.x},
                        {"lowest_minimum", n.lowest_minimum},
                        {"num_minima", n.minima.size()}};
    if (n.leaf) j["minimum"] = n.lowest_minimum;
    nodes.push_back(j);
  }
  auto finite_or_null = [](double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
  };
  return {{"database", path},
          {"level_spacing", graph::to_string(t.spacing)},
          {"level_spacing_requested", graph::to_string(opt.level_spacing)},
          {"window_top_rule", graph::to_string(opt.top)},
          {"level_energies", t.level_energies},
          {"delta", t.delta},
          {"log_offset", t.log_offset},
          {"energy_min", t.energy_min},
          {"join_energy", finite_or_null(t.join_energy)},
          {"merge_energies", t.merge_energies},
          {"window_top", t.window_top},
          {"transition_states_above", t.transition_states_above},
          {"highest_above", finite_or_null(t.highest_above)},
          {"minima_total", t.minima_total},
          {"transition_states_total", t.transition_states_total},
          {"minima_isolated", t.minima_isolated},
          {"minima_kept", t.minima_kept},
          {"minima_omitted", t.minima_omitted},
          {"transition_states_used", t.transition_states_used},
          {"num_leaves", t.num_leaves},
          {"roots", t.roots},
          {"notes", t.notes},
          {"nodes", nodes}};
}

void run_dgraph(DgraphArgs a) {
  if (a.db.empty() && a.grid.empty())
    throw std::invalid_argument(
        "give a database (lossland dgraph DB -o FILE) or --grid DB1 DB2 ...");
  if (!a.db.empty() && !a.grid.empty())
    throw std::invalid_argument("give either one database or --grid DB1 DB2 ..., not both");
  if (a.out.empty() && !a.json)
    throw std::invalid_argument("nothing to do: give -o graph.svg|png|pdf and/or --json");
  apply_tree_flags(a.tree, a.level_spacing, a.top);
  if (a.paper_colors && a.color.empty()) a.color = "auc";
  a.tree.validate();
  a.render.validate();
  std::vector<std::string> paths = a.grid.empty() ? std::vector<std::string>{a.db} : a.grid;
  std::vector<graph::GraphPanel> panels;
  std::vector<std::vector<std::vector<std::int64_t>>> groups(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i)
    panels.push_back(make_panel(paths[i], a, &groups[i]));
  if (a.insets > 0 && (!a.grid.empty() || a.out.empty()))
    throw std::invalid_argument("--insets draws one database's graph: give DB and -o FILE");
  if (!a.out.empty()) {
    if (a.insets > 0) {
      const db::Landscape land = open_landscape(paths[0]);
      survey::InsetFigureOptions io;
      io.graph_width = std::clamp(a.render.width, 300.0, 4000.0);
      io.height = std::clamp(a.render.height, 300.0, 4000.0);
      io.max_insets = a.insets;
      survey::draw_graph_with_insets(land, panels[0],
                                     survey::representative_minima(land, panels[0].tree, a.insets),
                                     a.out, io);
    } else if (panels.size() == 1)
      graph::draw_disconnectivity(panels[0], a.out, a.render);
    else
      graph::draw_disconnectivity_grid(panels, a.out, a.render);
  }
  if (a.json) {
    nlohmann::json j;
    auto one = [&](std::size_t i) {
      nlohmann::json t = tree_json(paths[i], panels[i].tree, a.tree);
      if (!std::isnan(a.free_energy)) {
        t["free_energy_temperature"] = a.free_energy;
        t["groups"] = groups[i];  // group id -> member minimum ids
      }
      return t;
    };
    if (a.grid.empty()) {
      j = one(0);
    } else {
      j = nlohmann::json::array();
      for (std::size_t i = 0; i < panels.size(); ++i) j.push_back(one(i));
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const auto& t = panels[i].tree;
    std::printf(
        "%s: %zu minima, %d transition states, %zu %s levels from %.6g down to %.6g "
        "(step %.3g%s)%s\n",
        paths[i].c_str(), t.minima_kept.size(), t.transition_states_used, t.level_energies.size(),
        graph::to_string(t.spacing), t.level_energies.front(), t.level_energies.back(), t.delta,
        t.spacing == graph::LevelSpacing::Log ? " in ln(E - E_min + eps)" : "",
        t.minima_omitted.empty()
            ? ""
            : (", " + std::to_string(t.minima_omitted.size()) + " left out").c_str());
    for (const auto& n : t.notes) std::printf("  note: %s\n", n.c_str());
  }
  std::printf("wrote %s\n", a.out.c_str());
}

Registrar reg("dgraph", 40, [](CLI::App& app) {
  auto a = std::make_shared<DgraphArgs>();
  auto* c = app.add_subcommand(
      "dgraph",
      "Draw a disconnectivity graph (Becker & Karplus 1997; Mehta et al., Phys. Rev. E 97,\n"
      "052307 (2018), Sec. III A; disconnectionDPS layout).\n"
      "At threshold energies e_0 > e_1 > ... minima are grouped into superbasins that\n"
      "interconvert below the threshold; branches join where the basins merge and end at the\n"
      "minima. The lowest basin is centred and branches never cross. Minima with no transition\n"
      "state (before `lossland connect`) are drawn as separate branches.\n"
      "Examples:\n"
      "By default the window ends just above the energy at which all drawn minima join, and the\n"
      "level spacing (linear or log in E - E_min) is the one that resolves more merges.\n"
      "  lossland dgraph x3.h5 -o x3.png --no-zero --color auc --color-range 0.5:1\n"
      "  lossland dgraph x1.h5 -o x1.png --no-zero --paper-colors --level-spacing log\n"
      "  lossland dgraph x6.h5 -o x6.png --no-zero --insets 3\n"
      "  lossland dgraph --grid x1.h5 x2.h5 x3.h5 x4.h5 x5.h5 x6.h5 -o fig1.pdf --no-zero");
  c->add_option("db", a->db, "Database file");
  c->add_option("--grid", a->grid, "Several databases drawn as lettered panels in one figure")
      ->expected(1, -1);
  c->add_option("-o,--output", a->out, "Picture to write: .svg, .png or .pdf");
  add_tree_options(c, a->tree, a->level_spacing, a->top);
  c->add_option("--color", a->color, "Colour the branch ends by a /minima column (e.g. auc)");
  c->add_option("--color-range", a->color_range,
                "Pin the colour scale to LO:HI (e.g. 0.5:1 for AUC); default: the data's range");
  c->add_flag("--paper-colors", a->paper_colors,
              "Colour bad minima as Mehta et al. Fig. 1: AUC 0.5 blue, 0.75 red, AUC ~ 1 black "
              "(uses the auc column)");
  c->add_option("--insets", a->insets,
                "Beside the graph, the network diagram and sensitivity map of the global minimum "
                "and the N-1 most distinct other minima (Mehta et al. Figs. 2-6); 0: none")
      ->check(CLI::Range(0, 8));
  c->add_option("--label", a->labels, "Label these minima with their ids: 0,3,7 or 'all'");
  c->add_option("--title", a->title, "Title (default: dataset, activation, N_h, lambda)");
  c->add_option("--width", a->render.width, "Width per panel (pixels / points)")
      ->capture_default_str();
  c->add_option("--height", a->render.height, "Height per panel")->capture_default_str();
  c->add_option("--columns", a->render.columns, "Panels per row with --grid (0: up to 3)");
  c->add_option("--free-energy", a->free_energy,
                "Free-energy graph at temperature T: minima regrouped (Evans & Wales 2003) into "
                "groups of F_I = -T ln sum Z_i, barriers F_IJ = -T ln sum Z_s (docs/kinetics.md)");
  c->add_option("--regroup", a->regroup,
                "With --free-energy: merge groups joined by a free-energy barrier below DF "
                "(default: T)");
  c->add_flag("--json", a->json, "Print the tree as JSON (nodes with level, energy, parent, x)");
  c->callback([a] { run_dgraph(*a); });
});

}  // namespace
}  // namespace lossland::cli
