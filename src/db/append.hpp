#pragma once
/// \file
/// Saves that cost what changed (issues 16 and 17): db::write() first tries to bring the file
/// on disk up to date in place, journaled (journal.hpp), and rewrites it whole only when that
/// cannot be done. Internal to src/db/.

#include <string>

#include "lossland/db/database.hpp"

namespace lossland::db::detail {

/// Why a save rewrote the whole file instead of updating it in place (for tests and benches).
enum class SaveKind {
  InPlace,  ///< rows appended, changed columns and small groups replaced, in place
  Whole,    ///< the file was written whole to a temporary name and renamed over PATH
};

/// Brings the existing database PATH up to `ls` in place, writing only what differs from the
/// file: new rows of /minima, /transition_states, /ts_branches and /paths are appended to their
/// chunked datasets; an extra column, /run_state entry or note whose content changed is
/// replaced; anything else is left as it is. Rows of points already stored are never modified
/// by lossland, so a stored row whose energy, gradient or (transition states) min1/min2 differ
/// from `ls` means the landscape was rebuilt: then nothing is written and false is returned.
/// Also false (nothing written) for a file in the contiguous layout of older versions, of
/// another model or dataset, with tables grown to 16 times their chunk size, or with more than
/// half of it unused (space left by replaced entries): the caller rewrites it whole, which
/// re-chunks and compacts it. A save killed at any moment is undone by recover(). Throws
/// DatabaseError if a write fails (the file is rolled back first). The caller has checked `ls`
/// (check_shapes) and holds the writer lock.
bool save_in_place(const std::string& path, const Landscape& ls);

/// How the last db::write() in this process saved (InPlace or Whole).
SaveKind last_save_kind();
void set_last_save_kind(SaveKind kind);

}  // namespace lossland::db::detail
