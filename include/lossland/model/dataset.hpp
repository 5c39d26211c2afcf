#pragma once
/// \file
/// Training data: N inputs x_d in R^I with integer class labels c(d) in {0..O-1}.

#include <Eigen/Core>
#include <stdexcept>
#include <string>

namespace lossland {

/// Thrown for a dataset that cannot be used: a missing file, a ragged row, a non-number,
/// a label out of range. The message names the file and, where there is one, the line.
class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Most input columns a dataset may have (a CSV file with more is refused while it is read).
inline constexpr int kMaxInputs = 10000;
/// Most classes a dataset may have: a label must be below this.
inline constexpr int kMaxClasses = 1000;

/// A labelled training set. Row d of `inputs` is x_d; `labels[d]` is its class c(d).
struct Dataset {
  std::string name;        ///< "xor", a file stem, or a path; stored in the database
  Eigen::MatrixXd inputs;  ///< N x I
  Eigen::VectorXi labels;  ///< N, each in [0, num_classes)
  int num_classes = 2;     ///< O >= 2

  int num_samples() const { return static_cast<int>(inputs.rows()); }
  int num_inputs() const { return static_cast<int>(inputs.cols()); }
  /// Throws DatasetError if the shapes disagree, N = 0, or a label is outside [0, O).
  void validate() const;
};

/// The XOR set of Mehta et al. (Phys. Rev. E 97, 052307 (2018), Sec. II):
/// X = {(0,0),(0,1),(1,0),(1,1)}, Y = {0,1,1,0}.
Dataset xor_dataset();

/// Reads a CSV file: each row holds the input columns then an integer label in the last column.
/// Blank lines and lines starting with '#' are skipped; a first row that is not numeric is taken
/// as a header. The number of classes is max(label) + 1 (at least 2) unless `num_classes` > 0.
/// Throws DatasetError naming the file and line for a ragged row, a non-number (quoted, cut to
/// 40 characters), a non-integer or negative label, a label >= num_classes or >= kMaxClasses,
/// more than kMaxInputs inputs, a single class in the whole file, an empty or missing file.
Dataset load_csv(const std::string& path, int num_classes = 0);

/// Resolves a dataset by name: "xor" (built in), the stem of a file in the data directory
/// (e.g. "and", "or", "parity3"), or a path to a CSV file.
Dataset load_dataset(const std::string& spec);

/// The directory that holds the shipped datasets (LOSSLAND_DATA_DIR, overridable by the
/// environment variable of the same name).
std::string data_directory();

}  // namespace lossland
