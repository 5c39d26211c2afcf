#pragma once
/// Running the real `lossland` binary (LOSSLAND_BINARY) from tests: to completion with its
/// output captured, or as a child process to be killed mid-run.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace lossland::testing {

struct CliRun {
  int code = -1;    ///< exit status; -1 if killed by a signal
  std::string out;  ///< stdout and stderr together (not a terminal)
};

/// Runs `lossland ARGS` through the shell, stdout and stderr captured together.
inline CliRun run_cli(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(LOSSLAND_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// The whole of file `p` (empty if it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// True if `text` holds `what`.
inline bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

/// Makes the database `db` with `lossland bh DB FLAGS` (expected to succeed) and returns its path.
inline std::string bh_database(const std::string& db, const std::string& flags) {
  const CliRun r = run_cli("bh " + db + " " + flags);
  EXPECT_EQ(r.code, 0) << r.out;
  return db;
}

/// `lossland ARGS` must fail with exit status 2 and a message holding every string in `expect`.
inline void expect_user_error(const std::string& args, const std::vector<std::string>& expect) {
  const CliRun r = run_cli(args);
  EXPECT_EQ(r.code, 2) << "lossland " << args << "\n" << r.out;
  for (const auto& e : expect)
    EXPECT_TRUE(contains(r.out, e)) << "lossland " << args << ": no '" << e << "' in\n" << r.out;
}

/// Runs `lossland ARGS` with stdout alone captured (stderr discarded) and parses it as JSON.
inline nlohmann::json run_cli_json(const std::string& args) {
  const CliRun r = run_cli(args + " 2>/dev/null");
  EXPECT_EQ(r.code, 0) << args << "\n" << r.out;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "): " << r.out;
    return {};
  }
}

/// Starts `lossland ARGS...` as a child (no shell; stdout and stderr to `log`), waits
/// `seconds` (counted from when `after_file` exists, if given), kills it with SIGKILL and reaps
/// it. Returns true if it was still running when killed (it died of the SIGKILL, not by itself).
inline bool run_and_kill(const std::vector<std::string>& args, double seconds,
                         const std::string& log, const std::string& after_file = "") {
  const pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    std::string binary = LOSSLAND_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  // With after_file, the clock starts when that file exists (e.g. the first save), so that a
  // slow build (sanitizers) is killed at the same point of its run as a fast one.
  for (int k = 0; !after_file.empty() && !std::filesystem::exists(after_file); ++k) {
    int st = 0;
    if (k > 60000 || ::waitpid(child, &st, WNOHANG) == child) {
      if (k > 60000) ::kill(child, SIGKILL), ::waitpid(child, &st, 0);
      return false;  // ended (or 10 minutes passed) before the file appeared
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

}  // namespace lossland::testing
