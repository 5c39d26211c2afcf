#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "lossland/db/database.hpp"
#include "lossland/search/connect.hpp"
#include "lossland/survey/survey.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
using namespace lossland::survey;
namespace fs = std::filesystem;

namespace {
void expect_message(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    FAIL() << "expected std::invalid_argument mentioning '" << needle << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(SurveyRanges, HiddenRangesAndLists) {
  EXPECT_EQ(parse_hidden("1:6"), (std::vector<int>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(parse_hidden("4,2,2"), (std::vector<int>{2, 4}));
  EXPECT_EQ(parse_hidden(" 3 "), (std::vector<int>{3}));
  expect_message([] { parse_hidden("3:1"); }, "empty range");
  expect_message([] { parse_hidden(""); }, "empty");
  expect_message([] { parse_hidden("0:3"); }, ">= 1");
  expect_message([] { parse_hidden("1:x"); }, "not a number");
}

TEST(SurveyRanges, LambdaDecadesCountsAndLists) {
  EXPECT_EQ(parse_lambda("1e-1:1e-6"), (std::vector<double>{1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6}));
  EXPECT_EQ(parse_lambda("1e-6:1e-1").size(), 6u);
  const auto three = parse_lambda("1e-2:1e-4:3");
  ASSERT_EQ(three.size(), 3u);
  EXPECT_DOUBLE_EQ(three[1], 1e-3);
  EXPECT_EQ(parse_lambda("1e-4,1e-2"), (std::vector<double>{1e-2, 1e-4}));
  expect_message([] { parse_lambda("-1e-3"); }, ">= 0");
  expect_message([] { parse_lambda("1e-1:3e-3"); }, "whole decades");
  expect_message([] { parse_lambda(""); }, "empty");
  expect_message([] { parse_lambda("0:1e-3"); }, "> 0");
}

TEST(Survey, RunsSummarisesAndResumesWithoutRedoingWork) {
  SurveyOptions o;
  o.hidden = {1, 2};
  o.lambdas = {1e-2};
  const lossland::testing::TempDir dir("survey_run");
  o.out_dir = dir.string();
  o.threads = 2;
  o.ei = false;
  prepare_directory(o);
  const auto rows = run_landscapes(o, 0, 1);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) {
    EXPECT_GE(r.minima, 2u);
    EXPECT_EQ(r.connected_sets, 1);
    EXPECT_GE(r.bad_minima, 1);  // the all-zero network never fits XOR (Mehta et al. Sec. IV A)
    const db::Landscape land = db::read((fs::path(o.out_dir) / r.database).string());
    EXPECT_EQ(land.notes.at("survey_stage"), "graph");
    EXPECT_TRUE(fs::exists(fs::path(o.out_dir) / fs::path(r.database).replace_extension(".png")));
  }
  const auto file = fs::path(o.out_dir) / rows[0].database;
  const auto before = fs::last_write_time(file);
  run_landscapes(o, 0, 1);  // everything is done: nothing is rewritten
  EXPECT_EQ(fs::last_write_time(file), before);
  write_summary(o, summarize(o), 1.0);
  std::ifstream csv(fs::path(o.out_dir) / "summary.csv");
  std::string header, line;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("hidden,lambda,minima,distinct_energies,transition_states", 0), 0u);
  EXPECT_NE(header.find(",completeness,quenches,hit_singletons,hit_doubletons,chao1,"),
            std::string::npos)
      << header;
  int lines = 0;
  while (std::getline(csv, line)) {
    ++lines;
    EXPECT_NE(line.find(",ok,"), std::string::npos) << "every landscape has an estimate: " << line;
  }
  EXPECT_EQ(lines, 2);
  for (const auto& r : summarize(o)) {
    EXPECT_EQ(r.completeness.status, CompletenessStatus::Ok);
    EXPECT_GE(r.completeness.chao1, static_cast<double>(r.completeness.observed));
    EXPECT_GT(r.completeness.quenches, 0);
    // Quenches reach a subset of the database's minima (connect and the zero check add others).
    EXPECT_LE(r.completeness.observed, static_cast<std::int64_t>(r.minima));
  }
  std::ifstream md_file(fs::path(o.out_dir) / "summary.md");
  const std::string md((std::istreambuf_iterator<char>(md_file)), {});
  EXPECT_NE(md.find("## Completeness of basin-hopping"), std::string::npos);
  EXPECT_NE(md.find("| reached by quenches |"), std::string::npos);
  EXPECT_NE(md.find("hits are not"), std::string::npos);
  const auto figures = draw_figures(o, summarize(o));
  // counts, global minimum, Fig. 1 panels, Figs. 2-6 panels, and one graph with insets per
  // lambda of Figs. 2-6 (here one: N_h = 2, lambda = 1e-2).
  EXPECT_EQ(figures.size(), 5u);
  EXPECT_TRUE(fs::exists(fs::path(o.out_dir) / "xor_h2_l1e-02_insets.png"));
  for (const auto& f : figures) EXPECT_GT(fs::file_size(f), 1000u) << f;
}

/// A landscape resumes after the last stage its database records, and does every later one: a
/// landscape that says it finished basin-hopping is connected again (to the same transition
/// states), one that finished connect is analysed again, one that finished EI draws its graph.
TEST(Survey, ResumesAfterTheLastStageItRecorded) {
  SurveyOptions o;
  o.hidden = {1};
  o.lambdas = {1e-2};
  const lossland::testing::TempDir dir("survey_resume");
  o.out_dir = dir.string();
  o.threads = 1;
  o.ei = false;
  prepare_directory(o);
  run_landscapes(o, 0, 1);
  const fs::path file = fs::path(o.out_dir) / landscape_file(o, 1, 1e-2);
  const fs::path png = fs::path(file).replace_extension(".png");
  const db::Landscape done = db::read(file.string());
  ASSERT_EQ(done.notes.at("survey_stage"), "graph");
  ASSERT_EQ(done.minima_columns.count("auc"), 1u);
  ASSERT_GT(done.transition_states.size(), 0u);
  for (const std::string stage : {"bh", "connect", "ei"}) {
    // What the stages after `stage` make is taken away: the resumed run has to make it again.
    db::Landscape land = done;
    land.notes["survey_stage"] = stage;
    if (stage == "bh") {
      land.transition_states.clear();
      land.ts_columns.clear();
      land.ts_branches.clear();
      land.paths.clear();
    }
    if (stage != "ei") land.minima_columns.erase("auc");
    db::write(file.string(), land);
    fs::remove(png);
    run_landscapes(o, 0, 1);
    const db::Landscape again = db::read(file.string());
    EXPECT_EQ(again.notes.at("survey_stage"), "graph") << stage;
    EXPECT_TRUE(fs::exists(png)) << stage;
    ASSERT_EQ(again.minima.size(), done.minima.size()) << stage;
    ASSERT_EQ(again.transition_states.size(), done.transition_states.size()) << stage;
    for (std::size_t t = 0; t < done.transition_states.size(); ++t)
      EXPECT_EQ(again.transition_states[t].energy, done.transition_states[t].energy) << stage;
    ASSERT_EQ(again.minima_columns.count("auc"), 1u) << stage;
    EXPECT_EQ(again.minima_columns.at("auc"), done.minima_columns.at("auc")) << stage;
  }
}

TEST(Survey, SameDatabasesWhateverTheSplitOverRanks) {
  SurveyOptions o;
  o.hidden = {1, 2};
  o.lambdas = {1e-2, 1e-3};
  o.threads = 1;
  o.ei = false;
  o.analyze = false;
  o.graphs = false;
  SurveyOptions a = o, b = o;
  const lossland::testing::TempDir one("survey_one"), two("survey_two");
  a.out_dir = one.string();
  b.out_dir = two.string();
  prepare_directory(a);
  prepare_directory(b);
  run_landscapes(a, 0, 1);
  b.threads = 2;
  run_landscapes(b, 1, 2);  // two "ranks" in the opposite order, with threads
  run_landscapes(b, 0, 2);
  for (int h : o.hidden)
    for (double l : o.lambdas) {
      const auto name = landscape_file(o, h, l);
      const db::Landscape x = db::read(a.out_dir + "/" + name),
                          y = db::read(b.out_dir + "/" + name);
      ASSERT_EQ(x.minima.size(), y.minima.size()) << name;
      for (std::size_t i = 0; i < x.minima.size(); ++i)
        EXPECT_EQ(x.minima[i].coords, y.minima[i].coords);
      ASSERT_EQ(x.transition_states.size(), y.transition_states.size()) << name;
    }
}

TEST(Survey, RefusesAnotherSurveyAndForeignDirectories) {
  SurveyOptions o;
  o.hidden = {1};
  o.lambdas = {1e-2};
  const lossland::testing::TempDir dir("survey_other");
  o.out_dir = dir.string();
  prepare_directory(o);
  SurveyOptions sig = o;
  sig.activation = Activation::Sigmoid;
  expect_message([&] { prepare_directory(sig); }, "holds another survey");
  const lossland::testing::TempDir foreign("survey_foreign");
  std::ofstream(foreign / "notes.txt") << "mine";
  SurveyOptions f = o;
  f.out_dir = foreign.string();
  expect_message([&] { prepare_directory(f); }, "not empty");
  EXPECT_TRUE(fs::exists(foreign / "notes.txt"));
  SurveyOptions file = o;
  file.out_dir = (foreign / "notes.txt").string();
  expect_message([&] { prepare_directory(file); }, "not a directory");
}
