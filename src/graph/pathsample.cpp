#include "lossland/graph/pathsample.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lossland/db/landscape_index.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/stabiliser.hpp"
#include "lossland/model/symmetry.hpp"
#include "lossland/optimize/stationary.hpp"

namespace lossland::graph {

namespace fs = std::filesystem;

double fvib(const Eigen::VectorXd& ev, bool transition_state) {
  if (ev.size() == 0)
    throw std::invalid_argument("no Hessian spectrum stored: FVIB = sum ln(eigenvalues) needs it");
  const Eigen::Index first = transition_state ? 1 : 0;
  if (transition_state && !(ev[0] <= 0.0))
    throw std::invalid_argument("lowest eigenvalue " + std::to_string(ev[0]) +
                                " of a transition state is not negative");
  double sum = 0.0;
  for (Eigen::Index i = first; i < ev.size(); ++i) {
    if (!(ev[i] > 0.0))
      throw std::invalid_argument(std::string("eigenvalue ") + std::to_string(ev[i]) + " of a " +
                                  (transition_state ? "transition state" : "minimum") +
                                  " is not positive: ln is undefined (not a Morse point)");
    sum += std::log(ev[i]);
  }
  return sum;
}

PathsampleFiles PathsampleFiles::in(const std::string& dir) {
  const fs::path d(dir);
  return {(d / "min.data").string(), (d / "ts.data").string(), (d / "points.min").string(),
          (d / "points.ts").string()};
}

void ImportOptions::validate() const {
  if (!(energy_tol > 0 && energy_tol < 1))
    throw std::invalid_argument("energy_tol must be in (0, 1)");
}

namespace {

constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

double to_little(double v) {
  if (kLittleEndian) return v;
  std::uint64_t u;
  std::memcpy(&u, &v, 8);
  u = __builtin_bswap64(u);
  std::memcpy(&v, &u, 8);
  return v;
}

void write_points(const std::string& path, const std::vector<const db::StoredPoint*>& pts) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write '" + path + "': check the directory");
  for (const auto* p : pts)
    for (Eigen::Index i = 0; i < p->coords.size(); ++i) {
      const double v = to_little(p->coords[i]);
      out.write(reinterpret_cast<const char*>(&v), 8);
    }
  if (!out) throw std::runtime_error("error while writing '" + path + "'");
}

std::vector<Eigen::VectorXd> read_points(const std::string& path, std::size_t count, int P) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw std::runtime_error("cannot read '" + path + "': " + ec.message());
  const std::uintmax_t want = static_cast<std::uintmax_t>(count) * P * 8;
  if (size != want)
    throw std::runtime_error("'" + path + "' has " + std::to_string(size) + " bytes but " +
                             std::to_string(count) + " points of P = " + std::to_string(P) +
                             " float64 need " + std::to_string(want) +
                             ": wrong model (check --hidden / --dataset) or a truncated file");
  std::ifstream in(path, std::ios::binary);
  std::vector<Eigen::VectorXd> pts(count, Eigen::VectorXd(P));
  for (auto& p : pts)
    for (int i = 0; i < P; ++i) {
      double v;
      in.read(reinterpret_cast<char*>(&v), 8);
      p[i] = to_little(v);
    }
  if (!in) throw std::runtime_error("error while reading '" + path + "'");
  return pts;
}

/// Rows of whitespace-separated numbers with at least `columns` fields (blank lines skipped).
std::vector<std::vector<double>> read_table(const std::string& path, int columns) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open '" + path + "': no such file or not readable");
  std::vector<std::vector<double>> rows;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    std::istringstream ss(line);
    std::vector<double> row;
    std::string tok;
    while (ss >> tok) {
      // Fortran writes exponents as 1.0D-05.
      for (char& c : tok)
        if (c == 'D' || c == 'd') c = 'e';
      char* end = nullptr;
      const double v = std::strtod(tok.c_str(), &end);
      if (end == tok.c_str() || *end != '\0')
        throw std::runtime_error(path + ":" + std::to_string(lineno) + ": '" + tok +
                                 "' is not a number");
      row.push_back(v);
    }
    if (row.empty()) continue;
    if (static_cast<int>(row.size()) < columns)
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": " +
                               std::to_string(row.size()) + " fields, expected " +
                               std::to_string(columns));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

