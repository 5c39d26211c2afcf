/// Hit statistics of basin-hopping (/minima/hits, /minima/first_found, note stats_quenches),
/// their resume, and the estimate stop rule on an analytic surface with known minima.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <filesystem>

#include "loss_fixture.hpp"
#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/search/basin_hopping.hpp"
#include "search/xor_landscape.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;

namespace {

using lossland::testing::empty_landscape;

const Eigen::MatrixXd& column(const db::Landscape& land, const char* name) {
  return land.minima_columns.at(name);
}

double sum_hits(const db::Landscape& land) {
  return column(land, db::kHitsColumn).sum();
}

/// A sum of Gaussian wells in the first two coordinates and a harmonic bowl in the others:
/// E(w) = k/2 |u|^2 - sum_j A_j exp(-|u - c_j|^2 / (2 s_j^2)) + 1/2 sum_{i >= 2} w_i^2,
/// u = (w_0, w_1). Well 3 is narrow (s = 0.08, the others 0.5): its basin is tiny (about 1% of
/// the quenches of the test below end there).
class Wells final : public Loss {
 public:
  explicit Wells(int dim) : dim_(dim) {}
  int dim() const override { return dim_; }
  double energy(const Eigen::VectorXd& w) const override {
    Eigen::VectorXd g;
    return energy_gradient(w, g);
  }
  double energy_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) const override {
    Eigen::MatrixXd h;
    return energy_gradient_hessian(w, g, h);
  }
  double energy_gradient_hessian(const Eigen::VectorXd& w, Eigen::VectorXd& g,
                                 Eigen::MatrixXd& h) const override {
    g = Eigen::VectorXd::Zero(dim_);
    h = Eigen::MatrixXd::Identity(dim_, dim_);
    const Eigen::Vector2d u(w[0], w[1]);
    double e = 0.5 * kK * u.squaredNorm();
    Eigen::Vector2d gu = kK * u;
    Eigen::Matrix2d hu = kK * Eigen::Matrix2d::Identity();
    for (const auto& well : wells()) {
      const Eigen::Vector2d d = u - well.c;
      const double s2 = well.s * well.s;
      const double v = well.A * std::exp(-d.squaredNorm() / (2 * s2));
      e -= v;
      gu += v * d / s2;
      hu += v * (Eigen::Matrix2d::Identity() / s2 - d * d.transpose() / (s2 * s2));
    }
    for (int i = 2; i < dim_; ++i) {
      e += 0.5 * w[i] * w[i];
      g[i] = w[i];
    }
    g.head<2>() = gu;
    h.topLeftCorner<2, 2>() = hu;
    return e;
  }

  struct Well {
    double A, s;
    Eigen::Vector2d c;
  };
  static const std::vector<Well>& wells() {
    static const std::vector<Well> w{{1.0, 0.5, {1.0, 0.1}},
                                     {0.8, 0.5, {-0.7, 1.1}},
                                     {0.6, 0.5, {-0.4, -1.3}},
                                     {0.5, 0.08, {1.8, 1.0}}};
    return w;
  }

  /// Brute force over the plane: the grid points of [-4, 4]^2 (spacing 0.005) lower than their
  /// 8 neighbours, each polished by Newton's method on the 2-D part.
  static std::vector<Eigen::Vector2d> grid_minima(const Wells& f) {
    std::vector<Eigen::Vector2d> out;
    const double h = 0.005;
    const int n = 1600;
    auto E = [&](double a, double b) {
      Eigen::VectorXd w = Eigen::VectorXd::Zero(f.dim());
      w[0] = a;
      w[1] = b;
      return f.energy(w);
    };
    for (int i = 1; i < n; ++i)
      for (int j = 1; j < n; ++j) {
        const double a = -4 + i * h, b = -4 + j * h, e = E(a, b);
        bool lowest = true;
        for (int di = -1; di <= 1 && lowest; ++di)
          for (int dj = -1; dj <= 1 && lowest; ++dj)
            if ((di || dj) && E(a + di * h, b + dj * h) <= e) lowest = false;
        if (!lowest) continue;
        Eigen::VectorXd w = Eigen::VectorXd::Zero(f.dim()), g;
        Eigen::MatrixXd H;
        w[0] = a;
        w[1] = b;
        for (int it = 0; it < 50; ++it) {
          f.energy_gradient_hessian(w, g, H);
          w -= H.ldlt().solve(g);
        }
        out.emplace_back(w[0], w[1]);
      }
    return out;
  }

 private:
  static constexpr double kK = 0.1;
  int dim_;
};

/// The network whose parameter count matches the surface (P = 7): the database needs a model
/// for its symmetry tests; the wells are placed so that no sign-flip image of one minimum
/// comes near another.
ModelSpec seven_parameters() {
  return {{2, 1, 2}, Activation::Tanh, Regularize::All, 1e-4};
}

}  // namespace

