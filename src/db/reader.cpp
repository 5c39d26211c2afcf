/// \file
/// The reader (reader.hpp): every attribute and dataset of an open file, checked against the
/// model and against each other, with a message naming the file and the item for each failure.

#include "db/reader.hpp"

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

namespace lossland::db::detail {
namespace fs = std::filesystem;
namespace {

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
    attribute(object, name, {H5T_STRING});  // fails naming it if absent or not a string
    const auto value = read_string_attribute(object, name);
    if (!value) fail(fmt::format("cannot read attribute '{}'", name));
    return *value;
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
      if (const auto note = read_note(r, name))
        ls.notes[name.substr(std::strlen(kNotePrefix))] = *note;
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

}  // namespace

Landscape read_file(const std::string& path, hid_t file, const ReadParts& parts) {
  return Reader(path, file, parts).landscape();
}

}  // namespace lossland::db::detail