PathsampleFiles export_pathsample(const db::Landscape& land, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create directory '" + dir + "': " + ec.message());
  const PathsampleFiles f = PathsampleFiles::in(dir);
  // Compute every FVIB first so a bad spectrum leaves no half-written set.
  std::vector<double> fmin, fts;
  for (std::size_t i = 0; i < land.minima.size(); ++i) try {
      fmin.push_back(fvib(land.minima[i].eigenvalues, false));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("minimum " + std::to_string(i) + ": " + e.what());
    }
  for (std::size_t i = 0; i < land.transition_states.size(); ++i) try {
      fts.push_back(fvib(land.transition_states[i].eigenvalues, true));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("transition state " + std::to_string(i) + ": " + e.what());
    }
  const std::vector<double> hmin = db::minimum_orders(land),
                            hts = db::transition_state_orders(land);
  {
    std::FILE* out = std::fopen(f.min_data.c_str(), "w");
    if (!out) throw std::runtime_error("cannot write '" + f.min_data + "'");
    for (std::size_t i = 0; i < land.minima.size(); ++i)
      std::fprintf(out, "%.17g %.17g %lld %.1f %.1f %.1f\n", land.minima[i].energy, fmin[i],
                   static_cast<long long>(hmin[i]), 1.0, 1.0, 1.0);
    if (std::fclose(out) != 0) throw std::runtime_error("error while writing '" + f.min_data + "'");
  }
  {
    std::FILE* out = std::fopen(f.ts_data.c_str(), "w");
    if (!out) throw std::runtime_error("cannot write '" + f.ts_data + "'");
    for (std::size_t i = 0; i < land.transition_states.size(); ++i) {
      const auto& t = land.transition_states[i];
      std::fprintf(out, "%.17g %.17g %lld %lld %lld %.1f %.1f %.1f\n", t.energy, fts[i],
                   static_cast<long long>(hts[i]), static_cast<long long>(t.min1 + 1),
                   static_cast<long long>(t.min2 + 1), 1.0, 1.0, 1.0);
    }
    if (std::fclose(out) != 0) throw std::runtime_error("error while writing '" + f.ts_data + "'");
  }
  std::vector<const db::StoredPoint*> mins, tss;
  for (const auto& m : land.minima) mins.push_back(&m);
  for (const auto& t : land.transition_states) tss.push_back(&t);
  write_points(f.points_min, mins);
  write_points(f.points_ts, tss);
  return f;
}

