#pragma once
/// \file
/// Private helpers of the graph drawing: one panel drawn into a cairo context (so figures can
/// put other pictures beside it), the energy axis and the colour legends.

#include <cairo.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lossland/graph/render.hpp"

namespace lossland::graph {

/// Pixel position of each drawn branch end: minimum id -> (x, y).
using LeafPositions = std::map<std::int64_t, std::pair<double, double>>;

/// Draws one panel in the rectangle (x0, y0, w, h) of the context; returns where the leaves
/// end. Throws std::invalid_argument for an empty colour range.
LeafPositions draw_panel(cairo_t* cr, const GraphPanel& panel, double x0, double y0, double w,
                         double h, const RenderOptions& options, const std::string& letter);

/// Text with its box aligned at (x, y): align 0 = left/top, 0.5 = centre, 1 = right/bottom.
void text_at(cairo_t* cr, const std::string& s, double x, double y, double align_x, double align_y);

/// Labels with the fewest significant digits (>= 2) that tell all ticks apart.
std::vector<std::string> tick_labels(const std::vector<double>& ticks);

/// The energy axis at x = axis_x from pixel y_bottom to y_top, the label rotated at label_x.
/// Linear trees: ticks at energies (offset by E_min in the label when the window is tiny beside
/// |E|). Log trees: ticks at E - E_min = 0 and powers of ten (with 2 and 5 when few decades
/// show), labelled as such. `Y` maps an energy to a pixel row; c_lo/c_hi are the level
/// coordinates at the bottom and top of the axis; `quantity` names the axis ("loss E", or
/// "free energy F" for free-energy graphs).
void draw_energy_axis(cairo_t* cr, const DisconnectivityTree& tree,
                      const std::function<double(double)>& Y, double axis_x, double label_x,
                      double c_lo, double c_hi, const std::string& quantity = "loss E");

/// The colour legend right of the graph at x = bx between y_top and y_bottom: a colour bar
/// over [cmin, cmax] (a single swatch when every drawn value is the same), or the AUC classes
/// present. `drawn_values` are the finite colour values of the drawn minima.
void draw_colour_legend(cairo_t* cr, const GraphPanel& panel,
                        const std::vector<double>& drawn_values, double cmin, double cmax,
                        double bx, double y_top, double y_bottom);

}  // namespace lossland::graph
