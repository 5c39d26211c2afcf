/// \file
/// The rollback journal of in-place saves, its recovery and the file locks (journal.hpp); the
/// HDF5 driver that consults it is journal_driver.cpp.
///
/// Journal file: a 40-byte header (magic "LLJOURN1", the old file length, the file's device and
/// inode, a checksum of those), then records, each the 8-byte offset, 8-byte length and 8-byte
/// checksum of the old bytes that follow. A record is written whole before the bytes it saves
/// are overwritten, so a record cut short by a kill saved bytes that were never overwritten:
/// recovery stops at the first incomplete or mismatching record.

#include "db/journal.hpp"
#include "db/posix_io.hpp"

#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <limits>

#include "lossland/db/database.hpp"

namespace lossland::db::detail {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'L', 'L', 'J', 'O', 'U', 'R', 'N', '1'};
constexpr std::size_t kHeaderBytes = 40;
constexpr std::size_t kRecordHeaderBytes = 24;

std::atomic<long> g_kill_record_countdown{0};

/// FNV-1a, 64 bit: detects a record whose bytes did not all reach the disk.
std::uint64_t checksum(const unsigned char* p, std::size_t n,
                       std::uint64_t h = 1469598103934665603ull) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

void put64(unsigned char* p, std::uint64_t v) {
  std::memcpy(p, &v, 8);
}
std::uint64_t get64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw DatabaseError(fmt::format("cannot save database '{}': {}", path, what));
}

/// The header of a journal for a file of `size` bytes on (dev, ino).
std::vector<unsigned char> header(std::uint64_t size, std::uint64_t dev, std::uint64_t ino) {
  std::vector<unsigned char> h(kHeaderBytes);
  std::memcpy(h.data(), kMagic, 8);
  put64(h.data() + 8, size);
  put64(h.data() + 16, dev);
  put64(h.data() + 24, ino);
  put64(h.data() + 32, checksum(h.data(), 32));
  return h;
}

}  // namespace

std::string journal_path(const std::string& path) {
  return path + ".journal";
}

void kill_inside_journal_record(long n) {
  g_kill_record_countdown = n;
}

// ---- Journal -------------------------------------------------------------------------------

Journal::Journal(std::string path) : path_(std::move(path)), journal_(journal_path(path_)) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) fail(path_, std::strerror(errno));
  base_size_ = static_cast<std::uint64_t>(st.st_size);
  dev_ = static_cast<std::uint64_t>(st.st_dev);
  ino_ = static_cast<std::uint64_t>(st.st_ino);
  fapl_ = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl_ < 0 || set_journal_driver(fapl_, this) < 0)
    fail(path_, "cannot set up HDF5's file driver");
}

Journal::~Journal() {
  if (!done_) {
    try {
      rollback();
    } catch (...) {
      // The journal stays on disk; the next reader or writer repairs the file from it.
    }
  }
  if (fapl_ >= 0) H5Pclose(fapl_);
}

