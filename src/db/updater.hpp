#pragma once
/// \file
/// The pieces of an in-place save (append.cpp): a table's rows as the file must hold them, and
/// the Updater that inspects an open file and appends, replaces or creates its datasets.
/// Internal to src/db/ (HDF5 types appear here).

#include <fmt/format.h>
#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "db/hdf5_util.hpp"
#include "db/schema.hpp"
#include "lossland/db/database.hpp"

namespace lossland::db::detail {

/// Thrown while the file is inspected (before anything is written): save it whole instead.
struct NotInPlace {};

/// A table's 1-D key or 2-D array as row-major values in memory (one row per point), or the
/// last rows of it: `values` holds rows [first, total). Large arrays (coordinates, spectra,
/// path points) are filled only from the first row the file lacks.
template <class T>
struct Rows {
  std::vector<T> values;
  hsize_t cols = 1;
  hsize_t total = 0;  ///< rows the dataset must hold
  hsize_t first = 0;  ///< the row values[0] belongs to
  hsize_t rows() const { return total; }
  const T* row(hsize_t r) const { return values.data() + (r - first) * cols; }
};

/// All rows of a table, in memory.
template <class T>
Rows<T> all_rows(std::vector<T> values, hsize_t cols = 1) {
  const hsize_t total = cols ? values.size() / cols : 0;
  return Rows<T>{std::move(values), cols, total, 0};
}

/// The value of an int64 or float64 dataset stored (or to store) as this type.
template <class T>
constexpr hid_t mem_type() {
  return std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
}
template <class T>
constexpr hid_t file_type() {
  return std::is_same_v<T, double> ? H5T_IEEE_F64LE : H5T_STD_I64LE;
}
template <class T>
constexpr H5T_class_t type_class() {
  return std::is_same_v<T, double> ? H5T_FLOAT : H5T_INTEGER;
}

/// Bitwise equality (so a stored NaN equals the same NaN in memory).
template <class T>
bool same_bits(const T* a, const T* b, std::size_t n) {
  return n == 0 || std::memcmp(a, b, n * sizeof(T)) == 0;
}

class Updater {
 public:
  Updater(std::string path, hid_t file, ModelSpec model)
      : path_(std::move(path)), file_(file), model_(std::move(model)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw DatabaseError(fmt::format("cannot save database '{}' in place: {}", path_, what));
  }

  // ---- inspection (nothing written) ---------------------------------------------------------

  /// True if `name` (an absolute path of depth 1 or 2) exists.
  bool exists(const std::string& name) const {
    const auto slash = name.find('/', 1);
    if (slash != std::string::npos &&
        H5Lexists(file_, name.substr(0, slash).c_str(), H5P_DEFAULT) <= 0)
      return false;
    return H5Lexists(file_, name.c_str(), H5P_DEFAULT) > 0;
  }

  Handle open_set(const std::string& name) const {
    Handle set(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!set.valid()) throw NotInPlace{};
    return set;
  }

  static Dims dims_of(hid_t set, Dims* max = nullptr) {
    const Handle space(H5Dget_space(set), H5Sclose);
    const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 1 || rank > 2) throw NotInPlace{};
    Dims d(static_cast<std::size_t>(rank)), m(d.size());
    H5Sget_simple_extent_dims(space.get(), d.data(), m.data());
    if (max) *max = m;
    return d;
  }

