#pragma once
/// \file
/// Crafting damaged database files for the validation and fuzz tests (issue 16): a small
/// landscape, and edits of its attributes and datasets through the HDF5 C API.

#include <gtest/gtest.h>
#include <sys/stat.h>

#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>  // Debian keeps the serial library's headers here
#endif

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "test_tmpdir.hpp"
#include "tools/cli_test_util.hpp"

namespace lossland::testing {

namespace fs = std::filesystem;
using db::DatabaseError;
using db::Landscape;

/// XOR, layers [2, 3, 2] (P = 17), M minima in a chain of M - 1 transition states.
inline Landscape small_landscape(int M) {
  Landscape ls;
  ls.model.layers = {2, 3, 2};
  ls.model.lambda = 1e-4;
  ls.dataset = lossland::xor_dataset();
  ls.created_by = "lossland test";
  const int P = ls.num_params();
  for (int m = 0; m < M; ++m) {
    db::StoredPoint p;
    p.energy = 0.1 * m;
    p.coords = Eigen::VectorXd::LinSpaced(P, m, m + 1);
    p.grad_rms = 1e-12;
    p.eigenvalues = Eigen::VectorXd::LinSpaced(P, 1e-3, 1);
    ls.minima.push_back(p);
    if (m > 0) {
      db::StoredTransitionState t;
      static_cast<db::StoredPoint&>(t) = p;
      t.eigenvalues[0] = -0.5;
      t.min1 = m - 1;
      t.min2 = m;
      ls.transition_states.push_back(t);
    }
  }
  ls.minima_columns["auc"] = Eigen::MatrixXd::Constant(M, 1, 1.0);
  return ls;
}

/// Bitwise equality of two double arrays of the same shape.
inline bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  // An empty matrix has no data pointer, and memcmp on a null pointer is undefined behaviour.
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         (a.size() == 0 || std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0);
}

template <class Point>
inline void expect_same_points(const std::vector<Point>& a, const std::vector<Point>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t r = 0; r < a.size(); ++r) {
    EXPECT_TRUE(same_bits(Eigen::MatrixXd::Constant(1, 1, a[r].energy),
                          Eigen::MatrixXd::Constant(1, 1, b[r].energy)))
        << r;
    EXPECT_TRUE(same_bits(Eigen::MatrixXd::Constant(1, 1, a[r].grad_rms),
                          Eigen::MatrixXd::Constant(1, 1, b[r].grad_rms)))
        << r;
    EXPECT_TRUE(same_bits(a[r].coords, b[r].coords)) << r;
    EXPECT_TRUE(same_bits(a[r].eigenvalues, b[r].eigenvalues)) << r;
  }
}

inline void expect_same_columns(const std::map<std::string, Eigen::MatrixXd>& a,
                                const std::map<std::string, Eigen::MatrixXd>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, column] : a) {
    ASSERT_EQ(b.count(name), 1u) << name;
    EXPECT_TRUE(same_bits(column, b.at(name))) << name;
  }
}

/// Everything the fixed schema holds (model, dataset, notes, points, min1/min2, columns), bit
/// for bit.
inline void expect_same(const Landscape& a, const Landscape& b) {
  EXPECT_EQ(a.model.layers, b.model.layers);
  EXPECT_EQ(a.model.activation, b.model.activation);
  EXPECT_EQ(a.model.regularize, b.model.regularize);
  EXPECT_EQ(a.model.lambda, b.model.lambda);
  EXPECT_EQ(a.dataset.name, b.dataset.name);
  EXPECT_EQ(a.dataset.num_classes, b.dataset.num_classes);
  EXPECT_TRUE(same_bits(a.dataset.inputs, b.dataset.inputs));
  EXPECT_EQ(a.dataset.labels, b.dataset.labels);
  EXPECT_EQ(a.created_by, b.created_by);
  EXPECT_EQ(a.notes, b.notes);
  expect_same_points(a.minima, b.minima);
  expect_same_points(a.transition_states, b.transition_states);
  for (std::size_t r = 0; r < std::min(a.transition_states.size(), b.transition_states.size());
       ++r) {
    EXPECT_EQ(a.transition_states[r].min1, b.transition_states[r].min1);
    EXPECT_EQ(a.transition_states[r].min2, b.transition_states[r].min2);
  }
  expect_same_columns(a.minima_columns, b.minima_columns);
  expect_same_columns(a.ts_columns, b.ts_columns);
}

