/// Tests of the EI results as data: the /minima columns written and read back, and the survey
/// over a folder of databases with its figure.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "lossland/analysis/ei_survey.hpp"
#include "lossland/analysis/metrics.hpp"
#include "test_tmpdir.hpp"

#include "analysis/ei_test_util.hpp"

namespace lossland::analysis {
namespace {

using namespace ei_test;

// ---- database columns and the survey ------------------------------------------------------

db::Landscape small_landscape(int H, double lambda, int minima, unsigned seed) {
  std::vector<Eigen::VectorXd> starts;
  for (int m = 0; m < minima; ++m)
    starts.push_back(random_vector(spec_of(2, H).num_params(), seed + m, 1.0));
  return quenched_landscape(H, lambda, starts);
}

TEST(EiColumns, StoredAndReadBack) {
  db::Landscape land = small_landscape(3, 1e-3, 3, 40);
  const std::vector<EiAnalysis> res = ei_analyze_landscape(land);
  ei_store_columns(land, res);
  const lossland::testing::TempDir dir("test_ei_columns");
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.h5").string();
  db::write(path, land);
  const db::Landscape back = db::read(path);
  for (const char* name : {"ei_rank", "ei_nullity", "ei_residual", "ei_predicted_solution",
                           "ei_stationary_points", "ei_inputs_at_extrema"}) {
    ASSERT_TRUE(back.minima_columns.count(name)) << name;
    EXPECT_EQ(back.minima_columns.at(name).rows(), 3) << name;
  }
  for (int m = 0; m < 3; ++m) {
    EXPECT_EQ(back.minima_columns.at("ei_rank")(m, 0), res[m].rank.rank);
    EXPECT_EQ(back.minima_columns.at("ei_residual")(m, 0), res[m].residual);
    EXPECT_EQ(back.minima_columns.at("ei_stationary_points")(m, 0),
              static_cast<double>(res[m].stationary_points.size()));
    EXPECT_EQ(back.minima_columns.at("ei_inputs_at_extrema")(m, 0), res[m].inputs_at_extrema);
  }
  EXPECT_EQ(back.minima_columns.at("ei_singular_values").cols(), 3);
  std::vector<EiAnalysis> wrong(2);
  EXPECT_THROW(ei_store_columns(land, wrong), std::invalid_argument);
}

TEST(EiSurvey, RowsSummariseEachFileAndTheFigureIsDrawn) {
  const lossland::testing::TempDir dir("test_ei_survey");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_THROW(ei_survey(dir.string()), std::invalid_argument);  // no *.h5 yet
  EXPECT_THROW(ei_survey((dir / "missing").string()), std::invalid_argument);
  const db::Landscape a = small_landscape(2, 1e-2, 3, 50), b = small_landscape(3, 1e-4, 2, 60);
  db::write((dir / "zz_first.h5").string(), a);  // names do not decide the order
  db::write((dir / "aa_second.h5").string(), b);
  const auto rows = ei_survey(dir.string());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].hidden, 2);
  EXPECT_EQ(rows[1].hidden, 3);
  EXPECT_EQ(rows[0].lambda, 1e-2);
  EXPECT_EQ(rows[0].threshold, 8);
  EXPECT_FALSE(rows[0].ei_capacity);
  EXPECT_EQ(rows[0].minima, 3);
  // The fraction that fits, by direct evaluation of the AUC.
  const MlpLoss loss(a.dataset, a.model);
  int fit = 0;
  for (const auto& m : a.minima)
    fit += training_auc(loss.probabilities(m.coords, a.dataset.inputs), a.dataset.labels, 1e-12) ==
           1.0;
  EXPECT_DOUBLE_EQ(rows[0].fraction_fit, fit / 3.0);
  EXPECT_GE(rows[0].fraction_inputs_at_extrema, 0.0);
  EXPECT_LE(rows[0].fraction_inputs_at_extrema, 1.0);
  EXPECT_GT(rows[0].median_residual, 0.0);
  const std::string png = (dir / "fig.png").string();
  draw_ei_survey(rows, png);
  EXPECT_GT(std::filesystem::file_size(png), 1000u);
  EXPECT_THROW(draw_ei_survey({}, png), std::invalid_argument);
  EXPECT_THROW(draw_ei_survey(rows, (dir / "fig.bmp").string()), std::invalid_argument);
}

}  // namespace
}  // namespace lossland::analysis
