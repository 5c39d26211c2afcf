#pragma once
/// \file
/// Text exports of a whole landscape for other programs: one JSON document (everything the
/// database holds) and a Graphviz dot file of the transition network (minima as nodes, transition
/// states as edges; Mehta et al. 2018, Sec. III). The PATHSAMPLE file set is in pathsample.hpp.

#include <string>

#include "lossland/db/database.hpp"

namespace lossland::graph {

/// The whole database as one JSON document:
///   { "format": "lossland-json", "format_version": 1, "created_by": ...,
///     "model": {"layers": [I, H, O], "activation", "regularize", "lambda", "num_params"},
///     "dataset": {"name", "num_classes", "inputs": [[...] x N], "labels": [...]},
///     "notes": {name: text},
///     "minima": [{"id", "energy", "grad_rms", "coords": [P], "eigenvalues": [P],
///                 "columns": {name: value or [values]}}],
///     "transition_states": [{... as minima ..., "min1", "min2"}] }
/// Ids are 0-based rows, as in the database and `lossland query`. Numbers are written with the
/// shortest decimal form that reads back to the same double (so coordinates round-trip bit for
/// bit); NaN and infinities, which JSON cannot hold, are written as null.
std::string landscape_json(const db::Landscape& landscape, int indent = 1);

/// Graphviz dot text of the transition network, an undirected graph: node m<i> per minimum
/// labelled "i" and its energy, edge m<a> -- m<b> per transition state labelled "ts t" and its
/// energy (self-loops for degenerate rearrangements included). Nodes are shaded from dark (the
/// global minimum) to light (the highest minimum) by energy rank, so the low basin stands out.
/// `title` (may be empty) becomes the graph label.
std::string network_dot(const db::Landscape& landscape, const std::string& title = "");

}  // namespace lossland::graph
