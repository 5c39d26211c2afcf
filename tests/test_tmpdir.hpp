#pragma once
/// Temporary directories for tests, unique to this test process (CTest runs the cases of one
/// executable as separate processes in parallel, so a fixed name would be shared between them).

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace lossland::testing {

/// The name /tmp/lossland_<stem>_<pid>, emptied and created. The caller removes it; prefer
/// TempDir, which does.
inline std::filesystem::path unique_temp_dir(const std::string& stem) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("lossland_" + stem + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// A unique_temp_dir that is removed with everything in it when the object goes out of scope,
/// so also when an ASSERT_* returns early from the test. Neither copied nor moved: one owner.
class TempDir {
 public:
  explicit TempDir(const std::string& stem) : path_(unique_temp_dir(stem)) {}
  ~TempDir() {
    std::error_code ignored;  // a destructor must not throw; a leftover is only untidy
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  operator const std::filesystem::path&() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }
  std::string string() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace lossland::testing
