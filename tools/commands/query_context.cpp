#include "commands/query_context.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lossland/model/symmetry.hpp"

namespace lossland::cli {
namespace {

/// Reads the database; one without minima is an error (there is nothing to ask about).
db::Landscape open_nonempty(const std::string& path, const db::ReadParts& parts) {
  db::Landscape land = db::read(path, parts);
  if (land.minima.empty())
    throw std::invalid_argument("'" + path + "' holds no minima yet: run lossland bh " + path +
                                " first");
  return land;
}

}  // namespace

Context::Context(const std::string& path, const db::ReadParts& parts, bool with_escape)
    : path(path),
      land(open_nonempty(path, parts)),
      net(land),
      comps(net.components()),
      escape(with_escape ? net.escape_barriers() : std::vector<graph::EscapeBarrier>{}) {}

std::vector<int> symmetry_classes(const Context& ctx) {
  const db::Landscape& land = ctx.land;
  std::vector<double> energies;
  for (const auto& m : land.minima) energies.push_back(m.energy);
  const std::vector<std::size_t> rows = energy_neighbours(energies);
  std::vector<Eigen::VectorXd> fetched;
  if (!rows.empty() && land.minima.front().coords.size() == 0)
    fetched = db::read_coords(ctx.path, db::PointTable::Minima, rows);
  const PointSource point = [&](std::size_t i) -> const Eigen::VectorXd& {
    if (fetched.empty()) return land.minima[i].coords;
    const auto at = std::lower_bound(rows.begin(), rows.end(), i);
    return fetched[static_cast<std::size_t>(at - rows.begin())];
  };
  return dataset_symmetry_classes(land.model, land.dataset, energies, point);
}

std::size_t count_classes(const std::vector<int>& classes) {
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < classes.size(); ++i) distinct += classes[i] == static_cast<int>(i);
  return distinct;
}

void check_id(std::int64_t id, std::size_t count, const char* what) {
  if (id < 0 || id >= static_cast<std::int64_t>(count))
    throw std::invalid_argument(std::string(what) + " " + std::to_string(id) +
                                " does not exist: the database has " + std::to_string(count) +
                                " (ids 0.." + std::to_string(static_cast<long long>(count) - 1) +
                                ")");
}

nlohmann::json jnum(double v) {
  if (std::isnan(v)) return nullptr;
  return v;
}

nlohmann::json column_json(const std::string& name, double v) {
  if (is_count_column(name) && std::isfinite(v) && v == std::round(v))
    return static_cast<std::int64_t>(v);
  return jnum(v);
}

}  // namespace lossland::cli
