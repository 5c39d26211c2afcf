#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "lossland/db/landscape_index.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/search/basin_hopping.hpp"
#include "search/xor_landscape.hpp"

using namespace lossland;

namespace {

using lossland::testing::empty_landscape;

/// Brute force: quench from many random points at several scales; keep distinct minima.
db::Landscape multistart(const MlpLoss& loss, int starts, unsigned seed) {
  db::Landscape land = empty_landscape(loss.spec());
  db::LandscapeIndex index(land);
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd;
  const MinimizerOptions opt;
  const double scales[] = {0.3, 1.0, 2.0, 4.0};
  for (int k = 0; k < starts; ++k) {
    Eigen::VectorXd x(loss.dim());
    for (int i = 0; i < x.size(); ++i) x[i] = scales[k % 4] * nd(rng);
    const Quench q = quench(loss, x, opt, kDefaultEigenCutoff);
    if (q.is_minimum(opt.rms_tolerance))
      index.add_minimum(
          {q.result.energy, q.result.x, q.result.grad_rms, q.classification.eigenvalues});
  }
  return land;
}

void expect_valid_landscape(const MlpLoss& loss, const db::Landscape& land) {
  const SamePoint same;
  for (std::size_t i = 0; i < land.minima.size(); ++i) {
    const auto& m = land.minima[i];
    const Classification c = classify(loss, m.coords);
    EXPECT_LE(c.grad_rms, 1e-10);
    EXPECT_EQ(c.kind, PointKind::Minimum);
    EXPECT_NEAR(c.energy, m.energy, 1e-15);
    for (std::size_t j = 0; j < i; ++j)
      EXPECT_GT(aligned_distance(land.model, m.coords, land.minima[j].coords), same.distance_tol)
          << "minima " << i << " and " << j << " are symmetric twins";
  }
}

}  // namespace

TEST(BasinHopping, FindsEveryMinimumThatMultistartFinds) {
  for (auto [H, lambda] : {std::pair{2, 1e-4}, {3, 1e-4}, {2, 1e-6}, {3, 1e-2}}) {
    SCOPED_TRACE("H=" + std::to_string(H) + " lambda=" + std::to_string(lambda));
    ModelSpec s{{2, H, 2}, Activation::Tanh, Regularize::All, lambda};
    MlpLoss loss(xor_dataset(), s);
    db::Landscape bh = empty_landscape(s);
    db::LandscapeIndex index(bh);
    BasinHoppingOptions o;
    o.threads = 2;
    const BasinHoppingResult r = basin_hopping(loss, index, o);
    EXPECT_EQ(r.status, BasinHoppingStatus::NoNewMinima);
    const db::Landscape brute = multistart(loss, 3000, 17 + H);
    ASSERT_GE(brute.minima.size(), 3u);
    for (const auto& m : brute.minima)
      EXPECT_GE(index.find_minimum(m.energy, m.coords), 0)
          << "multistart minimum at E = " << m.energy << " missing from basin-hopping";
    expect_valid_landscape(loss, bh);
  }
}

TEST(BasinHopping, StoresTheZeroMinimum) {
  ModelSpec s{{2, 3, 2}, Activation::Tanh, Regularize::All, 1e-2};
  MlpLoss loss(xor_dataset(), s);
  ASSERT_EQ(classify(loss, Eigen::VectorXd::Zero(loss.dim())).kind, PointKind::Minimum);
  db::Landscape land = empty_landscape(s);
  db::LandscapeIndex index(land);
  BasinHoppingOptions o;
  o.max_steps = 8;
  basin_hopping(loss, index, o);
  bool zero = false;
  for (const auto& m : land.minima)
    zero |= m.coords.norm() == 0.0 && std::abs(m.energy - std::log(2.0)) < 1e-15;
  EXPECT_TRUE(zero);
}

TEST(BasinHopping, ReproducibleForASeedWhateverTheThreads) {
  ModelSpec s{{2, 3, 2}, Activation::Tanh, Regularize::All, 1e-4};
  MlpLoss loss(xor_dataset(), s);
  BasinHoppingOptions o;
  o.max_steps = 400;
  o.seed = 99;
  db::Landscape a = empty_landscape(s), b = empty_landscape(s), c = empty_landscape(s);
  db::LandscapeIndex ia(a), ib(b), ic(c);
  o.threads = 1;
  basin_hopping(loss, ia, o);
  o.threads = 2;
  basin_hopping(loss, ib, o);
  ASSERT_EQ(a.minima.size(), b.minima.size());
  for (std::size_t i = 0; i < a.minima.size(); ++i) {
    EXPECT_EQ(a.minima[i].energy, b.minima[i].energy);
    EXPECT_EQ(a.minima[i].coords, b.minima[i].coords);
  }
  o.seed = 100;
  const BasinHoppingResult r = basin_hopping(loss, ic, o);
  EXPECT_EQ(r.stats.steps, 400);
  // Another seed visits the minima in another order.
  bool differs = a.minima.size() != c.minima.size();
  for (std::size_t i = 0; !differs && i < a.minima.size(); ++i)
    differs = a.minima[i].energy != c.minima[i].energy;
  EXPECT_TRUE(differs);
}

TEST(BasinHopping, ResumedRunKeepsAndExtendsTheLandscape) {
  ModelSpec s{{2, 3, 2}, Activation::Tanh, Regularize::All, 1e-4};
  MlpLoss loss(xor_dataset(), s);
  db::Landscape land = empty_landscape(s);
  BasinHoppingOptions o;
  o.max_steps = 40;
  {
    db::LandscapeIndex index(land);
    basin_hopping(loss, index, o);
  }
  const auto first = land.minima;
  ASSERT_GE(first.size(), 2u);
  db::LandscapeIndex index(land);
  o.max_steps = 2000;
  basin_hopping(loss, index, o);
  ASSERT_GE(land.minima.size(), first.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(land.minima[i].coords, first[i].coords);
  expect_valid_landscape(loss, land);
}

TEST(BasinHopping, StopCallbackEndsTheRun) {
  ModelSpec s{{2, 2, 2}, Activation::Tanh, Regularize::All, 1e-4};
  MlpLoss loss(xor_dataset(), s);
  db::Landscape land = empty_landscape(s);
  db::LandscapeIndex index(land);
  int calls = 0;
  const auto r =
      basin_hopping(loss, index, {}, [&](const BasinHoppingStats&) { return ++calls < 3; });
  EXPECT_EQ(r.status, BasinHoppingStatus::Stopped);
  EXPECT_EQ(calls, 3);
}

TEST(BasinHopping, OptionsValidateNamesTheField) {
  BasinHoppingOptions o;
  o.temperature = 0;
  try {
    o.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("temperature"), std::string::npos);
  }
  o = {};
  o.walkers = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  for (auto [field, set] : {std::pair<std::string, std::function<void(BasinHoppingOptions&)>>{
                                "stop_p_new", [](auto& b) { b.stop_p_new = 1.0; }},
                            {"stop_quiet", [](auto& b) { b.stop_quiet = -1; }}}) {
    o = {};
    set(o);
    try {
      o.validate();
      ADD_FAILURE() << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
}
