#pragma once
/// \file
/// The picture of a thermodynamic scan: occupation probabilities p_i(T) of the most occupied
/// minima (top panel) and the heat-capacity analogue C(T) (bottom panel) against T on a log
/// axis, to .svg, .png or .pdf.

#include <string>
#include <vector>

#include "lossland/kinetics/thermo.hpp"

namespace lossland::kinetics {

/// Draws the scan. `shown` lists the minimum ids drawn in the top panel (the rest are summed as
/// "others"). Throws std::invalid_argument for an unknown extension or an empty scan, and
/// std::runtime_error if the file cannot be written.
void draw_thermo_scan(const std::vector<ThermoResult>& scan, const std::vector<int>& shown,
                      const std::string& path);

/// The `count` minima with the largest occupation anywhere in the scan, most occupied first.
std::vector<int> most_occupied(const std::vector<ThermoResult>& scan, int count);

}  // namespace lossland::kinetics
