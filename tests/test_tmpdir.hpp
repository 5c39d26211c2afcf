#pragma once
/// A temporary directory unique to this test process (CTest runs the cases of one executable as
/// separate processes in parallel, so a fixed name would be shared between them).

#include <unistd.h>

#include <filesystem>
#include <string>

namespace lossland::testing {

inline std::filesystem::path unique_temp_dir(const std::string& stem) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("lossland_" + stem + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace lossland::testing
