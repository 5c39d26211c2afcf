#pragma once
/// \file
/// Drawing disconnectivity graphs to .svg, .png or .pdf (chosen by the file extension).
/// An energy axis with ticks and labels on the left, the tree, an optional colour bar, a title
/// and notes. Several graphs can share one figure as lettered panels (Mehta et al. 2018, Fig. 1).

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lossland/graph/disconnectivity.hpp"

namespace lossland::graph {

/// How leaves are coloured when a panel has colour values.
enum class ColorScheme {
  /// A continuous colour map over [color_min, color_max] with a colour bar.
  Continuous,
  /// Mehta et al. 2018, Fig. 1: AUC classes. AUC < 0.625 blue ("AUC 0.5"), [0.625, 0.875) red
  /// ("AUC 0.75"), >= 0.875 black ("AUC ~ 1"); a legend lists the classes drawn.
  AucClasses
};

/// One panel: the tree plus what to write on it.
struct GraphPanel {
  DisconnectivityTree tree;
  std::string title;  ///< e.g. "XOR  tanh  N_h = 3  λ = 1e-4"; UTF-8
  /// Optional colour per minimum (indexed by minimum id, size M or empty): leaves are drawn in
  /// a colour map over [color_min, color_max]; NaN values are drawn grey.
  std::vector<double> color_values;
  /// The value range the colour map spans: values at or below color_min get the map's first
  /// colour, at or above color_max its last. NaN (the default) for either end means the data's
  /// own minimum / maximum over the drawn minima. Pin both to compare panels or to give a
  /// quantity its natural range, e.g. AUC over [0.5, 1]. Finite ends need color_min < color_max.
  double color_min = std::numeric_limits<double>::quiet_NaN();
  double color_max = std::numeric_limits<double>::quiet_NaN();
  std::string color_label;  ///< name of the coloured quantity, shown by the colour bar
  ColorScheme color_scheme = ColorScheme::Continuous;
  /// Minimum ids whose branch ends are labelled with their id.
  std::vector<std::int64_t> labels;
  /// Name of the vertical axis (UTF-8), e.g. "free energy F" for a free-energy graph.
  std::string axis_label = "loss E";
};

/// Drawing options.
struct RenderOptions {
  double width = 800;   ///< pixels (points for svg/pdf) per panel; range [200, 10000]
  double height = 600;  ///< per panel; range [150, 10000]
  /// Panels per row in a grid; 0 chooses min(3, count). Range [0, 100].
  int columns = 0;
  double line_width = 1.2;  ///< branch line width; range (0, 20]
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

/// Draws one panel to `path`. Throws std::invalid_argument for an unknown extension and
/// std::runtime_error if the file cannot be written.
void draw_disconnectivity(const GraphPanel& panel, const std::string& path,
                          const RenderOptions& options = {});

/// Draws several panels in a grid (row-major), each lettered (a), (b), ... in its corner.
void draw_disconnectivity_grid(const std::vector<GraphPanel>& panels, const std::string& path,
                               const RenderOptions& options = {});

/// The first caption line under a panel: what was drawn out of what, e.g. "16 of 17 minima, 29
/// of 36 transition states; 20 log levels" ("of N" only where something was left out).
std::string panel_summary(const DisconnectivityTree& tree);

/// Tick positions for an axis over [lo, hi]: multiples of a "nice" step (1, 2 or 5 x 10^n),
/// about `target` of them, all inside [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

/// The colour of an AUC value under ColorScheme::AucClasses, and its class label.
Eigen::Vector3d auc_class_colour(double auc);
std::string auc_class_label(double auc);

/// Colour map (viridis-like, dark blue -> green -> yellow) at t in [0, 1] as r, g, b in [0, 1].
Eigen::Vector3d colormap(double t);

}  // namespace lossland::graph
