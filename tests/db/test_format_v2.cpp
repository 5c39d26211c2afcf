/// \file
/// format_version 2, the self-describing file (issue 14 item 2; docs/schema.md): every dataset
/// says what it holds and in which units, coordinates give their layout and index columns their
/// base, counts are integers, strings are variable-length UTF-8 and numeric notes are numbers;
/// whichever way a file was written (whole or in place). Version-1 files (two are committed in
/// tests/data, one per layout that version wrote) still open, and their first save upgrades
/// them without changing a value.

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <random>

#include "db/append.hpp"
#include "db_test_util.hpp"
#include "lossland/model/mlp_loss.hpp"

using namespace lossland;
using namespace lossland::testing;
using db::detail::SaveKind;

namespace {

const fs::path kData = fs::path(LOSSLAND_DATA_DIR).parent_path() / "tests" / "data";

/// An attribute of object `object` (a path) read with the HDF5 C API: its type class, and its
/// value as text for strings; `variable_utf8` tells whether a string is variable-length UTF-8.
struct Attr {
  bool exists = false;
  H5T_class_t cls = H5T_NO_CLASS;
  bool variable_utf8 = false;
  std::string text;
  double number = std::nan("");
};

Attr attribute(hid_t file, const std::string& object, const std::string& name) {
  Attr a;
  if (H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return a;
  a.exists = true;
  const hid_t attr = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  const hid_t type = H5Aget_type(attr);
  a.cls = H5Tget_class(type);
  if (a.cls == H5T_STRING) {
    a.variable_utf8 = H5Tis_variable_str(type) > 0 && H5Tget_cset(type) == H5T_CSET_UTF8;
    if (a.variable_utf8) {
      char* s = nullptr;
      H5Aread(attr, type, &s);
      a.text = s ? s : "";
      H5free_memory(s);
    }
  } else {
    H5Aread(attr, H5T_NATIVE_DOUBLE, &a.number);
  }
  H5Tclose(type);
  H5Aclose(attr);
  return a;
}

/// The type class of dataset `path`.
H5T_class_t dataset_class(hid_t file, const std::string& path) {
  const hid_t set = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  const hid_t type = H5Dget_type(set);
  const H5T_class_t cls = H5Tget_class(type);
  H5Tclose(type);
  H5Dclose(set);
  return cls;
}

/// The paths of every dataset in the file.
std::vector<std::string> all_datasets(hid_t file) {
  std::vector<std::string> out;
  auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type == H5O_TYPE_DATASET)
      static_cast<std::vector<std::string>*>(data)->push_back(std::string("/") + name);
    return 0;
  };
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC);
  return out;
}

/// A landscape with every kind of content a search and the analyses give it.
Landscape full_landscape() {
  Landscape ls = small_landscape(5);
  const auto M = static_cast<Eigen::Index>(ls.minima.size());
  const auto T = static_cast<Eigen::Index>(ls.transition_states.size());
  ls.minima_columns["horder"] = Eigen::MatrixXd::Constant(M, 1, 2.0);
  ls.minima_columns["nonzero_weights"] = Eigen::MatrixXd::Constant(M, 1, 17.0);
  ls.minima_columns["connected_hidden"] = Eigen::MatrixXd::Constant(M, 1, 3.0);
  ls.minima_columns["ei_rank"] = Eigen::MatrixXd::Constant(M, 1, 2.0);
  ls.minima_columns["ei_stationary_points"] = Eigen::MatrixXd::Constant(M, 1, -1.0);
  ls.minima_columns["ei_singular_values"] = Eigen::MatrixXd::Constant(M, 3, 0.5);
  ls.minima_columns["robustness"] = Eigen::MatrixXd::Constant(M, 1, 0.75);
  ls.minima_columns["hits"] = Eigen::MatrixXd::Constant(M, 1, 4.0);
  ls.minima_columns["first_found"] = Eigen::MatrixXd::Constant(M, 1, -1.0);
  ls.ts_columns["branched"] = Eigen::MatrixXd::Zero(T, 1);
  ls.ts_columns["branched"](1, 0) = 1.0;
  ls.ts_columns["horder"] = Eigen::MatrixXd::Constant(T, 1, 1.0);
  ls.ts_branches.push_back({1, 2, 3, 0.25, 1});
  db::StoredPath path;
  path.ts = 0;
  path.side = 1;
  path.s = {0.0, 0.5};
  path.energy = {0.1, 0.05};
  path.coords = Eigen::MatrixXd::Constant(2, ls.num_params(), 0.3);
  ls.paths.push_back(path);
  ls.run_state["bh_stats"] = Eigen::MatrixXd::Constant(1, 7, 3.0);
  ls.notes["survey_seconds"] = "1.072";
  ls.notes["survey_bh_minima"] = "28";
  ls.notes["survey_stage"] = "graph";
  ls.notes["padded"] = "1.070";  // not the shortest form: must stay a string to read back so
  ls.notes["fingerprint"] = "0042";
  ls.notes["greek"] = "\xce\xbb = 1e-4";  // "lambda = 1e-4" with a Greek lambda, UTF-8
  return ls;
}

