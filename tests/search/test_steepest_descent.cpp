// The steepest-descent path follower against independent truth: analytic surfaces whose
// saddles, paths and branch points are known in closed form, a fine explicit integration of
// dx/ds = -g/|g|, Mueller-Brown's published connections, and ends that do not move when the
// step tolerance is made 10x tighter.

#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <functional>

#include "lossland/model/mueller_brown.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/search/hef.hpp"
#include "lossland/search/steepest_descent.hpp"

namespace lossland {
namespace {

/// A 2-D surface from closed-form E, gradient and Hessian.
class Surface2D final : public Loss {
 public:
  using Fn = std::function<double(double, double, Eigen::Vector2d*, Eigen::Matrix2d*)>;
  explicit Surface2D(Fn f) : f_(std::move(f)) {}
  int dim() const override { return 2; }
  double energy(const Eigen::VectorXd& w) const override {
    return f_(w[0], w[1], nullptr, nullptr);
  }
  double energy_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) const override {
    Eigen::Vector2d gg;
    const double e = f_(w[0], w[1], &gg, nullptr);
    g = gg;
    return e;
  }
  double energy_gradient_hessian(const Eigen::VectorXd& w, Eigen::VectorXd& g,
                                 Eigen::MatrixXd& h) const override {
    Eigen::Vector2d gg;
    Eigen::Matrix2d hh;
    const double e = f_(w[0], w[1], &gg, &hh);
    g = gg;
    h = hh;
    return e;
  }

