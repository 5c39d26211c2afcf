#include "lossland/survey/survey.hpp"

#include <omp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "lossland/model/model_for.hpp"
#include "survey/survey_detail.hpp"

namespace fs = std::filesystem;

namespace lossland::survey {

using detail::Cell;
using detail::format_lambda;
using detail::model_of;

namespace {

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

}  // namespace

namespace detail {

ModelSpec model_of(const SurveyOptions& o, const Dataset& data, int hidden, double lambda) {
  ModelSpec spec;
  spec.layers = {data.num_inputs(), hidden, data.num_classes};
  spec.activation = o.activation;
  spec.regularize = o.regularize;
  spec.lambda = lambda;
  return spec;
}

}  // namespace detail

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
      if (!detail::run_one(o, data, mine[k], inner, should_stop)) continue;
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

}  // namespace lossland::survey
