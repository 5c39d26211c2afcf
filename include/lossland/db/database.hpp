#pragma once
/// \file
/// The landscape database (docs/schema.md): one landscape per HDF5 file, self-contained
/// (model, data, points). HDF5 types never appear here; the implementation is src/db/.

#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "lossland/model/dataset.hpp"
#include "lossland/model/mlp_loss.hpp"

namespace lossland::db {

/// Current value of the root attribute format_version. Version 2 (docs/schema.md) describes
/// itself: every dataset has `description` and `units` attributes (coordinates their `layout`,
/// index columns their `base` 0 and the table they index), counts are stored as integers,
/// strings as variable-length UTF-8 and numeric notes as numbers. Version 1 files are read as
/// before, and rewritten as version 2 by their first save.
inline constexpr int kFormatVersion = 2;

/// Thrown for a file that cannot be used as a lossland database: missing, not HDF5, truncated
/// or corrupt, of another format, or of another model. The message names the file and the
/// problem and says what to do.
class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A stationary point as stored: energy, coordinates in the canonical layout, RMS gradient and
/// the ascending Hessian spectrum (P values).
struct StoredPoint {
  double energy = 0.0;
  Eigen::VectorXd coords;
  double grad_rms = 0.0;
  Eigen::VectorXd eigenvalues;
};

/// A transition state: a stored point plus the rows (0-based) of the two minima it joins.
/// min1 == min2 marks a degenerate rearrangement.
struct StoredTransitionState : StoredPoint {
  std::int64_t min1 = -1;
  std::int64_t min2 = -1;
};

/// A minimum reached by one branch of a degenerate transition state: a steepest-descent path of
/// the transition state ran into a stationary point of index >= 1 (a symmetric subspace) and
/// branched there (lossland/search/steepest_descent.hpp). Stored under /ts_branches, one row
/// per minimum reached; min1 / min2 of the transition state are the representative leaves.
struct TsBranch {
  std::int64_t ts = -1;        ///< row of /transition_states
  int side = 1;                ///< 1: the path whose representative is min1, 2: min2
  std::int64_t minimum = -1;   ///< row of /minima the branch ends in
  double branch_energy = 0.0;  ///< energy of the last branch point on the way
  int depth = 1;               ///< branch points passed (0: this side did not branch)
};

/// A transition state's steepest-descent path, downsampled (/paths): arc length from the
/// transition state, energy and coordinates (canonical layout, in the frame of the stored
/// transition state) of each kept point, the transition state first and the minimum last.
struct StoredPath {
  std::int64_t ts = -1;  ///< row of /transition_states
  int side = 1;          ///< 1: the path to min1, 2: the path to min2
  std::vector<double> s, energy;
  Eigen::MatrixXd coords;  ///< one row per point, P columns
};

/// Everything one file holds. Extra columns (analyses) are kept by name, each with one row per
/// point in the same order as the points; a column may be 1-D (cols() == 1) or 2-D.
struct Landscape {
  ModelSpec model;
  Dataset dataset;
  std::string created_by;  ///< program version that created the file
  std::vector<StoredPoint> minima;
  std::vector<StoredTransitionState> transition_states;
  std::map<std::string, Eigen::MatrixXd> minima_columns;
  std::map<std::string, Eigen::MatrixXd> ts_columns;
  /// Branches of degenerate transition states (empty when none, or in files written before the
  /// path follower).
  std::vector<TsBranch> ts_branches;
  /// Steepest-descent paths of transition states (those saved by `connect`).
  std::vector<StoredPath> paths;
  /// Free-form root attributes beyond the fixed ones (e.g. run statistics), kept verbatim.
  std::map<std::string, std::string> notes;
  /// The state of a run in progress (random streams, walkers), float64 arrays by name in group
  /// /run_state, so that a killed run continues exactly where its last save left it; empty
  /// when no run is in progress. Written by the search that owns the names (bh_*).
  std::map<std::string, Eigen::MatrixXd> run_state;

