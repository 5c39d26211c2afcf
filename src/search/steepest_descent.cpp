/// Steepest-descent paths from a transition state to the minima it connects, stepped with the
/// local quadratic approximation (search/lqa.hpp) and branching at higher-index stationary points
/// (see steepest_descent.hpp).
#include "lossland/search/steepest_descent.hpp"
#include "util/require.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "search/lqa.hpp"
#include "search/symmetry_projector.hpp"

namespace lossland {

using namespace detail::descent;

namespace {

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
