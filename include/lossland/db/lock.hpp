#pragma once
/// \file
/// The advisory writer lock of a database: one process at a time may run a command that writes
/// a landscape file. Readers (query, info, dgraph, export) do not take it: a save either
/// replaces the file atomically or updates it in place under a short lock on the file itself
/// that readers wait for (src/db/journal.hpp), so they always see a complete file.

#include <string>

namespace lossland::db {

/// Holds the writer lock of database PATH for its lifetime: flock(2) (exclusive, non-blocking)
/// on the file PATH.lock, which holds the owner's process id and is removed on release. The
/// lock is advisory (only lossland honours it) and is released by the kernel when the process
/// dies, so a kill -9 leaves no stale lock behind (a leftover PATH.lock file is simply reused).
class WriterLock {
 public:
  /// Takes the lock before anything is read or written. Throws DatabaseError when another
  /// process holds it (the message names that process's pid), when PATH is a directory, when
  /// PATH exists but is read-only (no write permission bit or no access), or when PATH.lock
  /// cannot be created.
  explicit WriterLock(const std::string& path);
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

  const std::string& lock_path() const { return lock_path_; }

 private:
  std::string lock_path_;
  int fd_ = -1;
};

/// Throws DatabaseError if PATH is a directory, or an existing file that this process must not
/// replace (no write permission bit set, or access(2) denies writing). Nothing is changed.
void check_writable(const std::string& path);

/// A temporary file name unique to this process and call: PATH.tmp.PID.RANDOM, in PATH's
/// directory (so that renaming it over PATH is atomic). Two writers never share one.
std::string unique_tmp_name(const std::string& path);

/// Removes temporary files of PATH left by killed writers: PATH.tmp (older versions) and
/// PATH.tmp.PID.* whose process no longer exists. A live writer's file is never touched.
void remove_stale_tmp(const std::string& path);

}  // namespace lossland::db
