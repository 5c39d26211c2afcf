/// The connection library (issue 3, src/search/connect.cpp) on XOR landscapes built by
/// basin-hopping: connect_all gives one connected set, every stored transition state verifies
/// after a round trip through the HDF5 file (recomputed, never trusting the stored spectrum),
/// no transition state is stored twice, connect_pair joins two given minima, and the soft
/// transition state of Mehta et al., Sec. III (N_h = 1, lambda = 1e-6, ~1.4e-11 above the all-zero
/// minimum) is found.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>
#include <string>

#include "lossland/db/database.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/symmetry.hpp"
#include "lossland/optimize/stationary.hpp"
#include "lossland/search/basin_hopping.hpp"
#include "lossland/search/connect.hpp"
#include "lossland/search/hef.hpp"
#include "lossland/search/verify.hpp"
#include "test_tmpdir.hpp"

using namespace lossland;
namespace fs = std::filesystem;

namespace {

/// The paper's criteria for a stored transition state (Mehta et al. Sec. III; issue 3 item 3).
constexpr double kTsRmsTolerance = 1e-10;
constexpr double kEigenCutoff = 1e-9;

ModelSpec xor_spec(int hidden, double lambda) {
  return ModelSpec{{2, hidden, 2}, Activation::Tanh, Regularize::All, lambda};
}

/// Minima of XOR from a default basin-hopping run (default seed and walkers, so the same
/// landscape as a plain `lossland bh DB --hidden H --lambda L`, whatever the thread count).
db::Landscape bh_landscape(int hidden, double lambda) {
  db::Landscape land;
  land.model = xor_spec(hidden, lambda);
  land.dataset = xor_dataset();
  const MlpLoss loss(land.dataset, land.model);
  db::LandscapeIndex index(land);
  BasinHoppingOptions o;
  o.threads = 2;
  basin_hopping(loss, index, o);
  return land;
}

ConnectOptions two_threads() {
  ConnectOptions o;
  o.threads = 2;
  return o;
}

/// Connected sets computed independently of connect.cpp: breadth-first search over the
/// transition-state edges. Returns the set label of each minimum.
std::vector<int> components_by_bfs(const db::Landscape& land, int* count) {
  const std::size_t n = land.minima.size();
  std::vector<std::vector<std::int64_t>> adj(n);
  for (const auto& t : land.transition_states) {
    adj[t.min1].push_back(t.min2);
    adj[t.min2].push_back(t.min1);
  }
  std::vector<int> label(n, -1);
  int next = 0;
  for (std::size_t s = 0; s < n; ++s) {
    if (label[s] >= 0) continue;
    std::vector<std::int64_t> stack{static_cast<std::int64_t>(s)};
    label[s] = next;
    while (!stack.empty()) {
      const std::int64_t u = stack.back();
      stack.pop_back();
      for (std::int64_t v : adj[u])
        if (label[v] < 0) {
          label[v] = next;
          stack.push_back(v);
        }
    }
    ++next;
  }
  *count = next;
  return label;
}

int count_components(const db::Landscape& land) {
  int count = 0;
  components_by_bfs(land, &count);
  return count;
}

std::string describe(int hidden, double lambda) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "N_h = %d, lambda = %g", hidden, lambda);
  return buf;
}

