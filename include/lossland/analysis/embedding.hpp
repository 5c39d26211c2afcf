#pragma once
/// \file
/// Embedding (Mehta, Zhao, Bernal & Wales, Phys. Rev. E 97, 052307 (2018), Sec. II and App. A): a
/// stationary point of the N_h-node loss, padded with hidden nodes whose incoming weights, bias and
/// outgoing weights are all zero, is a stationary point of the larger loss (tanh(0) = 0 kills every
/// new gradient component and the penalty's 2 lambda w vanishes there). Its Hessian index there can
/// grow: the paper states that the minimal (2-node) XOR network embedded in N_h nodes is a saddle
/// of index N_h - 2.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/optimize/stationary.hpp"

namespace lossland::analysis {

/// The model `spec` with `hidden` hidden nodes (everything else equal).
ModelSpec with_hidden(const ModelSpec& spec, int hidden);

/// Pads w (canonical layout of `spec`) with zero nodes up to `into_hidden` hidden nodes: the old
/// nodes keep their indices 0..H-1, W, b, V of the new nodes are zero, c is unchanged.
/// Throws std::invalid_argument when into_hidden < H or w has the wrong size.
Eigen::VectorXd embed_point(const ModelSpec& spec, const Eigen::VectorXd& w, int into_hidden);

struct EmbeddingOptions {
  /// The padded point counts as stationary when its RMS gradient is at or below this.
  /// Range (0, 1). Stored points are converged to ~1e-11; padding adds only exact zeros.
  double stationary_rms = 1e-8;
  /// Zero-eigenvalue cutoff of the classification (Mehta et al. 2018: 1e-9). Range (0, 1e-3].
  double eigen_cutoff = kDefaultEigenCutoff;
  void validate() const;
};

/// One embedded point.
struct EmbeddedPoint {
  std::int64_t id = -1;          ///< row in /minima or /transition_states
  bool is_minimum = true;        ///< kind in the original landscape
  double energy = 0.0;           ///< E of the padded point in the larger landscape
  double original_energy = 0.0;  ///< stored E (equal to rounding for tanh)
  double grad_rms = 0.0;         ///< RMS gradient of the padded point
  /// max_r |g_r(padded) - g_r(original, padded with zeros)|: 0 up to rounding when the
  /// embedding theorem holds.
  double gradient_change = 0.0;
  bool stationary = false;  ///< grad_rms <= options.stationary_rms
  int index = 0;            ///< eigenvalues below -cutoff
  int num_zero = 0;         ///< eigenvalues in [-cutoff, cutoff]
  int original_index = 0;   ///< index of the stored point in its own landscape
  PointKind kind = PointKind::NonMorse;
  double lowest_eigenvalue = 0.0;
};

/// Embeds one point of `landscape` into `into_hidden` nodes and classifies it.
EmbeddedPoint embed_and_classify(const db::Landscape& landscape, const Eigen::VectorXd& w,
                                 int into_hidden, const EmbeddingOptions& options = {});

/// Every minimum, then every transition state, of the landscape embedded into `into_hidden`.
std::vector<EmbeddedPoint> embed_landscape(const db::Landscape& landscape, int into_hidden,
                                           const EmbeddingOptions& options = {});

}  // namespace lossland::analysis
