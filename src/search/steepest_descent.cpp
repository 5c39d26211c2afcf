#include "lossland/search/steepest_descent.hpp"
#include "util/require.hpp"

#include <fmt/format.h>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

namespace lossland {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// E, g and the eigendecomposition of the exact Hessian at one point, with F = U^T g.
struct Local {
  Eigen::VectorXd x;
  double E = 0.0;
  Eigen::VectorXd g, lam, F;
  Eigen::MatrixXd U;
  bool finite = true;
  /// Round-off modes (see suppress_roundoff_modes): F_i set to 0, and the step back onto the
  /// subspace, -F_i / lambda_i, kept here (eigenbasis; empty when none); held[i] marks them.
  Eigen::VectorXd recentre;
  std::vector<char> held;
};

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

/// Averages a point over the symmetries that fix the path (its exact subspace). The average
/// (1/|G|) sum_g g(x) is a linear map; it is assembled once as a sparse matrix (row k: the
/// coefficients of the parameters that the group's elements move to k), so applying it costs
/// its nonzeros, not |G| P.
class Projector {
 public:
  Projector() = default;
  explicit Projector(std::vector<ParameterMap> group) : group_(std::move(group)) {
    if (group_.size() < 2) return;
    const std::size_t P = group_.front().perm.size();
    const double w = 1.0 / static_cast<double>(group_.size());
    std::vector<std::map<int, double>> rows(P);
    for (const ParameterMap& g : group_)
      for (std::size_t k = 0; k < P; ++k) rows[k][g.perm[k]] += w * g.sign[k];
    start_.push_back(0);
    for (const auto& row : rows) {
      for (const auto& [j, c] : row)
        if (c != 0) entries_.push_back({j, c});
      start_.push_back(entries_.size());
    }
  }
  Eigen::VectorXd operator()(const Eigen::VectorXd& x) const {
    if (group_.size() < 2) return x;
    Eigen::VectorXd out(x.size());
    for (Eigen::Index k = 0; k < x.size(); ++k) {
      double sum = 0;
      for (std::size_t e = start_[k]; e < start_[k + 1]; ++e)
        sum += entries_[e].second * x[entries_[e].first];
      out[k] = sum;
    }
    return out;
  }
  const std::vector<ParameterMap>& group() const { return group_; }
  /// The elements that also fix the point x and the direction v.
  Projector fixing(const Eigen::VectorXd& x, const Eigen::VectorXd& v) const {
    std::vector<ParameterMap> kept;
    const double tx = 1e-8 * std::max(1.0, x.norm());
    for (const ParameterMap& g : group_)
      if ((g(x) - x).norm() <= tx && (g(v) - v).norm() <= 1e-6 * v.norm()) kept.push_back(g);
    return Projector(std::move(kept));
  }