void Journal::save_range(int fd, std::uint64_t begin, std::uint64_t end) {
  // The parts of [begin, end) not yet in the journal.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps;
  std::uint64_t at = begin;
  auto it = std::upper_bound(saved_.begin(), saved_.end(),
                             std::make_pair(begin, std::numeric_limits<std::uint64_t>::max()));
  if (it != saved_.begin() && std::prev(it)->second > at) at = std::prev(it)->second;
  for (; at < end && it != saved_.end() && it->first < end; ++it) {
    if (it->first > at) gaps.emplace_back(at, it->first);
    at = std::max(at, it->second);
  }
  if (at < end) gaps.emplace_back(at, end);
  if (gaps.empty()) return;
  if (jfd_ < 0) {
    jfd_ = ::open(journal_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (jfd_ < 0)
      fail(path_, fmt::format("cannot create '{}': {}", journal_, std::strerror(errno)));
    struct stat created {};
    ::fstat(jfd_, &created);
    jino_ = static_cast<std::uint64_t>(created.st_ino);
    const auto h = header(base_size_, dev_, ino_);
    if (!write_all(jfd_, h.data(), h.size(), 0) || ::fdatasync(jfd_) != 0)
      fail(path_, fmt::format("cannot write '{}': {}", journal_, std::strerror(errno)));
    sync_dir_of(journal_);  // the journal's name is on disk before any byte is overwritten
  }
  struct stat js {};
  if (::fstat(jfd_, &js) != 0) fail(path_, std::strerror(errno));
  off_t tail = js.st_size;
  for (const auto& [b, e] : gaps) {
    std::vector<unsigned char> rec(kRecordHeaderBytes + (e - b));
    const std::size_t got = read_all(fd, rec.data() + kRecordHeaderBytes, e - b, b);
    // Bytes past the file's current end (it was truncated earlier in this save) are already
    // in the journal; a short read here means the old file really was shorter.
    rec.resize(kRecordHeaderBytes + got);
    put64(rec.data(), b);
    put64(rec.data() + 8, got);
    put64(rec.data() + 16,
          checksum(rec.data() + kRecordHeaderBytes, got, checksum(rec.data(), 16)));
    if (g_kill_record_countdown.load() > 0 && --g_kill_record_countdown == 0) {
      write_all(jfd_, rec.data(), rec.size() / 2, tail);  // crash injection: half a record
      ::raise(SIGKILL);
    }
    if (!write_all(jfd_, rec.data(), rec.size(), tail))
      fail(path_,
           fmt::format("cannot write '{}': {} (disk full?)", journal_, std::strerror(errno)));
    tail += static_cast<off_t>(rec.size());
  }
  if (::fdatasync(jfd_) != 0) fail(path_, fmt::format("cannot sync '{}'", journal_));
  for (const auto& g : gaps) saved_.insert(std::upper_bound(saved_.begin(), saved_.end(), g), g);
  // Merge touching ranges so the list stays short.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
  for (const auto& r : saved_) {
    if (!merged.empty() && r.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  saved_ = std::move(merged);
}

void Journal::before_write(int fd, std::uint64_t addr, std::uint64_t size) {
  if (addr < base_size_) save_range(fd, addr, std::min(addr + size, base_size_));
}

void Journal::before_truncate(int fd, std::uint64_t new_size) {
  if (new_size < base_size_) save_range(fd, new_size, base_size_);
}

void Journal::commit() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    fail(path_, fmt::format("fsync failed: {}", std::strerror(errno)));
  }
  ::close(fd);
  if (jfd_ >= 0) {
    ::close(jfd_);
    jfd_ = -1;
    // Only our own journal: a writer that ignored the writer lock may have replaced the file
    // and made a journal of its own under the same name (then this save went to the old file).
    // (Deleted meanwhile by such a writer, who found it stale: ENOENT.)
    if (owns_journal() && ::unlink(journal_.c_str()) != 0 && errno != ENOENT)
      fail(path_, fmt::format("cannot delete '{}': {}", journal_, std::strerror(errno)));
    sync_dir_of(journal_);
  }
  done_ = true;
}

bool Journal::owns_journal() const {
  struct stat js {};
  return ::stat(journal_.c_str(), &js) == 0 && static_cast<std::uint64_t>(js.st_ino) == jino_;
}

bool Journal::file_replaced() const {
  struct stat st {};
  return ::stat(path_.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_ino) != ino_ ||
         static_cast<std::uint64_t>(st.st_dev) != dev_;
}

void Journal::rollback() {
  done_ = true;
  if (file_replaced()) {  // the file saved into is no longer PATH: nothing there to restore
    if (jfd_ >= 0 && owns_journal()) ::unlink(journal_.c_str());
    if (jfd_ >= 0) ::close(jfd_);
    jfd_ = -1;
    return;
  }
  if (jfd_ >= 0) {
    ::close(jfd_);
    jfd_ = -1;
    recover(path_);
  } else {
    // Nothing of the old file was overwritten: only bytes past its end may have been added.
    if (::truncate(path_.c_str(), static_cast<off_t>(base_size_)) != 0)
      fail(path_, fmt::format("cannot truncate it back: {}", std::strerror(errno)));
  }
}

// ---- recovery ------------------------------------------------------------------------------

bool recover(const std::string& path) {
  const std::string jpath = journal_path(path);
  const int jfd = ::open(jpath.c_str(), O_RDONLY | O_CLOEXEC);
  if (jfd < 0) return false;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } jclose{jfd};
  unsigned char h[kHeaderBytes];
  struct stat st {};
  const bool has_file = ::stat(path.c_str(), &st) == 0;
  const bool header_ok = read_all(jfd, h, kHeaderBytes, 0) == kHeaderBytes &&
                         std::memcmp(h, kMagic, 8) == 0 && get64(h + 32) == checksum(h, 32);
  if (!header_ok || !has_file || get64(h + 16) != static_cast<std::uint64_t>(st.st_dev) ||
      get64(h + 24) != static_cast<std::uint64_t>(st.st_ino)) {
    // Killed before its first record (nothing was overwritten), or left over from a file that
    // has since been replaced whole: nothing to undo.
    if (::unlink(jpath.c_str()) != 0 && errno != ENOENT)
      throw DatabaseError(fmt::format("database '{}': cannot delete the stale journal '{}': {}",
                                      path, jpath, std::strerror(errno)));
    return false;
  }
  const std::uint64_t base_size = get64(h + 8);
  struct Record {
    std::uint64_t addr;
    std::vector<unsigned char> bytes;
  };
  std::vector<Record> records;
  off_t at = kHeaderBytes;
  for (;;) {
    unsigned char rh[kRecordHeaderBytes];
    if (read_all(jfd, rh, kRecordHeaderBytes, at) != kRecordHeaderBytes) break;
    const std::uint64_t addr = get64(rh), len = get64(rh + 8);
    if (len > base_size || addr > base_size - len) break;
    Record r{addr, std::vector<unsigned char>(len)};
    if (read_all(jfd, r.bytes.data(), len, at + kRecordHeaderBytes) != len) break;
    if (checksum(r.bytes.data(), len, checksum(rh, 16)) != get64(rh + 16)) break;
    records.push_back(std::move(r));
    at += static_cast<off_t>(kRecordHeaderBytes + len);
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    throw DatabaseError(fmt::format(
        "database '{}' has an unfinished save (a lossland writer was killed while saving; its "
        "journal is '{}'), and repairing it needs write permission: {}. Run any lossland "
        "command on it as a user who may write it",
        path, jpath, std::strerror(errno)));
  bool ok = true;
  for (auto r = records.rbegin(); r != records.rend(); ++r)
    ok = ok && write_all(fd, r->bytes.data(), r->bytes.size(), static_cast<off_t>(r->addr));
  ok = ok && ::ftruncate(fd, static_cast<off_t>(base_size)) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok)
    throw DatabaseError(fmt::format("database '{}': cannot repair it from its journal '{}': {}",
                                    path, jpath, std::strerror(errno)));
  if (::unlink(jpath.c_str()) != 0 && errno != ENOENT)
    throw DatabaseError(fmt::format("database '{}': repaired, but cannot delete '{}': {}", path,
                                    jpath, std::strerror(errno)));
  sync_dir_of(path);
  return true;
}

// ---- locks ---------------------------------------------------------------------------------

FileLock::FileLock(const std::string& path, bool exclusive) {
  // Lock, then check that the file locked is still the one at PATH: a whole rewrite may have
  // renamed a new file over it meanwhile (then lock that one).
  for (int attempt = 0; attempt < 1000; ++attempt) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;
    while (::flock(fd_, exclusive ? LOCK_EX : LOCK_SH) != 0 && errno == EINTR) {
    }
    struct stat held {
    }, named{};
    if (::fstat(fd_, &held) == 0 && ::stat(path.c_str(), &named) == 0 &&
        held.st_ino == named.st_ino && held.st_dev == named.st_dev)
      return;
    ::close(fd_);
    fd_ = -1;
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

ReadLock::ReadLock(const std::string& path) {
  lock_ = std::make_unique<FileLock>(path, false);
  std::error_code ec;
  if (!fs::exists(journal_path(path), ec)) return;
  lock_.reset();
  {
    const FileLock exclusive(path, true);
    recover(path);
  }
  lock_ = std::make_unique<FileLock>(path, false);
}

}  // namespace lossland::db::detail