/// Checks transition states [from, end) of `land` (a landscape read back from its file):
///  - recomputed (classify, not the stored spectrum): RMS gradient <= 1e-10, exactly one
///    eigenvalue < -1e-9, none in [-1e-9, 1e-9]; stored energy equals the recomputed one;
///  - its energy lies above both of its minima;
///  - lossland::verify_landscape: both steepest-descent paths, followed from the stored
///    coordinates, end in minima that the database identifies (up to symmetry) as exactly
///    {min1, min2}, and a branched transition state lists exactly its leaves;
///  - no two transition states are symmetric twins, and none repeats an earlier one.
/// Returns how many are degenerate (min1 == min2).
int verify_transition_states(const MlpLoss& loss, const db::Landscape& land, std::size_t from = 0) {
  VerifyOptions vo;
  vo.threads = 2;
  const VerifyReport report = verify_landscape(loss, land, vo);
  for (const Disagreement& p : report.problems)
    if (p.table == "transition_states" && p.row >= static_cast<std::int64_t>(from))
      ADD_FAILURE() << "transition state " << p.row << ": " << p.check << ": " << p.detail;
  const SamePoint same;
  int degenerate = 0;
  const auto n_min = static_cast<std::int64_t>(land.minima.size());
  for (std::size_t k = from; k < land.transition_states.size(); ++k) {
    SCOPED_TRACE("transition state " + std::to_string(k));
    const db::StoredTransitionState& t = land.transition_states[k];
    if (t.min1 < 0 || t.min2 < 0 || t.min1 >= n_min || t.min2 >= n_min) {
      ADD_FAILURE() << "minima " << t.min1 << ", " << t.min2 << " are not rows of /minima";
      continue;
    }
    const Classification c = classify(loss, t.coords, kEigenCutoff, true);
    EXPECT_LE(c.grad_rms, kTsRmsTolerance);
    EXPECT_EQ(c.index, 1) << "eigenvalues " << c.eigenvalues.head(3).transpose();
    EXPECT_EQ(c.num_zero, 0) << "eigenvalues " << c.eigenvalues.head(3).transpose();
    EXPECT_EQ(c.kind, PointKind::TransitionState);
    EXPECT_NEAR(c.energy, t.energy, 1e-15);
    EXPECT_GT(t.energy, land.minima[t.min1].energy);
    EXPECT_GT(t.energy, land.minima[t.min2].energy);

    if (t.min1 == t.min2) ++degenerate;

    for (std::size_t q = 0; q < k; ++q) {
      const auto& u = land.transition_states[q];
      EXPECT_FALSE(same(land.model, t.energy, t.coords, u.energy, u.coords))
          << "transition states " << q << " and " << k << " are the same point";
      EXPECT_GT(aligned_distance(land.model, t.coords, u.coords), same.distance_tol)
          << "transition states " << q << " and " << k << " are symmetric twins";
    }
  }
  return degenerate;
}

/// Every minimum (including those first seen at the bottom of a descent) is a tight minimum
/// and none is a symmetric twin of another.
/// Brute force for the branch-point reuse: every branched transition state whose symmetry group
/// is small is descended again following every branch (no images, no revisits); each side
/// reaches the same points up to hidden-node permutations and sign flips (the same stored
/// minima), and its representative minimum is the same.
int expect_reuse_gives_the_leaves_of_every_branch(const MlpLoss& loss, const db::Landscape& land) {
  int compared = 0;
  PathOptions all;
  all.reuse_branch_points = false;
  for (std::size_t t = 0; t < land.transition_states.size(); ++t) {
    const Eigen::VectorXd& x = land.transition_states[t].coords;
    const std::vector<ParameterMap> group = path_symmetries(land, x);
    if (group.size() > 8) continue;
    const SaddleDescent reused = descend_stored_saddle(loss, land, x, {});
    if (!reused.side[0].branched && !reused.side[1].branched) continue;
    const SaddleDescent every = descend_saddle(loss, x, all, group);
    if (!reused.ok() || !every.ok()) {
      ADD_FAILURE() << "transition state " << t << ": " << reused.message << every.message;
      continue;
    }
    ++compared;
    for (int s = 0; s < 2; ++s) {
      const std::vector<DescentLeaf> a = leaves(reused.side[s], false);
      const std::vector<DescentLeaf> b = leaves(every.side[s], false);
      auto has = [&](const std::vector<DescentLeaf>& l, const Eigen::VectorXd& m) {
        for (const DescentLeaf& leaf : l)
          if (aligned_distance(land.model, leaf.minimum.x, m) <= 1e-7 * std::max(1.0, m.norm()))
            return true;
        return false;
      };
      for (const DescentLeaf& leaf : a) EXPECT_TRUE(has(b, leaf.minimum.x)) << "ts " << t;
      for (const DescentLeaf& leaf : b) EXPECT_TRUE(has(a, leaf.minimum.x)) << "ts " << t;
      EXPECT_LE(reused.side[s].steps, every.side[s].steps);
      const Eigen::VectorXd& ra = a[representative_leaf(a)].minimum.x;
      const Eigen::VectorXd& rb = b[representative_leaf(b)].minimum.x;
      EXPECT_LE(aligned_distance(land.model, ra, rb), 1e-7 * std::max(1.0, ra.norm()))
          << "ts " << t << " side " << s;
    }
  }
  return compared;
}

