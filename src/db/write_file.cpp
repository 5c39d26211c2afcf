/// \file
/// The whole writer (write_file.hpp): a complete landscape into a new file, in the layout that
/// in-place saves (append.cpp) then extend.

#include "db/write_file.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <type_traits>
#include <utility>

#include "db/hdf5_util.hpp"
#include "db/schema.hpp"
#include "db/updater.hpp"

namespace lossland::db::detail {
namespace {

/// Writes one file (the temporary one); every failure throws naming `path` (the database).
class Writer {
 public:
  Writer(std::string path, hid_t file, ModelSpec model)
      : path_(std::move(path)), file_(file), model_(std::move(model)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw DatabaseError(fmt::format("cannot write database '{}': {}", path_, what));
  }

  Handle group(const char* name) const {
    Handle g(H5Gcreate2(file_, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!g.valid()) fail(fmt::format("cannot create group {}", name));
    return g;
  }

  void attribute(hid_t object, const std::string& name, hid_t file_type, hid_t mem_type,
                 const void* data, const Dims& dims) const {
    Handle space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims.data(), nullptr),
                 H5Sclose);
    Handle attr(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
    if (!attr.valid() || H5Awrite(attr.get(), mem_type, data) < 0) {
      fail(fmt::format("cannot write attribute '{}'", name));
    }
  }
  /// A variable-length UTF-8 string (h5py reads it as str).
  void attribute(hid_t object, const std::string& name, const std::string& value) const {
    if (!write_string_attribute(object, name, value))
      fail(fmt::format("cannot write attribute '{}'", name));
  }
  void attribute(hid_t object, const std::string& name, int value) const {
    attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value, {});
  }
  void attribute(hid_t object, const std::string& name, double value) const {
    attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, {});
  }

  /// Writes a dataset of shape `dims` (a dimension may be 0) from contiguous row-major data,
  /// chunked so that later saves can append rows in place (append.cpp), with the attributes
  /// that describe it (schema.hpp).
  void dataset(hid_t group, const std::string& where, const std::string& name, hid_t file_type,
               hid_t mem_type, const Dims& dims, const void* data) const {
    const Handle set = create_rows(group, name, file_type, dims);
    hsize_t count = 1;
    for (const hsize_t d : dims) count *= d;
    if (!set.valid() ||
        (count > 0 && H5Dwrite(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) ||
        !write_dataset_attributes(set.get(), dataset_info(where, name, model_))) {
      fail(fmt::format("cannot write dataset {}/{}", where, name));
    }
  }
  /// A float64 matrix; 1-D when `one_d` (then it must have one column).
  void matrix(hid_t group, const std::string& where, const std::string& name, const RowMatrix& m,
              bool one_d) const {
    const auto rows = static_cast<hsize_t>(m.rows()), cols = static_cast<hsize_t>(m.cols());
    dataset(group, where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
            one_d ? Dims{rows} : Dims{rows, cols}, m.data());
  }

  /// /minima or /transition_states: the points, their min1/min2 (for TS) and extra columns.
  template <class Point>
  void points(const char* where, const std::vector<Point>& pts,
              const std::map<std::string, Eigen::MatrixXd>& columns, int P) const {
    const Handle g = group(where);
    const auto M = static_cast<Eigen::Index>(pts.size());
    RowMatrix energy(M, 1), grad(M, 1), coords(M, P), eig(M, P);
    for (Eigen::Index r = 0; r < M; ++r) {
      energy(r, 0) = pts[r].energy;
      grad(r, 0) = pts[r].grad_rms;
      coords.row(r) = pts[r].coords.transpose();
      eig.row(r) = pts[r].eigenvalues.transpose();
    }
    matrix(g.get(), where, "energy", energy, true);
    matrix(g.get(), where, "coords", coords, false);
    matrix(g.get(), where, "grad_rms", grad, true);
    matrix(g.get(), where, "eigenvalues", eig, false);
    if constexpr (std::is_same_v<Point, StoredTransitionState>) {
      std::vector<std::int64_t> m1, m2;
      for (const auto& ts : pts) {
        m1.push_back(ts.min1);
        m2.push_back(ts.min2);
      }
      const Dims dims{static_cast<hsize_t>(M)};
      dataset(g.get(), where, "min1", H5T_STD_I64LE, H5T_NATIVE_INT64, dims, m1.data());
      dataset(g.get(), where, "min2", H5T_STD_I64LE, H5T_NATIVE_INT64, dims, m2.data());
    }
    for (const auto& [name, column] : columns) {
      if (dataset_info(where, name, model_).integer && column.cols() == 1 &&
          whole_numbers(column)) {
        const std::vector<std::int64_t> v(column.data(), column.data() + column.rows());
        dataset(g.get(), where, name, H5T_STD_I64LE, H5T_NATIVE_INT64,
                {static_cast<hsize_t>(column.rows())}, v.data());
      } else {
        matrix(g.get(), where, name, column, column.cols() == 1);
      }
    }
  }

  /// A table of rows (/ts_branches, /paths) as TableData holds it (written only when it has a
  /// row).
  void table(const std::string& where, TableData t) const {
    if (t.ints.empty() || t.ints[0].second.rows() == 0) return;
    const Handle g = group(where.c_str());
    for (const auto& [name, r] : t.ints)
      dataset(g.get(), where, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {r.rows()}, r.values.data());
    for (std::size_t i = 0; i < t.doubles.size(); ++i) {
      t.fill(i, 0);
      const auto& [name, r] = t.doubles[i];
      dataset(g.get(), where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
              t.double_one_d[i] ? Dims{r.rows()} : Dims{r.rows(), r.cols}, r.values.data());
    }
  }

 private:
  std::string path_;
  hid_t file_;
  ModelSpec model_;
};

}  // namespace

