#pragma once
/// \file
/// The interactive landscape page (`lossland view DB -o landscape.html`): one self-contained
/// HTML file (no network, no external libraries, works from file://) that draws the
/// disconnectivity graph of lossland/graph/disconnectivity.hpp (Becker & Karplus, J. Chem.
/// Phys. 106, 1495 (1997); Wales, Miller & Walsh, Nature 394, 758 (1998)) with a small
/// hand-written SVG renderer. Leaves are minima, merge nodes are the transition states at which
/// basins join; clicking a minimum shows its network diagram and sensitivity map (Mehta, Zhao,
/// Bernal & Wales, Phys. Rev. E 97, 052307 (2018), Figs. 2-6), clicking two shows the minimax
/// (lowest-barrier) path between them and its energy profile. The page data is JSON embedded in
/// the page; landscape_page_data() returns it for tests and other tools.

#include <cstddef>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/graph/disconnectivity.hpp"

namespace lossland::view {

struct LandscapePageOptions {
  /// Levels, window, --no-zero, --emax: the same options `lossland dgraph` maps its flags onto,
  /// so the page shows the same layout as the drawn graph.
  graph::DisconnectivityOptions tree;
  /// Network diagrams and sensitivity maps for at most this many minima, the lowest in energy
  /// (as `analyze --report`); the page says so for the others. Range [0, 1e6].
  int max_pictures = 60;
  /// Weights with |w| <= this get no edge in the network diagrams. Range [0, 1).
  double zero_threshold = 1e-10;
  /// The /minima column the leaves are coloured by when the page opens; empty: "auc" when
  /// present, else the energy. Must be a 1-D numeric column (or "energy").
  std::string color;
  std::string title;     ///< page title; empty: dataset, activation, N_h, lambda
  std::string database;  ///< the file name shown on the page (and in "run lossland analyze DB")
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

/// What write_landscape_page() produced.
struct LandscapePageResult {
  std::string path;                  ///< the HTML file
  std::size_t bytes = 0;             ///< its size
  std::size_t leaves = 0;            ///< minima drawn as leaves
  std::size_t merge_nodes = 0;       ///< nodes where two or more branches join
  std::size_t pictures = 0;          ///< minima with embedded pictures
  bool analyzed = false;             ///< the database has the `analyze` columns (auc, ...)
  std::vector<std::string> columns;  ///< colour choices: "energy" and the 1-D /minima columns
  std::vector<std::string> notes;    ///< the tree's notes and what the page leaves out
};

/// The page's data as JSON text: "tree" (the disconnectivity tree: levels, spacing, nodes with
/// x, energy, parent, leaf minimum and, for merge nodes, the transition state "ts" at which the
/// branches join), "minima" (id, energy, drawn, leaf node), "columns" (every 1-D /minima column,
/// null for NaN), "transition_states" (those the tree groups by: id, energy, min1, min2),
/// "profiles" (stored steepest-descent paths as s and energy per side) and "pictures" (PNG data
/// URIs by minimum id). Throws std::invalid_argument for bad options or a landscape with no
/// minimum to draw.
std::string landscape_page_data(const db::Landscape& landscape,
                                const LandscapePageOptions& options = {});

/// Writes the page to `path` (through a temporary file renamed into place, so a failed write
/// leaves no half page). Throws std::invalid_argument for bad options, std::runtime_error when
/// the file cannot be written.
LandscapePageResult write_landscape_page(const db::Landscape& landscape, const std::string& path,
                                         const LandscapePageOptions& options = {});

/// One entry of a survey's index page.
struct IndexEntry {
  std::string page;     ///< link target, relative to the index (e.g. xor_h3_l1e-04.html)
  std::string label;    ///< e.g. "N_h = 3, λ = 1e-04"
  std::string details;  ///< e.g. "17 minima, 36 transition states"
};

/// Writes an index page linking every landscape page (the survey's index.html).
void write_index_page(const std::string& path, const std::string& title,
                      const std::vector<IndexEntry>& entries);

}  // namespace lossland::view
