#pragma once
/// \file
/// Small helpers shared by the HDF5 code of src/db/ (internal: HDF5 types appear here).

#include <hdf5.h>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace lossland::db::detail {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Dims = std::vector<hsize_t>;

constexpr const char* kNotePrefix = "note_";
/// The root attribute `description` of a format_version 2 file.
constexpr const char* kFileDescription =
    "lossland landscape database: the minima and transition states of one loss landscape, how "
    "they connect, and the analyses of each point. Every dataset has the attributes description "
    "and units; rows are 0-based; the schema is docs/schema.md of lossland (format_version 2).";
constexpr const char* kRunState = "/run_state";
/// Elements a dataset read from a file may hold (8 GB of float64): larger is a corrupt header.
constexpr hsize_t kMaxElements = hsize_t(1) << 30;
inline const std::vector<std::string> kPointFields{"energy", "coords", "grad_rms", "eigenvalues"};
inline const std::vector<std::string> kTsFields{"energy",      "coords", "grad_rms",
                                                "eigenvalues", "min1",   "min2"};

/// True if every entry is a whole number that int64 holds exactly (|v| <= 2^53).
inline bool whole_numbers(const Eigen::MatrixXd& m) {
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    const double v = m.data()[i];
    if (!(std::abs(v) <= 9007199254740992.0) || v != std::floor(v)) return false;
  }
  return true;
}

/// Owns one HDF5 identifier and closes it with the matching H5?close when destroyed.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Handle& operator=(Handle&&) = delete;
  ~Handle() { close(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  /// Closes now; returns false if HDF5 reports a failure (for a file: the final flush failed).
  bool close() {
    const herr_t status = id_ >= 0 ? closer_(id_) : 0;
    id_ = H5I_INVALID_HID;
    return status >= 0;
  }

 private:
  hid_t id_;
  Closer closer_;
};

/// Turns off HDF5's printing of its error stack: the user sees only our messages.
inline void silence_hdf5() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

/// The layer widths as "[2, 6, 2]".
inline std::string format_layers(const std::vector<int>& layers) {
  std::string s = "[";
  for (std::size_t i = 0; i < layers.size(); ++i) s += (i ? ", " : "") + std::to_string(layers[i]);
  return s + "]";
}

/// A fixed-length, null-terminated C string type of `length` bytes (terminator included).
inline Handle string_type(std::size_t length) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), std::max<std::size_t>(length, 1));
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  return type;
}

/// The names of the links in a group, in name order.
inline std::vector<std::string> link_names(hid_t group) {
  std::vector<std::string> names;
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) return names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0) continue;
    std::string name(static_cast<std::size_t>(n) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(n));
    names.push_back(name);
  }
  return names;
}

/// The names of the attributes of an object.
inline std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  };
  H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names);
  return names;
}

/// Rows per chunk of a dataset of a row table (/minima, /transition_states, /ts_branches,
/// /paths) that holds `rows` rows of `cols` values: the next power of two of `rows`, at least
/// 64, with a chunk of at most 64 KiB. An in-place save rewrites the last, partly filled chunk
/// of each dataset it appends to, so this bounds what a save writes beyond its new rows; a save
/// rewrites the file whole (and re-chunks it) once a table outgrows its chunks 16 times
/// (append.cpp), which keeps the number of chunks of a small table that grew low.
inline hsize_t chunk_rows(hsize_t rows, hsize_t cols) {
  const hsize_t cap = std::max<hsize_t>(1, (hsize_t(1) << 16) / (8 * std::max<hsize_t>(cols, 1)));
  hsize_t c = 64;
  while (c < rows && c < cap) c *= 2;
  return std::min(c, cap);
}

/// Creates a chunked dataset of shape `dims` (1-D or 2-D) whose first dimension can grow.
inline Handle create_rows(hid_t group, const std::string& name, hid_t file_type, const Dims& dims) {
  Dims max = dims;
  max[0] = H5S_UNLIMITED;
  Dims chunk = dims;
  chunk[0] = chunk_rows(dims[0], dims.size() == 2 ? dims[1] : 1);
  if (dims.size() == 2) chunk[1] = std::max<hsize_t>(dims[1], 1);
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()), H5Sclose);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!space.valid() || !plist.valid() ||
      H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()) < 0)
    return Handle(H5I_INVALID_HID, H5Dclose);
  return Handle(H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT, plist.get(),
                           H5P_DEFAULT),
                H5Dclose);
}

}  // namespace lossland::db::detail
