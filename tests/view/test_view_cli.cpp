/// `lossland view`: --help with defaults, --json counts, the dgraph flags mapped onto the same
/// tree, and bad input refused with exit status 2 and nothing written.
#include <gtest/gtest.h>

#include <filesystem>

#include "graph/graph_test_util.hpp"
#include "test_tmpdir.hpp"
#include "tools/cli_test_util.hpp"

using namespace lossland;
using lossland::testing::contains;
using lossland::testing::expect_user_error;
using lossland::testing::run_cli;
using lossland::testing::run_cli_json;

namespace {

std::filesystem::path fixture() {
  return std::filesystem::path(LOSSLAND_DATA_DIR).parent_path() / "tests" / "data" /
         "xor_h3_l1e-06.h5";
}

}  // namespace

TEST(ViewCli, HelpExplainsEveryOptionWithDefaults) {
  const auto r = run_cli("view --help");
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"--levels", "--spacing", "--level-spacing", "--log-offset", "--top",
                        "--emax", "--no-zero", "--color", "--max-pictures", "--zero-threshold",
                        "--title", "--json", "INT=20", "=60", "=auto", "=join", "file://"})
    EXPECT_TRUE(contains(r.out, s)) << s << " missing from\n" << r.out;
}

TEST(ViewCli, JsonCountsMatchDgraph) {
  const lossland::testing::TempDir dir("view_cli");
  const auto page = dir / "p.html";
  const std::string flags = " --no-zero --levels 12 --level-spacing log";
  const auto j = run_cli_json("view " + fixture().string() + " -o " + page.string() + flags +
                              " --max-pictures 3 --json");
  const auto g = run_cli_json("dgraph " + fixture().string() + flags + " --json");
  ASSERT_TRUE(std::filesystem::exists(page));
  EXPECT_EQ(j["leaves"].get<std::size_t>(), g["minima_kept"].size());
  EXPECT_EQ(j["pictures"].get<int>(), 3);
  EXPECT_TRUE(j["analyzed"].get<bool>());
  int merges = 0;
  for (const auto& n : g["nodes"]) merges += n["children"].size() >= 2;
  EXPECT_EQ(j["merge_nodes"].get<int>(), merges);
  const auto cols = j["columns"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(cols.begin(), cols.end(), "robustness"), cols.end());
}

TEST(ViewCli, BadInputExitsTwoAndWritesNothing) {
  const lossland::testing::TempDir dir("view_cli_bad");
  const std::string db = fixture().string();
  const auto page = dir / "p.html";
  expect_user_error("view " + (dir / "missing.h5").string() + " -o " + page.string(),
                    {"missing.h5"});
  expect_user_error("view " + db + " -o " + page.string() + " --color nosuch",
                    {"--color", "'nosuch'", "auc"});
  expect_user_error("view " + db + " -o " + page.string() + " --levels 1", {"levels"});
  expect_user_error("view " + db + " -o " + dir.string(), {"is a directory"});
  expect_user_error("view " + db + " -o " + (dir / "no" / "p.html").string(), {"does not exist"});
  expect_user_error("view " + db, {"-o"});
  EXPECT_FALSE(std::filesystem::exists(page));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}
