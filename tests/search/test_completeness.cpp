/// The completeness estimators (lossland/search/completeness.hpp) against hand computations and
/// against synthetic draws from populations with a known number of classes.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "lossland/search/completeness.hpp"

using namespace lossland;

namespace {

/// Mean and standard error of the mean of a sample.
struct MeanSe {
  double mean = 0, se = 0;
};
MeanSe mean_se(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return {m, std::sqrt(ss / (static_cast<double>(v.size()) - 1) / static_cast<double>(v.size()))};
}

/// Replicated draws of n items from classes of probabilities p (fixed seed).
struct Replicates {
  std::vector<double> chao1, unseen_true, unseen_est, p_new, missing_mass;
  int covered = 0;  ///< replicates whose 95% interval holds the true class count
};
Replicates draw(const std::vector<double>& p, int n, int reps, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::discrete_distribution<int> pick(p.begin(), p.end());
  Replicates out;
  for (int r = 0; r < reps; ++r) {
    std::vector<std::int64_t> counts(p.size(), 0);
    for (int i = 0; i < n; ++i) ++counts[pick(rng)];
    const CompletenessEstimate e = estimate_from_counts(counts);
    double missing = 0;
    int unseen = 0;
    for (std::size_t k = 0; k < p.size(); ++k)
      if (counts[k] == 0) {
        missing += p[k];
        ++unseen;
      }
    out.chao1.push_back(e.chao1);
    out.unseen_est.push_back(e.unseen);
    out.unseen_true.push_back(unseen);
    out.p_new.push_back(e.p_new);
    out.missing_mass.push_back(missing);
    const double S = static_cast<double>(p.size());
    out.covered += e.chao1_low <= S && S <= e.chao1_high;
  }
  return out;
}

std::vector<double> uniform(int S) {
  return std::vector<double>(S, 1.0 / S);
}

/// p_k proportional to 1 / (k + 1): a few common classes and many rare ones.
std::vector<double> zipf(int S) {
  std::vector<double> p(S);
  double sum = 0;
  for (int k = 0; k < S; ++k) sum += p[k] = 1.0 / (k + 1);
  for (double& x : p) x /= sum;
  return p;
}

}  // namespace

TEST(Completeness, HandComputedCounts) {
  // Counts 1, 1, 2, 5 (and a 0, not observed): S_obs = 4, f1 = 2, f2 = 1, n = 9.
  const CompletenessEstimate e = estimate_from_counts({1, 1, 2, 5, 0});
  EXPECT_EQ(e.status, CompletenessStatus::Ok);
  EXPECT_EQ(e.observed, 4);
  EXPECT_EQ(e.singletons, 2);
  EXPECT_EQ(e.doubletons, 1);
  EXPECT_EQ(e.draws, 9);
  EXPECT_DOUBLE_EQ(e.chao1, 4.0 + 2.0 * 1.0 / (2.0 * 2.0));  // 4.5
  EXPECT_DOUBLE_EQ(e.unseen, 0.5);
  EXPECT_DOUBLE_EQ(e.p_new, 2.0 / 9.0);
  // var = 2*1/4 + 2*3^2/(4*2^2) + 2^2*1*1^2/(4*2^4) = 0.5 + 1.125 + 0.0625.
  EXPECT_DOUBLE_EQ(e.chao1_sd, std::sqrt(1.6875));
  // Log-normal interval: T = 0.5, C = exp(1.96 sqrt(ln(1 + var / T^2))).
  const double C = std::exp(1.96 * std::sqrt(std::log(1 + 1.6875 / 0.25)));
  EXPECT_DOUBLE_EQ(e.chao1_low, 4 + 0.5 / C);
  EXPECT_DOUBLE_EQ(e.chao1_high, 4 + 0.5 * C);
}

TEST(Completeness, NoSingletonsMeansNothingUnseen) {
  const CompletenessEstimate e = estimate_from_counts({2, 3, 7});
  EXPECT_EQ(e.status, CompletenessStatus::Ok);
  EXPECT_DOUBLE_EQ(e.chao1, 3.0);
  EXPECT_DOUBLE_EQ(e.unseen, 0.0);
  EXPECT_DOUBLE_EQ(e.p_new, 0.0);
  EXPECT_DOUBLE_EQ(e.chao1_low, 3.0);
  EXPECT_DOUBLE_EQ(e.chao1_high, 3.0);
}

TEST(Completeness, NoHitsHasNoFigures) {
  for (const auto& counts : {std::vector<std::int64_t>{}, std::vector<std::int64_t>{0, 0}}) {
    const CompletenessEstimate e = estimate_from_counts(counts);
    EXPECT_EQ(e.status, CompletenessStatus::NoHits);
    EXPECT_TRUE(std::isnan(e.chao1));
    EXPECT_TRUE(std::isnan(e.p_new));
    EXPECT_FALSE(e.message.empty());
  }
}