 private:
  Fn f_;
};

/// Symmetric under x -> -x: E = y^4/4 - y^3 + y^2 + (y - 1/2) x^2 + x^4. On the line x = 0,
/// E(0, y) has minima at y = 0 and y = 2 and a maximum at y = 1; the x-curvature 2y - 1 is
/// positive at y = 1 and 2 and negative at y = 0. So (0, 1) is an index-one saddle, (0, 2) a
/// minimum and (0, 0) an index-one saddle whose negative mode leaves the line; off the line the
/// minima solve x^2 = (1/2 - y)/2, y^3 - 3y^2 + (3/2) y + 1/4 = 0 (y < 1/2).
Surface2D symmetric_surface() {
  return Surface2D([](double x, double y, Eigen::Vector2d* g, Eigen::Matrix2d* h) {
    if (g) *g << 2 * (y - 0.5) * x + 4 * x * x * x, y * y * y - 3 * y * y + 2 * y + x * x;
    if (h) *h << 2 * (y - 0.5) + 12 * x * x, 2 * x, 2 * x, 3 * y * y - 6 * y + 2;
    return y * y * y * y / 4 - y * y * y + y * y + (y - 0.5) * x * x + x * x * x * x;
  });
}

/// Two concentric valleys: E = k (r - 1)^2 (r - 2)^2 + a cos(2 theta), rings at r = 1 and
/// r = 2 separated by a ridge at r = 3/2, with cos(2 theta) = (x^2 - y^2) / r^2. (1, 0) is an
/// index-one saddle (radial curvature 2k, tangential -4a) whose two paths run along the inner
/// ring to the minima (0, +-1). The straight line along its negative mode (x = 1) climbs over
/// the ridge and falls to its lowest point on the outer ring, so a quench from there ends at
/// (0, 2) or (0, -2): the funnel beyond.
Surface2D two_rings() {
  constexpr double k = 1.0, a = 0.5;
  return Surface2D([=](double x, double y, Eigen::Vector2d* g, Eigen::Matrix2d* h) {
    const double s = x * x + y * y, r = std::sqrt(s);
    const double u = (r - 1) * (r - 1) * (r - 2) * (r - 2);
    const double u1 = 2 * (r - 1) * (r - 2) * (2 * r - 3);
    const double u2 = 2 * ((r - 2) * (2 * r - 3) + (r - 1) * (2 * r - 3) + 2 * (r - 1) * (r - 2));
    const Eigen::Vector2d n(x / r, y / r);
    if (g) *g = k * u1 * n + a * Eigen::Vector2d(4 * x * y * y / (s * s), -4 * x * x * y / (s * s));
    if (h) {
      const Eigen::Matrix2d nn = n * n.transpose();
      *h = k * (u2 * nn + u1 / r * (Eigen::Matrix2d::Identity() - nn));
      const double s3 = s * s * s;
      (*h)(0, 0) += a * (4 * y * y / (s * s) - 16 * x * x * y * y / s3);
      (*h)(1, 1) += a * (-4 * x * x / (s * s) + 16 * x * x * y * y / s3);
      const double xy = a * (8 * x * y / (s * s) - 16 * x * y * y * y / s3);
      (*h)(0, 1) += xy;
      (*h)(1, 0) += xy;
    }
    return k * u + a * (x * x - y * y) / s;
  });
}

/// The analytic surfaces' derivatives against central differences (so the tests below rest on
/// the right surfaces).
void expect_derivatives(const Loss& E, const Eigen::VectorXd& x) {
  const double h = 1e-6;
  Eigen::VectorXd g, gp, gm;
  Eigen::MatrixXd H;
  E.energy_gradient_hessian(x, g, H);
  for (int i = 0; i < 2; ++i) {
    Eigen::VectorXd dx = Eigen::VectorXd::Zero(2);
    dx[i] = h;
    EXPECT_NEAR(g[i], (E.energy(x + dx) - E.energy(x - dx)) / (2 * h), 1e-7);
    E.energy_gradient(x + dx, gp);
    E.energy_gradient(x - dx, gm);
    EXPECT_NEAR((H.col(i) - (gp - gm) / (2 * h)).norm(), 0.0, 1e-6);
  }
}

TEST(SteepestDescent, AnalyticSurfacesHaveTheirDerivatives) {
  for (const Eigen::Vector2d& x :
       {Eigen::Vector2d(0.3, 0.7), Eigen::Vector2d(-1.2, 0.4), Eigen::Vector2d(1.1, -1.6)}) {
    expect_derivatives(symmetric_surface(), x);
    expect_derivatives(two_rings(), x);
  }
}

/// Independent truth: the path parameterised by arc length, dx/ds = -g/|g|, by classical RK4
/// with a fixed small step until |g| is tiny, then Newton to the minimum.
Eigen::VectorXd rk4_path_end(const Loss& loss, Eigen::VectorXd x, double ds, int max_steps) {
  auto f = [&](const Eigen::VectorXd& p) {
    const Eigen::VectorXd g = loss.gradient(p);
    return Eigen::VectorXd(-g / g.norm());
  };
  for (int k = 0; k < max_steps && loss.gradient(x).norm() > 1e-4; ++k) {
    const Eigen::VectorXd k1 = f(x), k2 = f(x + 0.5 * ds * k1), k3 = f(x + 0.5 * ds * k2),
                          k4 = f(x + ds * k3);
    x += ds / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  for (int k = 0; k < 50; ++k) x -= loss.hessian(x).ldlt().solve(loss.gradient(x));
  return x;
}

TEST(SteepestDescent, SymmetricPathBranchesAtTheHigherIndexPoint) {
  const Surface2D E = symmetric_surface();
  const SaddleDescent d = descend_saddle(E, Eigen::Vector2d(0, 1));
  ASSERT_TRUE(d.ok()) << d.message;
  EXPECT_NEAR(d.saddle.x[1], 1.0, 1e-12);
  // One side goes up the line to (0, 2); the other runs down the line into (0, 0), an index-one
  // point, and branches into the two mirror-image minima.
  const DescentPath* up = &d.side[0];
  const DescentPath* down = &d.side[1];
  if (up->branched) std::swap(up, down);
  ASSERT_FALSE(up->branched);
  EXPECT_NEAR(up->end.x[0], 0.0, 1e-12);
  EXPECT_NEAR(up->end.x[1], 2.0, 1e-10);
  ASSERT_TRUE(down->branched);
  EXPECT_EQ(down->end.index, 1);
  EXPECT_NEAR(down->end.x.norm(), 0.0, 1e-10);
  const std::vector<DescentLeaf> l = leaves(*down);
  ASSERT_EQ(l.size(), 2u);
  // The minima off the line, from the closed form (root of the cubic below 1/2).
  double y = -0.1;
  for (int k = 0; k < 100; ++k)
    y -= (y * y * y - 3 * y * y + 1.5 * y + 0.25) / (3 * y * y - 6 * y + 1.5);
  const double x = std::sqrt((0.5 - y) / 2);
  EXPECT_NEAR(l[0].minimum.x[0], x, 1e-9);  // + branch first: the eigenvector's largest entry > 0
  EXPECT_NEAR(l[1].minimum.x[0], -x, 1e-9);
  for (const auto& leaf : l) {
    EXPECT_NEAR(leaf.minimum.x[1], y, 1e-9);
    EXPECT_EQ(leaf.depth, 1);
    EXPECT_NEAR(leaf.branch_energy, 0.0, 1e-14);
    EXPECT_EQ(leaf.minimum.index, 0);
  }
  // Twins of equal energy: the first in branch order represents the side.
  EXPECT_EQ(representative_leaf(l), 0u);
  // The path's energy falls monotonically and its arc length grows.
  for (const auto& leaf : l)
    for (std::size_t k = 1; k < leaf.path.size(); ++k) {
      EXPECT_LE(leaf.path[k].energy, leaf.path[k - 1].energy + 1e-14);
      EXPECT_GT(leaf.path[k].s, leaf.path[k - 1].s);
    }
}

/// With the mirror x -> -x passed as a symmetry, the branch point's - branch is the image of
/// its + branch: not followed, yet it lists the mirror minimum and its path is the mirrored path.
TEST(SteepestDescent, MirrorImageBranchIsMappedNotFollowed) {
  const Surface2D E = symmetric_surface();
  ParameterMap identity{{0, 1}, {1, 1}}, mirror{{0, 1}, {-1, 1}};
  const SaddleDescent d = descend_saddle(E, Eigen::Vector2d(0, 1), {}, {identity, mirror});
  const SaddleDescent plain = descend_saddle(E, Eigen::Vector2d(0, 1));
  ASSERT_TRUE(d.ok()) << d.message;
  const DescentPath& down = d.side[0].branched ? d.side[0] : d.side[1];
  const DescentPath& plain_down = plain.side[0].branched ? plain.side[0] : plain.side[1];
  ASSERT_TRUE(down.branched);
  ASSERT_EQ(down.branches.size(), 2u);
  EXPECT_EQ(down.branches[0].image_of, -1);
  EXPECT_EQ(down.branches[1].image_of, 0);
  EXPECT_EQ(down.branches[1].steps, 0) << "an image costs no steps";
  EXPECT_GT(down.branches[0].steps, 0);
  EXPECT_LT(down.steps, plain_down.steps) << "the image saves the second branch's steps";
  const std::vector<DescentLeaf> l = leaves(down);
  const std::vector<DescentLeaf> p = leaves(plain_down);
  ASSERT_EQ(l.size(), 2u);
  ASSERT_EQ(p.size(), 2u);
  for (int k = 0; k < 2; ++k) {  // the same minima as following both branches
    EXPECT_NEAR((l[k].minimum.x - p[k].minimum.x).norm(), 0.0, 1e-9);
    EXPECT_EQ(l[k].route, std::vector<int>{k});
    // leaf_path() rebuilds what leaves(d, true) gives, for the followed and the mapped leaf.
    const std::vector<PathPoint> rebuilt = leaf_path(down, l[k]);
    ASSERT_EQ(rebuilt.size(), l[k].path.size());
    for (std::size_t q = 0; q < rebuilt.size(); ++q) EXPECT_EQ(rebuilt[q].x, l[k].path[q].x);
  }
  // The mapped path is the mirror image of the followed one, point for point.
  ASSERT_EQ(l[0].path.size(), l[1].path.size());
  for (std::size_t q = 0; q < l[0].path.size(); ++q) {
    EXPECT_EQ(l[1].path[q].x[0], -l[0].path[q].x[0]);
    EXPECT_EQ(l[1].path[q].x[1], l[0].path[q].x[1]);
    EXPECT_EQ(l[1].path[q].energy, l[0].path[q].energy);
  }
  // Without paths, the same leaves and routes.
  const std::vector<DescentLeaf> bare = leaves(down, false);
  ASSERT_EQ(bare.size(), 2u);
  EXPECT_TRUE(bare[1].path.empty());
  EXPECT_EQ(bare[1].minimum.x, l[1].minimum.x);
}

/// The mirror surface with its line direction made soft (E_yy = 2 eps at the branch point) and
/// then rotated, so that the path's subspace is not a coordinate axis and its unstable mode
/// carries round-off: the path creeps into the branch point over a long time t ~ 1/eps, during
/// which the held mode's round-off must not count as if it grew like e^{t}.
TEST(SteepestDescent, SoftApproachToABranchPointKeepsItsStepLength) {
  constexpr double eps = 1e-3, c = 0.8, s = 0.6;  // rotation by atan(3/4)
  const Surface2D E([=](double u, double v, Eigen::Vector2d* g, Eigen::Matrix2d* h) {
    const double x = c * u + s * v, y = -s * u + c * v;  // rotated coordinates
    Eigen::Vector2d gl(2 * (y - 0.5) * x + 4 * x * x * x,
                       eps * (y * y * y - 3 * y * y + 2 * y) + x * x);
    Eigen::Matrix2d hl;
    hl << 2 * (y - 0.5) + 12 * x * x, 2 * x, 2 * x, eps * (3 * y * y - 6 * y + 2);
    Eigen::Matrix2d R;  // d(x, y)/d(u, v)
    R << c, s, -s, c;
    if (g) *g = R.transpose() * gl;
    if (h) *h = R.transpose() * hl * R;
    return eps * (y * y * y * y / 4 - y * y * y + y * y) + (y - 0.5) * x * x + x * x * x * x;
  });
  // The saddle (x, y) = (0, 1), the branch point (0, 0), in (u, v) = R^T (x, y).
  const Eigen::Vector2d saddle(-s, c);
  const SaddleDescent d = descend_saddle(E, saddle);
  ASSERT_TRUE(d.ok()) << d.message;
  const DescentPath& down = d.side[0].branched ? d.side[0] : d.side[1];
  ASSERT_TRUE(down.branched);
  EXPECT_NEAR(down.end.x.norm(), 0.0, 1e-9);
  EXPECT_EQ(down.end.index, 1);
  const std::vector<DescentLeaf> l = leaves(down, false);
  ASSERT_EQ(l.size(), 2u);
  auto local = [&](const Eigen::VectorXd& w) {  // (x, y) of a point (u, v)
    return Eigen::Vector2d(c * w[0] + s * w[1], -s * w[0] + c * w[1]);
  };
  const Eigen::Vector2d m0 = local(l[0].minimum.x), m1 = local(l[1].minimum.x);
  EXPECT_NEAR(m0[0], -m1[0], 1e-8) << "mirror-image minima";
  EXPECT_NEAR(m0[1], m1[1], 1e-8);
  EXPECT_GT(std::abs(m0[0]), 1.0);
  // 407 steps; counting the held mode's round-off as integrated took 1029, its steps shrinking
  // as the path slowed down near the branch point.
  EXPECT_LT(down.steps, 600) << "steps to the branch point and below";
}

TEST(SteepestDescent, FollowsThePathWhereAQuenchLeavesIt) {
  const Surface2D E = two_rings();
  const SaddleDescent d = descend_saddle(E, Eigen::Vector2d(1, 0));
  ASSERT_TRUE(d.ok()) << d.message;
  for (int side = 0; side < 2; ++side) {
    const DescentPath& p = d.side[side];
    ASSERT_FALSE(p.branched);
    // The inner ring's minima, (0, +1) for the + side (the mode's largest entry, y, > 0).
    EXPECT_NEAR(p.end.x[0], 0.0, 1e-10);
    EXPECT_NEAR(p.end.x[1], side == 0 ? 1.0 : -1.0, 1e-10);
    // Independent truth: a fine RK4 integration from the same push-off.
    const Eigen::VectorXd truth = rk4_path_end(E, p.points[1].x, 1e-4, 200000);
    EXPECT_LT((p.end.x - truth).norm(), 1e-8) << truth.transpose();
    // The path is a quarter of the unit circle: arc length pi/2.
    EXPECT_NEAR(p.points.back().s, M_PI / 2, 1e-3);
  }
  // The older recipe: push off to the lowest point along the negative mode, then quench.
  double best_y = 0, best_E = E.energy(Eigen::Vector2d(1, 0));
  for (double y = 1e-3; y <= 3; y += 1e-3) {
    const double e = E.energy(Eigen::Vector2d(1, y));
    if (e < best_E) best_E = e, best_y = y;
  }
  const MinimizerResult q = minimize(E, Eigen::Vector2d(1, best_y));
  ASSERT_TRUE(q.converged());
  EXPECT_NEAR(std::abs(q.x[1]), 2.0, 1e-6)
      << "the quench should reach the outer ring: " << q.x.transpose();
}

TEST(SteepestDescent, MuellerBrownSaddlesJoinTheirPublishedMinima) {
  const MuellerBrown mb;
  const auto& minima = MuellerBrown::minima();
  auto which = [&](const Eigen::VectorXd& x) {
    for (std::size_t k = 0; k < minima.size(); ++k)
      if ((x - Eigen::VectorXd(minima[k].x)).norm() < 1e-5) return int(k);
    return -1;
  };
  const int expected[2][2] = {{0, 2}, {2, 1}};  // MuellerBrown::saddles()
  for (int s = 0; s < 2; ++s) {
    const SaddleDescent d = descend_saddle(mb, Eigen::VectorXd(MuellerBrown::saddles()[s].x));
    ASSERT_TRUE(d.ok()) << d.message;
    EXPECT_NEAR(d.saddle.energy, MuellerBrown::saddles()[s].energy, 1e-5);
    const int a = which(d.side[0].end.x), b = which(d.side[1].end.x);
    EXPECT_EQ(std::min(a, b), std::min(expected[s][0], expected[s][1])) << "saddle " << s;
    EXPECT_EQ(std::max(a, b), std::max(expected[s][0], expected[s][1])) << "saddle " << s;
    for (int side = 0; side < 2; ++side) {
      const Eigen::VectorXd truth = rk4_path_end(mb, d.side[side].points[1].x, 1e-4, 100000);
      EXPECT_LT((d.side[side].end.x - truth).norm(), 1e-8);
    }
  }
}

TEST(SteepestDescent, EndsDoNotMoveWhenTheStepToleranceIsTenTimesTighter) {
  const MuellerBrown mb;
  PathOptions loose, tight;
  tight.step_tolerance = loose.step_tolerance / 10;
  for (const auto& s : MuellerBrown::saddles()) {
    const SaddleDescent a = descend_saddle(mb, Eigen::VectorXd(s.x), loose);
    const SaddleDescent b = descend_saddle(mb, Eigen::VectorXd(s.x), tight);
    ASSERT_TRUE(a.ok() && b.ok());
    for (int side = 0; side < 2; ++side) {
      EXPECT_LT((a.side[side].end.x - b.side[side].end.x).norm(), 1e-10);
      EXPECT_GT(b.side[side].steps, a.side[side].steps);  // the tighter run took shorter steps
      // The path length converges with the tolerance: tol and tol/10 agree to tol relative.
      EXPECT_NEAR(a.side[side].length, b.side[side].length,
                  loose.step_tolerance * b.side[side].length);
    }
  }
}

TEST(SteepestDescent, ArcLengthOfAStraightPathIsItsChord) {
  // E = (x^2 + 100 y^2)/2 has saddle-free straight paths only along the axes; a saddle on
  // E = -x^2/2 + x^4/4 + y^2/2 leads along the x axis to x = +-1: arc length 1 exactly.
  const Surface2D E([](double x, double y, Eigen::Vector2d* g, Eigen::Matrix2d* h) {
    if (g) *g << -x + x * x * x, y;
    if (h) *h << -1 + 3 * x * x, 0, 0, 1;
    return -x * x / 2 + x * x * x * x / 4 + y * y / 2;
  });
  const SaddleDescent d = descend_saddle(E, Eigen::Vector2d(0, 0));
  ASSERT_TRUE(d.ok()) << d.message;
  for (int side = 0; side < 2; ++side) {
    EXPECT_NEAR(std::abs(d.side[side].end.x[0]), 1.0, 1e-12);
    EXPECT_NEAR(d.side[side].points.back().s, 1.0, 1e-6);
  }
  EXPECT_GT(d.side[0].end.x[0], 0);  // + side first
}

TEST(SteepestDescent, RejectsBadOptionsAndNonSaddles) {
  const MuellerBrown mb;
  PathOptions o;
  o.step_tolerance = 0;
  EXPECT_THROW(descend_saddle(mb, Eigen::Vector2d(0, 0), o), std::invalid_argument);
  EXPECT_THROW(descend_saddle(mb, Eigen::VectorXd::Zero(3)), std::invalid_argument);
  // A minimum is not a saddle: a status, not a throw.
  const SaddleDescent d = descend_saddle(mb, Eigen::VectorXd(MuellerBrown::minima()[0].x));
  EXPECT_EQ(d.status, DescentStatus::NotStationary);
}

}  // namespace
}  // namespace lossland