/// The checks every format_version 2 file passes, whichever way it was written.
void expect_self_describing(const std::string& p, const Landscape& ls) {
  RawFile f(p);
  ASSERT_GE(f.id, 0);
  const Attr version = attribute(f.id, "/", "format_version");
  EXPECT_EQ(version.number, 2.0);
  for (const char* name :
       {"format", "activation", "regularize", "dataset", "created_by", "description"}) {
    const Attr a = attribute(f.id, "/", name);
    EXPECT_TRUE(a.exists && a.variable_utf8) << "root attribute " << name;
  }
  const auto sets = all_datasets(f.id);
  EXPECT_GE(sets.size(), 30u);
  for (const auto& set : sets) {
    for (const char* name : {"description", "units"}) {
      const Attr a = attribute(f.id, set, name);
      EXPECT_TRUE(a.exists && a.variable_utf8 && !a.text.empty()) << set << " " << name;
    }
    // Every dataset lossland writes is one it knows: none falls back to "unknown".
    EXPECT_NE(attribute(f.id, set, "units").text, "unknown") << set;
  }
  for (const char* set : {"/minima/coords", "/transition_states/coords", "/paths/coords"}) {
    const Attr layout = attribute(f.id, set, "layout");
    ASSERT_TRUE(layout.variable_utf8) << set;
    EXPECT_NE(layout.text.find(fmt::format("P = {}", ls.num_params())), std::string::npos)
        << layout.text;
  }
  for (const auto& [set, table] :
       std::vector<std::pair<std::string, std::string>>{{"/transition_states/min1", "/minima"},
                                                        {"/transition_states/min2", "/minima"},
                                                        {"/ts_branches/minimum", "/minima"},
                                                        {"/ts_branches/ts", "/transition_states"},
                                                        {"/paths/ts", "/transition_states"}}) {
    const Attr base = attribute(f.id, set, "base");
    EXPECT_EQ(base.cls, H5T_INTEGER) << set;
    EXPECT_EQ(base.number, 0.0) << set;
    EXPECT_EQ(attribute(f.id, set, "references").text, table) << set;
  }
  for (const char* set :
       {"/minima/horder", "/minima/nonzero_weights", "/minima/connected_hidden", "/minima/ei_rank",
        "/minima/ei_stationary_points", "/transition_states/branched", "/transition_states/horder",
        "/transition_states/min1", "/ts_branches/depth", "/paths/side", "/dataset/labels",
        "/minima/hits", "/minima/first_found"})
    EXPECT_EQ(dataset_class(f.id, set), H5T_INTEGER) << set;
  for (const char* set : {"/minima/energy", "/minima/robustness", "/minima/auc",
                          "/minima/ei_singular_values", "/paths/s"})
    EXPECT_EQ(dataset_class(f.id, set), H5T_FLOAT) << set;
  EXPECT_EQ(attribute(f.id, "/", "note_survey_seconds").cls, H5T_FLOAT);
  EXPECT_EQ(attribute(f.id, "/", "note_survey_seconds").number, 1.072);
  EXPECT_EQ(attribute(f.id, "/", "note_survey_bh_minima").cls, H5T_INTEGER);
  EXPECT_EQ(attribute(f.id, "/", "note_survey_bh_minima").number, 28.0);
  EXPECT_TRUE(attribute(f.id, "/", "note_survey_stage").variable_utf8);
  EXPECT_TRUE(attribute(f.id, "/", "note_padded").variable_utf8);
  EXPECT_TRUE(attribute(f.id, "/", "note_fingerprint").variable_utf8);
  EXPECT_EQ(attribute(f.id, "/", "note_greek").text, "\xce\xbb = 1e-4");
}