// Good-Turing: E[f1 / n] = sum_k p_k (1 - p_k)^(n-1) exactly, and the true missing mass has
// E[M0] = sum_k p_k (1 - p_k)^n; their difference sum_k p_k^2 (1 - p_k)^(n-1) lies in
// [0, max_k p_k] (Good 1953). 2000 replicates: means within 4 standard errors.
TEST(Completeness, GoodTuringMatchesTheMissingMassOfSyntheticDraws) {
  for (const auto& [name, p, n] :
       {std::tuple{"uniform 40", uniform(40), 60}, std::tuple{"zipf 200", zipf(200), 300}}) {
    SCOPED_TRACE(name);
    const Replicates r = draw(p, n, 2000, 12345);
    double expect_gt = 0, expect_m0 = 0, pmax = 0;
    for (double q : p) {
      expect_gt += q * std::pow(1 - q, n - 1);
      expect_m0 += q * std::pow(1 - q, n);
      pmax = std::max(pmax, q);
    }
    const MeanSe gt = mean_se(r.p_new), m0 = mean_se(r.missing_mass);
    EXPECT_NEAR(gt.mean, expect_gt, 4 * gt.se);
    EXPECT_NEAR(m0.mean, expect_m0, 4 * m0.se);
    const double diff = gt.mean - m0.mean, se = std::hypot(gt.se, m0.se);
    EXPECT_GE(diff, -4 * se);
    EXPECT_LE(diff, pmax + 4 * se);
  }
}

// Chao1 on a homogeneous population (every class equally likely) is close to unbiased: under
// Poisson sampling E[f1]^2 / (2 E[f2]) = E[f0] exactly (Chao 1984). With S = 40 classes and
// n = 60 draws about 8.7 classes are unseen; the mean estimate must lie within 4 standard
// errors plus 0.5 classes (the bias-correction's small-sample bias) of the true mean unseen
// count, and the 95% interval must hold S in at least 88% of the replicates.
TEST(Completeness, Chao1RecoversTheClassCountOfAHomogeneousPopulation) {
  const Replicates r = draw(uniform(40), 60, 2000, 777);
  const MeanSe est = mean_se(r.unseen_est), truth = mean_se(r.unseen_true);
  EXPECT_NEAR(truth.mean, 40 * std::pow(1 - 1.0 / 40, 60), 4 * truth.se);
  EXPECT_NEAR(est.mean, truth.mean, 4 * std::hypot(est.se, truth.se) + 0.5);
  EXPECT_GE(r.covered, 0.88 * 2000);
}

// On a heterogeneous population Chao1 is a lower bound in expectation (Chao 1984): its mean is
// at most S (plus 4 standard errors) and above the mean number of classes seen.
TEST(Completeness, Chao1IsALowerBoundForAHeterogeneousPopulation) {
  const Replicates r = draw(zipf(200), 300, 1000, 99);
  const MeanSe c = mean_se(r.chao1);
  double seen = 0;
  for (double u : r.unseen_true) seen += 200 - u;
  seen /= static_cast<double>(r.unseen_true.size());
  EXPECT_LE(c.mean, 200 + 4 * c.se);
  EXPECT_GT(c.mean, seen + 10);  // it adds a real part of the unseen classes
}

TEST(Completeness, LandscapeWithoutHitsIsUnknownNotZero) {
  db::Landscape land;
  land.minima.resize(3);
  const CompletenessEstimate e = estimate_completeness(land);
  EXPECT_EQ(e.status, CompletenessStatus::Unknown);
  EXPECT_TRUE(std::isnan(e.chao1));
  EXPECT_EQ(e.quenches, -1);
  EXPECT_NE(e.message.find("no hit statistics"), std::string::npos);
}

TEST(Completeness, LandscapeWithSomeUnknownHitsIsPartial) {
  db::Landscape land;
  land.minima.resize(4);
  Eigen::MatrixXd hits(4, 1);
  hits << std::nan(""), 1, 2, 0;
  land.minima_columns[db::kHitsColumn] = hits;
  land.notes[kQuenchesNote] = "5";
  const CompletenessEstimate e = estimate_completeness(land);
  EXPECT_EQ(e.status, CompletenessStatus::Partial);
  EXPECT_EQ(e.unknown_hits, 1);
  EXPECT_EQ(e.not_quenched, 1);
  EXPECT_EQ(e.observed, 2);
  EXPECT_EQ(e.draws, 3);
  EXPECT_EQ(e.quenches, 5);
  EXPECT_DOUBLE_EQ(e.p_new, 1.0 / 3.0);
}

TEST(Completeness, CountNotesAddUp) {
  db::Landscape land;
  EXPECT_EQ(count_note(land, kConnectRunsNote), -1);
  record_connect_run(land, 7);
  record_connect_run(land, 5);
  EXPECT_EQ(count_note(land, kConnectRunsNote), 2);
  EXPECT_EQ(count_note(land, kConnectAttemptsNote), 12);
  land.notes[kQuenchesNote] = "12x";  // damaged: not a count
  EXPECT_EQ(count_note(land, kQuenchesNote), -1);
}
