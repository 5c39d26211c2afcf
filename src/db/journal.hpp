#pragma once
/// \file
/// Crash-safe in-place saves (issues 16 and 17: saves that cost what changed). A save that
/// appends to a database modifies the HDF5 file in place, through an HDF5 virtual file driver
/// of our own that keeps a rollback journal, as SQLite does: before the save overwrites a byte
/// that the file held when the save began, the old bytes are appended to PATH.journal (and
/// fdatasync'd); bytes past the old end of file need no copy. The save commits by closing the
/// file, fsync'ing it and deleting the journal. A save killed at any moment leaves the journal
/// behind; recover() puts the old bytes back and truncates the file to its old length, which
/// gives back the file exactly as it was before the save, byte for byte.
///
/// Readers and in-place saves exclude each other with flock(2) on the database file itself: a
/// save holds it exclusively, a lossland reader shared (HDF5's own file locking, used by h5py,
/// takes it shared as well, so it is refused, not given a half-written file, during a save).
/// A journal seen under a shared lock was left by a killed save: the reader repairs the file
/// first (recover()).
///
/// Internal to src/db/ (HDF5 types appear here).

#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lossland::db::detail {

/// The journal's file name for database PATH.
std::string journal_path(const std::string& path);

/// One in-place save of PATH: the file access property list to open PATH with (the journaling
/// driver), then commit() after the file was closed without error. Destroying an uncommitted
/// Journal rolls the file back. The caller holds the exclusive FileLock.
class Journal {
 public:
  /// Begins the save; PATH must exist and have no journal (call recover() first).
  explicit Journal(std::string path);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  /// File access property list (owned) that opens PATH through the journaling driver.
  hid_t fapl() const { return fapl_; }
  /// fsync()s PATH and deletes the journal: the save is then the file's content. Throws
  /// DatabaseError if the file cannot be synced (the journal is then kept and rolled back).
  void commit();
  /// Puts the old bytes back now (nothing happens if the save wrote nothing yet).
  void rollback();

  /// True if PATH is no longer the file this save began on (a writer that ignored the writer
  /// lock renamed another file over it): the save went to a file that no one will read.
  bool file_replaced() const;

  // Called by the driver, before it writes or truncates the file open on `fd`.
  void before_write(int fd, std::uint64_t addr, std::uint64_t size);
  void before_truncate(int fd, std::uint64_t new_size);

 private:
  /// Copies [begin, end) of the old file (the parts not yet copied) into the journal.
  void save_range(int fd, std::uint64_t begin, std::uint64_t end);

  std::string path_, journal_;
  std::uint64_t base_size_ = 0;  ///< the file's length when the save began
  /// True if PATH.journal is still the journal this save created.
  bool owns_journal() const;

  std::uint64_t dev_ = 0, ino_ = 0;
  std::uint64_t jino_ = 0;  ///< inode of the journal this save created
  int jfd_ = -1;
  bool done_ = false;
  /// Sorted, disjoint [begin, end) ranges of the old file already in the journal.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> saved_;
  hid_t fapl_ = H5I_INVALID_HID;
};

/// Puts the journaling driver, reporting to `journal`, into file access property list `fapl`
/// (journal_driver.cpp). Negative on failure.
herr_t set_journal_driver(hid_t fapl, Journal* journal);

/// Repairs PATH if a killed save left a journal: writes the journal's old bytes back (the last
/// complete record first), truncates the file to its old length, syncs and deletes the journal.
/// Returns true if it did so. A journal of another file (an older inode) or one killed before
/// its first record is deleted. Throws DatabaseError if the repair needs write permission that
/// this process lacks. The caller holds the exclusive FileLock.
bool recover(const std::string& path);

/// flock(2) on the database file itself, held for the object's life: exclusive for an in-place
/// save, shared for a read. Blocks until granted. A missing file is not locked (nothing to
/// read or repair).
class FileLock {
 public:
  FileLock(const std::string& path, bool exclusive);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

/// For readers: a shared FileLock on PATH, after repairing a journal a killed save left (under
/// an exclusive lock, then shared again). Holds the shared lock for its life.
class ReadLock {
 public:
  explicit ReadLock(const std::string& path);

 private:
  std::unique_ptr<FileLock> lock_;
};

/// Test hook (crash injection): when n > 0, the n-th write or truncation the journaling driver
/// makes from now on kills the process with SIGKILL just before it touches the file (its
/// journal record, if any, is already written). 0 turns it off.
void kill_before_write(long n);
/// Test hook: when n > 0, the n-th record written to a journal from now on is cut in half by a
/// SIGKILL (as a kill during the journal's own write would leave it). 0 turns it off.
void kill_inside_journal_record(long n);

/// Bytes the journaling driver has written to database files in this process (journals not
/// counted): what in-place saves cost, for tests and benches.
std::uint64_t driver_bytes_written();

}  // namespace lossland::db::detail
