/// The pictures of the landscape page: each minimum's network diagram and sensitivity map,
/// drawn by the renderers of `analyze --report` into a private temporary directory and embedded
/// as PNG data URIs.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lossland/analysis/network_diagram.hpp"
#include "lossland/analysis/report.hpp"
#include "lossland/analysis/sensitivity.hpp"
#include "view/page_internal.hpp"

namespace lossland::view::detail {
namespace {

/// A mkdtemp directory removed with its files when the object goes.
class ScratchDir {
 public:
  ScratchDir() {
    std::string name = (std::filesystem::temp_directory_path() / "lossland_view_XXXXXX").string();
    if (!::mkdtemp(name.data()))
      throw std::runtime_error("view: cannot create a temporary directory for the pictures in " +
                               std::filesystem::temp_directory_path().string() +
                               " (set TMPDIR to a writable directory)");
    path_ = name;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string png_uri(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("view: cannot read back the picture " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return "data:image/png;base64," + analysis::base64_encode(s.str());
}

double column_or_nan(const db::Landscape& land, const char* name, std::size_t row) {
  const auto it = land.minima_columns.find(name);
  if (it == land.minima_columns.end() || static_cast<std::size_t>(it->second.rows()) <= row)
    return std::nan("");
  return it->second(static_cast<Eigen::Index>(row), 0);
}

}  // namespace

nlohmann::json minimum_pictures(const db::Landscape& land, const std::vector<std::int64_t>& ids,
                                const LandscapePageOptions& o) {
  nlohmann::json out = nlohmann::json::object();
  if (ids.empty()) return out;
  const ScratchDir dir;
  const MlpLoss loss(land.dataset, land.model);
  const bool two_inputs = land.dataset.num_inputs() == 2;
  const bool xor_data = analysis::is_xor_dataset(land.dataset);
  for (const std::int64_t id : ids) {
    const Eigen::VectorXd& w = land.minima[id].coords;
    nlohmann::json pics;
    const std::string stem = dir.file("min" + std::to_string(id));
    if (two_inputs) {
      const analysis::SensitivityMap map = analysis::sensitivity_map(loss, w);
      analysis::SensitivityDrawOptions so;
      so.pixels_per_cell = 2;
      char title[64] = "";
      if (xor_data)
        std::snprintf(title, sizeof title, "robustness %.3f", analysis::xor_robustness(map));
      so.title = title;
      analysis::draw_sensitivity_map(map, land.dataset, stem + "_sensitivity.png", so);
      pics["sensitivity"] = png_uri(stem + "_sensitivity.png");
    }
    analysis::NetworkDiagramOptions no;
    no.zero_threshold = o.zero_threshold;
    const double nonzero = column_or_nan(land, "nonzero_weights", id);
    const double connected = column_or_nan(land, "connected_hidden", id);
    if (std::isfinite(nonzero) && std::isfinite(connected)) {
      char title[128];
      std::snprintf(title, sizeof title, "%.0f non-zero weights, %.0f of %d hidden connected",
                    nonzero, connected, land.model.hidden());
      no.title = title;
    }
    analysis::draw_network_diagram(land.model, w, stem + "_network.png", no);
    pics["network"] = png_uri(stem + "_network.png");
    out[std::to_string(id)] = pics;
  }
  return out;
}

}  // namespace lossland::view::detail
