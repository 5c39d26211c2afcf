#include "lossland/search/dneb.hpp"
#include "optimize/two_loop.hpp"
#include "util/require.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lossland {

namespace {

/// The band: fixed endpoints, N interior images stored as one vector X (N blocks of P).
class Band {
 public:
  Band(const Loss& loss, const Eigen::VectorXd& start, const Eigen::VectorXd& end, int n,
       const DnebOptions& opt)
      : loss_(loss), opt_(opt), p_(loss.dim()), n_(n), x_(n + 2), e_(n + 2), g_(n + 2) {
    x_.front() = start;
    x_.back() = end;
    e_.front() = loss.energy_gradient(start, g_.front());
    e_.back() = loss.energy_gradient(end, g_.back());
  }

  /// Linear interpolation between the endpoints, as one vector.
  Eigen::VectorXd interpolate() const {
    Eigen::VectorXd X(n_ * p_);
    for (int i = 1; i <= n_; ++i)
      X.segment(block(i), p_) = x_.front() + (x_.back() - x_.front()) * (double(i) / (n_ + 1));
    return X;
  }

  /// NEB gradient (minus the NEB force) of all interior images at X; false if non-finite.
  bool gradient(const Eigen::VectorXd& X, Eigen::VectorXd& G) {
    for (int i = 1; i <= n_; ++i) {
      x_[i] = X.segment(block(i), p_);
      e_[i] = loss_.energy_gradient(x_[i], g_[i]);
      if (!std::isfinite(e_[i]) || !g_[i].allFinite()) return false;
    }
    climber_ = 0;
    if (opt_.climbing_image)
      climber_ = int(std::max_element(e_.begin() + 1, e_.end() - 1) - e_.begin());
    G.resize(n_ * p_);
    for (int i = 1; i <= n_; ++i) G.segment(block(i), p_) = image_gradient(i);
    return true;
  }

  int climber() const { return climber_; }
  const std::vector<Eigen::VectorXd>& images() const { return x_; }
  const std::vector<double>& energies() const { return e_; }

 private:
  int block(int i) const { return (i - 1) * p_; }

  /// Henkelman-Jonsson improved tangent at interior image i (normalised).
  Eigen::VectorXd tangent(int i) const {
    const Eigen::VectorXd tp = x_[i + 1] - x_[i], tm = x_[i] - x_[i - 1];
    const double ep = e_[i + 1], e0 = e_[i], em = e_[i - 1];
    Eigen::VectorXd t;
    if (ep > e0 && e0 > em) {
      t = tp;
    } else if (ep < e0 && e0 < em) {
      t = tm;
    } else {  // extremum: weight the neighbour differences by the energy differences
      const double dmax = std::max(std::abs(ep - e0), std::abs(em - e0));
      const double dmin = std::min(std::abs(ep - e0), std::abs(em - e0));
      t = ep > em ? Eigen::VectorXd(tp * dmax + tm * dmin) : Eigen::VectorXd(tp * dmin + tm * dmax);
    }
    const double norm = t.norm();
    return norm > 0 ? Eigen::VectorXd(t / norm) : Eigen::VectorXd(tp.normalized());
  }

  Eigen::VectorXd image_gradient(int i) const {
    const Eigen::VectorXd tau = tangent(i);
    const Eigen::VectorXd& g = g_[i];
    if (i == climber_) return g - 2 * g.dot(tau) * tau;  // climb along tau, no springs
    const Eigen::VectorXd g_perp = g - g.dot(tau) * tau;
    const double k = opt_.spring_constant;
    const double stretch = (x_[i + 1] - x_[i]).norm() - (x_[i] - x_[i - 1]).norm();
    Eigen::VectorXd G = g_perp - k * stretch * tau;
    if (opt_.doubly_nudged) {
      const Eigen::VectorXd gs = k * (2 * x_[i] - x_[i + 1] - x_[i - 1]);
      const Eigen::VectorXd gs_perp = gs - gs.dot(tau) * tau;
      const double gnorm = g_perp.norm();
      if (gnorm > 0) {
        const Eigen::VectorXd u = g_perp / gnorm;
        G += gs_perp - gs_perp.dot(u) * u;
      }
    }
    return G;
  }

  const Loss& loss_;
  const DnebOptions& opt_;
  int p_, n_, climber_ = 0;
  std::vector<Eigen::VectorXd> x_;
  std::vector<double> e_;
  std::vector<Eigen::VectorXd> g_;
};

}  // namespace