class FormatV2 : public ::testing::Test {
 protected:
  TempDir dir_{"format_v2"};
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
};

}  // namespace

TEST_F(FormatV2, AWholeWriteDescribesEveryDataset) {
  const Landscape ls = full_landscape();
  const std::string p = path("whole.h5");
  db::write(p, ls, db::SaveMode::Whole);
  expect_self_describing(p, ls);
  expect_same_file(ls, db::read(p));  // notes read back as the very text saved
}

TEST_F(FormatV2, InPlaceSavesDescribeWhatTheyAddAndKeepTypes) {
  // A file with no analysis, then grown in place: new rows, new columns, a new /ts_branches,
  // /paths and run state, and changed notes, all written by the in-place updater.
  Landscape ls = full_landscape();
  Landscape bare = ls;
  bare.minima_columns.clear();
  bare.ts_columns.clear();
  bare.ts_branches.clear();
  bare.paths.clear();
  bare.run_state.clear();
  bare.notes = {{"survey_seconds", "0.5"}, {"survey_stage", "bh"}};
  const std::string p = path("grown.h5");
  db::write(p, bare);
  ls.notes["survey_seconds"] = "1.072";
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::InPlace);
  expect_self_describing(p, ls);
  expect_same_file(ls, db::read(p));
  // A count that gains a fraction becomes float64 and reads back exactly.
  ls.minima_columns["nonzero_weights"](0, 0) = 16.5;
  db::write(p, ls);
  EXPECT_EQ(db::detail::last_save_kind(), SaveKind::InPlace);
  {
    RawFile f(p);
    EXPECT_EQ(dataset_class(f.id, "/minima/nonzero_weights"), H5T_FLOAT);
    EXPECT_TRUE(attribute(f.id, "/minima/nonzero_weights", "description").variable_utf8);
  }
  expect_same_file(ls, db::read(p));
}

TEST_F(FormatV2, NotesReadBackAsTheTextSavedWhateverTheirType) {
  Landscape ls = small_landscape(2);
  const std::vector<std::string> texts{"0",
                                       "-0",
                                       "42",
                                       "-7",
                                       "007",
                                       "+3",
                                       "1.5",
                                       "1.50",
                                       "1e-06",
                                       "1e-6",
                                       "0.1",
                                       "nan",
                                       "inf",
                                       "",
                                       "1.072 ",
                                       "0x10",
                                       "9223372036854775807",
                                       "9223372036854775808",
                                       "123456789012345678901234567890"};
  for (std::size_t i = 0; i < texts.size(); ++i) ls.notes[fmt::format("t{:02d}", i)] = texts[i];
  const std::string p = path("notes.h5");
  db::write(p, ls, db::SaveMode::Whole);
  const Landscape back = db::read(p);
  EXPECT_EQ(back.notes, ls.notes);
  RawFile f(p);
  auto cls = [&](int i) { return attribute(f.id, "/", fmt::format("note_t{:02d}", i)).cls; };
  EXPECT_EQ(cls(0), H5T_INTEGER);   // "0"
  EXPECT_EQ(cls(1), H5T_FLOAT);     // "-0" is not an integer, but it is the double -0.0
  EXPECT_EQ(cls(2), H5T_INTEGER);   // "42"
  EXPECT_EQ(cls(4), H5T_STRING);    // "007"
  EXPECT_EQ(cls(6), H5T_FLOAT);     // "1.5"
  EXPECT_EQ(cls(7), H5T_STRING);    // "1.50"
  EXPECT_EQ(cls(8), H5T_FLOAT);     // "1e-06"
  EXPECT_EQ(cls(9), H5T_STRING);    // "1e-6" is not the shortest form fmt writes
  EXPECT_EQ(cls(11), H5T_STRING);   // "nan": only finite numbers
  EXPECT_EQ(cls(16), H5T_INTEGER);  // INT64_MAX
  EXPECT_EQ(cls(17), H5T_STRING);   // beyond int64 and not the shortest double form
}

