/// \file
/// The HDF5 virtual file driver of in-place saves (journal.hpp): a plain POSIX driver (pread and
/// pwrite on one descriptor) that asks the Journal before every write and truncation, so that
/// the bytes a save overwrites are in the journal first. HDF5 1.10's driver interface
/// (H5FDpublic.h); file locking is left to lossland's own locks.

#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <H5FDpublic.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>

#include "db/journal.hpp"
#include "db/posix_io.hpp"

namespace lossland::db::detail {
namespace {

std::atomic<long> g_kill_countdown{0};
std::atomic<std::uint64_t> g_bytes_written{0};

/// The crash-injection hook of kill_before_write().
void maybe_kill() {
  if (g_kill_countdown.load() > 0 && --g_kill_countdown == 0) ::raise(SIGKILL);
}

// ---- the virtual file driver -------------------------------------------------------------

/// What the driver is given in the file access property list.
struct DriverInfo {
  Journal* journal;
};

/// One open file of the driver. `pub` must come first: HDF5 sees an H5FD_t.
struct DriverFile {
  H5FD_t pub;
  int fd;
  haddr_t eoa, eof;
  dev_t dev;
  ino_t ino;
  Journal* journal;
};

constexpr haddr_t kMaxAddr = (haddr_t(1) << (8 * sizeof(off_t) - 1)) - 1;

H5FD_t* driver_open(const char* name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
  if (!name || !*name || maxaddr == 0 || maxaddr == HADDR_UNDEF || maxaddr > kMaxAddr)
    return nullptr;
  const auto* info = static_cast<const DriverInfo*>(H5Pget_driver_info(fapl));
  int o = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
  if (flags & H5F_ACC_TRUNC) o |= O_TRUNC;
  if (flags & H5F_ACC_CREAT) o |= O_CREAT;
  if (flags & H5F_ACC_EXCL) o |= O_EXCL;
  const int fd = ::open(name, o | O_CLOEXEC, 0644);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return nullptr;
  }
  auto* f = new DriverFile{};
  f->fd = fd;
  f->eoa = 0;
  f->eof = static_cast<haddr_t>(st.st_size);
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  f->journal = info ? info->journal : nullptr;
  return &f->pub;
}

herr_t driver_close(H5FD_t* file) {
  auto* f = reinterpret_cast<DriverFile*>(file);
  const bool ok = ::close(f->fd) == 0;
  delete f;
  return ok ? 0 : -1;
}

int driver_cmp(const H5FD_t* a, const H5FD_t* b) {
  const auto* f = reinterpret_cast<const DriverFile*>(a);
  const auto* g = reinterpret_cast<const DriverFile*>(b);
  if (f->dev != g->dev) return f->dev < g->dev ? -1 : 1;
  if (f->ino != g->ino) return f->ino < g->ino ? -1 : 1;
  return 0;
}

herr_t driver_query(const H5FD_t*, unsigned long* flags) {
  if (flags)
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
  return 0;
}

haddr_t driver_get_eoa(const H5FD_t* file, H5FD_mem_t) {
  return reinterpret_cast<const DriverFile*>(file)->eoa;
}
herr_t driver_set_eoa(H5FD_t* file, H5FD_mem_t, haddr_t addr) {
  if (addr > kMaxAddr) return -1;
  reinterpret_cast<DriverFile*>(file)->eoa = addr;
  return 0;
}
haddr_t driver_get_eof(const H5FD_t* file, H5FD_mem_t) {
  return reinterpret_cast<const DriverFile*>(file)->eof;
}

herr_t driver_get_handle(H5FD_t* file, hid_t, void** handle) {
  if (!handle) return -1;
  *handle = &reinterpret_cast<DriverFile*>(file)->fd;
  return 0;
}

herr_t driver_read(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, void* buf) {
  auto* f = reinterpret_cast<DriverFile*>(file);
  if (addr == HADDR_UNDEF || addr + size > f->eoa || addr + size < addr) return -1;
  const std::size_t got = read_all(f->fd, buf, size, static_cast<off_t>(addr));
  if (got < size) {
    if (addr + got < f->eof) return -1;  // a read error inside the file
    std::memset(static_cast<unsigned char*>(buf) + got, 0, size - got);  // past end of file
  }
  return 0;
}

herr_t driver_write(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, const void* buf) {
  auto* f = reinterpret_cast<DriverFile*>(file);
  if (addr == HADDR_UNDEF || addr + size > f->eoa || addr + size < addr) return -1;
  try {
    if (f->journal) f->journal->before_write(f->fd, addr, size);
  } catch (...) {
    return -1;  // the journal could not take the old bytes: do not overwrite them
  }
  maybe_kill();
  if (!write_all(f->fd, buf, size, static_cast<off_t>(addr))) return -1;
  g_bytes_written += size;
  f->eof = std::max<haddr_t>(f->eof, addr + size);
  return 0;
}

herr_t driver_truncate(H5FD_t* file, hid_t, hbool_t) {
  auto* f = reinterpret_cast<DriverFile*>(file);
  if (f->eoa == f->eof) return 0;
  try {
    if (f->journal) f->journal->before_truncate(f->fd, f->eoa);
  } catch (...) {
    return -1;
  }
  maybe_kill();
  if (::ftruncate(f->fd, static_cast<off_t>(f->eoa)) != 0) return -1;
  f->eof = f->eoa;
  return 0;
}

herr_t driver_flush(H5FD_t*, hid_t, hbool_t) {
  return 0;  // writes go straight to the descriptor; commit() fsyncs the file
}
herr_t driver_lock(H5FD_t*, hbool_t) {
  return 0;  // lossland's FileLock and WriterLock do the locking
}
herr_t driver_unlock(H5FD_t*) {
  return 0;
}

/// The driver, registered once per process.
hid_t driver_id() {
  static hid_t id = [] {
    static H5FD_class_t cls{};
    cls.name = "lossland_journal";
    cls.maxaddr = kMaxAddr;
    cls.fc_degree = H5F_CLOSE_WEAK;
    cls.fapl_size = sizeof(DriverInfo);
    cls.open = driver_open;
    cls.close = driver_close;
    cls.cmp = driver_cmp;
    cls.query = driver_query;
    cls.get_eoa = driver_get_eoa;
    cls.set_eoa = driver_set_eoa;
    cls.get_eof = driver_get_eof;
    cls.get_handle = driver_get_handle;
    cls.read = driver_read;
    cls.write = driver_write;
    cls.flush = driver_flush;
    cls.truncate = driver_truncate;
    cls.lock = driver_lock;
    cls.unlock = driver_unlock;
    const H5FD_mem_t map[] = H5FD_FLMAP_DICHOTOMY;
    std::copy(std::begin(map), std::end(map), cls.fl_map);
    return H5FDregister(&cls);
  }();
  return id;
}

}  // namespace

herr_t set_journal_driver(hid_t fapl, Journal* journal) {
  const DriverInfo info{journal};
  return driver_id() < 0 ? -1 : H5Pset_driver(fapl, driver_id(), &info);
}

void kill_before_write(long n) {
  g_kill_countdown = n;
}

std::uint64_t driver_bytes_written() {
  return g_bytes_written.load();
}

}  // namespace lossland::db::detail
