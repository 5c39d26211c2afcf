/// \file
/// Datasets: the built-in XOR set, the shipped CSV files and every CSV error.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "lossland/model/dataset.hpp"

namespace fs = std::filesystem;
using lossland::Dataset;
using lossland::DatasetError;

namespace {

/// A fresh temporary directory per test, removed afterwards.
class CsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lossland_dataset_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Writes `text` to DIR/name and returns its path.
  std::string write(const std::string& name, const std::string& text) {
    const auto p = (dir_ / name).string();
    std::ofstream(p) << text;
    return p;
  }

  /// Expects load_csv(path) to throw a DatasetError whose message contains every piece.
  static void expect_error(const std::string& path, std::initializer_list<std::string> pieces,
                           int num_classes = 0) {
    try {
      lossland::load_csv(path, num_classes);
      ADD_FAILURE() << "no DatasetError for " << path;
    } catch (const DatasetError& e) {
      const std::string what = e.what();
      for (const auto& piece : pieces) {
        EXPECT_NE(what.find(piece), std::string::npos) << "'" << piece << "' not in: " << what;
      }
    }
  }

  fs::path dir_;
};

std::string data_file(const std::string& stem) {
  return (fs::path(LOSSLAND_DATA_DIR) / (stem + ".csv")).string();
}

}  // namespace

TEST(Dataset, XorBuiltInMatchesShippedFile) {
  const Dataset builtin = lossland::xor_dataset();
  const Dataset file = lossland::load_csv(data_file("xor"));
  EXPECT_EQ(builtin.name, "xor");
  EXPECT_EQ(file.name, "xor");
  EXPECT_EQ(builtin.num_classes, 2);
  EXPECT_EQ(file.num_classes, 2);
  EXPECT_EQ(builtin.inputs, file.inputs);
  EXPECT_EQ(builtin.labels, file.labels);
  EXPECT_EQ(builtin.labels, (Eigen::VectorXi(4) << 0, 1, 1, 0).finished());
  EXPECT_NO_THROW(builtin.validate());
}

TEST(Dataset, ShippedFilesLoadByName) {
  struct Case {
    const char* stem;
    int rows, cols;
  };
  for (const Case c :
       {Case{"xor", 4, 2}, Case{"and", 4, 2}, Case{"or", 4, 2}, Case{"parity3", 8, 3}}) {
    const Dataset d = lossland::load_dataset(c.stem);
    EXPECT_EQ(d.name, c.stem);
    EXPECT_EQ(d.num_samples(), c.rows) << c.stem;
    EXPECT_EQ(d.num_inputs(), c.cols) << c.stem;
    EXPECT_EQ(d.num_classes, 2) << c.stem;
  }
  const Dataset a = lossland::load_dataset("and");
  EXPECT_EQ(a.labels, (Eigen::VectorXi(4) << 0, 0, 0, 1).finished());
  const Dataset p = lossland::load_dataset("parity3");
  for (int r = 0; r < 8; ++r) {
    const int parity = (static_cast<int>(p.inputs(r, 0)) ^ static_cast<int>(p.inputs(r, 1)) ^
                        static_cast<int>(p.inputs(r, 2)));
    EXPECT_EQ(p.labels[r], parity) << "row " << r;
  }
}

TEST(Dataset, DataDirectoryHonoursEnvironment) {
  const char* saved = std::getenv("LOSSLAND_DATA_DIR");
  const std::string old = saved ? saved : "";
  ::unsetenv("LOSSLAND_DATA_DIR");
  const std::string compiled = lossland::data_directory();
  EXPECT_TRUE(fs::exists(fs::path(compiled) / "xor.csv")) << compiled;
  ::setenv("LOSSLAND_DATA_DIR", "/nonexistent/lossland", 1);
  EXPECT_EQ(lossland::data_directory(), "/nonexistent/lossland");
  if (saved) {
    ::setenv("LOSSLAND_DATA_DIR", old.c_str(), 1);
  } else {
    ::unsetenv("LOSSLAND_DATA_DIR");
  }
}

TEST_F(CsvTest, CommentsHeaderBlankLinesAndPath) {
  const auto p = write("three.csv", "# three classes\n\na,b,label\n0.5, -1e-3, 2\r\n1,2,0\n");
  const Dataset d = lossland::load_dataset(p);
  EXPECT_EQ(d.name, "three");
  EXPECT_EQ(d.num_samples(), 2);
  EXPECT_EQ(d.num_inputs(), 2);
  EXPECT_EQ(d.num_classes, 3);
  EXPECT_EQ(d.inputs(0, 1), -1e-3);
  EXPECT_EQ(d.labels[0], 2);
}

