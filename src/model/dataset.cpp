/// \file
/// Datasets: the built-in XOR set, CSV files and the data directory that ships the others.

#include "lossland/model/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <vector>

namespace lossland {
namespace fs = std::filesystem;

namespace {

/// Removes leading and trailing blanks (and a trailing '\r' from Windows line ends).
std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

/// Splits a line at commas and trims every field.
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

/// A field as quoted in a message: at most 40 characters, then how long it really is (a
/// megabyte field must not be echoed whole to the terminal).
std::string quoted(const std::string& field) {
  constexpr std::size_t kShown = 40;
  if (field.size() <= kShown) return "\"" + field + "\"";
  return fmt::format("\"{}...\" ({} characters)", field.substr(0, kShown), field.size());
}

/// The value of a field that is wholly a finite number, or nothing.
std::optional<double> parse_number(const std::string& field) {
  if (field.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(field.c_str(), &end);
  if (end != field.c_str() + field.size() || errno == ERANGE || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

/// The CSV files in the data directory, by stem, with "xor" first: the names load_dataset knows.
std::string known_names() {
  std::set<std::string> stems{"xor"};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data_directory(), ec)) {
    if (entry.path().extension() == ".csv") stems.insert(entry.path().stem().string());
  }
  std::string names = "xor";
  for (const auto& s : stems) {
    if (s != "xor") names += ", " + s;
  }
  return names;
}

/// Directory of the running executable, or empty if /proc is unavailable.
fs::path executable_directory() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

bool is_existing_dir(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_directory(p, ec);
}

}  // namespace

void Dataset::validate() const {
  const std::string where = "dataset '" + name + "'";
  if (inputs.rows() == 0) throw DatasetError(where + ": no samples");
  if (inputs.cols() == 0) throw DatasetError(where + ": no input columns");
  if (labels.size() != inputs.rows()) {
    throw DatasetError(
        fmt::format("{}: {} input rows but {} labels", where, inputs.rows(), labels.size()));
  }
  if (num_classes < 2) {
    throw DatasetError(fmt::format("{}: num_classes = {}, need at least 2", where, num_classes));
  }
  if (!inputs.allFinite()) throw DatasetError(where + ": an input is not a finite number");
  for (Eigen::Index d = 0; d < labels.size(); ++d) {
    if (labels[d] < 0 || labels[d] >= num_classes) {
      throw DatasetError(fmt::format("{}: sample {}: label {} out of range [0, {})", where, d,
                                     labels[d], num_classes));
    }
  }
}

Dataset xor_dataset() {
  Dataset d;
  d.name = "xor";
  d.inputs.resize(4, 2);
  d.inputs << 0, 0, 0, 1, 1, 0, 1, 1;
  d.labels.resize(4);
  d.labels << 0, 1, 1, 0;
  d.num_classes = 2;
  return d;
}

Dataset load_csv(const std::string& path, int num_classes) {
  std::ifstream in(path);
  if (!in) {
    throw DatasetError(
        fmt::format("cannot open dataset file '{}': {} (give a path to a CSV file or one of: {})",
                    path, std::strerror(errno), known_names()));
  }
  std::vector<std::vector<double>> rows;
  std::vector<int> labels, label_lines;
  std::size_t expected = 0;  // columns per row, fixed by the header or the first data row
  bool header_seen = false;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split_fields(line);
    const std::string at = fmt::format("{}:{}: ", path, lineno);
    if (rows.empty() && !header_seen &&
        std::any_of(fields.begin(), fields.end(),
                    [](const std::string& f) { return !parse_number(f); })) {
      header_seen = true;  // the first non-numeric row is a header such as "x1,x2,label"
      expected = fields.size();
      continue;
    }
    if (expected == 0) expected = fields.size();
    if (expected < 2) {
      throw DatasetError(at + "a row needs at least 2 columns (the inputs, then an integer label)");
    }
    if (expected > std::size_t(kMaxInputs) + 1) {
      throw DatasetError(
          fmt::format("{}a row has {} columns: at most {} inputs (and the label) "
                      "are supported",
                      at, expected, kMaxInputs));
    }
    if (fields.size() != expected) {
      throw DatasetError(fmt::format(
          "{}row has {} columns, expected {} (every row: the input columns, then an integer label)",
          at, fields.size(), expected));
    }
    std::vector<double> values;
    for (const auto& f : fields) {
      const auto v = parse_number(f);
      if (!v) throw DatasetError(fmt::format("{}{} is not a number", at, quoted(f)));
      values.push_back(*v);
    }
    const double label = values.back();
    values.pop_back();
    if (label < 0 || label != std::floor(label) || label > 1e6) {
      throw DatasetError(fmt::format("{}label {} is not a non-negative integer", at, label));
    }
    if (label >= kMaxClasses) {
      throw DatasetError(
          fmt::format("{}label {} is too large: labels are classes 0..{} (at most "
                      "{} classes are supported)",
                      at, label, kMaxClasses - 1, kMaxClasses));
    }
    rows.push_back(std::move(values));
    labels.push_back(static_cast<int>(label));
    label_lines.push_back(lineno);
  }
  if (rows.empty()) {
    throw DatasetError(fmt::format("{}: file is empty (no data rows{})", path,
                                   header_seen ? ", only a header" : ""));
  }

  Dataset d;
  d.name = fs::path(path).stem().string();
  const int max_label = *std::max_element(labels.begin(), labels.end());
  if (*std::min_element(labels.begin(), labels.end()) == max_label) {
    throw DatasetError(
        fmt::format("{}: every one of the {} samples has label {}: a classifier "
                    "needs samples of at least two classes",
                    path, labels.size(), max_label));
  }
  d.num_classes = num_classes > 0 ? num_classes : std::max(2, max_label + 1);
  const auto n = static_cast<Eigen::Index>(rows.size());
  d.inputs.resize(n, static_cast<Eigen::Index>(rows[0].size()));
  d.labels.resize(n);
  for (Eigen::Index r = 0; r < n; ++r) {
    if (labels[r] >= d.num_classes) {
      throw DatasetError(
          fmt::format("{}:{}: label {} out of range: {} classes were requested (labels 0..{})",
                      path, label_lines[r], labels[r], d.num_classes, d.num_classes - 1));
    }
    for (Eigen::Index c = 0; c < d.inputs.cols(); ++c) d.inputs(r, c) = rows[r][c];
    d.labels[r] = labels[r];
  }
  d.validate();
  return d;
}

Dataset load_dataset(const std::string& spec) {
  if (spec == "xor") return xor_dataset();
  const fs::path shipped = fs::path(data_directory()) / (spec + ".csv");
  std::error_code ec;
  if (spec.find('/') == std::string::npos && fs::is_regular_file(shipped, ec)) {
    return load_csv(shipped.string());
  }
  return load_csv(spec);
}

std::string data_directory() {
  if (const char* env = std::getenv("LOSSLAND_DATA_DIR"); env && *env) return env;
#ifdef LOSSLAND_DATA_DIR
  const fs::path compiled = LOSSLAND_DATA_DIR;
#else
  const fs::path compiled;
#endif
  if (is_existing_dir(compiled)) return compiled.string();
  const fs::path exe_dir = executable_directory();
  if (!exe_dir.empty()) {
    for (const char* rel : {"../data", "../../data", "../share/lossland/data"}) {
      const fs::path candidate = (exe_dir / rel).lexically_normal();
      if (is_existing_dir(candidate)) return candidate.string();
    }
  }
  return compiled.string();
}

}  // namespace lossland
