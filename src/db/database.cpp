/// \file
/// The landscape database (docs/schema.md) written and read with the HDF5 C API.

#include "lossland/db/database.hpp"

#include <sys/stat.h>

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <type_traits>
#include <utility>

#include "db/append.hpp"
#include "db/hdf5_util.hpp"
#include "db/journal.hpp"
#include "db/updater.hpp"
#include "lossland/db/lock.hpp"

namespace lossland::db {
namespace fs = std::filesystem;

namespace {

using namespace detail;

// ---- writing -----------------------------------------------------------------------------

/// Writes one file (the temporary one); every failure throws naming `path` (the database).
class Writer {
 public:
  Writer(std::string path, hid_t file) : path_(std::move(path)), file_(file) {}

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
  void attribute(hid_t object, const std::string& name, const std::string& value) const {
    const Handle type = string_type(value.size() + 1);
    attribute(object, name, type.get(), type.get(), value.c_str(), {});
  }
  void attribute(hid_t object, const std::string& name, int value) const {
    attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value, {});
  }
  void attribute(hid_t object, const std::string& name, double value) const {
    attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, {});
  }

  /// Writes a dataset of shape `dims` (a dimension may be 0) from contiguous row-major data,
  /// chunked so that later saves can append rows in place (append.cpp).
  void dataset(hid_t group, const std::string& where, const std::string& name, hid_t file_type,
               hid_t mem_type, const Dims& dims, const void* data) const {
    const Handle set = create_rows(group, name, file_type, dims);
    hsize_t count = 1;
    for (const hsize_t d : dims) count *= d;
    if (!set.valid() ||
        (count > 0 && H5Dwrite(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)) {
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
      if (is_integer_column(name) && column.cols() == 1 && whole_numbers(column)) {
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
  ReadParts parts_;
};

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
  const Writer w(path, file.get());
  {
    const Handle root(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
    const hid_t r = root.get();
    w.attribute(r, "format", std::string("lossland"));
    w.attribute(r, "format_version", kFormatVersion);
    w.attribute(r, "layers", H5T_STD_I32LE, H5T_NATIVE_INT, ls.model.layers.data(),
                {static_cast<hsize_t>(ls.model.layers.size())});
    w.attribute(r, "activation", to_string(ls.model.activation));
    w.attribute(r, "lambda", ls.model.lambda);
    w.attribute(r, "regularize", to_string(ls.model.regularize));
    w.attribute(r, "dataset", ls.dataset.name);
    w.attribute(r, "num_classes", ls.dataset.num_classes);
    w.attribute(r, "created_by",
                ls.created_by.empty() ? std::string("lossland " LOSSLAND_VERSION) : ls.created_by);
    for (const auto& [key, value] : ls.notes) w.attribute(r, kNotePrefix + key, value);

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

/// fsync()s a file or directory so that a crash after this point keeps it.
bool sync_path(const std::string& p, int flags) {
  const int fd = ::open(p.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// ---- reading -----------------------------------------------------------------------------

/// Reads one open file; every failure throws naming the file and the item.
class Reader {
 public:
  Reader(std::string path, hid_t file, ReadParts parts = {})
      : path_(std::move(path)), file_(file), parts_(parts) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw DatabaseError(fmt::format("database '{}': {}", path_, what));
  }

  Handle group(const std::string& name) const {
    if (H5Lexists(file_, name.c_str(), H5P_DEFAULT) <= 0) {
      fail(fmt::format("missing group {} (the file is incomplete or not written by lossland)",
                       name));
    }
    Handle g(H5Gopen2(file_, name.c_str(), H5P_DEFAULT), H5Gclose);
    if (!g.valid()) fail(fmt::format("cannot open group {}", name));
    return g;
  }

  /// Opens root attribute `name`, checking its type class and that it holds 1..max values.
  Handle attribute(hid_t object, const std::string& name, std::vector<H5T_class_t> classes,
                   hssize_t max_values = 1) const {
    if (H5Aexists(object, name.c_str()) <= 0) fail(fmt::format("missing attribute '{}'", name));
    Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
    const Handle type(H5Aget_type(attr.get()), H5Tclose);
    const Handle space(H5Aget_space(attr.get()), H5Sclose);
    const hssize_t n = space.valid() ? H5Sget_simple_extent_npoints(space.get()) : -1;
    const H5T_class_t cls = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
    if (!attr.valid() || std::find(classes.begin(), classes.end(), cls) == classes.end() || n < 1 ||
        n > max_values) {
      fail(fmt::format("attribute '{}' is unreadable or of the wrong type or size", name));
    }
    return attr;
  }
  std::string string_attribute(hid_t object, const std::string& name) const {
    const Handle attr = attribute(object, name, {H5T_STRING});
    const Handle type(H5Aget_type(attr.get()), H5Tclose);
    std::string value;
    bool ok;
    if (H5Tis_variable_str(type.get()) > 0) {
      const Handle mem = string_type(1);
      H5Tset_size(mem.get(), H5T_VARIABLE);
      char* s = nullptr;
      ok = H5Aread(attr.get(), mem.get(), &s) >= 0;
      if (s) value = s;
      H5free_memory(s);
    } else {
      const std::size_t size = H5Tget_size(type.get()) + 1;  // room for a terminator
      const Handle mem = string_type(size);
      std::string buffer(size, '\0');
      ok = H5Aread(attr.get(), mem.get(), buffer.data()) >= 0;
      value = buffer.c_str();
    }
    if (!ok) fail(fmt::format("cannot read attribute '{}'", name));
    return value;
  }
  std::vector<int> int_attribute(hid_t object, const std::string& name, int max_values = 1) const {
    const Handle attr = attribute(object, name, {H5T_INTEGER}, max_values);
    const Handle space(H5Aget_space(attr.get()), H5Sclose);
    std::vector<int> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
    if (H5Aread(attr.get(), H5T_NATIVE_INT, values.data()) < 0) {
      fail(fmt::format("cannot read attribute '{}'", name));
    }
    return values;
  }
  double double_attribute(hid_t object, const std::string& name) const {
    const Handle attr = attribute(object, name, {H5T_FLOAT, H5T_INTEGER});
    double value = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) {
      fail(fmt::format("cannot read attribute '{}'", name));
    }
    return value;
  }

  /// How much of a dataset to read: all of it, its shape only, or its first column.
  enum class Extent { All, ShapeOnly, FirstColumn };

  /// Reads dataset `where`/`name` whole into `out` (converted to `mem_type`), or the part that
  /// `extent` names (a hyperslab of column 0 of a 2-D dataset); returns its full shape.
  template <class T>
  Dims dataset(hid_t group, const std::string& where, const std::string& name, hid_t mem_type,
               std::vector<T>& out, Extent extent = Extent::All) const {
    const std::string full = where + "/" + name;
    if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) {
      fail(fmt::format("missing dataset {} (the file is incomplete or not written by lossland)",
                       full));
    }
    const Handle set(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
    const Handle space(set.valid() ? H5Dget_space(set.get()) : H5I_INVALID_HID, H5Sclose);
    const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 1 || rank > 2) fail(fmt::format("{} is unreadable or not a 1-D or 2-D array", full));
    Dims dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    const hsize_t cols = rank == 2 ? dims[1] : 1;
    if (dims[0] > kMaxElements || cols > kMaxElements || dims[0] * cols > kMaxElements) {
      fail(
          fmt::format("{} claims {} x {} values, more than a lossland database holds (the file "
                      "is corrupt)",
                      full, dims[0], cols));
    }
    // lossland stores datasets uncompressed, so the data cannot outgrow the file many times
    // over: a header that says so (e.g. chunks never written, read back as fill values) would
    // only make us allocate and fill gigabytes.
    std::error_code ec;
    const auto file_bytes = fs::file_size(path_, ec);
    if (!ec && dims[0] * cols * sizeof(T) > 64 * file_bytes + (hsize_t(1) << 20)) {
      fail(
          fmt::format("{} claims {} x {} values, more than the {} bytes of the file can hold "
                      "(the file is corrupt)",
                      full, dims[0], cols, file_bytes));
    }
    if (extent == Extent::ShapeOnly) {
      out.clear();
      return dims;
    }
    if (extent == Extent::FirstColumn && rank == 2) {
      out.resize(cols ? dims[0] : 0);
      if (out.empty()) return dims;
      const hsize_t start[2] = {0, 0}, count[2] = {dims[0], 1};
      const Handle mem(H5Screate_simple(1, &dims[0], nullptr), H5Sclose);
      if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
          H5Dread(set.get(), mem_type, mem.get(), space.get(), H5P_DEFAULT, out.data()) < 0)
        fail(fmt::format("cannot read {} (the file may be truncated or corrupt)", full));
      return dims;
    }
    out.resize(dims[0] * cols);
    if (!out.empty() &&
        H5Dread(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
      fail(fmt::format("cannot read {} (the file may be truncated or corrupt)", full));
    }
    return dims;
  }
  /// A float64 dataset of any rank 1 or 2 as a matrix (1-D gives one column).
  Eigen::MatrixXd matrix(hid_t group, const std::string& where, const std::string& name) const {
    std::vector<double> v;
    const Dims dims = dataset(group, where, name, H5T_NATIVE_DOUBLE, v);
    const auto rows = static_cast<Eigen::Index>(dims[0]);
    const auto cols = static_cast<Eigen::Index>(dims.size() == 2 ? dims[1] : 1);
    return Eigen::Map<const RowMatrix>(v.data(), rows, cols);
  }
  /// Checks that `where`/`name` has `rows` rows and (for cols >= 0) is 2-D with `cols` columns,
  /// or (cols < 0) is 1-D.
  void expect_shape(const std::string& where, const std::string& name, const Dims& dims,
                    std::size_t rows, long cols, const std::string& why) const {
    const bool ok = dims[0] == rows &&
                    (cols < 0 ? dims.size() == 1 : dims.size() == 2 && dims[1] == hsize_t(cols));
    if (!ok) {
      std::string shape = std::to_string(dims[0]);
      if (dims.size() == 2) shape += " x " + std::to_string(dims[1]);
      const std::string want = cols < 0 ? std::to_string(rows) : fmt::format("{} x {}", rows, cols);
      fail(fmt::format("{}/{} has shape {}, expected {} ({})", where, name, shape, want, why));
    }
  }

  /// The points of /minima or /transition_states, checked against P, and their extra columns.
  template <class Point>
  std::vector<Point> points(const std::string& where, int P,
                            std::map<std::string, Eigen::MatrixXd>& columns) const {
    const Handle g = group(where);
    std::vector<double> energy, coords, grad, eig;
    const Dims energy_dims = dataset(g.get(), where, "energy", H5T_NATIVE_DOUBLE, energy);
    const std::size_t M = energy_dims[0];
    const std::string per_point = fmt::format("one row per entry of {}/energy", where);
    const std::string per_param = per_point + fmt::format(", P = {} columns", P);
    expect_shape(where, "energy", energy_dims, M, -1, "1-D");
    using Spectrum = ReadParts::Spectrum;
    const Extent coords_extent = parts_.coords ? Extent::All : Extent::ShapeOnly;
    const Extent eig_extent = parts_.spectrum == Spectrum::All      ? Extent::All
                              : parts_.spectrum == Spectrum::Lowest ? Extent::FirstColumn
                                                                    : Extent::ShapeOnly;
    const int eig_width = parts_.spectrum == Spectrum::All ? P : eig_extent == Extent::FirstColumn;
    expect_shape(where, "coords",
                 dataset(g.get(), where, "coords", H5T_NATIVE_DOUBLE, coords, coords_extent), M, P,
                 per_param);
    expect_shape(where, "grad_rms", dataset(g.get(), where, "grad_rms", H5T_NATIVE_DOUBLE, grad), M,
                 -1, per_point);
    expect_shape(where, "eigenvalues",
                 dataset(g.get(), where, "eigenvalues", H5T_NATIVE_DOUBLE, eig, eig_extent), M, P,
                 per_param);
    for (const auto& [name, values] :
         {std::pair<const char*, const std::vector<double>*>{"energy", &energy},
          {"coords", &coords},
          {"grad_rms", &grad},
          {"eigenvalues", &eig}}) {
      const auto bad =
          std::find_if(values->begin(), values->end(), [](double v) { return !std::isfinite(v); });
      if (bad != values->end()) {
        const std::size_t at = static_cast<std::size_t>(bad - values->begin());
        const std::size_t per_row = values->size() / std::max<std::size_t>(M, 1);
        fail(
            fmt::format("{}/{} row {} holds {} (stored values must be finite numbers; the file "
                        "is corrupt or was edited: restore it from a backup)",
                        where, name, at / std::max<std::size_t>(per_row, 1), *bad));
      }
    }
    std::vector<Point> pts(M);
    for (std::size_t r = 0; r < M; ++r) {
      pts[r].energy = energy[r];
      pts[r].grad_rms = grad[r];
      if (parts_.coords)
        pts[r].coords = Eigen::Map<const Eigen::VectorXd>(coords.data() + r * P, P);
      if (eig_width > 0)
        pts[r].eigenvalues =
            Eigen::Map<const Eigen::VectorXd>(eig.data() + r * eig_width, eig_width);
    }
    const auto& fixed = std::is_same_v<Point, StoredTransitionState> ? kTsFields : kPointFields;
    for (const auto& name : link_names(g.get())) {
      if (std::find(fixed.begin(), fixed.end(), name) != fixed.end()) continue;
      const Handle object(H5Oopen(g.get(), name.c_str(), H5P_DEFAULT), H5Oclose);
      if (!object.valid() || H5Iget_type(object.get()) != H5I_DATASET) continue;
      Eigen::MatrixXd column = matrix(g.get(), where, name);
      if (static_cast<std::size_t>(column.rows()) != M) {
        fail(fmt::format("column {}/{} has {} rows, expected {} ({})", where, name, column.rows(),
                         M, per_point));
      }
      columns[name] = std::move(column);
    }
    return pts;
  }

  /// min1 and min2 of the transition states, each in [0, M).
  void connections(std::vector<StoredTransitionState>& ts, std::size_t M) const {
    const std::string where = "/transition_states";
    const Handle g = group(where);
    using Member = std::int64_t StoredTransitionState::*;
    for (const auto& [name, member] :
         {std::pair<const char*, Member>{"min1", &StoredTransitionState::min1},
          {"min2", &StoredTransitionState::min2}}) {
      std::vector<std::int64_t> v;
      expect_shape(where, name, dataset(g.get(), where, name, H5T_NATIVE_INT64, v), ts.size(), -1,
                   "one entry per transition state");
      for (std::size_t r = 0; r < ts.size(); ++r) {
        if (v[r] < 0 || static_cast<std::size_t>(v[r]) >= M) {
          fail(fmt::format("{}/{}[{}] = {} is not a row of /minima (which has {} rows)", where,
                           name, r, v[r], M));
        }
        ts[r].*member = v[r];
      }
    }
  }

  /// 1-D dataset `name` of `group` with `n` entries (int64 or float64 by T).
  template <class T>
  std::vector<T> column(hid_t group, const std::string& where, const std::string& name,
                        std::size_t n) const {
    std::vector<T> v;
    const Dims dims = dataset(group, where, name,
                              std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64, v);
    expect_shape(where, name, dims, n, -1, fmt::format("one entry per row of {}/ts", where));
    return v;
  }

  /// The 1-D int64 `ts` dataset that keys the rows of /ts_branches and /paths.
  std::vector<std::int64_t> key_column(hid_t group, const std::string& where) const {
    std::vector<std::int64_t> ts;
    const Dims dims = dataset(group, where, "ts", H5T_NATIVE_INT64, ts);
    expect_shape(where, "ts", dims, ts.size(), -1, "1-D");
    return ts;
  }

  /// /ts_branches, when present: every row names a transition state, a side and a minimum.
  void read_branches(Landscape& ls) const {
    const std::string where = "/ts_branches";
    if (H5Lexists(file_, where.c_str(), H5P_DEFAULT) <= 0) return;
    const Handle g = group(where);
    const std::vector<std::int64_t> ts = key_column(g.get(), where);
    const auto side = column<std::int64_t>(g.get(), where, "side", ts.size());
    const auto minimum = column<std::int64_t>(g.get(), where, "minimum", ts.size());
    const auto depth = column<std::int64_t>(g.get(), where, "depth", ts.size());
    const auto energy = column<double>(g.get(), where, "branch_energy", ts.size());
    const auto T = static_cast<std::int64_t>(ls.transition_states.size());
    const auto M = static_cast<std::int64_t>(ls.minima.size());
    for (std::size_t r = 0; r < ts.size(); ++r) {
      if (ts[r] < 0 || ts[r] >= T || minimum[r] < 0 || minimum[r] >= M ||
          (side[r] != 1 && side[r] != 2) || depth[r] < 0 || depth[r] > 64)
        fail(
            fmt::format("{} row {} (ts {}, side {}, minimum {}, depth {}) does not name a "
                        "transition state, a side 1 or 2 and a minimum",
                        where, r, ts[r], side[r], minimum[r], depth[r]));
      ls.ts_branches.push_back(
          {ts[r], static_cast<int>(side[r]), minimum[r], energy[r], static_cast<int>(depth[r])});
    }
  }

  /// /paths, when present: consecutive rows of one (ts, side) form one path.
  void read_paths(Landscape& ls, int P) const {
    const std::string where = "/paths";
    if (H5Lexists(file_, where.c_str(), H5P_DEFAULT) <= 0) return;
    const Handle g = group(where);
    const std::vector<std::int64_t> ts = key_column(g.get(), where);
    const auto side = column<std::int64_t>(g.get(), where, "side", ts.size());
    const auto s = column<double>(g.get(), where, "s", ts.size());
    const auto energy = column<double>(g.get(), where, "energy", ts.size());
    std::vector<double> coords;
    expect_shape(where, "coords", dataset(g.get(), where, "coords", H5T_NATIVE_DOUBLE, coords),
                 ts.size(), P, "one row per point, P columns");
    const auto T = static_cast<std::int64_t>(ls.transition_states.size());
    for (std::size_t r = 0; r < ts.size(); ++r) {
      if (ts[r] < 0 || ts[r] >= T || (side[r] != 1 && side[r] != 2))
        fail(fmt::format("{} row {} names transition state {}, side {}", where, r, ts[r], side[r]));
      if (ls.paths.empty() || ls.paths.back().ts != ts[r] || ls.paths.back().side != side[r])
        ls.paths.push_back({ts[r], static_cast<int>(side[r]), {}, {}, {}});
      StoredPath& p = ls.paths.back();
      p.s.push_back(s[r]);
      p.energy.push_back(energy[r]);
    }
    std::size_t row = 0;
    for (auto& p : ls.paths) {
      p.coords = Eigen::Map<const RowMatrix>(coords.data() + row * P,
                                             static_cast<Eigen::Index>(p.s.size()), P);
      row += p.s.size();
    }
  }

  Landscape landscape() const {
    Landscape ls;
    const Handle root(H5Gopen2(file_, "/", H5P_DEFAULT), H5Gclose);
    const hid_t r = root.get();
    if (H5Aexists(r, "format") <= 0) {
      fail("not a lossland database (no root attribute 'format'): give a file written by lossland");
    }
    const std::string format = string_attribute(r, "format");
    if (format != "lossland") {
      fail(fmt::format("not a lossland database (format = \"{}\", expected \"lossland\")", format));
    }
    const int version = int_attribute(r, "format_version")[0];
    if (version < 1) fail(fmt::format("format_version {} is not a valid version (>= 1)", version));
    if (version > kFormatVersion) {
      fail(
          fmt::format("format_version {} was written by a newer lossland (this one reads up to "
                      "version {}): upgrade lossland to read it",
                      version, kFormatVersion));
    }
    try {
      ls.model.layers = int_attribute(r, "layers", 16);
      ls.model.activation = parse_activation(string_attribute(r, "activation"));
      ls.model.lambda = double_attribute(r, "lambda");
      ls.model.regularize = parse_regularize(string_attribute(r, "regularize"));
      ls.model.validate();
    } catch (const std::invalid_argument& e) {
      fail(fmt::format("invalid model: {}", e.what()));
    }
    ls.created_by = string_attribute(r, "created_by");
    for (const auto& name : attribute_names(r)) {
      if (name.rfind(kNotePrefix, 0) != 0) continue;
      const Handle attr(H5Aopen(r, name.c_str(), H5P_DEFAULT), H5Aclose);
      const Handle type(H5Aget_type(attr.get()), H5Tclose);
      if (H5Tget_class(type.get()) != H5T_STRING) continue;
      ls.notes[name.substr(std::strlen(kNotePrefix))] = string_attribute(r, name);
    }

    ls.dataset.name = string_attribute(r, "dataset");
    {
      const Handle g = group("/dataset");
      ls.dataset.inputs = matrix(g.get(), "/dataset", "inputs");
      std::vector<int> labels;
      const Dims dims = dataset(g.get(), "/dataset", "labels", H5T_NATIVE_INT, labels);
      expect_shape("/dataset", "inputs",
                   {hsize_t(ls.dataset.inputs.rows()), hsize_t(ls.dataset.inputs.cols())},
                   labels.size(), ls.model.inputs(), "one row per label, one column per input");
      expect_shape("/dataset", "labels", dims, labels.size(), -1, "1-D");
      ls.dataset.labels = Eigen::Map<const Eigen::VectorXi>(labels.data(), labels.size());
    }
    const int max_label = ls.dataset.labels.size() ? ls.dataset.labels.maxCoeff() : 0;
    ls.dataset.num_classes = H5Aexists(r, "num_classes") > 0 ? int_attribute(r, "num_classes")[0]
                                                             : std::max(2, max_label + 1);
    if (ls.dataset.num_classes != ls.model.outputs()) {
      fail(
          fmt::format("num_classes = {} disagrees with layers {} (whose last entry is the number "
                      "of classes): the file is corrupt or was edited",
                      ls.dataset.num_classes, format_layers(ls.model.layers)));
    }
    try {
      ls.dataset.validate();
    } catch (const DatasetError& e) {
      fail(fmt::format("invalid /dataset: {}", e.what()));
    }

    const int P = ls.num_params();
    ls.minima = points<StoredPoint>("/minima", P, ls.minima_columns);
    ls.transition_states = points<StoredTransitionState>("/transition_states", P, ls.ts_columns);
    connections(ls.transition_states, ls.minima.size());
    read_branches(ls);
    if (parts_.paths) read_paths(ls, P);
    if (H5Lexists(file_, kRunState, H5P_DEFAULT) > 0) {
      const Handle g = group(kRunState);
      for (const auto& name : link_names(g.get())) {
        Eigen::MatrixXd m = matrix(g.get(), kRunState, name);
        if (!m.allFinite()) {
          fail(fmt::format("{}/{} holds a value that is not a finite number", kRunState, name));
        }
        ls.run_state[name] = std::move(m);
      }
    }
    return ls;
  }

 private:
  std::string path_;
  hid_t file_;
  ReadParts parts_;
};

/// 1 if `path` is an HDF5 file, 0 if not, < 0 if it cannot be checked.
htri_t is_hdf5(const std::string& path) {
#if H5_VERSION_GE(1, 12, 0)
  return H5Fis_accessible(path.c_str(), H5P_DEFAULT);
#else
  return H5Fis_hdf5(path.c_str());
#endif
}

}  // namespace

Landscape read(const std::string& path) {
  return read(path, ReadParts{});
}

Landscape read(const std::string& path, const ReadParts& parts) {
  silence_hdf5();
  if (!exists(path)) {
    throw DatabaseError(fmt::format(
        "database '{}' does not exist (run `lossland bh {} ...` to create it)", path, path));
  }
  std::error_code dir_ec;
  if (fs::is_directory(path, dir_ec)) {
    throw DatabaseError(fmt::format(
        "'{}' is a directory, not a database file: give the path of an .h5 file", path));
  }
  if (::access(path.c_str(), R_OK) != 0) {
    throw DatabaseError(fmt::format("cannot read database '{}': {}", path, std::strerror(errno)));
  }
  const ReadLock lock(path);  // waits for a save in progress; repairs a killed one
  if (is_hdf5(path) <= 0) {
    throw DatabaseError(
        fmt::format("'{}' is not an HDF5 file (it may be truncated or corrupt; "
                    "restore it from a backup, or delete it to start a new "
                    "landscape)",
                    path));
  }
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) {
    throw DatabaseError(
        fmt::format("'{}' is an HDF5 file that cannot be opened (it may be "
                    "truncated or corrupt; restore it from a backup, or delete it "
                    "to start a new landscape)",
                    path));
  }
  return Reader(path, file.get(), parts).landscape();
}

void write(const std::string& path, const Landscape& landscape, SaveMode mode) {
  silence_hdf5();
  check_shapes(path, landscape);
  check_writable(path);
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw DatabaseError(fmt::format("cannot write database '{}': directory '{}' does not exist",
                                    path, dir.string()));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw DatabaseError(
        fmt::format("cannot write database '{}': directory '{}' is not writable ({})", path,
                    dir.string(), std::strerror(errno)));
  }
  remove_stale_tmp(path);
  if (mode == SaveMode::Changes && save_in_place(path, landscape)) {
    set_last_save_kind(SaveKind::InPlace);
    return;
  }
  set_last_save_kind(SaveKind::Whole);
  // Held while the new file is written and renamed, so that an in-place save of another
  // process (one that ignores the writer lock) is not lost in the old file; a journal that a
  // killed save left is undone first, so that a failed rewrite leaves a valid old file.
  const FileLock lock(path, true);
  recover(path);
  const std::string tmp = unique_tmp_name(path);
  struct stat old {};
  const bool replacing = ::stat(path.c_str(), &old) == 0;
  try {
    write_file(tmp, path, landscape);
    if (replacing) {  // the new file keeps the old one's permissions and, where allowed, owner
      ::chmod(tmp.c_str(), old.st_mode & 07777);
      if (::chown(tmp.c_str(), old.st_uid, old.st_gid) != 0) {
        // Only root may give a file away; a user's own file keeps its owner anyway.
      }
    }
    if (!sync_path(tmp, O_RDONLY)) {
      throw DatabaseError(fmt::format("cannot write database '{}': fsync of '{}' failed: {}", path,
                                      tmp, std::strerror(errno)));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      throw DatabaseError(fmt::format("cannot write database '{}': cannot rename '{}' over it: {}",
                                      path, tmp, std::strerror(errno)));
    }
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  sync_path(dir.string(), O_RDONLY | O_DIRECTORY);
}

bool is_integer_column(const std::string& name) {
  return name == "horder";
}

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

void check_compatible(const std::string& path, const Landscape& file, const ModelSpec& model,
                      const Dataset& dataset) {
  auto mismatch = [&](const char* what, const std::string& have, const std::string& want) {
    throw DatabaseError(fmt::format(
        "database '{}' holds a landscape with {} = {}, but this run asks for {} = {}: use another "
        "file, or the file's settings",
        path, what, have, what, want));
  };
  const ModelSpec& m = file.model;
  if (m.layers != model.layers) {
    mismatch("layers", format_layers(m.layers), format_layers(model.layers));
  }
  if (m.activation != model.activation) {
    mismatch("activation", to_string(m.activation), to_string(model.activation));
  }
  if (m.lambda != model.lambda) {
    mismatch("lambda", fmt::format("{}", m.lambda), fmt::format("{}", model.lambda));
  }
  if (m.regularize != model.regularize) {
    mismatch("regularize", to_string(m.regularize), to_string(model.regularize));
  }
  const Dataset& d = file.dataset;
  if (d.name != dataset.name) mismatch("dataset", d.name, dataset.name);
  const bool same_data = d.inputs.rows() == dataset.inputs.rows() &&
                         d.inputs.cols() == dataset.inputs.cols() && d.inputs == dataset.inputs &&
                         d.labels.size() == dataset.labels.size() && d.labels == dataset.labels &&
                         d.num_classes == dataset.num_classes;
  if (!same_data) {
    throw DatabaseError(fmt::format(
        "database '{}' holds a landscape of dataset '{}' whose contents (inputs, labels or "
        "classes) differ from this run's dataset '{}': use another file, or the file's data",
        path, d.name, dataset.name));
  }
}

}  // namespace lossland::db