 private:
  std::vector<ParameterMap> group_;
  std::vector<std::size_t> start_;               ///< row k's entries: [start_[k], start_[k+1])
  std::vector<std::pair<int, double>> entries_;  ///< (column, coefficient)
};

/// (1 - e^{-lambda t}) / lambda, the LQA's displacement per unit of -F_i (t for lambda = 0).
double phi(double lambda, double t) {
  if (t == kInf) return lambda > 0 ? 1 / lambda : kInf;
  const double a = lambda * t;
  return std::abs(a) < 1e-300 ? t : -std::expm1(-a) / lambda;
}

/// The LQA displacement in the eigenbasis after time t (t = inf: the model's stationary point
/// along the modes with lambda > 0; a mode with F_i = 0 never moves).
Eigen::VectorXd lqa_step(const Local& l, double t) {
  Eigen::VectorXd d(l.F.size());
  for (Eigen::Index i = 0; i < d.size(); ++i) d[i] = l.F[i] == 0 ? 0.0 : -l.F[i] * phi(l.lam[i], t);
  if (l.recentre.size() != 0) d += l.recentre;
  return d;
}

/// The time at which the LQA path from l is a distance h from its start (|d(t)| grows with t),
/// to a relative 1e-6 in t: h is only the error control's target length, and the step taken is
/// the model's exact displacement at the t returned, so t needs no more digits.
/// Returns inf when the model's path never gets that far (it ends at the model's minimum).
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

/// Arc length of the LQA path over [0, t]: integral of |g(tau)| = sqrt(sum F_i^2 e^{-2 lambda_i
/// tau)}, by Simpson's rule on geometrically growing panels (the integrand varies on the scales
/// 1/lambda_i, from the stiffest mode to the softest).
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

/// Newton steps -H^-1 g (valid at any non-degenerate stationary point) from l while they shrink
/// the gradient: to the rounding floor, or at most max_iterations. Returns the best point seen.
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

/// Eigenvector u oriented so that its entry of largest magnitude is > 0; among entries whose
/// magnitudes agree to a relative 1e-8 (in a symmetric subspace entries come in pairs of equal
/// magnitude, equal only up to round-off) the first decides, so that round-off cannot flip the
/// orientation, and with it which of two twin minima a path names first.
Eigen::VectorXd oriented(const Eigen::VectorXd& u) {
  const double big = u.cwiseAbs().maxCoeff();
  Eigen::Index k = 0;
  while (k + 1 < u.size() && std::abs(u[k]) < big * (1 - 1e-8)) ++k;
  return u[k] < 0 ? Eigen::VectorXd(-u) : u;
}

/// The push-off from the stationary point l along the unit eigenvector u of eigenvalue lambda
/// (see PathOptions::max_pushoff), or 0 when none qualifies.
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

}  // namespace

void downsample_path(std::vector<PathPoint>& pts, int n) {
  if (static_cast<int>(pts.size()) <= n) return;
  const double s0 = pts.front().s, s1 = pts.back().s;
  std::vector<PathPoint> kept{pts.front()};
  std::size_t at = 0;
  for (int k = 1; k + 1 < n; ++k) {
    const double want = s0 + (s1 - s0) * k / (n - 1);
    while (at + 1 < pts.size() && pts[at + 1].s <= want) ++at;
    if (at > 0 && at + 1 < pts.size() && (kept.size() < 2 || pts[at].s > kept.back().s))
      kept.push_back(pts[at]);
  }
  kept.push_back(pts.back());
  pts = std::move(kept);
}

