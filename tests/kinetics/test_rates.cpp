#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <random>

#include <Eigen/Dense>

#include "kinetics/kinetics_test_util.hpp"
#include "lossland/kinetics/rates.hpp"
#include "lossland/kinetics/thermo.hpp"
#include "lossland/optimize/stationary.hpp"

using namespace lossland;
using namespace lossland::kinetics;

namespace {

/// A 2-D double well with a sheared valley: E(x, y) = g(x) + (kappa/2) (y - a x)^2 with
/// g(x) = (k/2)(|x| - 1)^2 for |x| >= 1/2 and k/4 - (k/2) x^2 inside (C1, exactly quadratic in
/// each piece, so the harmonic rate has only exponentially small corrections at low T).
/// Minima (+-1, +-a), saddle (0, 0), barrier k/4. The shear couples x and y, so the saddle's
/// negative eigenvalue is not -k: Langer's |kappa_s| is tested, not a 1-D rate.
struct ShearedWell final : Loss {
  double k = 4, kappa = 4, a = 1;
  static double sgn(double x) { return x < 0 ? -1.0 : 1.0; }
  double g(double x) const {
    return std::abs(x) >= 0.5 ? 0.5 * k * (std::abs(x) - 1) * (std::abs(x) - 1)
                              : 0.25 * k - 0.5 * k * x * x;
  }
  double dg(double x) const { return std::abs(x) >= 0.5 ? k * (std::abs(x) - 1) * sgn(x) : -k * x; }
  double d2g(double x) const { return std::abs(x) >= 0.5 ? k : -k; }
  int dim() const override { return 2; }
  double energy(const Eigen::VectorXd& w) const override {
    const double u = w[1] - a * w[0];
    return g(w[0]) + 0.5 * kappa * u * u;
  }
  double energy_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) const override {
    const double u = w[1] - a * w[0];
    grad.resize(2);
    grad << dg(w[0]) - a * kappa * u, kappa * u;
    return energy(w);
  }
  double energy_gradient_hessian(const Eigen::VectorXd& w, Eigen::VectorXd& grad,
                                 Eigen::MatrixXd& hess) const override {
    hess.resize(2, 2);
    hess << d2g(w[0]) + kappa * a * a, -kappa * a, -kappa * a, kappa;
    return energy_gradient(w, grad);
  }
};

HarmonicLandscape harmonic(const Loss& loss, const std::vector<Eigen::Vector2d>& minima,
                           const Eigen::Vector2d& saddle) {
  HarmonicLandscape h;
  h.dimension = 2;
  for (const auto& m : minima) {
    const Classification c = classify(loss, m);
    EXPECT_EQ(c.kind, PointKind::Minimum);
    h.minima.push_back({c.energy, c.eigenvalues.array().log().sum(), 0, 0});
  }
  const Classification c = classify(loss, saddle);
  EXPECT_EQ(c.kind, PointKind::TransitionState);
  HarmonicTransitionState t;
  t.energy = c.energy;
  t.log_det = std::log(c.eigenvalues[1]);
  t.negative_eigenvalue = c.eigenvalues[0];
  t.min1 = 0;
  t.min2 = 1;
  h.transition_states.push_back(t);
  return h;
}

}  // namespace

TEST(Rates, ExplicitFormulas) {
  HarmonicLandscape h;
  h.dimension = 3;
  h.minima = {{0.1, std::log(2.0 * 3.0 * 5.0), 0, std::log(2.0)}, {0.3, std::log(7.0), 0, 0}};
  HarmonicTransitionState t;
  t.energy = 0.5;
  t.log_det = std::log(1.5 * 4.0);
  t.negative_eigenvalue = -0.8;
  t.log_order = 0;
  t.min1 = 0;
  t.min2 = 1;
  h.transition_states = {t};
  const double T = 0.07;
  const double boltz = std::exp(-(0.5 - 0.1) / T);
  const double over = 2.0 * (0.8 / (2 * M_PI)) * std::sqrt(30.0 / (0.8 * 6.0)) * boltz;
  const double inert = 2.0 / (2 * M_PI) * std::sqrt(30.0) / std::sqrt(6.0) * boltz;
  EXPECT_NEAR(std::exp(log_ts_rate(h, 0, true, T, Dynamics::Overdamped)) / over, 1.0, 1e-13);
  EXPECT_NEAR(std::exp(log_ts_rate(h, 0, true, T, Dynamics::Inertial)) / inert, 1.0, 1e-13);
  EXPECT_EQ(parse_dynamics("inertial"), Dynamics::Inertial);
  EXPECT_THROW(parse_dynamics("langevin"), std::invalid_argument);
}

