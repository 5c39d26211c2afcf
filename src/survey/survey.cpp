#include "lossland/survey/survey.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "lossland/analysis/ei.hpp"
#include "lossland/analysis/metrics.hpp"
#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/db/lock.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/graph/render.hpp"
#include "lossland/model/model_for.hpp"
#include "survey/completeness_summary.hpp"
#include "util/throttle.hpp"

namespace fs = std::filesystem;

namespace lossland::survey {

namespace {

/// The stages of one landscape, in order; the last finished one is the root note
/// "survey_stage" of its database.
const std::vector<std::string> kStages = {"bh", "connect", "analyze", "ei", "graph"};

int stage_index(const db::Landscape& land) {
  auto it = land.notes.find("survey_stage");
  if (it == land.notes.end()) return -1;
  const auto pos = std::find(kStages.begin(), kStages.end(), it->second);
  return pos == kStages.end() ? -1 : static_cast<int>(pos - kStages.begin());
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  const auto b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(trim(item));
  return out;
}

double parse_double(const std::string& s, const std::string& what) {
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument("");
    return v;
  } catch (const std::exception&) {
    throw std::invalid_argument(what + ": '" + s + "' is not a number");
  }
}

int parse_int(const std::string& s, const std::string& what) {
  const double v = parse_double(s, what);
  if (v != std::floor(v) || v < 1 || v > 100000)
    throw std::invalid_argument(what + ": '" + s + "' is not a whole number >= 1");
  return static_cast<int>(v);
}

std::string format_lambda(double lambda) {
  std::string s = fmt::format("{:.0e}", lambda);
  // Keep the exact value when %.0e loses it (e.g. 2.5e-3).
  if (std::stod(s) != lambda) {
    s = fmt::format("{:.6g}", lambda);
  }
  return s;
}

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

struct Cell {
  int hidden;
  double lambda;
};

/// The grid in a shared order: the expensive landscapes (many nodes, small lambda) first, so
/// dynamic scheduling balances the threads.
std::vector<Cell> grid(const SurveyOptions& o) {
  std::vector<Cell> cells;
  for (int h : o.hidden)
    for (double l : o.lambdas) cells.push_back({h, l});
  std::stable_sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) {
    if (a.hidden != b.hidden) return a.hidden > b.hidden;
    return a.lambda < b.lambda;
  });
  return cells;
}

ModelSpec model_of(const SurveyOptions& o, const Dataset& data, int hidden, double lambda) {
  ModelSpec spec;
  spec.layers = {data.num_inputs(), hidden, data.num_classes};
  spec.activation = o.activation;
  spec.regularize = o.regularize;
  spec.lambda = lambda;
  return spec;
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

/// Runs the unfinished stages of one landscape, saving after each (and periodically inside the
/// long ones). Returns false if stopped.
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
  detail::Throttle saves(o.save_interval);  // the first save after the first round
  auto periodic = [&]() {
    if (saves.due()) save("");
    return !(should_stop && should_stop());
  };

  const MlpLoss loss(land.dataset, land.model);
  int done = stage_index(land);
  if (done < 0) {
    db::LandscapeIndex index(land);
    BasinHoppingOptions bh = o.bh;
    bh.threads = inner_threads;
    bh.seed = landscape_seed(o.seed, cell.hidden, cell.lambda);
    const auto r =
        basin_hopping(loss, index, bh, [&](const BasinHoppingStats&) { return periodic(); });
    if (r.status == BasinHoppingStatus::Stopped) {
      save("");
      return false;
    }
    land.notes["survey_bh_minima"] = std::to_string(land.minima.size());
    save("bh");
    done = 0;
  }
  if (done < 1) {
    restart_connect_stage(land);
    db::LandscapeIndex index(land);
    ConnectOptions c = o.connect;
    c.threads = inner_threads;
    const auto r = connect_all(loss, index, c, [&](const ConnectStats&) { return periodic(); });
    record_connect_run(land, r.stats.attempts);
    if (r.status == ConnectStatus::Stopped) {
      save("");
      return false;
    }
    save("connect");
    done = 1;
  }
  if (done < 2) {
    if (o.analyze) analysis::analyze_landscape(land);
    save("analyze");
    done = 2;
  }
  if (done < 3) {
    if (o.ei && !land.minima.empty()) {
      analysis::ei_store_columns(land, analysis::ei_analyze_landscape(land));
    }
    save("ei");
    done = 3;
  }
  if (done < 4) {
    if (o.graphs && !land.minima.empty()) {
      graph::GraphPanel panel;
      panel.tree = paper_style_tree(land);
      panel.title = land.dataset.name + "  " + to_string(spec.activation) +
                    "  N_h = " + std::to_string(cell.hidden) +
                    "  λ = " + format_lambda(cell.lambda);
      const std::string png = fs::path(path).replace_extension(".png").string();
      graph::draw_disconnectivity(panel, png);
    }
    save("graph");
  }
  return true;
}

}  // namespace