namespace {

/// Closest approach to the model's stationary point x* = x - H^-1 g along the model path:
/// d(t)^2 = sum_i (F_i / lambda_i)^2 e^{-2 lambda_i t}, which is convex in t. Returns
/// (t*, d(t*)); t* = 0 when the path is moving away from x*.
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

/// The branch points a side has branched at (energy, coordinates): a path that runs into one
/// again, or into one equivalent to it under `same` (see descend_saddle), is a revisit.
struct Visited {
  std::vector<std::pair<double, Eigen::VectorXd>> points;
  const SamePointFn* same = nullptr;
};

bool visited(const Visited& seen, const Local& b) {
  const double tx = 1e-7 * std::max(1.0, b.x.norm());
  const double te = 1e-12 * std::max(1.0, std::abs(b.E));
  for (const auto& [E, x] : seen.points)
    if (std::abs(E - b.E) <= te &&
        ((x - b.x).norm() <= tx || (seen.same && *seen.same && (*seen.same)(x, b.x))))
      return true;
  return false;
}

void follow(const Loss& loss, const Eigen::VectorXd& origin, const Eigen::VectorXd& x0, double s0,
            double h0, int depth, const PathOptions& o, const Projector& proj, Visited& seen,
            DescentPath& out);

/// The directions a branch point's paths leave along: its `index` negative eigenvectors, except
/// that within a cluster of equal eigenvalues (relative 1e-8; symmetric copies of one mode, e.g.
/// two dead nodes) the solver's basis is arbitrary, so the cluster's eigenspace gets a basis of
/// its own: the projections of the coordinate axes, picked greedily by largest remaining norm
/// (first axis among equals) and orthonormalised. It depends on the eigenspace alone, and for
/// symmetric copies it gives one direction per copy.
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

/// Branches at the stationary point b (index >= 1): both directions of each negative mode.
/// A direction that a symmetry fixing b maps from one already followed is not followed again:
/// its path is that symmetry's image of the earlier one (exactly, as g leaves E unchanged).
void branch(const Loss& loss, const Local& b, double s, int depth, const PathOptions& o,
            const Projector& proj, Visited& seen, DescentPath& out) {
  out.branched = true;
  out.end = stationary(b, o.eigen_cutoff);
  if (o.reuse_branch_points && visited(seen, b)) {
    out.revisit = true;
    out.status = DescentStatus::Minimum;
    return;
  }
  seen.points.push_back({b.E, b.x});
  if (depth >= o.max_branch_depth) {
    out.status = DescentStatus::BranchDepth;
    out.message = "branch points nested deeper than " + std::to_string(o.max_branch_depth);
    return;
  }
  out.status = DescentStatus::Minimum;
  const Eigen::MatrixXd dirs = branch_directions(b, out.end.index);
  std::vector<Eigen::VectorXd> followed;
  for (int j = 0; j < out.end.index; ++j) {
    for (const double sign : {1.0, -1.0}) {
      DescentPath child;
      const Eigen::VectorXd u = sign * oriented(dirs.col(j));
      bool done = false;
      for (std::size_t q = 0; o.reuse_branch_points && q < followed.size() && !done; ++q)
        for (const ParameterMap& g : proj.group())
          if ((g(followed[q]) - u).norm() <= 1e-8) {
            const DescentPath& original = out.branches[q];
            child.image_of = static_cast<int>(q);
            child.image_map = g;
            child.status = original.status;
            child.message = original.message;
            child.branched = original.branched;
            child.revisit = original.revisit;
            child.length = original.length;
            child.end = original.end;
            child.end.x = g(original.end.x);
            done = true;
            break;
          }
      followed.push_back(u);
      if (done) {
        out.branches.push_back(std::move(child));
        continue;
      }
      const double lambda = u.dot(b.U * (b.lam.asDiagonal() * (b.U.transpose() * u)));
      const double d = pushoff(loss, b, u, lambda, o);
      if (d == 0) {
        child.status = DescentStatus::PushoffFailed;
        child.message = "no push-off from the branch point resolves its mode " + std::to_string(j);
      } else {
        child.points.push_back({s, b.E, b.x});
        const Projector sub = proj.fixing(b.x, u);
        follow(loss, b.x, sub(b.x + d * u), s + d, d, depth + 1, o, sub, seen, child);
      }
      out.steps += child.steps;
      out.hessians += child.hessians;
      if (!child.ok() && out.ok()) {
        out.status = child.status;
        out.message = child.message;
      }
      out.branches.push_back(std::move(child));
    }
  }
}

/// A path in a symmetric subspace (two equal hidden nodes, a dead node, inputs treated alike)
/// stays in it exactly and runs into the subspace's higher-index point; in floating point its
/// gradient along the point's negative modes is round-off, which the instability would amplify
/// into an arbitrary exit. A negative mode i whose offset from the subspace, |F_i / lambda_i|,
/// is at most subspace_tolerance max(1, |x|) is such a mode: its F_i is set to zero and the step
/// moves the point back onto the subspace (by -F_i / lambda_i), so round-off cannot accumulate.
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

/// Follows the path from x0, pushed off the stationary point `origin`, to its end.
void follow(const Loss& loss, const Eigen::VectorXd& origin, const Eigen::VectorXd& x0, double s0,
            double h0, int depth, const PathOptions& o, const Projector& proj, Visited& seen,
            DescentPath& out) {
  // A stationary point closer to the origin than half the push-off is the origin itself (on
  // very soft modes the push-off lowers E by less than its round-off).
  const double near_origin = 0.5 * (x0 - origin).norm();
  Local l = evaluate(loss, x0, out.hessians);
  suppress_roundoff_modes(l, o);
  double s = s0, h = std::clamp(h0, o.min_step, o.max_step);
  out.points.push_back({s, l.E, l.x});
  auto finish = [&](DescentStatus st, std::string why) {
    out.status = st;
    out.message = std::move(why);
    out.length = s - s0;
    downsample_path(out.points, o.max_saved_points);
  };
  for (int step = 0;; ++step) {
    if (!l.finite)
      return finish(DescentStatus::NonFinite, "E, gradient or Hessian became non-finite");
    if (step >= o.max_steps)
      return finish(DescentStatus::MaxSteps, "no minimum after " + std::to_string(o.max_steps) +
                                                 " steps (RMS gradient " +
                                                 std::to_string(rms(l.g)) + ")");
    const bool morse = !(l.lam.array().abs() <= o.eigen_cutoff).any();
    // Already at a stationary point (the gradient at the polish tolerance): the path ends here,
    // in a minimum, or at a point of index >= 1 where it branches.
    // (Not the origin: on a very soft mode the push-off's gradient can be that small too.)
    Local b;
    if (step > 0 && rms(l.g) <= o.rms_tolerance && morse &&
        ((b = newton_polish(loss, l, o, out.hessians)).x - origin).norm() > near_origin) {
      out.points.push_back({s, b.E, b.x});
      out.end = stationary(b, o.eigen_cutoff);
      if (out.end.index > 0) {
        out.length = s - s0;
        downsample_path(out.points, o.max_saved_points);
        return branch(loss, b, s, depth, o, proj, seen, out);
      }
      return finish(DescentStatus::Minimum, "");
    }
    // Running into a stationary point of index >= 1: branch there.
    if (morse && l.lam[0] < -o.eigen_cutoff) {
      const double to_star = (l.F.array() / l.lam.array()).matrix().norm();
      if (to_star <= h) {
        const auto [t_star, d_min] = closest_approach(l);
        if (t_star > 0 && d_min <= o.branch_radius) {
          b = newton_polish(loss, l, o, out.hessians);
          b = evaluate(loss, proj(b.x), out.hessians);
          const PathStationary bs = stationary(b, o.eigen_cutoff);
          if (bs.grad_rms <= o.rms_tolerance && bs.index >= 1 &&
              !(b.lam.array().abs() <= o.eigen_cutoff).any() &&
              (b.x - origin).norm() > near_origin) {
            s += (b.x - l.x).norm();
            out.points.push_back({s, b.E, b.x});
            out.length = s - s0;
            downsample_path(out.points, o.max_saved_points);
            return branch(loss, b, s, depth, o, proj, seen, out);
          }
        }
      }
    }
    // One LQA step of length h (t = inf: to the model's minimum).
    const double t = lqa_time(l, h);
    const bool newton = t == kInf;
    if (newton && !(morse && l.lam[0] > o.eigen_cutoff)) {
      if (morse || l.g.norm() == 0)
        return finish(DescentStatus::NonMorse,
                      "the path ended at a stationary point of index " +
                          std::to_string(int((l.lam.array() < 0).count())));
      return finish(DescentStatus::NonMorse, "the path ended where the Hessian is singular");
    }
    const Eigen::VectorXd d = lqa_step(l, t);
    Local next = evaluate(loss, proj(l.x + l.U * d), out.hessians);
    Eigen::VectorXd g_model = Eigen::VectorXd::Zero(l.F.size());
    if (!newton)
      for (Eigen::Index i = 0; i < d.size(); ++i) g_model[i] = l.F[i] * std::exp(-l.lam[i] * t);
    double err = kInf;
    if (next.finite && newton) {
      // Inside the basin the Newton step shrinks the gradient quadratically; at the rounding
      // floor (RMS gradient at the polish tolerance) it is converged already.
      err = rms(next.g) <= o.rms_tolerance ? 0.0 : next.g.norm() / std::max(l.g.norm(), 1e-300);
    } else if (next.finite) {
      // Position error of the step: the model's gradient residual r acts as a force on the
      // path; along mode i it displaces the end by about r_i phi(lambda_i, t) (r grows from 0
      // at the start, so its mean is ~ r_end / 3). Soft modes, along which these paths travel,
      // weigh in with 1/lambda_i, where a plain gradient comparison would hide them.
      // A mode held to the subspace (round-off) is not integrated: the residual there only
      // offsets the point by r_i / lambda_i, which the next step removes, whereas r_i phi(lambda_i,
      // t) would count the round-off as if it grew like e^{|lambda_i| t}.
      const Eigen::VectorXd r = l.U.transpose() * (next.g - l.U * g_model);
      double e2 = 0;
      for (Eigen::Index i = 0; i < r.size(); ++i) {
        const bool held = !l.held.empty() && l.held[static_cast<std::size_t>(i)];
        e2 += std::pow(held ? r[i] / l.lam[i] : r[i] * phi(l.lam[i], t), 2);
      }
      err = std::sqrt(e2) / 3 / std::max(d.norm(), 1e-300);
    }
    const double noise = 1e-14 * std::max(1.0, std::abs(l.E));
    if (next.finite && err <= o.step_tolerance && next.E <= l.E + noise) {
      s += lqa_arc_length(l, t);
      ++out.steps;
      if (newton) {  // inside the minimum's quadratic basin: converge it
        l = newton_polish(loss, std::move(next), o, out.hessians);
        out.points.push_back({s, l.E, l.x});
        out.end = stationary(l, o.eigen_cutoff);
        if (out.end.index != 0 || out.end.grad_rms > o.rms_tolerance ||
            (l.lam.array() <= o.eigen_cutoff).any())
          return finish(DescentStatus::NotStationary,
                        "Newton steps from the minimum's basin stalled at RMS gradient " +
                            std::to_string(out.end.grad_rms));
        return finish(DescentStatus::Minimum, "");
      }
      l = std::move(next);
      suppress_roundoff_modes(l, o);
      out.points.push_back({s, l.E, l.x});
      h = std::min(o.max_step,
                   h * std::min(2.0, 0.9 * std::sqrt(o.step_tolerance / std::max(err, 1e-300))));
    } else {
      const double shrink = err < kInf ? 0.9 * std::sqrt(o.step_tolerance / err) : 0.1;
      h = (newton ? std::min(h, d.norm()) : h) * std::clamp(shrink, 0.1, 0.5);
      if (h < o.min_step)
        return finish(DescentStatus::StepTooSmall,
                      fmt::format("the step fell below {:g} (RMS gradient {:.3g}, lowest "
                                  "eigenvalue {:.3g})",
                                  o.min_step, rms(l.g), l.lam[0]));
    }
  }
}

/// Follows a branch's image_of chain to the branch that has a path of its own; `map` becomes
/// the symmetry that carries that branch onto branch k (nullopt: k has its own path).
std::size_t resolve_image(const std::vector<DescentPath>& branches, std::size_t k,
                          std::optional<ParameterMap>& map) {
  map.reset();
  while (branches[k].image_of >= 0) {
    map = map ? map->after(branches[k].image_map) : branches[k].image_map;
    k = static_cast<std::size_t>(branches[k].image_of);
  }
  return k;
}

/// A stationary point, or path points, carried by a symmetry (the spectrum is unchanged).
PathStationary carried(PathStationary p, const std::optional<ParameterMap>& g) {
  if (g) p.x = (*g)(p.x);
  return p;
}

/// Appends d's points (without the first, which its parent ends with, unless `first`).
void append_points(const DescentPath& d, const std::optional<ParameterMap>& g, bool first,
                   std::vector<PathPoint>& to) {
  for (std::size_t k = first ? 0 : 1; k < d.points.size(); ++k) {
    to.push_back(d.points[k]);
    if (g) to.back().x = (*g)(to.back().x);
  }
}

/// Leaves below d, whose points are carried by g; prefix: the path so far (null: no paths).
void collect(const DescentPath& d, const std::optional<ParameterMap>& g,
             std::vector<PathPoint>* prefix, std::vector<int>& route, int depth, double branch_E,
             std::vector<DescentLeaf>& out) {
  if (prefix) append_points(d, g, prefix->empty(), *prefix);
  if (!d.branched) {
    if (d.ok()) {
      out.push_back({carried(d.end, g), {}, depth, branch_E, route});
      if (prefix) out.back().path = *prefix;
    }
  } else if (!d.revisit) {
    for (std::size_t k = 0; k < d.branches.size(); ++k) {
      std::optional<ParameterMap> m;
      const DescentPath& b = d.branches[resolve_image(d.branches, k, m)];
      // The symmetry from the original branch to this point: first m, then the one above.
      std::optional<ParameterMap> total = g;
      if (m) total = g ? g->after(*m) : *m;
      route.push_back(static_cast<int>(k));
      if (prefix) {
        std::vector<PathPoint> p = *prefix;
        collect(b, total, &p, route, depth + 1, d.end.energy, out);
      } else {
        collect(b, total, nullptr, route, depth + 1, d.end.energy, out);
      }
      route.pop_back();
    }
  }
}

}  // namespace