void verify_minima(const MlpLoss& loss, const db::Landscape& land) {
  const SamePoint same;
  for (std::size_t i = 0; i < land.minima.size(); ++i) {
    const Classification c = classify(loss, land.minima[i].coords, kEigenCutoff);
    EXPECT_EQ(c.kind, PointKind::Minimum) << "minimum " << i;
    EXPECT_LE(c.grad_rms, 1e-10) << "minimum " << i;
    for (std::size_t j = 0; j < i; ++j)
      EXPECT_GT(aligned_distance(land.model, land.minima[i].coords, land.minima[j].coords),
                same.distance_tol)
          << "minima " << i << " and " << j << " are symmetric twins";
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Case {
  int hidden;
  double lambda;
};

class ConnectAllXor : public ::testing::TestWithParam<Case> {};

/// bh, connect_all, write, read, verify every transition state; then connect_all again on the
/// reloaded, connected landscape: whatever it adds must be genuinely new and verify too.
TEST_P(ConnectAllXor, OneConnectedSetAndEveryTransitionStateVerifiesAfterReload) {
  const auto [hidden, lambda] = GetParam();
  SCOPED_TRACE(describe(hidden, lambda));
  const auto t0 = std::chrono::steady_clock::now();
  db::Landscape land = bh_landscape(hidden, lambda);
  const std::size_t bh_minima = land.minima.size();
  ASSERT_GE(bh_minima, 3u);
  const MlpLoss loss(land.dataset, land.model);
  ConnectResult r;
  {
    db::LandscapeIndex index(land);
    r = connect_all(loss, index, two_threads());
  }
  EXPECT_EQ(r.status, ConnectStatus::Connected) << r.message;
  EXPECT_EQ(r.stats.components, 1);
  EXPECT_EQ(r.stats.new_ts, static_cast<std::int64_t>(land.transition_states.size()));
  EXPECT_EQ(r.stats.new_minima, static_cast<std::int64_t>(land.minima.size() - bh_minima));
  // A connected set of n minima needs at least n - 1 transition states joining distinct minima.
  EXPECT_GE(land.transition_states.size() - r.stats.degenerate_ts, land.minima.size() - 1);

  const lossland::testing::TempDir dir("connect");
  const std::string path = (dir / "land.h5").string();
  db::write(path, land);
  const db::Landscape back = db::read(path);
  ASSERT_EQ(back.minima.size(), land.minima.size());
  ASSERT_EQ(back.transition_states.size(), land.transition_states.size());
  EXPECT_EQ(count_components(back), 1) << "independent BFS over the stored edges";
  verify_minima(loss, back);
  const int degenerate = verify_transition_states(loss, back);
  EXPECT_EQ(degenerate, r.stats.degenerate_ts) << "degenerate transition states counted";
  const int compared = expect_reuse_gives_the_leaves_of_every_branch(loss, back);
  {  // The ends do not move when the path follower's step tolerance is made 10x tighter.
    VerifyOptions tight;
    tight.threads = 2;
    tight.path.step_tolerance = PathOptions().step_tolerance / 10;
    for (const Disagreement& p : verify_landscape(loss, back, tight).problems)
      ADD_FAILURE() << "at step tolerance " << tight.path.step_tolerance << ": " << p.table << " "
                    << p.row << ": " << p.check << ": " << p.detail;
  }
  EXPECT_GE(compared, 1) << "every XOR landscape here has a branched transition state";

  // Second run on the reloaded database: nothing duplicated, anything new verifies.
  db::Landscape again = back;
  ConnectResult r2;
  {
    db::LandscapeIndex index(again);
    r2 = connect_all(loss, index, two_threads());
  }
  EXPECT_EQ(r2.status, ConnectStatus::Connected) << r2.message;
  EXPECT_EQ(r2.stats.new_ts, static_cast<std::int64_t>(again.transition_states.size() -
                                                       back.transition_states.size()));
  for (std::size_t k = 0; k < back.transition_states.size(); ++k) {
    EXPECT_EQ(again.transition_states[k].min1, back.transition_states[k].min1);
    EXPECT_EQ(again.transition_states[k].min2, back.transition_states[k].min2);
  }
  verify_minima(loss, again);
  verify_transition_states(loss, again, 0);  // all pairs compared, so new vs old twins too
  EXPECT_EQ(count_components(again), 1);
  std::printf(
      "%s: %zu minima (%zu from bh), %zu transition states (%d degenerate), "
      "%lld attempts (%d branched compared with every branch followed); second run added %lld "
      "transition states, %lld minima; %.2f s\n",
      describe(hidden, lambda).c_str(), land.minima.size(), bh_minima,
      land.transition_states.size(), degenerate, static_cast<long long>(r.stats.attempts), compared,
      static_cast<long long>(r2.stats.new_ts), static_cast<long long>(r2.stats.new_minima),
      seconds_since(t0));
}

INSTANTIATE_TEST_SUITE_P(
    Xor, ConnectAllXor,
    ::testing::Values(Case{2, 1e-4}, Case{3, 1e-4}, Case{2, 1e-6}, Case{3, 1e-6}),
    [](const ::testing::TestParamInfo<Case>& info) {
      return "H" + std::to_string(info.param.hidden) + "_lambda1em" +
             std::to_string(static_cast<int>(std::lround(-std::log10(info.param.lambda))));
    });

/// connect_pair between the global minimum and the minimum farthest from it (aligned distance):
/// they end in one set (checked by BFS), and what was stored verifies.
TEST(ConnectPair, JoinsTheGlobalMinimumToTheFarthestMinimum) {
  db::Landscape land = bh_landscape(3, 1e-4);
  ASSERT_GE(land.minima.size(), 3u);
  ASSERT_TRUE(land.transition_states.empty());
  const MlpLoss loss(land.dataset, land.model);
  std::int64_t g = 0;
  for (std::size_t k = 1; k < land.minima.size(); ++k)
    if (land.minima[k].energy < land.minima[g].energy) g = static_cast<std::int64_t>(k);
  std::int64_t far = -1;
  double far_distance = -1;
  for (std::size_t k = 0; k < land.minima.size(); ++k) {
    const double d = aligned_distance(land.model, land.minima[g].coords, land.minima[k].coords);
    if (d > far_distance) far_distance = d, far = static_cast<std::int64_t>(k);
  }
  ASSERT_NE(far, g);
  int count = 0;
  ASSERT_NE(components_by_bfs(land, &count)[g], components_by_bfs(land, &count)[far]);
  ConnectResult r;
  {
    db::LandscapeIndex index(land);
    r = connect_pair(loss, index, g, far, two_threads());
  }
  EXPECT_EQ(r.status, ConnectStatus::Connected) << r.message;
  const std::vector<int> comp = components_by_bfs(land, &count);
  EXPECT_EQ(comp[g], comp[far]) << "minima " << g << " and " << far << " not joined";
  EXPECT_GE(land.transition_states.size(), 1u);
  EXPECT_LE(r.stats.attempts, ConnectOptions().max_attempts);
  const lossland::testing::TempDir dir("connect_pair");
  const std::string path = (dir / "pair.h5").string();
  db::write(path, land);
  const db::Landscape back = db::read(path);
  verify_minima(loss, back);
  verify_transition_states(loss, back);
  std::printf("connect_pair %lld -> %lld (distance %.3f): %zu transition states, %lld attempts\n",
              static_cast<long long>(g), static_cast<long long>(far), far_distance,
              back.transition_states.size(), static_cast<long long>(r.stats.attempts));
}

/// Soft landscape (Mehta et al. 2018, Sec. III): for N_h = 1, lambda = 1e-6 the paper reports a
/// transition state 0.1425e-10 above the all-zero minimum. It must be found and join the
/// zero minimum (E = ln 2 exactly, since all logits vanish and the penalty is zero) to a
/// minimum that fits better (lower loss).
TEST(SoftLandscape, TransitionStateJustAboveTheZeroMinimumIsFound) {
  db::Landscape land = bh_landscape(1, 1e-6);
  const MlpLoss loss(land.dataset, land.model);
  std::int64_t zero = -1;
  for (std::size_t k = 0; k < land.minima.size(); ++k)
    if (land.minima[k].coords.norm() < 1e-8) zero = static_cast<std::int64_t>(k);
  ASSERT_GE(zero, 0) << "the all-zero point is a minimum at N_h = 1, lambda = 1e-6";
  EXPECT_NEAR(land.minima[zero].energy, std::log(2.0), 1e-15);
  ConnectResult r;
  {
    db::LandscapeIndex index(land);
    r = connect_all(loss, index, two_threads());
  }
  EXPECT_EQ(r.status, ConnectStatus::Connected) << r.message;
  EXPECT_EQ(count_components(land), 1);

  const lossland::testing::TempDir dir("connect_soft");
  const std::string path = (dir / "soft.h5").string();
  db::write(path, land);
  const db::Landscape back = db::read(path);
  verify_transition_states(loss, back);
  // Every transition state 1e-12..1e-10 above the zero minimum that joins it to a fitting
  // minimum; one of them must be the paper's (0.1425e-10, to the paper's four digits).
  int soft = 0, paper = 0;
  for (const auto& t : back.transition_states) {
    const double above_zero = t.energy - back.minima[zero].energy;
    const bool touches_zero = t.min1 == zero || t.min2 == zero;
    if (!touches_zero || t.min1 == t.min2) continue;
    const std::int64_t other = t.min1 == zero ? t.min2 : t.min1;
    if (above_zero >= 1e-12 && above_zero <= 1e-10 &&
        back.minima[other].energy < back.minima[zero].energy - 0.1) {
      ++soft;
      paper += std::abs(above_zero - 0.1425e-10) <= 0.00005e-10;
      std::printf(
          "soft transition state %.6e above the zero minimum, joins it to minimum %lld "
          "(E = %.12f)\n",
          above_zero, static_cast<long long>(other), back.minima[other].energy);
    }
  }
  EXPECT_GE(soft, 1) << "no transition state 1e-12..1e-10 above the zero minimum joining it to "
                        "a fitting minimum";
  EXPECT_GE(paper, 1) << "none at the paper's 0.1425e-10";
}

TEST(ConnectEdgeCases, FewerThanTwoMinimaIsAlreadyConnected) {
  db::Landscape land;
  land.model = xor_spec(2, 1e-4);
  land.dataset = xor_dataset();
  const MlpLoss loss(land.dataset, land.model);
  db::LandscapeIndex index(land);
  const ConnectResult r = connect_all(loss, index, two_threads());
  EXPECT_EQ(r.status, ConnectStatus::Connected);
  EXPECT_EQ(r.stats.attempts, 0);
  EXPECT_TRUE(land.transition_states.empty());
}

TEST(ConnectEdgeCases, PairOutOfRangeAndBadOptionsAreNamed) {
  db::Landscape land = bh_landscape(2, 1e-4);
  const MlpLoss loss(land.dataset, land.model);
  db::LandscapeIndex index(land);
  const auto n = static_cast<std::int64_t>(land.minima.size());
  try {
    connect_pair(loss, index, 0, n, two_threads());
    ADD_FAILURE() << "no exception for minimum " << n;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(n)), std::string::npos) << e.what();
  }
  EXPECT_THROW(connect_pair(loss, index, -1, 0, two_threads()), std::invalid_argument);
  ConnectOptions bad = two_threads();
  bad.path.max_pushoff = 0;
  try {
    connect_all(loss, index, bad);
    ADD_FAILURE() << "no exception for max_pushoff = 0";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("max_pushoff"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(land.transition_states.empty()) << "nothing stored before validation";
}

/// A callback that returns false stops the run after the first batch, with status Stopped and
/// whatever was stored still valid.
TEST(ConnectEdgeCases, CallbackStopsTheRun) {
  db::Landscape land = bh_landscape(2, 1e-4);
  const MlpLoss loss(land.dataset, land.model);
  db::LandscapeIndex index(land);
  int calls = 0;
  const ConnectResult r = connect_all(loss, index, two_threads(), [&](const ConnectStats&) {
    ++calls;
    return false;
  });
  EXPECT_EQ(r.status, ConnectStatus::Stopped);
  EXPECT_EQ(calls, 1);
  verify_transition_states(loss, land);
}

}  // namespace