/// Everything a file holds, bit for bit: the fixed schema (db_test_util.hpp), and the run
/// state, branches and paths.
inline void expect_same_file(const db::Landscape& a, const db::Landscape& b) {
  expect_same(a, b);
  ASSERT_EQ(a.run_state.size(), b.run_state.size()) << "run state";
  for (const auto& [name, m] : a.run_state) {
    ASSERT_EQ(b.run_state.count(name), 1u) << "run state " << name;
    EXPECT_TRUE(same_bits(m, b.run_state.at(name))) << "run state " << name;
  }
  ASSERT_EQ(a.ts_branches.size(), b.ts_branches.size());
  for (std::size_t r = 0; r < a.ts_branches.size(); ++r) {
    const auto &x = a.ts_branches[r], &y = b.ts_branches[r];
    EXPECT_TRUE(x.ts == y.ts && x.side == y.side && x.minimum == y.minimum && x.depth == y.depth &&
                std::memcmp(&x.branch_energy, &y.branch_energy, sizeof(double)) == 0)
        << "branch row " << r;
  }
  ASSERT_EQ(a.paths.size(), b.paths.size());
  for (std::size_t r = 0; r < a.paths.size(); ++r) {
    EXPECT_EQ(a.paths[r].ts, b.paths[r].ts);
    EXPECT_EQ(a.paths[r].side, b.paths[r].side);
    EXPECT_EQ(a.paths[r].s, b.paths[r].s);
    EXPECT_EQ(a.paths[r].energy, b.paths[r].energy);
    EXPECT_TRUE(same_bits(a.paths[r].coords, b.paths[r].coords)) << "path " << r;
  }
}

inline std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RawFile {
  explicit RawFile(const std::string& p) : id(H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {}
  ~RawFile() { H5Fclose(id); }
  hid_t id;
};

/// Replaces root attribute `name` by `values` of file type `type` (1-D, or scalar if one value
/// and `scalar`).
template <class T>
inline void set_attribute(const std::string& p, const char* name, hid_t file_type, hid_t mem_type,
                          const std::vector<T>& values, bool scalar = true) {
  RawFile f(p);
  H5Adelete_by_name(f.id, "/", name, H5P_DEFAULT);
  const hsize_t n = values.size();
  const hid_t space = (scalar && n == 1) ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
  const hid_t attr =
      H5Acreate_by_name(f.id, "/", name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (n > 0) H5Awrite(attr, mem_type, values.data());
  H5Aclose(attr);
  H5Sclose(space);
}

inline void set_string_attribute(const std::string& p, const char* name, const std::string& value) {
  RawFile f(p);
  H5Adelete_by_name(f.id, "/", name, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, value.size() + 1);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr =
      H5Acreate_by_name(f.id, "/", name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(attr, type, value.c_str());
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

/// Replaces dataset `name` by one of shape `dims` and file type `type`, filled from `data`
/// (converted from `mem_type`; nothing written when data is empty: then HDF5's fill value).
inline void replace_dataset(const std::string& p, const std::string& name,
                            const std::vector<hsize_t>& dims, hid_t type, hid_t mem_type,
                            const void* data, bool chunked = false) {
  RawFile f(p);
  H5Ldelete(f.id, name.c_str(), H5P_DEFAULT);
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (chunked) {
    std::vector<hsize_t> chunk(dims.size(), 1);
    H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  }
  const hid_t set = H5Dcreate2(f.id, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (data) H5Dwrite(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  H5Dclose(set);
  H5Pclose(dcpl);
  H5Sclose(space);
}

/// Writes `value` at flat position `at` of float64 dataset `name`.
inline void poke(const std::string& p, const std::string& name, hsize_t at, double value) {
  RawFile f(p);
  const hid_t set = H5Dopen2(f.id, name.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(set);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<double> v(static_cast<std::size_t>(n));
  H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  v[at % v.size()] = value;
  H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(set);
}

inline void expect_read_error(const std::string& p, const std::string& piece) {
  try {
    db::read(p);
    ADD_FAILURE() << "no DatabaseError for " << p;
  } catch (const DatabaseError& e) {
    EXPECT_TRUE(contains(e.what(), piece)) << "'" << piece << "' not in: " << e.what();
  }
}

class DatabaseValidation : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = lossland::testing::unique_temp_dir("dbvalid"); }
  void TearDown() override {
    ::chmod(dir_.c_str(), 0755);
    fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

}  // namespace lossland::testing