std::string to_string(DescentStatus s) {
  switch (s) {
    case DescentStatus::Minimum:
      return "minimum";
    case DescentStatus::MaxSteps:
      return "max-steps";
    case DescentStatus::StepTooSmall:
      return "step-too-small";
    case DescentStatus::NonMorse:
      return "non-morse";
    case DescentStatus::BranchDepth:
      return "branch-depth";
    case DescentStatus::PushoffFailed:
      return "pushoff-failed";
    case DescentStatus::NotStationary:
      return "not-stationary";
    case DescentStatus::NonFinite:
      return "non-finite";
  }
  return "unknown";
}

void PathOptions::validate() const {
  const detail::FieldCheck require("PathOptions");
  require(step_tolerance > 0 && step_tolerance <= 0.5, "step_tolerance", "in (0, 0.5]");
  require(max_step > 0 && max_step <= 10, "max_step", "in (0, 10]");
  require(min_step > 0 && min_step <= initial_step, "min_step", "in (0, initial_step]");
  require(initial_step >= min_step && initial_step <= max_step, "initial_step",
          "in [min_step, max_step]");
  require(max_steps >= 1 && max_steps <= 10000000, "max_steps", "in [1, 1e7]");
  require(max_pushoff > 0 && max_pushoff <= 1, "max_pushoff", "in (0, 1]");
  require(eigen_cutoff > 0 && eigen_cutoff <= 1e-3, "eigen_cutoff", "in (0, 1e-3]");
  require(rms_tolerance > 0 && rms_tolerance <= 1e-6, "rms_tolerance", "in (0, 1e-6]");
  require(max_newton_iterations >= 1 && max_newton_iterations <= 1000, "max_newton_iterations",
          "in [1, 1000]");
  require(branch_radius > 0 && branch_radius <= 1e-2, "branch_radius", "in (0, 1e-2]");
  require(pushoff_tolerance > 0 && pushoff_tolerance <= 0.5, "pushoff_tolerance", "in (0, 0.5]");
  require(subspace_tolerance >= 0 && subspace_tolerance <= 1e-6, "subspace_tolerance",
          "in [0, 1e-6]");
  require(max_branch_depth >= 0 && max_branch_depth <= 16, "max_branch_depth", "in [0, 16]");
  require(max_saved_points >= 2 && max_saved_points <= 1000000, "max_saved_points", "in [2, 1e6]");
}

