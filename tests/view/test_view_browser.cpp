/// The landscape page in a real browser: headless chromium loads `lossland view`'s page with the
/// #selftest fragment, which hovers, clicks one minimum and then a second, recolours, zooms and
/// resets, and writes a verdict into the DOM; no verdict means a script error. The verdict's
/// minimax path is checked against the database (each transition state joins its neighbours)
/// and against a brute-force minimax barrier. A screenshot is saved.
///
/// Without chromium the tests skip, unless LOSSLAND_REQUIRE_CHROMIUM is set (CI installs it
/// through scripts/install-deps.sh), when they fail.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "graph/graph_test_util.hpp"
#include "lossland/graph/network.hpp"
#include "test_tmpdir.hpp"
#include "tools/cli_test_util.hpp"

using namespace lossland;
using lossland::testing::contains;
using lossland::testing::run_cli;

namespace {

/// The chromium binary: $LOSSLAND_CHROMIUM, else the first of chromium, chromium-browser,
/// google-chrome on PATH; empty if none.
std::string find_chromium() {
  if (const char* env = std::getenv("LOSSLAND_CHROMIUM"); env && *env) return env;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string probe = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return name;
  }
  return "";
}

#define REQUIRE_CHROMIUM(var)                                                                \
  const std::string var = find_chromium();                                                   \
  if (var.empty()) {                                                                         \
    if (std::getenv("LOSSLAND_REQUIRE_CHROMIUM"))                                            \
      FAIL() << "chromium is not installed but LOSSLAND_REQUIRE_CHROMIUM is set "            \
                "(apt-get install chromium, or set LOSSLAND_CHROMIUM to the browser)";       \
    GTEST_SKIP() << "chromium not found: the browser test of the landscape page is skipped " \
                    "(install chromium, or set LOSSLAND_CHROMIUM)";                          \
  }

std::string shell_output(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

/// A private chromium profile in the build directory (CTest's working directory), unique to
/// this test process and removed at the end.
class Profile {
 public:
  Profile()
      : path_(std::filesystem::current_path() /
              ("view_chromium_profile_" + std::to_string(::getpid()))) {}
  ~Profile() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  Profile(const Profile&) = delete;
  Profile& operator=(const Profile&) = delete;
  std::string string() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// Headless chromium with a private profile and a 30 s limit.
std::string chromium_command(const std::string& chromium, const Profile& profile,
                             const std::string& what) {
  return "timeout 30 " + chromium +
         " --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check "
         "--disable-extensions --hide-scrollbars --user-data-dir=" +
         profile.string() + " " + what + " 2>/dev/null";
}

/// The #selftest verdict of `page`, parsed; null (with a test failure) if there is none.
nlohmann::json selftest(const std::string& chromium, const Profile& profile,
                        const std::filesystem::path& page) {
  const std::string dom = shell_output(
      chromium_command(chromium, profile, "--dump-dom 'file://" + page.string() + "#selftest'"));
  const std::string start = "<pre id=\"verdict\">SELFTEST ", end = " END</pre>";
  const auto a = dom.find(start);
  const auto b = a == std::string::npos ? a : dom.find(end, a);
  if (b == std::string::npos) {
    ADD_FAILURE() << "no selftest verdict in the page (a script error?): " << dom.substr(0, 2000);
    return nullptr;
  }
  std::string text = dom.substr(a + start.size(), b - a - start.size());
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"&lt;", "<"},
                                 {"&gt;", ">"},
                                 {"&quot;", "\""},
                                 {"&amp;", "&"}})
    for (std::size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += to.size())
      text.replace(p, from.size(), to);
  return nlohmann::json::parse(text);
}

db::Landscape read_db(const std::string& path) {
  return db::read(path);
}

}  // namespace

