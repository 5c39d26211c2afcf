/// The stages of one survey landscape (basin-hopping, connect, analyze, EI, graph) as one list,
/// and the run that does the unfinished ones and records each in the database, so that a killed
/// survey resumes where it stopped.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <vector>

#include "lossland/analysis/ei.hpp"
#include "lossland/analysis/metrics.hpp"
#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/db/lock.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/graph/render.hpp"
#include "lossland/search/completeness.hpp"
#include "survey/survey_detail.hpp"
#include "util/throttle.hpp"

namespace fs = std::filesystem;

namespace lossland::survey::detail {

namespace {

/// A seed for landscape (N_h, lambda) that does not depend on how landscapes are distributed.
std::uint64_t landscape_seed(std::uint64_t seed, int hidden, double lambda) {
  std::uint64_t bits;
  static_assert(sizeof bits == sizeof lambda);
  std::memcpy(&bits, &lambda, sizeof bits);
  std::uint64_t h = seed ^ 0x9E3779B97F4A7C15ULL;
  for (std::uint64_t v : {static_cast<std::uint64_t>(hidden), bits}) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
  }
  return h;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// A connect stage that was killed restarts from the landscape basin-hopping left (the note
/// survey_bh_minima): connect is deterministic, so the end is the same as an uninterrupted
/// survey's. (Basin-hopping itself resumes exactly from the state it saves.)
void restart_connect_stage(db::Landscape& land) {
  const auto it = land.notes.find("survey_bh_minima");
  if (it == land.notes.end()) return;
  char* end = nullptr;
  const unsigned long long keep = std::strtoull(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0' || keep > land.minima.size())
    throw std::invalid_argument("survey_bh_minima = '" + it->second + "' is not a count of the " +
                                std::to_string(land.minima.size()) +
                                " stored minima (the file was edited): delete it to redo it");
  const auto rows = static_cast<Eigen::Index>(keep);
  land.minima.resize(keep);
  for (auto& [name, column] : land.minima_columns) column.conservativeResize(rows, Eigen::NoChange);
  land.transition_states.clear();
  land.ts_columns.clear();
  land.ts_branches.clear();
  land.paths.clear();
}

/// What the stages of one landscape work on.
struct StageRun {
  const SurveyOptions& o;
  const Cell& cell;
  const ModelSpec& spec;    ///< the landscape's model, as the survey asks for it
  const std::string& path;  ///< the landscape's database
  int inner_threads;        ///< threads inside the landscape, >= 1
  db::Landscape& land;      ///< the landscape, saved after each stage
  const MlpLoss& loss;      ///< its loss
  /// Called inside the long stages: saves when a save is due; false when the survey is asked to
  /// stop.
  const std::function<bool()>& periodic;
};

/// Basin-hopping from the state saved last; records the minima it found (survey_bh_minima) for a
/// connect stage that has to restart.
bool stage_bh(StageRun& run) {
  db::LandscapeIndex index(run.land);
  BasinHoppingOptions bh = run.o.bh;
  bh.threads = run.inner_threads;
  bh.seed = landscape_seed(run.o.seed, run.cell.hidden, run.cell.lambda);
  const auto r =
      basin_hopping(run.loss, index, bh, [&](const BasinHoppingStats&) { return run.periodic(); });
  if (r.status == BasinHoppingStatus::Stopped) return false;
  run.land.notes["survey_bh_minima"] = std::to_string(run.land.minima.size());
  return true;
}

/// connect --all, from the landscape basin-hopping left.
bool stage_connect(StageRun& run) {
  restart_connect_stage(run.land);
  db::LandscapeIndex index(run.land);
  ConnectOptions c = run.o.connect;
  c.threads = run.inner_threads;
  const auto r =
      connect_all(run.loss, index, c, [&](const ConnectStats&) { return run.periodic(); });
  record_connect_run(run.land, r.stats.attempts);
  return r.status != ConnectStatus::Stopped;
}

/// The per-minimum analysis (auc, sparsity, robustness), where asked.
bool stage_analyze(StageRun& run) {
  if (run.o.analyze) analysis::analyze_landscape(run.land);
  return true;
}

/// The EI comparison, where asked.
bool stage_ei(StageRun& run) {
  if (run.o.ei && !run.land.minima.empty())
    analysis::ei_store_columns(run.land, analysis::ei_analyze_landscape(run.land));
  return true;
}

/// The disconnectivity graph, a PNG beside the database, where asked.
bool stage_graph(StageRun& run) {
  if (run.o.graphs && !run.land.minima.empty()) {
    graph::GraphPanel panel;
    panel.tree = paper_style_tree(run.land);
    panel.title = run.land.dataset.name + "  " + to_string(run.spec.activation) +
                  "  N_h = " + std::to_string(run.cell.hidden) +
                  "  λ = " + format_lambda(run.cell.lambda);
    const std::string png = fs::path(run.path).replace_extension(".png").string();
    graph::draw_disconnectivity(panel, png);
  }
  return true;
}

/// One stage of a landscape: its name, recorded as the root note "survey_stage" once it has
/// finished, and its work, which returns false where it was stopped (it is then redone, from
/// the state last saved, when the survey resumes).
struct Stage {
  const char* name;
  bool (*run)(StageRun&);
};

/// The stages of one landscape, in order. A new stage is one more entry.
const std::vector<Stage>& stages() {
  static const std::vector<Stage> list = {{"bh", stage_bh},
                                          {"connect", stage_connect},
                                          {"analyze", stage_analyze},
                                          {"ei", stage_ei},
                                          {"graph", stage_graph}};
  return list;
}

/// The position in stages() of the last stage the landscape finished; -1 for none (or a stage
/// this program does not know).
int stage_index(const db::Landscape& land) {
  const auto it = land.notes.find("survey_stage");
  if (it == land.notes.end()) return -1;
  const auto& list = stages();
  const auto pos =
      std::find_if(list.begin(), list.end(), [&](const Stage& s) { return it->second == s.name; });
  return pos == list.end() ? -1 : static_cast<int>(pos - list.begin());
}

}  // namespace

bool run_one(const SurveyOptions& o, const Dataset& data, const Cell& cell, int inner_threads,
             const std::function<bool()>& should_stop) {
  const std::string path =
      (fs::path(o.out_dir) / landscape_file(o, cell.hidden, cell.lambda)).string();
  const ModelSpec spec = model_of(o, data, cell.hidden, cell.lambda);
  const db::WriterLock lock(path);  // one writer per landscape file, for the whole stage run
  db::Landscape land;
  if (db::exists(path)) {
    land = db::read(path);
    db::check_compatible(path, land, spec, data);
  } else {
    land.model = spec;
    land.dataset = data;
    land.created_by = "lossland " LOSSLAND_VERSION;
  }
  const double started = now_seconds();
  double spent = 0.0;
  if (auto it = land.notes.find("survey_seconds"); it != land.notes.end())
    spent = std::strtod(it->second.c_str(), nullptr);  // a damaged note counts as 0 s
  auto save = [&](const std::string& stage) {
    if (!stage.empty()) land.notes["survey_stage"] = stage;
    // To the millisecond, in the shortest form that round-trips, so that the file stores it as
    // a number (format_version 2 notes).
    land.notes["survey_seconds"] =
        fmt::format("{}", std::round((spent + now_seconds() - started) * 1000.0) / 1000.0);
    db::write(path, land);
  };
  lossland::detail::Throttle saves(o.save_interval);  // the first save after the first round
  const std::function<bool()> periodic = [&]() {
    if (saves.due()) save("");
    return !(should_stop && should_stop());
  };

  const MlpLoss loss(land.dataset, land.model);
  StageRun run{o, cell, spec, path, inner_threads, land, loss, periodic};
  const auto& list = stages();
  for (std::size_t k = static_cast<std::size_t>(stage_index(land) + 1); k < list.size(); ++k) {
    if (!list[k].run(run)) {
      save("");
      return false;
    }
    save(list[k].name);
  }
  return true;
}

}  // namespace lossland::survey::detail
