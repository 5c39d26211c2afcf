/// \file
/// Coordinates or spectra of chosen rows of /minima or /transition_states (issue 17: lazy reads),
/// read with HDF5 hyperslab selections so that a command that needs a few rows of a file of 10^6
/// points does not load them all.

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "db/hdf5_util.hpp"
#include "db/journal.hpp"
#include "lossland/db/database.hpp"

namespace lossland::db {
namespace {

using detail::Handle;

/// Rows of the 2-D float64 dataset `array` (coords or eigenvalues) of a point table.
std::vector<Eigen::VectorXd> read_rows(const std::string& path, PointTable table,
                                       const std::string& array,
                                       const std::vector<std::size_t>& rows) {
  detail::silence_hdf5();
  const std::string name =
      (table == PointTable::Minima ? "/minima/" : "/transition_states/") + array;
  auto fail = [&](const std::string& what) -> DatabaseError {
    return DatabaseError(fmt::format("database '{}': {} {}", path, name, what));
  };
  const detail::ReadLock lock(path);
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw fail("cannot be read: the file cannot be opened as HDF5");
  if (H5Lexists(file.get(), table == PointTable::Minima ? "/minima" : "/transition_states",
                H5P_DEFAULT) <= 0 ||
      H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) <= 0)
    throw fail("is missing (the file is incomplete or not written by lossland)");
  const Handle set(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  const Handle space(set.valid() ? H5Dget_space(set.get()) : H5I_INVALID_HID, H5Sclose);
  if (!space.valid() || H5Sget_simple_extent_ndims(space.get()) != 2)
    throw fail("is unreadable or not a 2-D array");
  hsize_t dims[2];
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  const auto P = static_cast<Eigen::Index>(dims[1]);
  for (std::size_t r : rows)
    if (r >= dims[0]) throw fail(fmt::format("has {} rows; row {} does not exist", dims[0], r));
  std::vector<Eigen::VectorXd> out(rows.size(), Eigen::VectorXd(P));
  auto check = [&](std::size_t k) {
    if (!out[k].allFinite())
      throw fail(
          fmt::format("row {} holds a value that is not a finite number (the file is "
                      "corrupt or was edited: restore it from a backup)",
                      rows[k]));
  };
  if (rows.empty() || P == 0) return out;
  if (rows.size() > dims[0] / 8) {
    // Many rows: one sequential read beats a seek per row.
    using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    RowMatrix all(static_cast<Eigen::Index>(dims[0]), P);
    if (H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()) < 0)
      throw fail("cannot be read (the file may be truncated or corrupt)");
    for (std::size_t k = 0; k < rows.size(); ++k) {
      out[k] = all.row(static_cast<Eigen::Index>(rows[k])).transpose();
      check(k);
    }
    return out;
  }
  const hsize_t count[2] = {1, dims[1]};
  const Handle mem(H5Screate_simple(1, &dims[1], nullptr), H5Sclose);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const hsize_t start[2] = {rows[k], 0};
    if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
        H5Dread(set.get(), H5T_NATIVE_DOUBLE, mem.get(), space.get(), H5P_DEFAULT, out[k].data()) <
            0)
      throw fail(
          fmt::format("row {} cannot be read (the file may be truncated or corrupt)", rows[k]));
    check(k);
  }
  return out;
}

}  // namespace

std::vector<Eigen::VectorXd> read_coords(const std::string& path, PointTable table,
                                         const std::vector<std::size_t>& rows) {
  return read_rows(path, table, "coords", rows);
}

std::vector<Eigen::VectorXd> read_eigenvalues(const std::string& path, PointTable table,
                                              const std::vector<std::size_t>& rows) {
  return read_rows(path, table, "eigenvalues", rows);
}

}  // namespace lossland::db
