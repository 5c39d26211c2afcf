#pragma once
/// \file
/// A GoogleTest fixture with a temporary directory of its own, for tests that write files.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>

#include "test_tmpdir.hpp"

namespace lossland::testing {

/// Creates unique_temp_dir(stem) before each test and removes it, with everything in it, after;
/// path(name) names a file in it. A fixture derives from it and passes its stem.
class TempDirTest : public ::testing::Test {
 protected:
  explicit TempDirTest(std::string stem) : stem_(std::move(stem)) {}
  void SetUp() override { dir_ = unique_temp_dir(stem_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;

 private:
  std::string stem_;
};

}  // namespace lossland::testing
