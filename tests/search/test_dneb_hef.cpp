// DNEB + hybrid eigenvector-following on the Mueller-Brown surface: the derivatives, the
// published stationary points, the band candidates, their refinement to the two saddles, the
// descent to the three minima and single-ended searches from the minima.

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>

#include "lossland/model/mueller_brown.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"
#include "lossland/search/dneb.hpp"
#include "lossland/search/hef.hpp"

namespace lossland {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

Eigen::VectorXd vec(double x, double y) {
  return Eigen::Vector2d(x, y);
}
Eigen::VectorXd vec(const Eigen::Vector2d& v) {
  return v;
}

/// Index of the published point within `tol` (coordinates) of x, or -1.
int match(const std::vector<MuellerBrown::Point>& points, const Eigen::VectorXd& x, double tol) {
  for (size_t i = 0; i < points.size(); ++i)
    if ((x - vec(points[i].x)).cwiseAbs().maxCoeff() <= tol) return int(i);
  return -1;
}

TEST(MuellerBrown, DerivativesMatchCentralDifferences) {
  const MuellerBrown mb;
  const double h = 1e-5;
  for (const Eigen::VectorXd x : {vec(-0.5, 1.4), vec(0.6, 0.1), vec(-0.8, 0.6), vec(0.2, 0.3),
                                  vec(-1.3, -0.2), vec(0.9, 1.8)}) {
    Eigen::VectorXd g, g2, gp, gm;
    Eigen::MatrixXd H;
    const double e = mb.energy_gradient_hessian(x, g, H);
    EXPECT_DOUBLE_EQ(e, mb.energy(x));
    EXPECT_DOUBLE_EQ(e, mb.energy_gradient(x, g2));
    EXPECT_EQ(g, g2);
    EXPECT_EQ(H, H.transpose());
    for (int i = 0; i < 2; ++i) {
      Eigen::VectorXd dx = Eigen::VectorXd::Zero(2);
      dx[i] = h;
      const double fd_g = (mb.energy(x + dx) - mb.energy(x - dx)) / (2 * h);
      EXPECT_NEAR(g[i], fd_g, 1e-6 * (1 + std::abs(g[i])))
          << "grad " << i << " at " << x.transpose();
      mb.energy_gradient(x + dx, gp);
      mb.energy_gradient(x - dx, gm);
      const Eigen::VectorXd fd_h = (gp - gm) / (2 * h);
      for (int j = 0; j < 2; ++j)
        EXPECT_NEAR(H(j, i), fd_h[j], 1e-6 * (1 + std::abs(H(j, i))))
            << "hess " << j << "," << i << " at " << x.transpose();
    }
  }
}

/// Converges the published points (minimize for minima, HEF for saddles) and checks them.
TEST(MuellerBrown, PublishedStationaryPointsConverge) {
  const MuellerBrown mb;
  for (const auto& m : MuellerBrown::minima()) {
    const MinimizerResult r = minimize(mb, vec(m.x));
    ASSERT_TRUE(r.converged()) << r.message;
    EXPECT_LT((r.x - vec(m.x)).cwiseAbs().maxCoeff(), 1e-4);
    EXPECT_NEAR(r.energy, m.energy, 1e-3);
    EXPECT_EQ(classify(mb, r.x).kind, PointKind::Minimum);
  }
  for (const auto& s : MuellerBrown::saddles()) {
    const HefResult r = hef(mb, vec(s.x));
    ASSERT_TRUE(r.converged()) << r.message;
    EXPECT_LE(r.grad_rms, 1e-10);
    EXPECT_LT((r.x - vec(s.x)).cwiseAbs().maxCoeff(), 1e-4);
    EXPECT_NEAR(r.energy, s.energy, 1e-3);
    EXPECT_TRUE(is_transition_state(mb, r.x, 1e-10, kDefaultEigenCutoff));
    std::printf("saddle (%.6f, %.6f) E = %.6f lowest eigenvalue %.3f\n", r.x[0], r.x[1], r.energy,
                r.eigenvalue);
  }
  // A minimum is not a transition state, nor is a non-stationary point.
  EXPECT_FALSE(is_transition_state(mb, vec(MuellerBrown::minima()[0].x), 1.0));
  EXPECT_FALSE(is_transition_state(mb, vec(-0.8, 0.6), 1e-6));
}

/// DNEB between two minima, HEF from every candidate: each must be the expected saddle.
void band_to_saddle(int from, int to, int expected_saddle) {
  const MuellerBrown mb;
  const auto& minima = MuellerBrown::minima();
  const Eigen::VectorXd a = minimize(mb, vec(minima[from].x)).x;
  const Eigen::VectorXd b = minimize(mb, vec(minima[to].x)).x;
  auto t0 = Clock::now();
  const DnebResult band = dneb(mb, a, b);
  const double band_ms = ms_since(t0);
  ASSERT_TRUE(band.converged()) << band.message;
  const int n = dneb_image_count(a, b, DnebOptions{});
  ASSERT_EQ(int(band.images.size()), n + 2);
  ASSERT_EQ(band.energies.size(), band.images.size());
  EXPECT_EQ(band.images.front(), a);
  EXPECT_EQ(band.images.back(), b);
  EXPECT_LE(band.rms_force, DnebOptions{}.rms_tolerance);
  ASSERT_FALSE(band.candidates.empty());
  std::printf("DNEB %d->%d: %d images, %d iterations, %.2f ms, %zu candidate(s), top E = %.4f\n",
              from, to, n, band.iterations, band_ms, band.candidates.size(),
              band.energies[band.candidates[0]]);
  for (size_t c = 0; c + 1 < band.candidates.size(); ++c)
    EXPECT_GE(band.energies[band.candidates[c]], band.energies[band.candidates[c + 1]]);
  for (const int c : band.candidates) {
    EXPECT_GT(band.energies[c], band.energies[c - 1]);
    EXPECT_GT(band.energies[c], band.energies[c + 1]);
    t0 = Clock::now();
    const HefResult ts = hef(mb, band.images[c]);
    const double hef_ms = ms_since(t0);
    ASSERT_TRUE(ts.converged()) << ts.message;
    EXPECT_TRUE(is_transition_state(mb, ts.x, 1e-10, kDefaultEigenCutoff));
    EXPECT_LT(ts.eigenvalue, 0.0);
    const auto& s = MuellerBrown::saddles()[expected_saddle];
    EXPECT_LT((ts.x - vec(s.x)).cwiseAbs().maxCoeff(), 1e-4) << ts.x.transpose();
    EXPECT_NEAR(ts.energy, s.energy, 1e-3);
    std::printf(
        "  HEF from image %d: %d iterations (%d EF, %d tangent, %d extra evals), "
        "rms %.1e, %.3f ms\n",
        c, ts.iterations, ts.ef_iterations, ts.tangent_iterations, ts.function_evaluations,
        ts.grad_rms, hef_ms);
  }
}

TEST(Dneb, Minimum0ToMinimum2GivesSaddle0) {
  band_to_saddle(0, 2, 0);
}
TEST(Dneb, Minimum2ToMinimum1GivesSaddle1) {
  band_to_saddle(2, 1, 1);
}

/// With a climbing image and a tight force tolerance the top image itself converges onto the
/// saddle (the published coordinates are rounded to 1e-6).
TEST(Dneb, ClimbingImageReachesTheSaddle) {
  const MuellerBrown mb;
  const auto& minima = MuellerBrown::minima();
  DnebOptions opt;
  opt.climbing_image = true;
  opt.rms_tolerance = 1e-6;
  const int ends[2][2] = {{0, 2}, {2, 1}};
  for (int s = 0; s < 2; ++s) {
    const DnebResult band = dneb(mb, vec(minima[ends[s][0]].x), vec(minima[ends[s][1]].x), opt);
    ASSERT_TRUE(band.converged()) << band.message;
    ASSERT_FALSE(band.candidates.empty());
    const int top = band.candidates[0];
    const auto& saddle = MuellerBrown::saddles()[s];
    EXPECT_LT((band.images[top] - vec(saddle.x)).cwiseAbs().maxCoeff(), 1e-5);
    EXPECT_NEAR(band.energies[top], saddle.energy, 1e-5);
    std::printf("climbing DNEB %d->%d: %d iterations to RMS force %.1e\n", ends[s][0], ends[s][1],
                band.iterations, band.rms_force);
  }
}

/// Iteration caps are statuses with a message, not throws.
TEST(Dneb, IterationCapsAreReported) {
  const MuellerBrown mb;
  const auto& minima = MuellerBrown::minima();
  DnebOptions bopt;
  bopt.max_iterations = 3;
  const DnebResult band = dneb(mb, vec(minima[0].x), vec(minima[2].x), bopt);
  EXPECT_EQ(band.status, DnebStatus::MaxIterations);
  EXPECT_EQ(band.iterations, 3);
  EXPECT_GT(band.rms_force, bopt.rms_tolerance);
  EXPECT_FALSE(band.message.empty());
  HefOptions hopt;
  hopt.max_iterations = 2;
  const HefResult ts = hef(mb, vec(-0.7, 0.8), hopt);
  EXPECT_EQ(ts.status, HefStatus::MaxIterations);
  EXPECT_EQ(ts.iterations, 2);
  EXPECT_GT(ts.grad_rms, hopt.rms_tolerance);
  EXPECT_FALSE(ts.message.empty());
}

TEST(Dneb, ImageCountFollowsDensity) {
  DnebOptions opt;
  const Eigen::VectorXd a = vec(0, 0);
  EXPECT_EQ(dneb_image_count(a, vec(1.04, 0), opt), 10);
  EXPECT_EQ(dneb_image_count(a, vec(0.1, 0), opt), 3);  // min_images
  EXPECT_EQ(dneb_image_count(a, vec(30, 0), opt), 50);  // max_images
  opt.image_density = 20;
  EXPECT_EQ(dneb_image_count(a, vec(0, 1.0), opt), 20);
}

/// Single-ended: from each minimum, pushed off either way along its softest mode. Every search
/// must end either converged at one of the two saddles (an index-one point above the minimum) or
/// with a failure status, never a false convergence. From minima 1 and 2 all four walks must
/// converge. From minimum 0 the lowest-mode walk climbs the wall near (-1.8, 1.6), where the
/// lowest eigenvalue stays positive (the surface has no other saddle: a Newton scan of
/// [-2.5, 1.5] x [-1, 2.5] finds only the five published points), and ends LostMode.
TEST(Hef, SingleEndedFromEachMinimumAlongTheSoftestMode) {
  const MuellerBrown mb;
  int converged = 0;
  for (int m = 0; m < 3; ++m) {
    const Eigen::VectorXd xm = minimize(mb, vec(MuellerBrown::minima()[m].x)).x;
    const Classification c = classify(mb, xm, kDefaultEigenCutoff, true);
    ASSERT_EQ(c.kind, PointKind::Minimum);
    const Eigen::VectorXd soft = c.eigenvectors.col(0);
    for (const double sign : {1.0, -1.0}) {
      const auto t0 = Clock::now();
      const HefResult ts = hef(mb, xm + sign * 1e-3 * soft, {}, sign * soft);
      const double ms = ms_since(t0);
      const int saddle = match(MuellerBrown::saddles(), ts.x, 1e-4);
      std::printf(
          "single-ended from minimum %d (%+g): %s, saddle %d at (%.6f, %.6f) E = %.6f, "
          "%d iterations (%d EF, %d tangent), %.3f ms\n",
          m, sign, to_string(ts.status).c_str(), saddle, ts.x[0], ts.x[1], ts.energy, ts.iterations,
          ts.ef_iterations, ts.tangent_iterations, ms);
      if (ts.converged()) {
        ++converged;
        EXPECT_TRUE(is_transition_state(mb, ts.x, 1e-10, kDefaultEigenCutoff));
        EXPECT_GE(saddle, 0);
        EXPECT_GT(ts.energy, c.energy);
      } else {
        EXPECT_FALSE(is_transition_state(mb, ts.x, 1e-6, kDefaultEigenCutoff));
        EXPECT_TRUE(ts.status == HefStatus::LostMode || ts.status == HefStatus::MaxIterations)
            << ts.message;
        EXPECT_FALSE(ts.message.empty());
        EXPECT_EQ(m, 0) << "minimum " << m << " (" << sign << "): " << ts.message;
      }
    }
  }
  EXPECT_GE(converged, 4);
}

/// `fn` must throw std::invalid_argument whose message names `field`.
void expect_names(const std::function<void()>& fn, const std::string& field) {
  try {
    fn();
    ADD_FAILURE() << "no exception for " << field;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(Options, ValidateNamesTheField) {
  EXPECT_NO_THROW(DnebOptions{}.validate());
  EXPECT_NO_THROW(HefOptions{}.validate());
  auto dneb_with = [](auto edit) {
    return [edit] {
      DnebOptions o;
      edit(o);
      o.validate();
    };
  };
  expect_names(dneb_with([](DnebOptions& o) { o.image_density = 0; }), "image_density");
  expect_names(dneb_with([](DnebOptions& o) { o.min_images = 0; }), "min_images");
  expect_names(dneb_with([](DnebOptions& o) { o.max_images = 2000; }), "max_images");
  expect_names(dneb_with([](DnebOptions& o) { o.spring_constant = -1; }), "spring_constant");
  expect_names(dneb_with([](DnebOptions& o) { o.rms_tolerance = 0; }), "rms_tolerance");
  expect_names(dneb_with([](DnebOptions& o) { o.max_iterations = 0; }), "max_iterations");
  expect_names(dneb_with([](DnebOptions& o) { o.lbfgs_memory = 0; }), "lbfgs_memory");
  expect_names(dneb_with([](DnebOptions& o) { o.max_step = 0; }), "max_step");
  auto hef_with = [](auto edit) {
    return [edit] {
      HefOptions o;
      edit(o);
      o.validate();
    };
  };
  expect_names(hef_with([](HefOptions& o) { o.rms_tolerance = 1; }), "rms_tolerance");
  expect_names(hef_with([](HefOptions& o) { o.eigen_cutoff = 0; }), "eigen_cutoff");
  expect_names(hef_with([](HefOptions& o) { o.max_iterations = 0; }), "max_iterations");
  expect_names(hef_with([](HefOptions& o) { o.trust_radius = 10; }), "trust_radius");
  expect_names(hef_with([](HefOptions& o) { o.min_trust_radius = 0; }), "min_trust_radius");
  expect_names(hef_with([](HefOptions& o) { o.max_trust_radius = 1e-9; }), "max_trust_radius");
  expect_names(hef_with([](HefOptions& o) { o.tangent_steps = -1; }), "tangent_steps");
  expect_names(hef_with([](HefOptions& o) { o.lbfgs_memory = 0; }), "lbfgs_memory");
  expect_names(hef_with([](HefOptions& o) { o.max_positive_iterations = 0; }),
               "max_positive_iterations");
  // The entry points validate too.
  const MuellerBrown mb;
  DnebOptions bad_band;
  bad_band.spring_constant = 0;
  expect_names([&] { dneb(mb, vec(0, 0), vec(1, 0), bad_band); }, "spring_constant");
  HefOptions bad_hef;
  bad_hef.tangent_steps = 5000;
  expect_names([&] { hef(mb, vec(0, 0), bad_hef); }, "tangent_steps");
}

}  // namespace
}  // namespace lossland