std::vector<DescentLeaf> leaves(const DescentPath& d, bool with_paths) {
  std::vector<DescentLeaf> out;
  std::vector<int> route;
  std::vector<PathPoint> prefix;
  collect(d, std::nullopt, with_paths ? &prefix : nullptr, route, 0, 0.0, out);
  return out;
}

std::vector<PathPoint> leaf_path(const DescentPath& d, const DescentLeaf& leaf) {
  std::vector<PathPoint> path;
  std::optional<ParameterMap> g;
  const DescentPath* at = &d;
  append_points(*at, g, true, path);
  for (const int k : leaf.route) {
    if (k < 0 || static_cast<std::size_t>(k) >= at->branches.size())
      throw std::invalid_argument("leaf_path: the leaf's route does not fit the descent");
    std::optional<ParameterMap> m;
    const DescentPath& b =
        at->branches[resolve_image(at->branches, static_cast<std::size_t>(k), m)];
    if (m) g = g ? g->after(*m) : *m;
    at = &b;
    append_points(*at, g, false, path);
  }
  return path;
}

std::size_t representative_leaf(const std::vector<DescentLeaf>& l) {
  if (l.empty()) throw std::invalid_argument("representative_leaf: a descent without minima");
  std::size_t best = 0;
  for (std::size_t k = 1; k < l.size(); ++k) {
    const double a = l[k].minimum.energy, b = l[best].minimum.energy;
    if (a < b - 1e-12 * std::max(1.0, std::abs(b))) best = k;
  }
  return best;
}