ImportResult import_pathsample(const std::string& dir, const ModelSpec& model,
                               const Dataset& dataset, const ImportOptions& opt) {
  opt.validate();
  model.validate();
  dataset.validate();
  const PathsampleFiles f = PathsampleFiles::in(dir);
  const int P = model.num_params();
  ImportResult r;
  db::Landscape& land = r.landscape;
  land.model = model;
  land.dataset = dataset;
  land.notes["imported_from"] = dir;
  const MlpLoss loss(dataset, model);

  auto evaluate = [&](const std::string& file, std::size_t row, double file_energy,
                      const Eigen::VectorXd& x, PointKind want, db::StoredPoint& out) {
    const Classification c = classify(loss, x);
    const double tol = opt.energy_tol * std::max(1.0, std::abs(file_energy));
    if (!(std::abs(c.energy - file_energy) <= tol)) {
      char buf[512];
      std::snprintf(buf, sizeof buf,
                    "%s line %zu: energy %.15g in the file but %.15g for this model: the files "
                    "belong to another model or dataset (check --hidden, --lambda, --activation, "
                    "--regularize, --dataset)",
                    file.c_str(), row + 1, file_energy, c.energy);
      throw std::runtime_error(buf);
    }
    if (c.kind != want)
      r.warnings.push_back(file + " line " + std::to_string(row + 1) + ": the Hessian says " +
                           to_string(c.kind) + " (index " + std::to_string(c.index) + "), not " +
                           to_string(want));
    // The file's energy is kept (it agrees with the model to energy_tol), so that an export
    // followed by an import gives back the database's energies bit for bit.
    out.energy = file_energy;
    out.grad_rms = c.grad_rms;
    out.eigenvalues = c.eigenvalues;
    out.coords = canonical_form(model, x);
  };

  // HORDER (column 3) is kept as the file gives it; one that disagrees with the stabiliser
  // order of the point (e.g. HORDER = 1 from an older export) is reported.
  std::size_t horder_mismatches = 0;
  auto horder = [&](const std::string& file, std::size_t row, double value,
                    const Eigen::VectorXd& x) {
    if (!(value >= 1 && value == std::floor(value)))
      throw std::runtime_error(file + ":" + std::to_string(row + 1) + ": HORDER = " +
                               std::to_string(value) + " is not a positive integer");
    if (static_cast<double>(stabiliser_order(model, x)) != value) ++horder_mismatches;
    return value;
  };
  const auto mins = read_table(f.min_data, 6);
  const auto mpts = read_points(f.points_min, mins.size(), P);
  std::vector<double> min_horder, ts_horder;
  for (std::size_t i = 0; i < mins.size(); ++i) {
    db::StoredPoint p;
    evaluate(f.min_data, i, mins[i][0], mpts[i], PointKind::Minimum, p);
    land.minima.push_back(p);
    min_horder.push_back(horder(f.min_data, i, mins[i][2], mpts[i]));
  }
  const bool have_ts = fs::exists(f.ts_data), have_pts = fs::exists(f.points_ts);
  if (have_ts != have_pts)
    throw std::runtime_error(std::string("found ") + (have_ts ? f.ts_data : f.points_ts) +
                             " without " + (have_ts ? f.points_ts : f.ts_data) +
                             ": transition states need both files");
  if (have_ts) {
    const auto ts = read_table(f.ts_data, 8);
    const auto tpts = read_points(f.points_ts, ts.size(), P);
    const double M = static_cast<double>(mins.size());
    for (std::size_t i = 0; i < ts.size(); ++i) {
      for (int k : {3, 4})
        if (!(ts[i][k] >= 1 && ts[i][k] <= M && ts[i][k] == std::floor(ts[i][k])))
          throw std::runtime_error(f.ts_data + ":" + std::to_string(i + 1) + ": " +
                                   (k == 3 ? "PLUS" : "MINUS") + " = " + std::to_string(ts[i][k]) +
                                   " is not a line of min.data (1.." + std::to_string(mins.size()) +
                                   ")");
      db::StoredTransitionState t;
      evaluate(f.ts_data, i, ts[i][0], tpts[i], PointKind::TransitionState, t);
      t.min1 = static_cast<std::int64_t>(ts[i][3]) - 1;
      t.min2 = static_cast<std::int64_t>(ts[i][4]) - 1;
      land.transition_states.push_back(t);
      ts_horder.push_back(horder(f.ts_data, i, ts[i][2], tpts[i]));
    }
  }
  land.minima_columns[db::kHorderColumn] =
      Eigen::Map<const Eigen::VectorXd>(min_horder.data(), min_horder.size());
  land.ts_columns[db::kHorderColumn] =
      Eigen::Map<const Eigen::VectorXd>(ts_horder.data(), ts_horder.size());
  if (horder_mismatches)
    r.warnings.push_back(std::to_string(horder_mismatches) +
                         " HORDER values differ from the stabiliser order of their point (kept "
                         "as given; an export by lossland before 0.2 wrote HORDER = 1): use "
                         "`import --horder compute` to replace them");
  if (opt.recompute_horder) {
    land.minima_columns.erase(db::kHorderColumn);
    land.ts_columns.erase(db::kHorderColumn);
    db::fill_horder(land);
  }
  return r;
}

}  // namespace lossland::graph
