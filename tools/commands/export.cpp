/// `lossland export DB [--format pathsample|json|dot] --out DIR|FILE`: files that other landscape
/// tools (PATHSAMPLE, disconnectionDPS, pele, Graphviz) and other programs read.
#include <fmt/format.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/common.hpp"
#include "lossland/db/lock.hpp"
#include "lossland/graph/export.hpp"
#include "lossland/graph/pathsample.hpp"

namespace lossland::cli {
namespace {

struct ExportArgs {
  std::string db, format = "pathsample", out;
  bool force = false, json = false;
};

/// Writes `text` to `path` via PATH.tmp and a rename, so a failed write leaves no half file.
void write_text(const std::string& path, const std::string& text) {
  const std::string tmp = db::unique_tmp_name(path);
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f)
      throw std::runtime_error("cannot write '" + path +
                               "': check that the directory exists and is writable");
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("error while writing '" + tmp + "' (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "'");
  }
}

/// Refuses, before anything is written, an --out that is the database itself (even with
/// --force), an existing file without --force, or (for json and dot) a directory. A pathsample
/// --out must be a directory: an existing file there is refused the same way.
void check_target(const ExportArgs& a) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(a.out, ec)) return;
  if (fs::equivalent(a.out, a.db, ec))
    throw std::invalid_argument("--out " + a.out +
                                " is the database being exported: give another file (not even "
                                "--force replaces the database); nothing was changed");
  const bool dir = fs::is_directory(a.out, ec);
  if (a.format == "pathsample") {
    if (!dir)
      throw std::invalid_argument("--out " + a.out +
                                  " is an existing file, but --format pathsample writes a "
                                  "directory of four files: give a directory; nothing was changed");
    for (const char* name : {"min.data", "ts.data", "points.min", "points.ts"}) {
      const fs::path f = fs::path(a.out) / name;
      if (fs::exists(f, ec) && fs::equivalent(f, a.db, ec))
        throw std::invalid_argument(f.string() +
                                    " is the database being exported: give another "
                                    "directory; nothing was changed");
    }
    return;
  }
  if (dir)
    throw std::invalid_argument("--out " + a.out + " is a directory: --format " + a.format +
                                " writes one file; give a file name");
  if (!a.force)
    throw std::invalid_argument("--out " + a.out +
                                " already exists: choose a new file, or pass --force to replace "
                                "it; nothing was changed");
}

std::string title_of(const db::Landscape& land) {
  return fmt::format("{}, {}, N_h = {}, lambda = {:g}", land.dataset.name,
                     to_string(land.model.activation), land.model.hidden(), land.model.lambda);
}

void run_export(const ExportArgs& a) {
  if (a.format != "pathsample" && a.format != "json" && a.format != "dot")
    throw std::invalid_argument("--format " + a.format +
                                " is not supported: use pathsample, json or dot");
  if (a.format == "pathsample" && a.out.empty())
    throw std::invalid_argument("--format pathsample writes four files: give --out DIR");
  if (!a.out.empty() && a.out != "-") check_target(a);
  const db::Landscape land = open_landscape(a.db);
  if (land.minima.empty())
    throw std::invalid_argument("'" + a.db +
                                "' holds no minima, so there is nothing to export: run "
                                "lossland bh " +
                                a.db + " first");
  std::vector<std::string> files;
  if (a.format == "pathsample") {
    const graph::PathsampleFiles f = graph::export_pathsample(land, a.out);
    files = {f.min_data, f.ts_data, f.points_min, f.points_ts};
  } else {
    const std::string text =
        a.format == "json" ? graph::landscape_json(land) : graph::network_dot(land, title_of(land));
    if (a.out.empty() || a.out == "-") {
      if (a.json)
        throw std::invalid_argument("--json prints a summary: give --out FILE for the " + a.format +
                                    " document");
      std::cout << text;
      return;
    }
    write_text(a.out, text);
    files = {a.out};
  }
  if (a.json) {
    nlohmann::json j = {{"database", a.db},
                        {"format", a.format},
                        {"out", a.out},
                        {"minima", land.minima.size()},
                        {"transition_states", land.transition_states.size()},
                        {"parameters", land.num_params()},
                        {"files", files}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  if (a.format == "pathsample") {
    std::printf("wrote %zu minima to %s and %s\n", land.minima.size(), files[0].c_str(),
                files[2].c_str());
    std::printf("wrote %zu transition states to %s and %s\n", land.transition_states.size(),
                files[1].c_str(), files[3].c_str());
    std::printf("points are %d float64 per record (canonical layout), little-endian, no markers\n",
                land.num_params());
  } else {
    std::printf("wrote %zu minima and %zu transition states to %s (%s)\n", land.minima.size(),
                land.transition_states.size(), a.out.c_str(), a.format.c_str());
  }
}

Registrar reg("export", 60, [](CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  auto* c = app.add_subcommand(
      "export",
      "Write a landscape for other programs.\n"
      "--format pathsample (default), --out DIR: the PATHSAMPLE file set that disconnectionDPS,\n"
      "PATHSAMPLE and pele read (layout as pele's PATHSAMPLE reader expects):\n"
      "  min.data    E FVIB HORDER IX IY IZ                 one line per minimum\n"
      "  ts.data     E FVIB HORDER PLUS MINUS IX IY IZ      PLUS/MINUS: 1-based min.data lines\n"
      "  points.min  raw float64 records of P coordinates (canonical layout), little-endian,\n"
      "  points.ts   no Fortran record markers\n"
      "  FVIB = sum of ln(Hessian eigenvalues): all of them for a minimum, the positive ones for\n"
      "  a transition state. HORDER = order of the point's stabiliser in the network's symmetry\n"
      "  group (/minima/horder; 1 for a generic point, N_h! 2^N_h for the all-zero point).\n"
      "  IX IY IZ = 1.0 (no moments of inertia for a network). Read back with lossland import.\n"
      "--format json, --out FILE (or stdout): the whole database as one JSON document: model,\n"
      "  dataset, notes, minima and transition states with coordinates, spectra and every\n"
      "  analysis column (0-based ids; NaN written as null).\n"
      "--format dot, --out FILE (or stdout): the transition network for Graphviz: one node per\n"
      "  minimum (id and energy), one edge per transition state (id and energy).\n"
      "  Draw it with: neato -Tsvg net.dot -o net.svg\n"
      "Examples:\n"
      "  lossland export x3.h5 --out x3.pathsample\n"
      "  lossland export x3.h5 --format json --out x3.json\n"
      "  lossland export x3.h5 --format dot --out x3.dot");
  c->add_option("db", a->db, "Database file")->required();
  c->add_option("--format,-f", a->format, "pathsample, json or dot")->capture_default_str();
  c->add_option("--out,-o", a->out,
                "Directory (pathsample, created if missing) or file (json, dot; default stdout)");
  c->add_flag("--force", a->force,
              "Replace an existing --out file (json, dot); never the database itself");
  c->add_flag("--json", a->json, "Print a summary of what was written as JSON");
  c->callback([a] { run_export(*a); });
});

}  // namespace
}  // namespace lossland::cli