PathStationary polish_stationary(const Loss& loss, const Eigen::VectorXd& x, const PathOptions& o) {
  o.validate();
  int hessians = 0;
  const Local l = evaluate(loss, x, hessians);
  if (!l.finite) return stationary(l, o.eigen_cutoff);
  return stationary(newton_polish(loss, l, o, hessians), o.eigen_cutoff);
}

SaddleDescent descend_saddle(const Loss& loss, const Eigen::VectorXd& ts, const PathOptions& o,
                             const std::vector<ParameterMap>& symmetries,
                             const SamePointFn& same_point) {
  o.validate();
  if (ts.size() != loss.dim())
    throw std::invalid_argument("descend_saddle: the saddle has " + std::to_string(ts.size()) +
                                " coordinates, the loss " + std::to_string(loss.dim()));
  SaddleDescent r;
  int hessians = 0;
  Local l = evaluate(loss, ts, hessians);
  if (!l.finite) {
    r.status = DescentStatus::NonFinite;
    r.message = "E, gradient or Hessian is non-finite at the saddle";
    return r;
  }
  l = newton_polish(loss, std::move(l), o, hessians);
  r.saddle = stationary(l, o.eigen_cutoff);
  if (r.saddle.index != 1 || (l.lam.array().abs() <= o.eigen_cutoff).any()) {
    r.status = DescentStatus::NotStationary;
    r.message =
        "the start is not an index-one saddle (index " + std::to_string(r.saddle.index) + ")";
    return r;
  }
  r.status = DescentStatus::Minimum;
  for (int side = 0; side < 2; ++side) {
    DescentPath& p = r.side[side];
    const double sign = side == 0 ? 1.0 : -1.0;
    const double d = pushoff(loss, l, sign * oriented(l.U.col(0)), l.lam[0], o);
    if (d == 0) {
      p.status = DescentStatus::PushoffFailed;
      p.message =
          "no push-off is both small against the turning of the negative mode and large "
          "against the saddle's residual gradient";
    } else {
      p.points.push_back({0.0, l.E, l.x});
      const Eigen::VectorXd v = sign * oriented(l.U.col(0));
      const Projector proj = Projector(symmetries).fixing(l.x, v);
      Visited seen;
      seen.same = &same_point;
      follow(loss, l.x, proj(l.x + d * v), d, d, 0, o, proj, seen, p);
    }
    if (side == 0) p.hessians += hessians;
    if (!p.ok() && r.ok()) {
      r.status = p.status;
      r.message = (side == 0 ? "+ side: " : "- side: ") + p.message;
    }
  }
  return r;
}

}  // namespace lossland
