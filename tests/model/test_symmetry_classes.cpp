/// Symmetry classes from energy-sorted windows (issue 17) against the pairwise reference, on the
/// survey's N_h = 3 landscape with symmetric copies, near-ties and exact energy ties added.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <random>
#include <set>

#include "lossland/db/database.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/symmetry.hpp"

using namespace lossland;

namespace {

struct Points {
  ModelSpec spec;
  Dataset data;
  std::vector<double> energies;
  std::vector<Eigen::VectorXd> coords;
};

/// The fixture's minima, then for each: a copy under a random node map and dataset symmetry,
/// moved by 1e-5 (within the distance tolerance) with its energy moved by half the energy
/// tolerance; a point far away at exactly the same energy (a tie that is not the same point);
/// and a copy moved by 0.1 (same energy, different point). Rows are shuffled.
Points survey_points_with_copies(unsigned seed) {
  const auto dir = std::filesystem::path(LOSSLAND_DATA_DIR).parent_path() / "tests" / "data";
  const db::Landscape land = db::read((dir / "xor_h3_l1e-06.h5").string());
  Points p{land.model, land.dataset, {}, {}};
  const auto group = dataset_symmetries(land.dataset);
  const int H = land.model.layers[1];
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd;
  auto noise = [&](double scale) {
    Eigen::VectorXd v(land.num_params());
    for (auto& x : v) x = scale * nd(rng);
    return v;
  };
  for (const auto& m : land.minima) {
    p.energies.push_back(m.energy);
    p.coords.push_back(m.coords);
    NodeMap map;
    map.perm.resize(H);
    std::iota(map.perm.begin(), map.perm.end(), 0);
    std::shuffle(map.perm.begin(), map.perm.end(), rng);
    for (int j = 0; j < H; ++j) map.sign.push_back(rng() & 1 ? -1 : 1);
    const auto& g = group[rng() % group.size()];
    const double tol = SamePoint{}.energy_tol * std::max(1.0, std::abs(m.energy));
    p.energies.push_back(m.energy + 0.5 * tol);
    p.coords.push_back(apply(land.model, map, apply(land.model, g, m.coords)) + noise(1e-6));
    p.energies.push_back(m.energy);
    p.coords.push_back(noise(1.0));
    p.energies.push_back(m.energy);
    p.coords.push_back(m.coords + noise(0.1));
  }
  std::vector<std::size_t> order(p.energies.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), rng);
  Points out{p.spec, p.data, {}, {}};
  for (std::size_t i : order) {
    out.energies.push_back(p.energies[i]);
    out.coords.push_back(p.coords[i]);
  }
  return out;
}

std::size_t distinct(const std::vector<int>& cls) {
  return std::set<int>(cls.begin(), cls.end()).size();
}

}  // namespace

TEST(SymmetryClasses, EnergyWindowsMatchPairwiseOnSurveyLandscapeWithTies) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const Points p = survey_points_with_copies(seed);
    const auto fast = dataset_symmetry_classes(p.spec, p.data, p.energies, p.coords);
    const auto slow = pairwise_symmetry_classes(p.spec, p.data, p.energies, p.coords);
    EXPECT_EQ(fast, slow) << "seed " << seed;
    // Each symmetric copy joins its original; the ties and the moved copies stay apart, so
    // there are at most 3 classes per original minimum (fewer where the file's own minima are
    // dataset-symmetric copies of each other).
    const std::size_t originals = p.energies.size() / 4;
    EXPECT_LE(distinct(fast), 3 * originals);
    EXPECT_GE(distinct(fast), 2 * originals);
  }
}

TEST(SymmetryClasses, OnlyRowsWithEnergyNeighboursAreFetched) {
  Points p = survey_points_with_copies(4);
  // A lone point far below everything needs no coordinates.
  p.energies.push_back(-1.0);
  p.coords.push_back(p.coords[0] * 3.0);
  const std::vector<std::size_t> need = energy_neighbours(p.energies);
  EXPECT_EQ(std::count(need.begin(), need.end(), p.energies.size() - 1), 0);
  EXPECT_FALSE(need.empty());
  std::set<std::size_t> fetched;
  const auto cls = dataset_symmetry_classes(p.spec, p.data, p.energies,
                                            [&](std::size_t i) -> const Eigen::VectorXd& {
                                              fetched.insert(i);
                                              return p.coords[i];
                                            });
  for (std::size_t i : fetched) EXPECT_TRUE(std::binary_search(need.begin(), need.end(), i)) << i;
  EXPECT_EQ(cls, pairwise_symmetry_classes(p.spec, p.data, p.energies, p.coords));
  EXPECT_EQ(cls.back(), static_cast<int>(p.energies.size() - 1));
}

TEST(SymmetryClasses, AllEqualEnergiesStillAgreeWithPairwise) {
  // Every energy equal: one window holds every row, the worst case, still the same answer.
  Points p = survey_points_with_copies(5);
  std::fill(p.energies.begin(), p.energies.end(), 0.25);
  EXPECT_EQ(dataset_symmetry_classes(p.spec, p.data, p.energies, p.coords),
            pairwise_symmetry_classes(p.spec, p.data, p.energies, p.coords));
}