  int num_params() const { return model.num_params(); }
};

/// True for the extra columns that are counts, flags or row indices (horder, nonzero_weights,
/// connected_hidden, branched, the ei_* counts, members, representative: docs/schema.md) and are
/// stored as int64 datasets, provided every value is a whole number; any other column, or one
/// holding a NaN or a fraction, is stored as float64. Columns are read back as double whatever
/// their file type, so format_version 1 files (float64 counts) stay readable.
bool is_integer_column(const std::string& name);

/// Reads a database. Throws DatabaseError for a missing file, a directory, a file that is not
/// HDF5, a truncated or corrupt one, a format other than "lossland", a newer format_version,
/// attributes out of range or inconsistent with each other (layers, num_classes, lambda),
/// datasets whose shapes disagree with the model, or a stored energy, coordinate, gradient or
/// eigenvalue that is not a finite number.
Landscape read(const std::string& path);

/// Which of the large per-point arrays read() loads (issue 17: a command reads what it needs).
/// The rest of the file (model, dataset, energies, gradients, min1/min2, extra columns,
/// branches, run state) is always read and validated; arrays not loaded are not validated.
struct ReadParts {
  /// What to load of each point's Hessian spectrum (/*/eigenvalues).
  enum class Spectrum {
    All,     ///< all P values
    Lowest,  ///< the first (lowest) value only: StoredPoint::eigenvalues has one entry
    None,    ///< nothing: StoredPoint::eigenvalues is empty
  };
  /// Coordinates of minima and transition states; false leaves StoredPoint::coords empty
  /// (read_coords() fetches rows on demand).
  bool coords = true;
  Spectrum spectrum = Spectrum::All;
  /// /paths (each path point carries P coordinates); false leaves Landscape::paths empty.
  bool paths = true;
};

/// Reads the parts of a database that `parts` names (HDF5 column selections: the arrays left
/// out are never read from disk); the same checks and errors as read(path).
Landscape read(const std::string& path, const ReadParts& parts);

/// The two tables of points.
enum class PointTable { Minima, TransitionStates };

/// Coordinates of the given rows (any order, repeats allowed) of /minima or /transition_states,
/// read from disk row by row (or, for more than an eighth of the table, whole and then picked),
/// each checked to be finite. Throws DatabaseError for an unreadable file or a row out of range.
std::vector<Eigen::VectorXd> read_coords(const std::string& path, PointTable table,
                                         const std::vector<std::size_t>& rows);

/// The same for the Hessian spectra (/*/eigenvalues) of the given rows.
std::vector<Eigen::VectorXd> read_eigenvalues(const std::string& path, PointTable table,
                                              const std::vector<std::size_t>& rows);

/// How write() saves an existing file.
enum class SaveMode {
  /// Update the file in place with what differs from it (new rows appended, changed columns
  /// and small groups replaced), journaled so that a kill leaves the old file; the whole file
  /// is rewritten when it cannot be updated so (see below). For a landscape read from PATH.
  Changes,
  /// Always write the whole file (a landscape that was not read from PATH, e.g. an import).
  Whole,
};

/// Saves the landscape crash-safely; a kill at any moment leaves either the old or the new
/// complete file.
/// - In place (SaveMode::Changes on a file written by this version, with the same model and
///   dataset, whose stored rows are the first rows of `landscape`): only what changed is
///   written, through a rollback journal (PATH.journal, deleted when the save is complete; a
///   killed save is undone by the next read or write). Rows of points already stored are
///   never modified by lossland: a stored row whose energy, gradient or min1/min2 differ makes
///   the save a whole rewrite. So do a file in the layout of older versions, tables that have
///   outgrown their chunks 16 times and a file with more than half of it unused.
/// - Whole: to a temporary file unique to this process (PATH.tmp.PID.RANDOM) in the same
///   directory, flushed and fsync'd, then renamed over PATH. The new file keeps the old one's
///   permissions (and owner, where allowed).
/// Throws DatabaseError if the directory is not writable, or PATH is a directory or a
/// read-only file (which is left untouched).
void write(const std::string& path, const Landscape& landscape, SaveMode mode = SaveMode::Changes);

/// True if PATH exists (it may still be unreadable).
bool exists(const std::string& path);

/// Throws DatabaseError naming the first attribute that differs (layers, activation, lambda,
/// regularize, dataset name, dataset contents) between the file's model and a requested run.
/// `path` is used in the message only.
void check_compatible(const std::string& path, const Landscape& file, const ModelSpec& model,
                      const Dataset& dataset);

}  // namespace lossland::db
