/// The local model of the steepest-descent path follower; see lqa.hpp.
#include "search/lqa.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace lossland::detail::descent {

Local evaluate(const Loss& loss, const Eigen::VectorXd& x, int& hessians) {
  Local l;
  l.x = x;
  Eigen::MatrixXd H;
  l.E = loss.energy_gradient_hessian(x, l.g, H);
  ++hessians;
  l.finite = std::isfinite(l.E) && l.g.allFinite() && H.allFinite();
  if (!l.finite) return l;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(H);
  l.lam = eig.eigenvalues();
  l.U = eig.eigenvectors();
  l.F = l.U.transpose() * l.g;
  return l;
}

double phi(double lambda, double t) {
  if (t == kInf) return lambda > 0 ? 1 / lambda : kInf;
  const double a = lambda * t;
  return std::abs(a) < 1e-300 ? t : -std::expm1(-a) / lambda;
}

Eigen::VectorXd lqa_step(const Local& l, double t) {
  Eigen::VectorXd d(l.F.size());
  for (Eigen::Index i = 0; i < d.size(); ++i) d[i] = l.F[i] == 0 ? 0.0 : -l.F[i] * phi(l.lam[i], t);
  if (l.recentre.size() != 0) d += l.recentre;
  return d;
}

double lqa_time(const Local& l, double h) {
  const double gnorm = l.F.norm();
  if (!(gnorm > 0)) return kInf;
  const Eigen::VectorXd far = lqa_step(l, kInf);
  if (far.allFinite() && far.norm() <= h) return kInf;
  double lo = 0.0, hi = h / gnorm;
  for (int k = 0; k < 4000 && lqa_step(l, hi).norm() < h; ++k) hi *= 2;
  for (int k = 0; k < 200; ++k) {
    const double mid = (lo == 0 || hi / lo < 4) ? 0.5 * (lo + hi) : std::sqrt(lo * hi);
    if (lqa_step(l, mid).norm() < h)
      lo = mid;
    else
      hi = mid;
    if (hi - lo <= 1e-6 * hi) break;
  }
  return hi;
}

double lqa_arc_length(const Local& l, double t) {
  auto speed = [&](double tau) {
    double s = 0;
    for (Eigen::Index i = 0; i < l.F.size(); ++i) {
      const double e = l.F[i] * std::exp(-l.lam[i] * tau);
      s += e * e;
    }
    return std::sqrt(s);
  };
  const double stiff = std::max(l.lam.cwiseAbs().maxCoeff(), 1e-300);
  double end = t;
  if (t == kInf) {  // the gradient has decayed by e^-40 along every positive mode
    const double soft = l.lam.minCoeff();
    if (!(soft > 0)) return kInf;
    end = 40 / soft;
  }
  double total = 0, a = 0, width = std::min(end, 1 / (64 * stiff));
  while (a < end) {
    const double b = std::min(end, a + width);
    const double m = 0.5 * (a + b), q1 = 0.5 * (a + m), q3 = 0.5 * (m + b);
    total += (b - a) / 12 *
             (speed(a) + 4 * speed(q1) + 2 * speed(m) + 4 * speed(q3) + speed(b));  // 4 panels
    a = b;
    width *= 2;
  }
  return total;
}

Local newton_polish(const Loss& loss, Local l, const PathOptions& o, int& hessians) {
  for (int it = 0; it < o.max_newton_iterations; ++it) {
    if ((l.lam.array().abs() <= o.eigen_cutoff).any()) break;
    const Eigen::VectorXd d = -(l.F.array() / l.lam.array()).matrix();
    Local next = evaluate(loss, l.x + l.U * d, hessians);
    if (!next.finite || !(next.g.norm() < 0.5 * l.g.norm())) {
      if (next.finite && next.g.norm() < l.g.norm()) l = std::move(next);
      break;
    }
    l = std::move(next);
  }
  return l;
}

PathStationary stationary(const Local& l, double cutoff) {
  PathStationary s;
  s.x = l.x;
  s.energy = l.E;
  s.grad_rms = rms(l.g);
  s.eigenvalues = l.lam;
  s.index = int((l.lam.array() < -cutoff).count());
  return s;
}

