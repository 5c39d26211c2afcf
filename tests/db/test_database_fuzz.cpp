/// \file
/// Issue 16: a fuzz of a few hundred mutated headers and datasets of a small database. Each
/// file gives a clean DatabaseError (exit 2 from the program) or a landscape consistent with
/// its model; never another exception, never a crash.

#include <gtest/gtest.h>

#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>  // Debian keeps the serial library's headers here
#endif

#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "db_test_util.hpp"

using namespace lossland;
using namespace lossland::testing;

/// A few hundred files, each the same small database with one header or dataset mutated at
/// random: db::read either returns a landscape that is consistent with its model or throws
/// DatabaseError; no other exception, no crash. A sample also goes through the program, which
/// must exit 0 or 2.
TEST_F(DatabaseValidation, FuzzedHeadersAndDatasetsGiveADatabaseErrorNeverACrash) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string base = path("base.h5");
  db::write(base, small_landscape(3));
  std::mt19937_64 rng(16);
  auto pick = [&](auto const& options) { return options[rng() % options.size()]; };
  const std::vector<int> ints{-1, 0, 1, 2, 3, 4, 17, 1000, 99999, 500000000, INT_MAX, INT_MIN};
  const std::vector<double> reals{0.0,
                                  -1.0,
                                  1e-300,
                                  1e300,
                                  -0.0,
                                  3.5,
                                  std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity()};
  const std::vector<std::string> attrs{"format",     "format_version", "layers",
                                       "activation", "lambda",         "regularize",
                                       "dataset",    "num_classes",    "created_by"};
  const std::vector<std::string> sets{"/minima/energy",
                                      "/minima/coords",
                                      "/minima/grad_rms",
                                      "/minima/eigenvalues",
                                      "/minima/auc",
                                      "/transition_states/energy",
                                      "/transition_states/coords",
                                      "/transition_states/min1",
                                      "/transition_states/min2",
                                      "/dataset/inputs",
                                      "/dataset/labels",
                                      "/transition_states/eigenvalues"};
  int errors = 0, accepted = 0, cli_runs = 0;
  const int kFiles = 300;
  for (int k = 0; k < kFiles; ++k) {
    const std::string p = path("fuzz.h5");
    fs::copy_file(base, p, fs::copy_options::overwrite_existing);
    std::string what;
    const int kind = static_cast<int>(rng() % 9);
    switch (kind) {
      case 0: {  // an integer attribute of random length and values
        std::vector<int> v(rng() % 5);
        for (int& x : v) x = pick(ints);
        const std::string a = pick(attrs);
        set_attribute<int>(p, a.c_str(), H5T_STD_I32LE, H5T_NATIVE_INT, v, rng() % 2);
        what = a + " = ints";
        break;
      }
      case 1: {  // a float attribute
        const std::string a = pick(attrs);
        set_attribute<double>(p, a.c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {pick(reals)});
        what = a + " = real";
        break;
      }
      case 2: {  // a string attribute
        const std::string a = pick(attrs);
        set_string_attribute(p, a.c_str(),
                             pick(std::vector<std::string>{"", "lossland", "relu", "all", "x"}));
        what = a + " = string";
        break;
      }
      case 3: {  // an attribute removed
        RawFile f(p);
        what = "no " + pick(attrs);
        H5Adelete_by_name(f.id, "/", what.substr(3).c_str(), H5P_DEFAULT);
        break;
      }
      case 4: {  // a dataset removed
        RawFile f(p);
        what = "no " + pick(sets);
        H5Ldelete(f.id, what.substr(3).c_str(), H5P_DEFAULT);
        break;
      }
      case 5: {  // a dataset of random rank (1..3), shape and type
        std::vector<hsize_t> dims(1 + rng() % 3);
        hsize_t n = 1;
        for (auto& d : dims) n *= (d = rng() % 20);
        const std::vector<double> data(n, pick(reals));
        const hid_t type =
            pick(std::vector<hid_t>{H5T_IEEE_F64LE, H5T_STD_I32LE, H5T_STD_I64LE, H5T_IEEE_F32LE});
        what = pick(sets);
        replace_dataset(p, what, dims, type, H5T_NATIVE_DOUBLE, n ? data.data() : nullptr);
        break;
      }
      case 6: {  // one stored value replaced (non-finite, huge, negative)
        what = pick(sets);
        poke(p, what, rng() % 64, pick(reals));
        break;
      }
      case 7: {  // a header that claims an enormous dataset (chunked, nothing stored)
        what = pick(sets);
        replace_dataset(p, what, {hsize_t(1) << (20 + rng() % 20), hsize_t(1) << (rng() % 20)},
                        H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nullptr, true);
        break;
      }
      case 8: {  // connections out of range
        const std::vector<std::int64_t> rows{pick(std::vector<std::int64_t>{-1, 3, 7, INT64_MAX}),
                                             0};
        what = "min1/min2 out of range";
        replace_dataset(
            p, pick(std::vector<std::string>{"/transition_states/min1", "/transition_states/min2"}),
            {2}, H5T_STD_I64LE, H5T_NATIVE_INT64, rows.data());
        break;
      }
    }
    SCOPED_TRACE("file " + std::to_string(k) + ": " + what);
    try {
      const Landscape ls = db::read(p);
      ++accepted;  // then it must be a landscape the rest of the program can rely on
      ls.model.validate();
      const int P = ls.num_params();
      ASSERT_LE(P, lossland::kMaxParams);
      EXPECT_EQ(ls.dataset.num_classes, ls.model.outputs());
      for (const auto& m : ls.minima) {
        ASSERT_EQ(m.coords.size(), P);
        EXPECT_TRUE(std::isfinite(m.energy) && m.coords.allFinite() && m.eigenvalues.allFinite());
      }
      for (const auto& t : ls.transition_states) {
        EXPECT_GE(t.min1, 0);
        EXPECT_LT(t.min2, static_cast<std::int64_t>(ls.minima.size()));
      }
    } catch (const DatabaseError& e) {
      ++errors;
      EXPECT_TRUE(contains(e.what(), p)) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a DatabaseError: " << e.what();
    }
    if (k % 15 == 0) {  // through the program: a clean exit, never a signal or status 1
      ++cli_runs;
      const auto r = run_cli("query " + p + " stats --json");
      EXPECT_TRUE(r.code == 0 || r.code == 2) << r.code << "\n" << r.out;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("fuzz: %d files, %d refused, %d accepted, %d through the CLI, %.2f s\n", kFiles,
              errors, accepted, cli_runs, seconds);
  EXPECT_GT(errors, kFiles / 2) << "the mutations should mostly break the file";
}