TEST(BhStatistics, EveryQuenchToAMinimumIsCountedOnce) {
  ModelSpec s{{2, 2, 2}, Activation::Tanh, Regularize::All, 1e-4};
  MlpLoss loss(xor_dataset(), s);
  db::Landscape land = empty_landscape(s);
  db::LandscapeIndex index(land);
  BasinHoppingOptions o;
  o.walkers = 1;
  o.steps_per_round = 1;
  o.max_steps = 300;
  o.max_steps_without_new = 0;
  std::int64_t last_steps = 0, last_bad = 0;
  double last_sum = -1;
  std::size_t last_minima = 0;
  bool ok = true;
  const auto r = basin_hopping(loss, index, o, [&](const BasinHoppingStats& st) {
    const double now = sum_hits(land);
    const std::int64_t bad = st.failed_quenches + st.non_morse + st.saddles;
    if (last_sum >= 0) {
      // One quench per round: it adds one hit exactly when it reached a minimum.
      ok = ok && st.steps == last_steps + 1 && now - last_sum == 1.0 - double(bad - last_bad);
      // A minimum stored in this round was first found by this round's quench.
      for (std::size_t m = last_minima; m < land.minima.size(); ++m)
        ok = ok && column(land, db::kFirstFoundColumn)(m, 0) == double(st.steps - 1) &&
             column(land, db::kHitsColumn)(m, 0) == 1.0;
    }
    last_sum = now;
    last_steps = st.steps;
    last_bad = bad;
    last_minima = land.minima.size();
    return true;
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(r.stats.steps, 300);
  EXPECT_EQ(count_note(land, kQuenchesNote), 300);
  EXPECT_EQ(count_note(land, kBhRunsNote), 1);
  const auto& st = r.stats;
  EXPECT_EQ(sum_hits(land), double(st.steps - st.failed_quenches - st.non_morse - st.saddles));
  const Eigen::MatrixXd& hits = column(land, db::kHitsColumn);
  const Eigen::MatrixXd& first = column(land, db::kFirstFoundColumn);
  for (Eigen::Index m = 0; m < hits.rows(); ++m) {
    EXPECT_EQ(hits(m, 0) == 0, first(m, 0) == -1) << m;
    EXPECT_LT(first(m, 0), 300);
  }
  EXPECT_EQ(r.completeness.status, CompletenessStatus::Ok);
  EXPECT_EQ(r.completeness.draws, static_cast<std::int64_t>(sum_hits(land)));
}

TEST(BhStatistics, ResumedRunKeepsTheStatisticsOfAnUninterruptedRun) {
  ModelSpec s{{2, 3, 2}, Activation::Tanh, Regularize::All, 1e-4};
  MlpLoss loss(xor_dataset(), s);
  BasinHoppingOptions o;
  o.max_steps = 600;
  o.threads = 2;
  db::Landscape whole = empty_landscape(s);
  {
    db::LandscapeIndex index(whole);
    basin_hopping(loss, index, o);
  }
  // Stopped after 4 rounds, saved, read back and continued.
  const lossland::testing::TempDir dir("bh_statistics");
  const std::string path = (dir.path() / "resume.h5").string();
  {
    db::Landscape part = empty_landscape(s);
    db::LandscapeIndex index(part);
    int rounds = 0;
    const auto r =
        basin_hopping(loss, index, o, [&](const BasinHoppingStats&) { return ++rounds < 4; });
    ASSERT_EQ(r.status, BasinHoppingStatus::Stopped);
    db::write(path, part);
  }
  db::Landscape resumed = db::read(path);
  {
    db::LandscapeIndex index(resumed);
    const auto r = basin_hopping(loss, index, o);
    EXPECT_TRUE(r.resumed);
  }
  ASSERT_EQ(resumed.minima.size(), whole.minima.size());
  for (const char* name : {db::kHitsColumn, db::kFirstFoundColumn})
    EXPECT_EQ(column(resumed, name), column(whole, name)) << name;
  EXPECT_EQ(count_note(resumed, kQuenchesNote), 600);
  EXPECT_EQ(count_note(resumed, kBhRunsNote), 1);

  // A second run adds to the record: quenches are numbered on from 600.
  db::write(path, resumed);
  db::Landscape again = db::read(path);
  {
    db::LandscapeIndex index(again);
    o.max_steps = 200;
    basin_hopping(loss, index, o);
  }
  EXPECT_EQ(count_note(again, kQuenchesNote), 800);
  EXPECT_EQ(count_note(again, kBhRunsNote), 2);
  EXPECT_GT(sum_hits(again), sum_hits(whole));
  const Eigen::MatrixXd& first = column(again, db::kFirstFoundColumn);
  for (Eigen::Index m = 0; m < first.rows(); ++m)
    if (m < static_cast<Eigen::Index>(whole.minima.size()))
      EXPECT_EQ(first(m, 0), column(whole, db::kFirstFoundColumn)(m, 0));
    else
      EXPECT_GE(first(m, 0), 600);
}

TEST(BhStatistics, OldLandscapeReadsAsUnknownAndStaysUnknownForItsMinima) {
  ModelSpec s{{2, 2, 2}, Activation::Tanh, Regularize::All, 1e-4};
  MlpLoss loss(xor_dataset(), s);
  db::Landscape land = empty_landscape(s);
  BasinHoppingOptions o;
  o.max_steps = 200;
  {
    db::LandscapeIndex index(land);
    basin_hopping(loss, index, o);
  }
  // As a file written before the statistics: no hits, no first_found, no notes.
  land.minima_columns.erase(db::kHitsColumn);
  land.minima_columns.erase(db::kFirstFoundColumn);
  land.notes.clear();
  const std::size_t old = land.minima.size();
  EXPECT_EQ(estimate_completeness(land).status, CompletenessStatus::Unknown);
  db::LandscapeIndex index(land);
  o.seed = 2;
  const auto r = basin_hopping(loss, index, o);
  EXPECT_EQ(r.completeness.status, CompletenessStatus::Partial);
  EXPECT_EQ(r.completeness.unknown_hits, static_cast<std::int64_t>(old));
  for (std::size_t m = 0; m < old; ++m)
    EXPECT_TRUE(std::isnan(column(land, db::kHitsColumn)(m, 0))) << m;
}

TEST(BhStatistics, MinimaAddedOtherwiseHaveNoHits) {
  ModelSpec s{{2, 2, 2}, Activation::Tanh, Regularize::All, 1e-4};
  MlpLoss loss(xor_dataset(), s);
  db::Landscape land = empty_landscape(s);
  db::LandscapeIndex index(land);
  BasinHoppingOptions o;
  o.max_steps = 20;
  basin_hopping(loss, index, o);
  const std::int64_t before = estimate_completeness(land).not_quenched;  // the all-zero point
  // As connect adds the bottom of a descent: a minimum another run found and this one did not.
  db::Landscape other = empty_landscape(s);
  {
    db::LandscapeIndex other_index(other);
    o.seed = 9;
    o.max_steps = 2000;
    basin_hopping(loss, other_index, o);
  }
  db::Lookup l;
  for (std::size_t m = 0; m < other.minima.size() && !l.added; ++m)
    if (index.find_minimum(other.minima[m].energy, other.minima[m].coords) < 0)
      l = index.add_minimum(other.minima[m]);
  ASSERT_TRUE(l.added) << "the longer run found no minimum the short one missed";
  EXPECT_EQ(column(land, db::kHitsColumn)(l.index, 0), 0.0);
  EXPECT_EQ(column(land, db::kFirstFoundColumn)(l.index, 0), -1.0);
  EXPECT_EQ(estimate_completeness(land).not_quenched, before + 1);
}

TEST(BhStatistics, WellsSurfaceDerivativesMatchFiniteDifferences) {
  const Wells f(7);
  for (const auto& well : Wells::wells()) {  // beside each well centre, where it curves most
    Eigen::VectorXd w(7);
    w << well.c[0] + 0.5 * well.s, well.c[1] - 0.3 * well.s, 0.2, -0.1, 0.4, 0.0, -0.3;
    lossland::testing::expect_consistent_derivatives(f, w, 1e-6);
  }
}

// The estimate stop rule on a surface whose minima are known by brute force: it finds every
// one, the tiny basin included, and stops because P(new) fell below the threshold.
TEST(BhStatistics, EstimateStopRuleFindsEveryMinimumOfTheWells) {
  const Wells f(7);
  const auto truth = Wells::grid_minima(f);
  ASSERT_EQ(truth.size(), Wells::wells().size());  // one minimum per well, none elsewhere
  db::Landscape land = empty_landscape(seven_parameters());
  db::LandscapeIndex index(land);
  BasinHoppingOptions o;
  o.stop_rule = BasinHoppingStopRule::Estimate;
  o.stop_p_new = 1e-3;
  o.stop_quiet = 200;
  o.max_steps = 100000;
  o.threads = 2;
  const auto r = basin_hopping(f, index, o);
  EXPECT_EQ(r.status, BasinHoppingStatus::EstimateReached);
  EXPECT_LT(r.completeness.p_new, 1e-3);
  SCOPED_TRACE(describe(r.completeness) + " after " + std::to_string(r.stats.steps) + " quenches");
  ASSERT_EQ(land.minima.size(), truth.size());
  for (const auto& t : truth) {
    bool found = false;
    for (const auto& m : land.minima)  // the stored image may be the sign-flipped one
      found =
          found || (m.coords.head<2>() - t).norm() < 1e-6 || (m.coords.head<2>() + t).norm() < 1e-6;
    EXPECT_TRUE(found) << t.transpose();
  }
  EXPECT_EQ(r.completeness.observed, static_cast<std::int64_t>(truth.size()));
}
