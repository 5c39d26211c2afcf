/// \file
/// The advisory writer lock (flock on PATH.lock) and the checks made before a database is
/// replaced.

#include "lossland/db/lock.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"

namespace lossland::db {
namespace fs = std::filesystem;

namespace {

/// The pid written in an open lock file, or 0 if it holds none.
long read_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  return n > 0 ? std::strtol(buf, nullptr, 10) : 0;
}

}  // namespace

/// A temporary file name unique to this process and call: PATH.tmp.PID.RANDOM, in the same
/// directory (so the rename is atomic). Two processes never share one.
std::string unique_tmp_name(const std::string& path) {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<std::uint64_t>(::getpid()));
  return fmt::format("{}.tmp.{}.{:016x}", path, ::getpid(), rng());
}

/// Removes temporary files of PATH left by killed writers: PATH.tmp (older versions) and
/// PATH.tmp.PID.* whose process no longer exists. A live writer's file is never touched.
void remove_stale_tmp(const std::string& path) {
  const fs::path p(path);
  const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
  const std::string stem = p.filename().string() + ".tmp";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == stem) {
      stale.push_back(name);
    } else if (name.rfind(stem + ".", 0) == 0) {
      const long pid = std::strtol(name.c_str() + stem.size() + 1, nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
        stale.push_back(name);
    }
  }
  ::closedir(d);
  for (const auto& name : stale) ::unlink((fs::path(dir) / name).c_str());
}

void check_writable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;  // a new file: the directory is checked on write
  if (S_ISDIR(st.st_mode)) {
    throw DatabaseError(fmt::format(
        "'{}' is a directory, not a database file: give the path of an .h5 file (e.g. {}/x.h5)",
        path, path));
  }
  const bool no_write_bit = (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0;
  if (no_write_bit || ::access(path.c_str(), W_OK) != 0) {
    throw DatabaseError(fmt::format(
        "database '{}' is read-only (mode {:04o}): it was left unchanged; make it writable "
        "(chmod u+w {}) or copy it to a new file to continue it",
        path, st.st_mode & 07777, path));
  }
}

WriterLock::WriterLock(const std::string& path) : lock_path_(path + ".lock") {
  check_writable(path);
  // Lock, then check that the file locked is still the one at lock_path_: a holder that was
  // releasing may have unlinked it between our open() and flock() (then we try again).
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw DatabaseError(fmt::format(
          "cannot lock database '{}': cannot create '{}': {} (the directory must be writable)",
          path, lock_path_, std::strerror(errno)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const long pid = read_pid(fd);
      ::close(fd);
      if (err == EWOULDBLOCK) {
        throw DatabaseError(fmt::format(
            "database '{}' is being written by another lossland process (pid {}): wait for it "
            "to finish, or stop it (kill {}), then run this command again; nothing was changed",
            path, pid > 0 ? std::to_string(pid) : std::string("unknown"),
            pid > 0 ? std::to_string(pid) : std::string("PID")));
      }
      throw DatabaseError(fmt::format("cannot lock database '{}': {}", path, std::strerror(err)));
    }
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) == 0 && ::stat(lock_path_.c_str(), &named) == 0 &&
        held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The pid is only for the message of a second writer; the lock itself holds.
      }
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
  throw DatabaseError(
      fmt::format("cannot lock database '{}': '{}' keeps being replaced", path, lock_path_));
}

WriterLock::~WriterLock() {
  if (fd_ < 0) return;
  ::unlink(lock_path_.c_str());  // while still holding it, so no one else holds this inode
  ::close(fd_);
}

}  // namespace lossland::db
