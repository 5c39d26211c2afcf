#pragma once
/// \file
/// Network diagrams of a point (Mehta, Zhao, Bernal & Wales, Phys. Rev. E 97, 052307 (2018), insets
/// of Figs. 2-6): input, hidden and output nodes plus one bias node per layer, with an edge only
/// for a weight above the zero threshold.

#include <Eigen/Core>
#include <string>

#include "lossland/model/mlp_loss.hpp"

namespace lossland::analysis {

struct NetworkDiagramOptions {
  /// Weights with |w| <= this get no edge (Mehta et al. 2018: 1e-10). Range [0, 1).
  double zero_threshold = 1e-10;
  /// Edge width in pixels for the largest |w|; others scale as sqrt(|w| / max|w|), at least
  /// min_edge_width. Range (0, 50].
  double max_edge_width = 7.0;
  /// Narrowest edge (a weight just above the threshold stays visible). Range (0, max_edge_width].
  double min_edge_width = 0.6;
  std::string title;  ///< drawn at the top; empty for none
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

/// Draws the diagram to .png/.svg/.pdf: positive weights red, negative blue, width and opacity
/// growing with |w|; disconnected hidden nodes hollow and grey. Throws std::invalid_argument for
/// a bad extension or a w of the wrong size, std::runtime_error when the file cannot be written.
void draw_network_diagram(const ModelSpec& spec, const Eigen::VectorXd& w, const std::string& path,
                          const NetworkDiagramOptions& options = {});

}  // namespace lossland::analysis
