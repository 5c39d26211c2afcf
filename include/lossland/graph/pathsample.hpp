#pragma once
/// \file
/// The PATHSAMPLE / disconnectionDPS / pele file set (docs/schema.md), so other landscape
/// tools read lossland landscapes and lossland reads theirs:
///
///   min.data   one line per minimum:          E  FVIB  HORDER  IX  IY  IZ
///   ts.data    one line per transition state: E  FVIB  HORDER  PLUS  MINUS  IX  IY  IZ
///              PLUS and MINUS are 1-based line numbers in min.data
///   points.min M records of P float64 coordinates (canonical layout), native little-endian,
///   points.ts  T records; raw bytes, no Fortran record markers
///
/// FVIB = sum_i ln(lambda_i) over the Hessian eigenvalues: all P for a minimum, the P - 1
/// positive ones for a transition state (its single negative eigenvalue skipped); it is the
/// log of the product of the squared normal-mode frequencies that PATHSAMPLE's harmonic rates
/// use. HORDER is the order of the point's stabiliser in the network's symmetry group
/// (/minima/horder, /transition_states/horder; lossland/model/stabiliser.hpp): 1 for a generic
/// point, H! 2^H for the all-zero point, so PATHSAMPLE's rates and partition functions carry
/// the right symmetry numbers. IX IY IZ (moments of inertia, meaningless for a
/// network) are written as 1.0. Layout per docs/schema.md, checked against pele's
/// PATHSAMPLE reader and writer (pele/utils/optim_compatibility.py): min.data "E FVIB PG IX IY
/// IZ", ts.data "E FVIB PG PLUS MINUS IX IY IZ" with 1-based PLUS/MINUS, points.* as Fortran
/// direct-access unformatted records (RECL = P doubles), i.e. bare doubles without markers.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"

namespace lossland::graph {

/// FVIB of a point from its ascending Hessian spectrum. Throws std::invalid_argument if the
/// spectrum is empty or not of the stated kind (a minimum needs every eigenvalue > 0; a
/// transition state exactly one <= 0, the rest > 0).
double fvib(const Eigen::VectorXd& eigenvalues, bool transition_state);

struct PathsampleFiles {
  std::string min_data, ts_data, points_min, points_ts;
  /// The four files inside `dir`.
  static PathsampleFiles in(const std::string& dir);
};

/// Writes the four files into `dir` (created if missing). Returns their paths. Throws
/// std::runtime_error if the directory or a file cannot be written, std::invalid_argument if
/// a stored spectrum is not that of a minimum / transition state.
PathsampleFiles export_pathsample(const db::Landscape& landscape, const std::string& dir);

/// Options for reading a PATHSAMPLE file set.
struct ImportOptions {
  /// The points are re-evaluated with the given model; an energy that differs from the file's
  /// by more than energy_tol * max(1, |E|) means the files belong to another model (error).
  /// Range (0, 1).
  double energy_tol = 1e-8;
  /// false: keep the files' HORDER as /minima/horder and /transition_states/horder (values that
  /// differ from the computed stabiliser order are reported); true: replace them by the
  /// computed stabiliser orders.
  bool recompute_horder = false;
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

struct ImportResult {
  db::Landscape landscape;
  /// Points whose recomputed Hessian is not of the kind the file says (kept, reported).
  std::vector<std::string> warnings;
};

/// Reads min.data, ts.data, points.min and points.ts from `dir` for a network of `model` on
/// `dataset`, recomputes each point's gradient and Hessian spectrum, stores coordinates in
/// canonical form and keeps each energy as the file gives it (after checking it against the
/// model), so export_pathsample then import_pathsample returns the same energies, coordinates,
/// min1/min2 and horder bit for bit. ts.data and points.ts may both be absent (no transition
/// states). Throws std::runtime_error naming the file and line for a missing file, a short line, a
/// non-number, a PLUS/MINUS outside 1..M, a points file whose size is not count x P x 8 bytes, or
/// an energy that disagrees with the model.
ImportResult import_pathsample(const std::string& dir, const ModelSpec& model,
                               const Dataset& dataset, const ImportOptions& options = {});

}  // namespace lossland::graph