/// The committed version-1 files: one in the chunked layout of the last version-1 writer (with
/// paths, branches and survey notes), one in the contiguous layout of the first.
TEST_F(FormatV2, VersionOneFilesOpenAndUpgradeWithoutChangingAValue) {
  const std::string v1 = (kData / "format_v1_xor_h2_l1e-02.h5").string();
  const Landscape ls = db::read(v1);
  // Against an independent reader: tests/data/format_v1_xor_h2_l1e-02.json was dumped from the
  // file by h5py when it was committed.
  std::ifstream in(kData / "format_v1_xor_h2_l1e-02.json");
  const auto ref = nlohmann::json::parse(in);
  ASSERT_EQ(ls.minima.size(), ref["minima"]["energy"].size());
  ASSERT_EQ(ls.transition_states.size(), ref["transition_states"]["energy"].size());
  for (std::size_t r = 0; r < ls.minima.size(); ++r) {
    EXPECT_EQ(ls.minima[r].energy, ref["minima"]["energy"][r].get<double>());
    EXPECT_EQ(ls.minima[r].eigenvalues[0], ref["minima"]["eig0"][r].get<double>());
    for (const auto& [name, column] : ls.minima_columns)
      if (column.cols() == 1 && !std::isnan(column(r, 0)))
        EXPECT_EQ(column(r, 0), ref["minima"][name][r].get<double>()) << name;
  }
  for (std::size_t r = 0; r < ls.transition_states.size(); ++r) {
    EXPECT_EQ(ls.transition_states[r].min1, ref["transition_states"]["min1"][r].get<int>());
    EXPECT_EQ(ls.transition_states[r].min2, ref["transition_states"]["min2"][r].get<int>());
  }
  EXPECT_EQ(ls.ts_branches.size(), ref["ts_branches"]["ts"].size());
  std::size_t path_rows = 0;
  for (const auto& path : ls.paths) path_rows += path.s.size();
  EXPECT_EQ(path_rows, ref["paths"]["s"].size());
  EXPECT_EQ(ls.notes.at("survey_seconds"), ref["attrs"]["note_survey_seconds"].get<std::string>());
  // The stored energies are the loss of the stored coordinates (the file's own consistency).
  const MlpLoss loss(ls.dataset, ls.model);
  for (const auto& m : ls.minima) EXPECT_NEAR(loss.energy(m.coords), m.energy, 1e-14);

  for (const char* name : {"format_v1_xor_h2_l1e-02.h5", "xor_h3_l1e-06.h5"}) {
    SCOPED_TRACE(name);
    const Landscape old = db::read((kData / name).string());
    const std::string copy = path(name);
    fs::copy_file(kData / name, copy);
    Landscape grown = old;  // a save of a version-1 file, as `bh` on it would make
    grown.notes["survey_stage"] = "upgraded";
    db::write(copy, grown);
    EXPECT_EQ(db::detail::last_save_kind(), SaveKind::Whole);  // upgraded, never patched
    expect_same_file(grown, db::read(copy));
    RawFile f(copy);
    EXPECT_EQ(attribute(f.id, "/", "format_version").number, 2.0);
    EXPECT_EQ(dataset_class(f.id, "/minima/nonzero_weights"), H5T_INTEGER);
    EXPECT_TRUE(attribute(f.id, "/minima/energy", "description").variable_utf8);
  }
}

/// docs/schema.md documents every dataset and note lossland writes (a new column must be added
/// to the page as well as to src/db/schema.cpp).
TEST_F(FormatV2, TheSchemaPageNamesEveryDatasetAndNote) {
  std::ifstream in(kData.parent_path().parent_path() / "docs" / "schema.md");
  ASSERT_TRUE(in) << "docs/schema.md is missing";
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Landscape ls = full_landscape();
  const std::string p = path("doc.h5");
  db::write(p, ls, db::SaveMode::Whole);
  RawFile f(p);
  std::string headings;  // the "### ..." lines, which name the groups
  for (std::size_t at = page.find("\n### "); at != std::string::npos;
       at = page.find("\n### ", at + 1))
    headings += page.substr(at, page.find('\n', at + 1) - at);
  for (const auto& set : all_datasets(f.id)) {
    const auto slash = set.rfind('/');
    EXPECT_NE(headings.find(set.substr(0, slash)), std::string::npos) << set;
    EXPECT_NE(page.find("`" + set.substr(slash + 1) + "`"), std::string::npos) << set;
  }
  for (const char* note :
       {"note_survey_stage", "note_survey_seconds", "note_survey_bh_minima", "note_bh_run",
        "note_imported_from", "note_stats_quenches", "note_stats_bh_runs",
        "note_stats_connect_runs", "note_stats_connect_attempts"})
    EXPECT_NE(page.find(std::string("`") + note + "`"), std::string::npos) << note;
}
