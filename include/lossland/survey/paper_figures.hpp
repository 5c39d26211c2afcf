#pragma once
/// \file
/// The layout of Figs. 2-6 of Mehta, Zhao, Bernal & Wales, Phys. Rev. E 97, 052307 (2018): a
/// disconnectivity graph with, beside it, the network diagram and the sensitivity map (the
/// network's output over perturbed inputs) of a few representative minima, each tied to its branch
/// end by a letter.

#include <cstdint>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/graph/render.hpp"

namespace lossland::survey {

struct InsetFigureOptions {
  int max_insets = 3;             ///< minima shown, the global minimum included. Range [1, 8].
  double graph_width = 540;       ///< width of the graph part (pixels / points). [300, 4000]
  double height = 640;            ///< figure height (at least what the insets need). [300, 4000]
  double inset_width = 230;       ///< width of each inset column. [120, 1000]
  double zero_threshold = 1e-10;  ///< |w| at or below this draws no edge (paper: 1e-10). [0, 1)
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

/// The minima to show beside a graph: the global minimum (lowest drawn) first, then, up to
/// `count` in all, each time the drawn minimum farthest (Euclidean, smallest distance to those
/// already chosen) in the features (connected hidden nodes / N_h, non-zero weights / P,
/// robustness column if present, 0.5 (E - E_min) / (E_max - E_min)); ties go to the lower
/// energy. So at Mehta et al.'s lambda = 1e-2 the sparse minimum (three hidden nodes connected)
/// comes second. Throws std::invalid_argument for count < 1.
std::vector<std::int64_t> representative_minima(const db::Landscape& landscape,
                                                const graph::DisconnectivityTree& tree, int count);

/// Draws `panel` (built from `landscape`) with one inset column per id in `minima`: a caption
/// (letter, id, loss, connected hidden nodes), the network diagram and, for two-input data, the
/// sensitivity map. Writes .png, .svg or .pdf. Throws std::invalid_argument for an id that is
/// not drawn in the panel or bad options, std::runtime_error when the file cannot be written.
void draw_graph_with_insets(const db::Landscape& landscape, const graph::GraphPanel& panel,
                            const std::vector<std::int64_t>& minima, const std::string& path,
                            const InsetFigureOptions& options = {});

}  // namespace lossland::survey