/// Issue 16: a file whose samples are all of one class cannot train a classifier.
TEST_F(CsvTest, SingleClassCsvIsRefused) {
  expect_error(write("zeros.csv", "1,0\n2,0\n"),
               {"zeros.csv", "every one of the 2 samples has label 0", "at least two classes"});
  EXPECT_EQ(lossland::load_csv(write("four.csv", "1,0\n2,1\n"), 4).num_classes, 4);
}

/// Issue 16: a huge label or 200,000 columns are refused while reading, before any allocation
/// of the model; a 20 MB field is quoted cut to 40 characters.
TEST_F(CsvTest, OversizedCsvAndHugeLabelAreRefused) {
  expect_error(write("label.csv", "0,0,0\n1,1,999999\n"),
               {"label.csv:2:", "label 999999 is too large", "at most 1000 classes"});
  std::string wide;
  for (int c = 0; c < 200000; ++c) wide += "0,";
  wide += "1\n";
  expect_error(write("wide.csv", wide + wide), {"wide.csv:1:", "200001 columns", "at most 10000"});
}

TEST_F(CsvTest, LongCsvFieldIsEchoedTruncated) {
  const std::string field(20'000'000, 'x');
  const std::string p = write("long.csv", "0,0,0\n1," + field + ",1\n");
  try {
    lossland::load_csv(p);
    FAIL() << "no DatasetError";
  } catch (const lossland::DatasetError& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 300u) << what.substr(0, 300);
    EXPECT_NE(what.find("(20000000 characters)"), std::string::npos) << what;
  }
}

TEST_F(CsvTest, RaggedRow) {
  expect_error(write("ragged.csv", "0,0,0\n0,1,1\n1,0\n"),
               {"ragged.csv:3:", "row has 2 columns, expected 3"});
  expect_error(write("ragged_header.csv", "x1,x2,label\n0,0\n"), {"ragged_header.csv:2:"});
}

TEST_F(CsvTest, NonNumber) {
  expect_error(write("nan.csv", "# c\n0,0,0\n0,1,1\n1,0,1\nabc,1,0\n"),
               {"nan.csv:5:", "\"abc\" is not a number"});
  expect_error(write("empty_field.csv", "0,0,0\n0,,1\n"), {"empty_field.csv:2:"});
}

TEST_F(CsvTest, NonIntegerOrNegativeLabel) {
  expect_error(write("frac.csv", "0,0,0\n0,1,1\n1,0,1\n1,1,2.5\n"),
               {"frac.csv:4:", "label 2.5 is not a non-negative integer"});
  expect_error(write("neg.csv", "0,0,-1\n"), {"neg.csv:1:", "label -1"});
}

TEST_F(CsvTest, LabelOutOfRange) {
  expect_error(write("range.csv", "0,0,0\n0,1,3\n"), {"range.csv:2:", "label 3 out of range"}, 2);
}

TEST_F(CsvTest, EmptyAndHeaderOnly) {
  expect_error(write("empty.csv", ""), {"empty.csv", "file is empty"});
  expect_error(write("comments.csv", "# nothing\n\n"), {"comments.csv", "file is empty"});
  expect_error(write("header.csv", "x1,x2,label\n"), {"header.csv", "no data rows"});
}

TEST_F(CsvTest, MissingFile) {
  const auto p = (dir_ / "missing.csv").string();
  expect_error(p, {"cannot open dataset file", "missing.csv", "No such file or directory", "xor",
                   "parity3"});
  EXPECT_THROW(lossland::load_dataset("no_such_dataset"), DatasetError);
}

TEST(Dataset, ValidateRejectsBadShapes) {
  Dataset d = lossland::xor_dataset();
  d.labels.resize(3);
  EXPECT_THROW(d.validate(), DatasetError);
  d = lossland::xor_dataset();
  d.labels[0] = 2;
  EXPECT_THROW(d.validate(), DatasetError);
  d = lossland::xor_dataset();
  d.num_classes = 1;
  EXPECT_THROW(d.validate(), DatasetError);
  d.inputs.resize(0, 2);
  d.labels.resize(0);
  EXPECT_THROW(d.validate(), DatasetError);
}
