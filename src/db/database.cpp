/// \file
/// The landscape database (docs/schema.md) written and read with the HDF5 C API: the public
/// entry points (read, write, check_compatible). The whole writer is write_file.cpp, the reader
/// reader.cpp, the in-place save append.cpp.

#include "lossland/db/database.hpp"

#include <sys/stat.h>

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "db/append.hpp"
#include "db/hdf5_util.hpp"
#include "db/journal.hpp"
#include "db/reader.hpp"
#include "db/schema.hpp"
#include "db/write_file.hpp"
#include "lossland/db/lock.hpp"

namespace lossland::db {
namespace fs = std::filesystem;

namespace {

using namespace detail;

/// fsync()s a file or directory so that a crash after this point keeps it.
bool sync_path(const std::string& p, int flags) {
  const int fd = ::open(p.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

/// 1 if `path` is an HDF5 file, 0 if not, < 0 if it cannot be checked.
htri_t is_hdf5(const std::string& path) {
#if H5_VERSION_GE(1, 12, 0)
  return H5Fis_accessible(path.c_str(), H5P_DEFAULT);
#else
  return H5Fis_hdf5(path.c_str());
#endif
}

}  // namespace

Landscape read(const std::string& path) {
  return read(path, ReadParts{});
}

Landscape read(const std::string& path, const ReadParts& parts) {
  silence_hdf5();
  if (!exists(path)) {
    throw DatabaseError(fmt::format(
        "database '{}' does not exist (run `lossland bh {} ...` to create it)", path, path));
  }
  std::error_code dir_ec;
  if (fs::is_directory(path, dir_ec)) {
    throw DatabaseError(fmt::format(
        "'{}' is a directory, not a database file: give the path of an .h5 file", path));
  }
  if (::access(path.c_str(), R_OK) != 0) {
    throw DatabaseError(fmt::format("cannot read database '{}': {}", path, std::strerror(errno)));
  }
  const ReadLock lock(path);  // waits for a save in progress; repairs a killed one
  if (is_hdf5(path) <= 0) {
    throw DatabaseError(
        fmt::format("'{}' is not an HDF5 file (it may be truncated or corrupt; "
                    "restore it from a backup, or delete it to start a new "
                    "landscape)",
                    path));
  }
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) {
    throw DatabaseError(
        fmt::format("'{}' is an HDF5 file that cannot be opened (it may be "
                    "truncated or corrupt; restore it from a backup, or delete it "
                    "to start a new landscape)",
                    path));
  }
  return detail::read_file(path, file.get(), parts);
}

void write(const std::string& path, const Landscape& landscape, SaveMode mode) {
  silence_hdf5();
  check_shapes(path, landscape);
  check_writable(path);
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw DatabaseError(fmt::format("cannot write database '{}': directory '{}' does not exist",
                                    path, dir.string()));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw DatabaseError(
        fmt::format("cannot write database '{}': directory '{}' is not writable ({})", path,
                    dir.string(), std::strerror(errno)));
  }
  remove_stale_tmp(path);
  if (mode == SaveMode::Changes && save_in_place(path, landscape)) {
    set_last_save_kind(SaveKind::InPlace);
    return;
  }
  set_last_save_kind(SaveKind::Whole);
  // Held while the new file is written and renamed, so that an in-place save of another
  // process (one that ignores the writer lock) is not lost in the old file; a journal that a
  // killed save left is undone first, so that a failed rewrite leaves a valid old file.
  const FileLock lock(path, true);
  recover(path);
  const std::string tmp = unique_tmp_name(path);
  struct stat old {};
  const bool replacing = ::stat(path.c_str(), &old) == 0;
  try {
    write_file(tmp, path, landscape);
    if (replacing) {  // the new file keeps the old one's permissions and, where allowed, owner
      ::chmod(tmp.c_str(), old.st_mode & 07777);
      if (::chown(tmp.c_str(), old.st_uid, old.st_gid) != 0) {
        // Only root may give a file away; a user's own file keeps its owner anyway.
      }
    }
    if (!sync_path(tmp, O_RDONLY)) {
      throw DatabaseError(fmt::format("cannot write database '{}': fsync of '{}' failed: {}", path,
                                      tmp, std::strerror(errno)));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      throw DatabaseError(fmt::format("cannot write database '{}': cannot rename '{}' over it: {}",
                                      path, tmp, std::strerror(errno)));
    }
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  sync_path(dir.string(), O_RDONLY | O_DIRECTORY);
}

bool is_integer_column(const std::string& name) {
  return dataset_info("/minima", name, ModelSpec{}).integer ||
         dataset_info("/transition_states", name, ModelSpec{}).integer;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

void check_compatible(const std::string& path, const Landscape& file, const ModelSpec& model,
                      const Dataset& dataset) {
  auto mismatch = [&](const char* what, const std::string& have, const std::string& want) {
    throw DatabaseError(fmt::format(
        "database '{}' holds a landscape with {} = {}, but this run asks for {} = {}: use another "
        "file, or the file's settings",
        path, what, have, what, want));
  };
  const ModelSpec& m = file.model;
  if (m.layers != model.layers) {
    mismatch("layers", format_layers(m.layers), format_layers(model.layers));
  }
  if (m.activation != model.activation) {
    mismatch("activation", to_string(m.activation), to_string(model.activation));
  }
  if (m.lambda != model.lambda) {
    mismatch("lambda", fmt::format("{}", m.lambda), fmt::format("{}", model.lambda));
  }
  if (m.regularize != model.regularize) {
    mismatch("regularize", to_string(m.regularize), to_string(model.regularize));
  }
  const Dataset& d = file.dataset;
  if (d.name != dataset.name) mismatch("dataset", d.name, dataset.name);
  const bool same_data = d.inputs.rows() == dataset.inputs.rows() &&
                         d.inputs.cols() == dataset.inputs.cols() && d.inputs == dataset.inputs &&
                         d.labels.size() == dataset.labels.size() && d.labels == dataset.labels &&
                         d.num_classes == dataset.num_classes;
  if (!same_data) {
    throw DatabaseError(fmt::format(
        "database '{}' holds a landscape of dataset '{}' whose contents (inputs, labels or "
        "classes) differ from this run's dataset '{}': use another file, or the file's data",
        path, d.name, dataset.name));
  }
}

}  // namespace lossland::db