/// Refuses, before anything is written, a landscape whose shapes disagree with its model.
void check_shapes(const std::string& path, const Landscape& ls) {
  auto fail = [&](const std::string& what) {
    throw DatabaseError(fmt::format("cannot write database '{}': {}", path, what));
  };
  try {
    ls.model.validate();
    ls.dataset.validate();
  } catch (const std::exception& e) {
    fail(e.what());
  }
  const int P = ls.num_params();
  auto check_points = [&](const char* where, const auto& pts, const auto& columns,
                          const std::vector<std::string>& fixed) {
    for (std::size_t r = 0; r < pts.size(); ++r) {
      if (pts[r].coords.size() != P || pts[r].eigenvalues.size() != P) {
        fail(
            fmt::format("{} row {} has {} coordinates and {} eigenvalues; the model {} has {} "
                        "parameters",
                        where, r, pts[r].coords.size(), pts[r].eigenvalues.size(),
                        format_layers(ls.model.layers), P));
      }
    }
    for (const auto& [name, column] : columns) {
      if (name.empty() || name.find('/') != std::string::npos || name == "." ||
          std::find(fixed.begin(), fixed.end(), name) != fixed.end()) {
        fail(fmt::format("'{}' cannot name a column of {}", name, where));
      }
      if (column.rows() != static_cast<Eigen::Index>(pts.size())) {
        fail(fmt::format("column {}/{} has {} rows for {} points", where, name, column.rows(),
                         pts.size()));
      }
    }
  };
  for (const auto& [name, m] : ls.run_state) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || !m.allFinite())
      fail(fmt::format("run state '{}' has a bad name or a non-finite value", name));
  }
  check_points("/minima", ls.minima, ls.minima_columns, kPointFields);
  check_points("/transition_states", ls.transition_states, ls.ts_columns, kTsFields);
  const auto M = static_cast<std::int64_t>(ls.minima.size());
  const auto T = static_cast<std::int64_t>(ls.transition_states.size());
  for (const auto& b : ls.ts_branches)
    if (b.ts < 0 || b.ts >= T || b.minimum < 0 || b.minimum >= M || (b.side != 1 && b.side != 2))
      fail(fmt::format("a /ts_branches row names transition state {}, side {}, minimum {}", b.ts,
                       b.side, b.minimum));
  for (const auto& p : ls.paths)
    if (p.ts < 0 || p.ts >= T || (p.side != 1 && p.side != 2) || p.energy.size() != p.s.size() ||
        p.coords.rows() != static_cast<Eigen::Index>(p.s.size()) || p.coords.cols() != P)
      fail(fmt::format("a /paths entry of transition state {} is malformed", p.ts));
  for (std::size_t r = 0; r < ls.transition_states.size(); ++r) {
    const auto& ts = ls.transition_states[r];
    if (ts.min1 < 0 || ts.min1 >= M || ts.min2 < 0 || ts.min2 >= M) {
      fail(fmt::format("transition state {} joins minima {} and {}, but there are {} minima", r,
                       ts.min1, ts.min2, M));
    }
  }
}

/// Writes the complete file at `tmp` and closes it (which flushes it); `path` names messages.
void write_file(const std::string& tmp, const std::string& path, const Landscape& ls) {
  Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) {
    throw DatabaseError(fmt::format("cannot write database '{}': cannot create '{}'", path, tmp));
  }
  const Writer w(path, file.get(), ls.model);
  {
    const Handle root(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
    const hid_t r = root.get();
    w.attribute(r, "format", std::string("lossland"));
    w.attribute(r, "format_version", kFormatVersion);
    w.attribute(r, "description", std::string(kFileDescription));
    w.attribute(r, "layers", H5T_STD_I32LE, H5T_NATIVE_INT, ls.model.layers.data(),
                {static_cast<hsize_t>(ls.model.layers.size())});
    w.attribute(r, "activation", to_string(ls.model.activation));
    w.attribute(r, "lambda", ls.model.lambda);
    w.attribute(r, "regularize", to_string(ls.model.regularize));
    w.attribute(r, "dataset", ls.dataset.name);
    w.attribute(r, "num_classes", ls.dataset.num_classes);
    w.attribute(r, "created_by",
                ls.created_by.empty() ? std::string("lossland " LOSSLAND_VERSION) : ls.created_by);
    for (const auto& [key, value] : ls.notes)
      if (!write_note(r, kNotePrefix + key, value))
        w.fail(fmt::format("cannot write attribute '{}{}'", kNotePrefix, key));

    const Handle data = w.group("/dataset");
    const RowMatrix inputs = ls.dataset.inputs;
    w.matrix(data.get(), "/dataset", "inputs", inputs, false);
    w.dataset(data.get(), "/dataset", "labels", H5T_STD_I32LE, H5T_NATIVE_INT,
              {static_cast<hsize_t>(ls.dataset.labels.size())}, ls.dataset.labels.data());
    w.points("/minima", ls.minima, ls.minima_columns, ls.num_params());
    w.points("/transition_states", ls.transition_states, ls.ts_columns, ls.num_params());
    w.table("/ts_branches", branch_data(ls.ts_branches));
    w.table("/paths", path_data(ls.paths, ls.num_params()));
    if (!ls.run_state.empty()) {
      const Handle g = w.group(kRunState);
      for (const auto& [name, m] : ls.run_state) w.matrix(g.get(), kRunState, name, m, false);
    }
  }
  if (!file.close()) w.fail(fmt::format("cannot finish writing '{}' (disk full?)", tmp));
}

}  // namespace lossland::db::detail