std::pair<double, double> closest_approach(const Local& l) {
  std::vector<std::pair<double, double>> terms;  // (lambda_i, (F_i / lambda_i)^2), F_i != 0
  for (Eigen::Index i = 0; i < l.F.size(); ++i)
    if (l.F[i] != 0) terms.push_back({l.lam[i], std::pow(l.F[i] / l.lam[i], 2)});
  auto deriv = [&](double t) {
    double d = 0;
    for (const auto& [lam, c] : terms) d += -2 * lam * c * std::exp(-2 * lam * t);
    return d;
  };
  auto dist = [&](double t) {
    double d = 0;
    for (const auto& [lam, c] : terms) d += c * std::exp(-2 * lam * t);
    return std::sqrt(d);
  };
  if (!(deriv(0) < 0)) return {0.0, dist(0)};
  double lo = 0, hi = 1 / std::max(l.lam.cwiseAbs().maxCoeff(), 1e-300);
  for (int k = 0; k < 200 && deriv(hi) < 0; ++k) hi *= 2;
  if (deriv(hi) < 0) return {hi, dist(hi)};  // converging onto x* along positive modes only
  for (int k = 0; k < 200 && hi - lo > 1e-12 * hi; ++k) {
    const double mid = 0.5 * (lo + hi);
    (deriv(mid) < 0 ? lo : hi) = mid;
  }
  return {hi, dist(hi)};
}

void suppress_roundoff_modes(Local& l, const PathOptions& o) {
  if (!l.finite || o.subspace_tolerance == 0) return;
  const double floor = o.subspace_tolerance * std::max(1.0, l.x.norm());
  for (Eigen::Index i = 0; i < l.F.size() && l.lam[i] < -o.eigen_cutoff; ++i) {
    const double offset = l.F[i] / l.lam[i];
    if (std::abs(offset) > floor) continue;
    if (l.recentre.size() == 0) {
      l.recentre = Eigen::VectorXd::Zero(l.F.size());
      l.held.assign(static_cast<std::size_t>(l.F.size()), 0);
    }
    l.recentre[i] = -offset;
    l.held[static_cast<std::size_t>(i)] = 1;
    l.F[i] = 0;
  }
}

Eigen::VectorXd oriented(const Eigen::VectorXd& u) {
  const double big = u.cwiseAbs().maxCoeff();
  Eigen::Index k = 0;
  while (k + 1 < u.size() && std::abs(u[k]) < big * (1 - 1e-8)) ++k;
  return u[k] < 0 ? Eigen::VectorXd(-u) : u;
}

double pushoff(const Loss& loss, const Local& l, const Eigen::VectorXd& u, double lambda,
               const PathOptions& o) {
  const double to_exact = (l.F.array() / l.lam.array()).matrix().norm();
  // Large against the distance to the exact stationary point, and against the offsets that
  // suppress_roundoff_modes() treats as round-off.
  const double lowest =
      std::max(100 * to_exact, 100 * o.subspace_tolerance * std::max(1.0, l.x.norm()));
  Eigen::VectorXd g;
  double best = 0, best_err = kInf;
  for (int k = 0; k <= 60; ++k) {
    const double d = std::ldexp(o.max_pushoff, -k);
    if (d < lowest) break;
    const double E = loss.energy_gradient(l.x + d * u, g);
    if (!(E < l.E)) continue;
    const double err = (g - (l.g + lambda * d * u)).norm() / (std::abs(lambda) * d);
    if (err <= o.pushoff_tolerance) return d;  // the largest that qualifies
    if (err < best_err) best = d, best_err = err;
  }
  // None within the tolerance (a very soft mode, whose quadratic range is shorter than the
  // distance round-off allows): the most accurate one, while the mode has turned by < 30 deg.
  return best_err <= 0.5 ? best : 0.0;
}

Eigen::MatrixXd branch_directions(const Local& b, int index) {
  Eigen::MatrixXd dirs = b.U.leftCols(index);
  const double scale = std::max(b.lam.cwiseAbs().maxCoeff(), 1e-300);
  for (int a = 0; a < index;) {
    int e = a + 1;
    while (e < index && std::abs(b.lam[e] - b.lam[a]) <= 1e-8 * scale) ++e;
    if (e - a > 1) {
      const Eigen::MatrixXd Q = b.U.middleCols(a, e - a);  // orthonormal basis of the cluster
      Eigen::MatrixXd R = Q * Q.transpose();               // projector: columns Q Q^T e_k
      for (int c = a; c < e; ++c) {
        Eigen::Index best = 0;
        double best_norm = -1;
        for (Eigen::Index k = 0; k < R.cols(); ++k) {
          const double n = R.col(k).norm();
          if (n > best_norm * (1 + 1e-9)) best = k, best_norm = n;
        }
        const Eigen::VectorXd u = R.col(best) / best_norm;
        dirs.col(c) = u;
        R -= u * (u.transpose() * R);  // remove u from every remaining column
      }
    }
    a = e;
  }
  return dirs;
}

}  // namespace lossland::detail::descent
