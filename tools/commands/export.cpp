/// `lossland export DB --format pathsample --out DIR`: PATHSAMPLE / disconnectionDPS / pele files.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/graph/pathsample.hpp"

namespace lossland::cli {
namespace {

struct ExportArgs {
  std::string db, format = "pathsample", out;
  bool json = false;
};

void run_export(const ExportArgs& a) {
  if (a.format != "pathsample")
    throw std::invalid_argument("--format " + a.format + " is not supported: use pathsample");
  const db::Landscape land = open_landscape(a.db);
  const graph::PathsampleFiles f = graph::export_pathsample(land, a.out);
  if (a.json) {
    nlohmann::json j = {{"database", a.db},
                        {"format", a.format},
                        {"directory", a.out},
                        {"minima", land.minima.size()},
                        {"transition_states", land.transition_states.size()},
                        {"parameters", land.num_params()},
                        {"files", {f.min_data, f.ts_data, f.points_min, f.points_ts}}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("wrote %zu minima to %s and %s\n", land.minima.size(), f.min_data.c_str(),
              f.points_min.c_str());
  std::printf("wrote %zu transition states to %s and %s\n", land.transition_states.size(),
              f.ts_data.c_str(), f.points_ts.c_str());
  std::printf("points are %d float64 per record (canonical layout), little-endian, no markers\n",
              land.num_params());
}

Registrar reg("export", 60, [](CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  auto* c = app.add_subcommand(
      "export",
      "Write a landscape as PATHSAMPLE files that disconnectionDPS, PATHSAMPLE and pele read.\n"
      "Files (layout from lossland's DESIGN section 3, not checked against PATHSAMPLE's source):\n"
      "  min.data    E FVIB HORDER IX IY IZ                 one line per minimum\n"
      "  ts.data     E FVIB HORDER PLUS MINUS IX IY IZ      PLUS/MINUS: 1-based min.data lines\n"
      "  points.min  raw float64 records of P coordinates (canonical layout), little-endian,\n"
      "  points.ts   no Fortran record markers\n"
      "FVIB = sum of ln(Hessian eigenvalues): all of them for a minimum, the positive ones for a\n"
      "transition state (its negative eigenvalue skipped). HORDER = 1: the network's symmetric\n"
      "copies are already folded out. IX IY IZ = 1.0 (no moments of inertia for a network).");
  c->add_option("db", a->db, "Database file")->required();
  c->add_option("--format", a->format, "Output format: pathsample")->capture_default_str();
  c->add_option("--out,-o", a->out, "Directory to write (created if missing)")->required();
  c->add_flag("--json", a->json, "Print a summary as JSON");
  c->callback([a] { run_export(*a); });
});

}  // namespace
}  // namespace lossland::cli
