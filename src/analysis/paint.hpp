#pragma once
/// \file
/// Private helpers: the network diagram and the sensitivity map painted into a cairo context at
/// its origin (the file-writing functions of network_diagram.hpp and sensitivity.hpp wrap
/// these), so figures can place them as insets.

#include <cairo.h>

#include "lossland/analysis/network_diagram.hpp"
#include "lossland/analysis/sensitivity.hpp"

namespace lossland::analysis {

/// Width and height in the context's units.
struct PaintSize {
  double width = 0, height = 0;
};

PaintSize network_diagram_size(const ModelSpec& spec, const NetworkDiagramOptions& options);
/// Paints the diagram in [0, width] x [0, height]; same checks as draw_network_diagram.
void paint_network_diagram(cairo_t* cr, const ModelSpec& spec, const Eigen::VectorXd& w,
                           const NetworkDiagramOptions& options);

PaintSize sensitivity_map_size(const SensitivityMap& map, const SensitivityDrawOptions& options);
/// Paints the map in [0, width] x [0, height]; same checks as draw_sensitivity_map.
void paint_sensitivity_map(cairo_t* cr, const SensitivityMap& map, const Dataset& data,
                           const SensitivityDrawOptions& options);

}  // namespace lossland::analysis