TEST(ViewBrowser, PageDrawsEveryLeafAndFindsTheMinimaxPath) {
  REQUIRE_CHROMIUM(chromium);
  const lossland::testing::TempDir dir("view_browser");
  const Profile profile;
  const auto dbfile = dir / "x3.h5";
  std::filesystem::copy_file(std::string(LOSSLAND_DATA_DIR) + "/../tests/data/xor_h3_l1e-06.h5",
                             dbfile);
  const auto page = dir / "x3.html";
  const auto r = run_cli("view " + dbfile.string() + " -o " + page.string() + " --no-zero");
  ASSERT_EQ(r.code, 0) << r.out;
  const db::Landscape land = read_db(dbfile.string());
  graph::DisconnectivityOptions o;
  o.omit_zero = true;
  const graph::DisconnectivityTree tree = graph::build_disconnectivity(land, o);

  const nlohmann::json v = selftest(chromium, profile, page);
  ASSERT_FALSE(v.is_null());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(1);
  EXPECT_TRUE(v["errors"].empty()) << v["errors"].dump();
  EXPECT_EQ(v["leaves"].get<std::size_t>(), tree.minima_kept.size());
  EXPECT_TRUE(contains(v["tooltip"].get<std::string>(), "AUC")) << v["tooltip"];
  EXPECT_TRUE(contains(v["tooltip"].get<std::string>(), "transition states to minima"));
  EXPECT_TRUE(contains(v["merge_tooltip"].get<std::string>(), "transition state"));
  EXPECT_EQ(v["after_one"]["images"].get<int>(), 2);  // network diagram and sensitivity map
  EXPECT_TRUE(v["zoom"].get<bool>());
  EXPECT_TRUE(v["drag"].get<bool>());  // a drag over the graph narrows the window
  EXPECT_TRUE(v["reset"].get<bool>());

  // The path the page found between the two clicked minima, against the database.
  const std::int64_t from = v["from"].get<std::int64_t>(), to = v["to"].get<std::int64_t>();
  ASSERT_NE(from, to);
  const auto mins = v["path"]["minima"].get<std::vector<std::int64_t>>();
  const auto tss = v["path"]["ts"].get<std::vector<std::int64_t>>();
  ASSERT_EQ(mins.size(), tss.size() + 1);
  EXPECT_EQ(mins.front(), from);
  EXPECT_EQ(mins.back(), to);
  double highest = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < tss.size(); ++k) {
    const auto& t = land.transition_states.at(tss[k]);
    EXPECT_TRUE((t.min1 == mins[k] && t.min2 == mins[k + 1]) ||
                (t.min2 == mins[k] && t.min1 == mins[k + 1]))
        << "transition state " << tss[k] << " does not join " << mins[k] << " and " << mins[k + 1];
    highest = std::max(highest, t.energy);
  }
  const double barrier = v["path"]["barrier"].get<double>();
  EXPECT_EQ(barrier, highest);
  EXPECT_EQ(barrier,
            lossland::testing::brute_minimax(land, static_cast<int>(from), static_cast<int>(to)));
  EXPECT_EQ(barrier, graph::TransitionNetwork(land).minimax_path(from, to).highest_energy);
  EXPECT_GT(v["highlighted"].get<int>(), 0);
  // No stored paths in the fixture: each transition state is sketched as minimum, TS, minimum.
  EXPECT_EQ(v["profile_points"].get<int>(), static_cast<int>(3 * tss.size()));

  // A screenshot of the page in the state the selftest leaves it (two minima selected).
  const auto shot = std::filesystem::current_path() / "view_selftest.png";
  std::filesystem::remove(shot);
  shell_output(chromium_command(chromium, profile,
                                "--window-size=1500,1100 --screenshot=" + shot.string() +
                                    " 'file://" + page.string() + "#selftest'"));
  ASSERT_TRUE(std::filesystem::exists(shot)) << "no screenshot";
  std::ifstream f(shot, std::ios::binary);
  char magic[8] = {};
  f.read(magic, 8);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  EXPECT_GT(std::filesystem::file_size(shot), 20000u);
}

TEST(ViewBrowser, PageWithoutAnalysisSaysRunAnalyze) {
  REQUIRE_CHROMIUM(chromium);
  const lossland::testing::TempDir dir("view_browser_plain");
  const Profile profile;
  db::Landscape land = lossland::testing::make_landscape({0.0, 0.1, 0.3, 0.2},
                                                         {{0, 1, 0.5}, {1, 2, 0.6}, {0, 3, 0.4}});
  const auto dbfile = dir / "plain.h5";
  db::write(dbfile.string(), land);
  const auto page = dir / "plain.html";
  const auto r = run_cli("view " + dbfile.string() + " -o " + page.string() + " --levels 6");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "run lossland analyze")) << r.out;
  const nlohmann::json v = selftest(chromium, profile, page);
  ASSERT_FALSE(v.is_null());
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(1);
  EXPECT_EQ(v["leaves"].get<int>(), 4);
  EXPECT_TRUE(contains(v["tooltip"].get<std::string>(), "run lossland analyze"));
  EXPECT_TRUE(contains(v["after_one"]["text"].get<std::string>(), "run lossland analyze"));
  // The path from the lowest minimum (0) to the highest drawn (2): 0 -1- 1 -2- 2, barrier 0.6.
  EXPECT_EQ(v["path"]["minima"].get<std::vector<int>>(), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(v["path"]["barrier"].get<double>(), 0.6);
}