std::string to_string(DnebStatus s) {
  switch (s) {
    case DnebStatus::Converged:
      return "converged";
    case DnebStatus::MaxIterations:
      return "max-iterations";
    case DnebStatus::NonFinite:
      return "non-finite";
  }
  return "unknown";
}

void DnebOptions::validate() const {
  const detail::FieldCheck require("DnebOptions");
  require(image_density > 0 && image_density <= 1e4, "image_density", "in (0, 1e4]");
  require(min_images >= 1 && min_images <= max_images, "min_images", "in [1, max_images]");
  require(max_images >= min_images && max_images <= 1000, "max_images", "in [min_images, 1000]");
  require(spring_constant > 0 && spring_constant <= 1e8, "spring_constant", "in (0, 1e8]");
  require(rms_tolerance > 0 && std::isfinite(rms_tolerance), "rms_tolerance", "> 0");
  require(max_iterations >= 1 && max_iterations <= 10000000, "max_iterations", "in [1, 1e7]");
  require(lbfgs_memory >= 1 && lbfgs_memory <= 100, "lbfgs_memory", "in [1, 100]");
  require(max_step > 0 && std::isfinite(max_step), "max_step", "> 0");
}

int dneb_image_count(const Eigen::VectorXd& start, const Eigen::VectorXd& end,
                     const DnebOptions& options) {
  const double n = std::round(options.image_density * (end - start).norm());
  return int(std::clamp(n, double(options.min_images), double(options.max_images)));
}

DnebResult dneb(const Loss& loss, const Eigen::VectorXd& start, const Eigen::VectorXd& end,
                const DnebOptions& options) {
  options.validate();
  const int p = loss.dim();
  if (start.size() != p || end.size() != p)
    throw std::invalid_argument("dneb: the endpoints must have " + std::to_string(p) + " entries");
  const int n = dneb_image_count(start, end, options);
  Band band(loss, start, end, n, options);
  DnebResult r;

  Eigen::VectorXd X = band.interpolate(), G, X_new, G_new;
  bool finite = band.gradient(X, G);
  // H0 scaling 1; the per-image step cap sets the first step's length.
  detail::LbfgsMemory lbfgs(options.lbfgs_memory, 1.0);
  int climber = band.climber();
  auto rms_force = [&](const Eigen::VectorXd& v) { return v.norm() / std::sqrt(double(v.size())); };

  while (finite) {
    r.rms_force = rms_force(G);
    if (r.rms_force <= options.rms_tolerance) {
      r.status = DnebStatus::Converged;
      break;
    }
    if (r.iterations >= options.max_iterations) {
      r.status = DnebStatus::MaxIterations;
      r.message = "RMS NEB force " + std::to_string(r.rms_force) + " above tolerance after " +
                  std::to_string(r.iterations) + " iterations";
      break;
    }
    Eigen::VectorXd d = lbfgs.direction(G);
    if (d.dot(G) >= 0) {  // uphill along the force: forget the curvature pairs
      lbfgs.forget();
      d = lbfgs.scaled_descent(G);
    }
    double longest = 0.0;  // largest single-image displacement
    for (int i = 0; i < n; ++i) longest = std::max(longest, d.segment(i * p, p).norm());
    if (longest > options.max_step) d *= options.max_step / longest;

    X_new = X + d;
    finite = band.gradient(X_new, G_new);
    ++r.iterations;
    if (!finite) break;
    if (band.climber() != climber) {  // a different image climbs: the force field changed
      lbfgs.forget();
      climber = band.climber();
    } else {
      lbfgs.remember(d, G_new - G);
    }
    X.swap(X_new);
    G.swap(G_new);
  }
  if (!finite) {
    r.status = DnebStatus::NonFinite;
    r.message = "an image reached a non-finite energy or gradient";
    band.gradient(X, G);  // restore the last finite band
  }

  r.images = band.images();
  r.energies = band.energies();
  for (int i = 1; i <= n; ++i)
    if (r.energies[i] > r.energies[i - 1] && r.energies[i] > r.energies[i + 1])
      r.candidates.push_back(i);
  std::sort(r.candidates.begin(), r.candidates.end(),
            [&](int a, int b) { return r.energies[a] > r.energies[b]; });
  return r;
}

}  // namespace lossland