std::vector<int> parse_hidden(const std::string& text) {
  const std::string what = "--hidden";
  std::vector<int> out;
  const std::string t = trim(text);
  if (t.empty()) throw std::invalid_argument(what + ": the range is empty; give e.g. 1:6 or 2,4");
  if (t.find(':') != std::string::npos) {
    const auto parts = split(t, ':');
    if (parts.size() != 2)
      throw std::invalid_argument(what + ": '" + t + "' is not FIRST:LAST, e.g. 1:6");
    const int a = parse_int(parts[0], what), b = parse_int(parts[1], what);
    if (b < a) throw std::invalid_argument(what + ": '" + t + "' is an empty range (LAST < FIRST)");
    for (int h = a; h <= b; ++h) out.push_back(h);
  } else {
    for (const auto& p : split(t, ',')) {
      if (p.empty()) throw std::invalid_argument(what + ": '" + t + "' has an empty entry");
      out.push_back(parse_int(p, what));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<double> parse_lambda(const std::string& text) {
  const std::string what = "--lambda";
  std::vector<double> out;
  const std::string t = trim(text);
  if (t.empty()) throw std::invalid_argument(what + ": the range is empty; give e.g. 1e-1:1e-6");
  auto check = [&](double v, const std::string& s) {
    if (!std::isfinite(v) || v < 0)
      throw std::invalid_argument(what + ": '" + s + "' must be finite and >= 0");
    return v;
  };
  if (t.find(':') != std::string::npos) {
    const auto parts = split(t, ':');
    if (parts.size() != 2 && parts.size() != 3)
      throw std::invalid_argument(what + ": '" + t + "' is not FIRST:LAST or FIRST:LAST:COUNT");
    const double a = check(parse_double(parts[0], what), parts[0]);
    const double b = check(parse_double(parts[1], what), parts[1]);
    if (a <= 0 || b <= 0)
      throw std::invalid_argument(what + ": a range runs on a log scale; its ends must be > 0");
    int count = 0;
    if (parts.size() == 3) {
      count = parse_int(parts[2], what);
    } else {
      const double decades = std::abs(std::log10(a / b));
      if (std::abs(decades - std::round(decades)) > 1e-9)
        throw std::invalid_argument(what + ": '" + t +
                                    "' does not span whole decades; add a count, FIRST:LAST:COUNT");
      count = static_cast<int>(std::round(decades)) + 1;
    }
    for (int k = 0; k < count; ++k) {
      const double f = count == 1 ? 0.0 : static_cast<double>(k) / (count - 1);
      // Round to 12 significant digits so that 1e-1:1e-6 gives exactly 1e-1, 1e-2, ...
      const double v = std::pow(10.0, std::log10(a) + f * (std::log10(b) - std::log10(a)));
      out.push_back(std::stod(fmt::format("{:.12g}", v)));
    }
  } else {
    for (const auto& p : split(t, ',')) {
      if (p.empty()) throw std::invalid_argument(what + ": '" + t + "' has an empty entry");
      out.push_back(check(parse_double(p, what), p));
    }
  }
  std::sort(out.begin(), out.end(), std::greater<double>());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void SurveyOptions::validate() const {
  if (hidden.empty()) throw std::invalid_argument("hidden: no N_h values");
  for (int h : hidden)
    if (h < 1) throw std::invalid_argument("hidden: N_h must be >= 1, got " + std::to_string(h));
  if (lambdas.empty()) throw std::invalid_argument("lambda: no values");
  for (double l : lambdas) check_lambda(l);
  if (out_dir.empty()) throw std::invalid_argument("out: the survey directory is required");
  if (threads < 0 || threads > 1024) throw std::invalid_argument("threads: must be in [0, 1024]");
  if (page_pictures < 0 || page_pictures > 1000000)
    throw std::invalid_argument("page_pictures: must be in [0, 1e6]");
  if (!(save_interval > 0) || !std::isfinite(save_interval))
    throw std::invalid_argument("save_interval: must be a finite number of seconds > 0");
  bh.validate();
  connect.validate();
  for (double l : lambdas) {
    check_cutoff_resolves_lambda(l, bh.eigen_cutoff, "the basin-hopping eigen cutoff");
    check_cutoff_resolves_lambda(l, connect.eigen_cutoff, "the connect eigen cutoff");
  }
}

std::string landscape_file(const SurveyOptions& options, int hidden, double lambda) {
  std::string name = fs::path(options.dataset).stem().string();
  return name + "_h" + std::to_string(hidden) + "_l" + format_lambda(lambda) + ".h5";
}

void prepare_directory(const SurveyOptions& o) {
  const fs::path dir(o.out_dir);
  const fs::path manifest = dir / "survey.json";
  const nlohmann::json mine = {{"format", "lossland-survey"},
                               {"dataset", o.dataset},
                               {"activation", to_string(o.activation)},
                               {"regularize", to_string(o.regularize)}};
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      throw std::invalid_argument("--out '" + o.out_dir + "' exists and is not a directory");
    if (fs::exists(manifest, ec)) {
      nlohmann::json theirs;
      try {
        std::ifstream(manifest) >> theirs;
      } catch (const std::exception&) {
        throw std::invalid_argument("'" + manifest.string() +
                                    "' is not a readable survey manifest: use another --out");
      }
      for (const char* key : {"dataset", "activation", "regularize"})
        if (theirs.value(key, std::string()) != mine[key].get<std::string>())
          throw std::invalid_argument("'" + o.out_dir + "' holds another survey (" + key + " = " +
                                      theirs.value(key, std::string("?")) + ", this run asks for " +
                                      mine[key].get<std::string>() +
                                      "): nothing was changed; use another --out");
      return;
    }
    if (!fs::is_empty(dir, ec))
      throw std::invalid_argument("'" + o.out_dir +
                                  "' is not empty and holds no lossland survey (no survey.json): "
                                  "nothing was changed; use an empty or new --out");
  }
  fs::create_directories(dir, ec);
  if (ec)
    throw std::invalid_argument("cannot create the survey directory '" + o.out_dir +
                                "': " + ec.message());
  const fs::path tmp = dir / "survey.json.tmp";
  {
    std::ofstream out(tmp);
    out << mine.dump(2) << "\n";
    if (!out)
      throw std::invalid_argument("cannot write in the survey directory '" + o.out_dir +
                                  "': check its permissions");
  }
  fs::rename(tmp, manifest, ec);
  if (ec) throw std::invalid_argument("cannot write '" + manifest.string() + "': " + ec.message());
}

std::vector<LandscapeSummary> run_landscapes(const SurveyOptions& o, int rank, int ranks,
                                             const ProgressCallback& progress,
                                             const std::function<bool()>& should_stop) {
  o.validate();
  if (ranks < 1 || rank < 0 || rank >= ranks) throw std::invalid_argument("survey: bad rank");
  const Dataset data = load_dataset(o.dataset);
  const auto cells = grid(o);
  for (const Cell& cell : cells) {  // every model is checked before any landscape is started
    const ModelSpec spec = model_of(o, data, cell.hidden, cell.lambda);
    spec.validate();
    spec.check_searchable();
  }
  std::vector<Cell> mine;
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (static_cast<int>(i % ranks) == rank) mine.push_back(cells[i]);
  const int threads = o.threads > 0 ? o.threads : omp_get_num_procs();
  // Threads across landscapes first; when there are fewer landscapes than threads, the rest
  // work inside them (basin-hopping walkers, connection attempts: results do not change).
  const int outer = std::max(1, std::min<int>(threads, static_cast<int>(mine.size())));
  const int inner = std::max(1, threads / outer);
  if (inner > 1) omp_set_max_active_levels(2);
  std::vector<LandscapeSummary> rows(mine.size());
  std::vector<std::string> errors(mine.size());
  std::mutex mutex;
  std::size_t finished = 0;
#pragma omp parallel for num_threads(outer) schedule(dynamic, 1)
  for (std::size_t k = 0; k < mine.size(); ++k) {
    try {
      if (should_stop && should_stop()) continue;
      if (!run_one(o, data, mine[k], inner, should_stop)) continue;
      SurveyOptions one = o;
      one.hidden = {mine[k].hidden};
      one.lambdas = {mine[k].lambda};
      rows[k] = summarize(one).front();
      std::lock_guard<std::mutex> lock(mutex);
      ++finished;
      if (progress) progress(rows[k], finished, mine.size());
    } catch (const std::exception& e) {
      errors[k] = e.what();
    }
  }
  for (const auto& e : errors)
    if (!e.empty()) throw std::runtime_error(e);
  return rows;
}

std::vector<LandscapeSummary> summarize(const SurveyOptions& o) {
  std::vector<LandscapeSummary> rows;
  for (int h : o.hidden) {
    for (double l : o.lambdas) {
      LandscapeSummary s;
      s.hidden = h;
      s.lambda = l;
      s.database = landscape_file(o, h, l);
      const std::string path = (fs::path(o.out_dir) / s.database).string();
      if (!db::exists(path)) {
        rows.push_back(s);
        continue;
      }
      const db::Landscape land = db::read(path);
      s.minima = land.minima.size();
      s.transition_states = land.transition_states.size();
      s.ts_per_minimum = s.minima ? static_cast<double>(s.transition_states) / s.minima : 0.0;
      std::vector<double> energies;
      for (const auto& m : land.minima) energies.push_back(m.energy);
      std::sort(energies.begin(), energies.end());
      s.global_minimum = energies.empty() ? std::nan("") : energies.front();
      for (std::size_t i = 0; i < energies.size(); ++i)
        if (i == 0 || energies[i] - energies[i - 1] > 1e-10 * std::max(1.0, std::abs(energies[i])))
          ++s.distinct_energies;
      if (auto it = land.minima_columns.find("auc"); it != land.minima_columns.end()) {
        s.bad_minima = 0;
        for (Eigen::Index r = 0; r < it->second.rows(); ++r)
          if (it->second(r, 0) < 1.0 - 1e-9) ++s.bad_minima;
      }
      if (auto it = land.minima_columns.find("connected_hidden"); it != land.minima_columns.end())
        for (Eigen::Index r = 0; r < it->second.rows(); ++r)
          ++s.by_connected_hidden[static_cast<int>(std::lround(it->second(r, 0)))];
      connected_components(land, &s.connected_sets);
      if (auto it = land.notes.find("survey_seconds"); it != land.notes.end())
        s.seconds = std::strtod(it->second.c_str(), nullptr);
      s.completeness = estimate_completeness(land);
      rows.push_back(s);
    }
  }
  return rows;
}

void write_summary(const SurveyOptions& o, const std::vector<LandscapeSummary>& rows,
                   double total_seconds) {
  auto connected = [](const LandscapeSummary& s) {
    std::string out;
    for (const auto& [k, v] : s.by_connected_hidden)
      out += (out.empty() ? "" : " ") + std::to_string(k) + ":" + std::to_string(v);
    return out;
  };
  const fs::path dir(o.out_dir);
  {
    std::ofstream csv(dir / "summary.csv");
    csv << "hidden,lambda,minima,distinct_energies,transition_states,ts_per_minimum,"
           "global_minimum,bad_minima,minima_by_connected_hidden,connected_sets,seconds,database,"
        << completeness_csv_header() << "\n";
    for (const auto& s : rows) {
      csv << fmt::format("{},{:.6g},{},{},{},{:.6g},{:.17g},{},{},{},{:.3f},{},{}\n", s.hidden,
                         s.lambda, s.minima, s.distinct_energies, s.transition_states,
                         s.ts_per_minimum, s.global_minimum, s.bad_minima, connected(s),
                         s.connected_sets, s.seconds, s.database,
                         completeness_csv_fields(s.completeness));
    }
    if (!csv) throw std::runtime_error("cannot write " + (dir / "summary.csv").string());
  }
  std::ofstream md(dir / "summary.md");
  md << "# Landscape survey: " << o.dataset << ", " << to_string(o.activation)
     << " hidden units, L2 over " << to_string(o.regularize) << " parameters\n\n";
  md << "| N_h | lambda | minima | distinct losses | transition states | TS/min | global minimum "
        "| bad minima (AUC<1) | minima by connected hidden nodes | connected sets | wall s |\n";
  md << "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n";
  for (const auto& s : rows) {
    md << fmt::format("| {} | {:.0e} | {} | {} | {} | {:.2f} | {:.10g} | {} | {} | {} | {:.2f} |\n",
                      s.hidden, s.lambda, s.minima, s.distinct_energies, s.transition_states,
                      s.ts_per_minimum, s.global_minimum,
                      s.bad_minima < 0 ? "-" : std::to_string(s.bad_minima), connected(s),
                      s.connected_sets, s.seconds);
  }
  md << completeness_table(rows);
  md << fmt::format("\nTotal wall time of this run: {:.1f} s.\n", total_seconds);
  md << "\nMinima are counted once up to the network's symmetries (hidden-node permutations and "
        "sign flips); 'distinct losses' merges minima whose losses agree to 1e-10 (e.g. copies "
        "under the dataset's own symmetries). 'Minima by connected hidden nodes' reads "
        "'nodes:count'. Graphs: one PNG per landscape beside its database.\n";
  if (!md) throw std::runtime_error("cannot write " + (dir / "summary.md").string());
}

}  // namespace lossland::survey