  /// Rows per chunk of a dataset that appends can grow; 0 if it cannot grow.
  static hsize_t growable_chunk(hid_t set) {
    Dims max;
    const Dims d = dims_of(set, &max);
    const Handle plist(H5Dget_create_plist(set), H5Pclose);
    if (!plist.valid() || H5Pget_layout(plist.get()) != H5D_CHUNKED || max[0] != H5S_UNLIMITED)
      return 0;
    Dims chunk(d.size());
    if (H5Pget_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()) < 0) return 0;
    return chunk[0];
  }

  static bool has_class(hid_t set, H5T_class_t cls) {
    const Handle type(H5Dget_type(set), H5Tclose);
    return type.valid() && H5Tget_class(type.get()) == cls;
  }

  /// The whole dataset, converted to T.
  template <class T>
  std::vector<T> read(hid_t set, const Dims& d) const {
    hsize_t n = 1;
    for (const hsize_t x : d) n *= x;
    std::vector<T> v(n);
    if (n > 0 && H5Dread(set, mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
      throw NotInPlace{};
    return v;
  }

  /// What a save does to one dataset of a table: append rows, replace it whole, or create it.
  enum class Action { Nothing, Append, Replace };

  /// Decides for dataset `name` that must hold `want` (rows x cols of T): Append when the file
  /// holds a growable dataset of the same type and width whose rows equal the first rows of
  /// `want` (compared when `compare`), Replace otherwise; one column means a 1-D dataset, as
  /// the whole writer stores it. Sets `*disk_rows`.
  template <class T>
  Action plan(const std::string& name, const Rows<T>& want, bool compare,
              hsize_t* disk_rows) const {
    *disk_rows = 0;
    if (!exists(name)) return Action::Replace;
    const Handle set = open_set(name);
    const Dims d = dims_of(set.get());
    const bool shape_ok = d.size() == (want.cols == 1 ? 1u : 2u) &&
                          (d.size() == 1 || d[1] == want.cols) && d[0] <= want.rows();
    if (!shape_ok || !has_class(set.get(), type_class<T>()) || growable_chunk(set.get()) == 0)
      return Action::Replace;
    *disk_rows = d[0];
    if (compare) {
      if (want.first != 0) fail(fmt::format("{}: rows to compare were not all given", name));
      const std::vector<T> disk = read<T>(set.get(), d);
      if (!same_bits(disk.data(), want.values.data(), disk.size())) return Action::Replace;
    }
    return d[0] == want.rows() ? Action::Nothing : Action::Append;
  }

  // ---- writing ------------------------------------------------------------------------------

  /// Appends rows [from, want.rows()) of `want` to the growable dataset `name`.
  template <class T>
  void append(const std::string& name, const Rows<T>& want, hsize_t from) const {
    const Handle set = open_set(name);
    Dims d = dims_of(set.get());
    const hsize_t to = want.rows();
    d[0] = to;
    if (H5Dset_extent(set.get(), d.data()) < 0) fail(fmt::format("cannot grow {}", name));
    const Handle space(H5Dget_space(set.get()), H5Sclose);
    Dims start(d.size(), 0), count = d;
    start[0] = from;
    count[0] = to - from;
    const Handle mem(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                     H5Sclose);
    if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr) < 0 ||
        want.first > from ||
        H5Dwrite(set.get(), mem_type<T>(), mem.get(), space.get(), H5P_DEFAULT, want.row(from)) < 0)
      fail(fmt::format("cannot write rows {}..{} of {} (disk full?)", from, to, name));
  }

  /// Deletes `name` if it exists.
  void remove(const std::string& name) const {
    if (exists(name) && H5Ldelete(file_, name.c_str(), H5P_DEFAULT) < 0)
      fail(fmt::format("cannot delete {}", name));
  }

  /// Writes `want` as a new dataset `name` (replacing any), 2-D unless it is 1-D data, with
  /// the attributes that describe it (schema.hpp).
  template <class T>
  void create(const std::string& name, const Rows<T>& want, bool one_d) const {
    if (want.first != 0 || want.values.size() != want.total * want.cols)
      fail(fmt::format("{}: not all rows were given", name));
    remove(name);
    const Dims d = one_d ? Dims{want.rows()} : Dims{want.rows(), want.cols};
    const Handle set = create_rows(file_, name, file_type<T>(), d);
    const auto slash = name.rfind('/');
    if (!set.valid() ||
        (!want.values.empty() && H5Dwrite(set.get(), mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                          want.values.data()) < 0) ||
        !write_dataset_attributes(
            set.get(), dataset_info(name.substr(0, slash), name.substr(slash + 1), model_)))
      fail(fmt::format("cannot write {} (disk full?)", name));
  }

  /// Whether extra column `name` of `group` is a count stored as int64 (schema.hpp).
  bool integer_column(const std::string& group, const std::string& name) const {
    return dataset_info(group, name, model_).integer;
  }

  /// Brings dataset `name` to `want` by the action plan() chose.
  template <class T>
  void apply(const std::string& name, const Rows<T>& want, Action action, hsize_t disk_rows,
             bool one_d) const {
    if (action == Action::Append) append(name, want, disk_rows);
    if (action == Action::Replace) create(name, want, one_d);
  }

  void ensure_group(const std::string& name) const {
    if (exists(name)) return;
    const Handle g(H5Gcreate2(file_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   H5Gclose);
    if (!g.valid()) fail(fmt::format("cannot create group {}", name));
  }

  /// Root attribute `name` as a string, or "\x01" when absent or not a string.
  std::string string_attribute(const std::string& name) const {
    return read_string_attribute(file_, name).value_or("\x01");
  }

  void write_string_attribute(const std::string& name, const std::string& value) const {
    if (!detail::write_string_attribute(file_, name, value))
      fail(fmt::format("cannot write attribute '{}'", name));
  }

  /// Root note attribute `name` as text, or "\x01" when absent.
  std::string note(const std::string& name) const {
    return read_note(file_, name).value_or("\x01");
  }
  void write_note(const std::string& name, const std::string& text) const {
    if (!detail::write_note(file_, name, text))
      fail(fmt::format("cannot write attribute '{}'", name));
  }

  std::vector<std::string> root_attributes() const { return attribute_names(file_); }

  std::vector<std::string> links(const std::string& group) const {
    if (!exists(group)) return {};
    const Handle g(H5Gopen2(file_, group.c_str(), H5P_DEFAULT), H5Gclose);
    if (!g.valid()) throw NotInPlace{};
    return link_names(g.get());
  }

  hid_t file() const { return file_; }

 private:
  std::string path_;
  hid_t file_;
  ModelSpec model_;
};

/// Fills rows [from, total) of a large array (Rows::first = from).
using Filler = std::function<void(Rows<double>&, hsize_t from)>;

/// One table's keys and arrays as the file must hold them. A double array with a filler holds
/// no values until fill() is called with the first row to write.
struct TableData {
  std::vector<std::pair<std::string, Rows<double>>> doubles;  // name, data
  std::vector<std::pair<std::string, Rows<std::int64_t>>> ints;
  std::vector<bool> double_compare, double_one_d;
  std::vector<Filler> fillers;  // one per double array (empty: all rows given)

  void fill(std::size_t i, hsize_t from) {
    if (i < fillers.size() && fillers[i]) fillers[i](doubles[i].second, from);
  }
};

/// The rows of /ts_branches and of /paths as the file holds them (path coordinates filled on
/// demand); written by the whole writer (database.cpp) and appended by in-place saves.
TableData branch_data(const std::vector<TsBranch>& b);
TableData path_data(const std::vector<StoredPath>& paths, int P);

}  // namespace lossland::db::detail
