#pragma once
/// \file
/// Doubly-nudged elastic band (S. A. Trygubenko and D. J. Wales, J. Chem. Phys. 120, 2082
/// (2004)) between two minima: a chain of images whose local energy maxima are candidates for
/// transition-state refinement by hybrid eigenvector-following (hef.hpp).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "lossland/model/loss.hpp"

namespace lossland {

/// Options of dneb(). Distances are Euclidean in parameter space.
struct DnebOptions {
  /// Interior images per unit endpoint distance (pele: 10). Range (0, 1e4].
  double image_density = 10.0;
  /// Fewest interior images. Range [1, max_images].
  int min_images = 3;
  /// Most interior images (pele: 50). Range [min_images, 1000].
  int max_images = 50;
  /// Spring constant k of the band, in energy / distance^2. Range (0, 1e8].
  double spring_constant = 100.0;
  /// Add the doubly-nudged component (Trygubenko & Wales Eq. 8); false gives plain NEB with the
  /// improved tangent.
  bool doubly_nudged = true;
  /// Climbing image (Henkelman, Uberuaga, Jonsson, J. Chem. Phys. 113, 9901 (2000)): the highest
  /// interior image feels -F + 2 (F.tau) tau and no springs. Off by default: DNEB only has to
  /// supply candidates, HEF converges them.
  bool climbing_image = false;
  /// Convergence: RMS of the NEB force over all interior coordinates at or below this.
  /// Range (0, inf).
  double rms_tolerance = 1e-2;
  /// L-BFGS iteration cap (one band force evaluation each). Range [1, 1e7].
  int max_iterations = 2000;
  /// L-BFGS history length. Range [1, 100].
  int lbfgs_memory = 8;
  /// Largest displacement of any single image in one L-BFGS step. Range (0, inf).
  double max_step = 0.02;

  /// Throws std::invalid_argument naming the offending field and its range.
  void validate() const;
};

enum class DnebStatus {
  Converged,      ///< RMS NEB force <= rms_tolerance
  MaxIterations,  ///< iteration cap reached first
  NonFinite,      ///< an image reached a point where E or its gradient is NaN/inf
};
std::string to_string(DnebStatus s);

struct DnebResult {
  DnebStatus status = DnebStatus::MaxIterations;
  std::string message;
  std::vector<Eigen::VectorXd> images;  ///< N + 2 points, endpoints included (unchanged)
  std::vector<double> energies;         ///< E of each image
  double rms_force = 0.0;               ///< final RMS NEB force
  int iterations = 0;                   ///< L-BFGS steps taken
  /// Indices into `images` of the interior images whose energy is above both neighbours,
  /// highest energy first: the transition-state candidates.
  std::vector<int> candidates;
  bool converged() const { return status == DnebStatus::Converged; }
};

/// Interior image count: round(image_density * |end - start|) clamped to [min_images,
/// max_images].
int dneb_image_count(const Eigen::VectorXd& start, const Eigen::VectorXd& end,
                     const DnebOptions& options);

/// Relaxes a band from `start` to `end` (the caller aligns symmetric endpoints first). Images are
/// placed by linear interpolation and moved together by an L-BFGS without line search
/// (GMIN/OPTIM style, because the NEB force is not the gradient of any function).
///
/// The NEB gradient of interior image i (G = -F; g_i = dE/dx at x_i) is
///   G_i = g_perp + G_s_par + G_dneb,
///   g_perp = g_i - (g_i.tau) tau,
///   G_s_par = -k (|x_{i+1} - x_i| - |x_i - x_{i-1}|) tau,
///   G_dneb = G_s_perp - (G_s_perp.u) u,  u = g_perp / |g_perp|,
///   G_s_perp = G_s - (G_s.tau) tau,  G_s = k (2 x_i - x_{i+1} - x_{i-1}),
/// with tau the Henkelman-Jonsson improved tangent (J. Chem. Phys. 113, 9978 (2000)): the
/// uphill neighbour difference on a monotonic stretch, an energy-weighted mix at extrema.
/// Throws std::invalid_argument for bad options or sizes; numerical trouble is a status.
DnebResult dneb(const Loss& loss, const Eigen::VectorXd& start, const Eigen::VectorXd& end,
                const DnebOptions& options = {});

}  // namespace lossland