TEST(Rates, DetailedBalanceParallelAndDegenerateTransitionStates) {
  for (Dynamics dyn : {Dynamics::Overdamped, Dynamics::Inertial})
    for (double T : {0.005, 0.05, 0.5}) {
      const HarmonicLandscape h = lossland::testing::random_landscape(8, 20, 5, 77, 50.0);
      const RateNetwork net = rate_network(h, T, dyn);
      EXPECT_LT(detailed_balance_violation(net), 1e-9) << to_string(dyn) << " T = " << T;
      // Every non-degenerate transition state adds its rate to its pair; degenerate ones none.
      int degenerate = 0;
      std::map<std::pair<std::int64_t, std::int64_t>, std::vector<double>> sums;
      for (std::size_t s = 0; s < h.transition_states.size(); ++s) {
        const auto& t = h.transition_states[s];
        if (t.min1 == t.min2) {
          ++degenerate;
          continue;
        }
        sums[{t.min1, t.min2}].push_back(log_ts_rate(h, s, true, T, dyn));
        sums[{t.min2, t.min1}].push_back(log_ts_rate(h, s, false, T, dyn));
      }
      EXPECT_EQ(net.degenerate_transition_states, degenerate);
      for (std::size_t i = 0; i < h.minima.size(); ++i) {
        EXPECT_EQ(net.log_k[i].count(static_cast<std::int64_t>(i)), 0u);
        for (const auto& [j, lk] : net.log_k[i])
          EXPECT_NEAR(lk, log_sum_exp(sums.at({static_cast<std::int64_t>(i), j})), 1e-12);
      }
    }
}

TEST(Rates, OverdampedRateMatchesBrownianDynamics) {
  // Brownian dynamics of dw = -grad E dt + sqrt(2T) dW at T = 0.2 (barrier / T = 5). Inside each
  // quadratic piece the equation is an Ornstein-Uhlenbeck process, propagated exactly over a
  // step dt: w' = w0 + e^{-H dt}(w - w0) + L xi, L L^T = T H^-1 (1 - e^{-2 H dt}), with the
  // piece chosen at the start of the step; the force is continuous across the joins and g''
  // jumps there, so steps that start near a join are split in ten. The walk
  // alternates between the minima; each passage from one to the other is a first-passage time
  // and their mean is 1/k. LOSSLAND_BD_EVENTS sets how many (default 300, under a second;
  // docs/kinetics.md reports a 4000-event run).
  const ShearedWell loss;
  const double T = 0.2, dt = 0.01;
  const HarmonicLandscape h = harmonic(loss, {{-1, -1}, {1, 1}}, {0, 0});
  const double k_langer = std::exp(log_ts_rate(h, 0, true, T, Dynamics::Overdamped));
  struct Piece {
    Eigen::Vector2d w0;
    Eigen::Matrix2d decay, chol;
  };
  // The exact propagators of the pieces (left well, saddle, right well) over a step h.
  auto make_pieces = [&](double h) {
    std::vector<Piece> out;
    for (double x0 : {-1.0, 0.0, 1.0}) {
      Eigen::VectorXd g;
      Eigen::MatrixXd H;
      const Eigen::Vector2d w0(x0, loss.a * x0);
      loss.energy_gradient_hessian(w0, g, H);
      const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eig(H);
      const Eigen::Vector2d lam = eig.eigenvalues();
      Eigen::Vector2d d, c;
      for (int r = 0; r < 2; ++r) {
        d[r] = std::exp(-lam[r] * h);
        c[r] = T * (1 - std::exp(-2 * lam[r] * h)) / lam[r];
      }
      const Eigen::Matrix2d V = eig.eigenvectors();
      const Eigen::Matrix2d cov = V * c.asDiagonal() * V.transpose();
      out.push_back({w0, V * d.asDiagonal() * V.transpose(), cov.llt().matrixL()});
    }
    return out;
  };
  constexpr int kSub = 10;  // steps near a join |x| = 1/2 are split in ten
  const std::vector<Piece> coarse = make_pieces(dt), fine = make_pieces(dt / kSub);
  const char* env = std::getenv("LOSSLAND_BD_EVENTS");
  const int events = env ? std::atoi(env) : 300;
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> nd;
  Eigen::Vector2d w(-1, -1);
  double t = 0, last = 0;
  int side = -1;  // the minimum last visited
  std::vector<double> passages;
  const auto start = std::chrono::steady_clock::now();
  while (static_cast<int>(passages.size()) < events) {
    const bool near_join = std::abs(std::abs(w[0]) - 0.5) < 0.15;
    for (int sub = 0; sub < (near_join ? kSub : 1); ++sub) {
      const Piece& p = (near_join ? fine : coarse)[w[0] <= -0.5 ? 0 : w[0] < 0.5 ? 1 : 2];
      const Eigen::Vector2d xi(nd(rng), nd(rng));
      w = p.w0 + p.decay * (w - p.w0) + p.chol * xi;
    }
    t += dt;
    if ((side < 0 && w[0] >= 1) || (side > 0 && w[0] <= -1)) {
      passages.push_back(t - last);
      last = t;
      side = -side;
    }
  }
  double mean = 0, var = 0;
  for (double q : passages) mean += q / events;
  for (double q : passages) var += (q - mean) * (q - mean) / (events - 1);
  const double sem = std::sqrt(var / events);
  const double k_bd = 1 / mean, k_err = sem / (mean * mean);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("Langer k = %.6g, Brownian dynamics k = %.6g +- %.2g (%d passages, %.1f s)\n",
              k_langer, k_bd, k_err, events, seconds);
  EXPECT_NEAR(k_bd, k_langer, 3 * k_err);
  // The 1-D rate (|kappa_s| = k, no shear) would be outside the error bars.
  const double k_1d = (loss.k / (2 * M_PI)) * std::exp(-1.0 / T);
  EXPECT_GT(std::abs(k_bd - k_1d), 3 * k_err);
}
