#include <gtest/gtest.h>

#include <cmath>

#include "kinetics/kinetics_test_util.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/kinetics/thermo.hpp"
#include "lossland/model/stabiliser.hpp"

using namespace lossland;
using namespace lossland::kinetics;

TEST(Thermo, OccupationsMatchADirectSum) {
  const HarmonicLandscape h = lossland::testing::random_landscape(7, 9, 5, 3);
  for (double T : {0.01, 0.05, 0.3}) {
    // Z_i = (|G|/O_i) exp(-E_i/T) (2 pi T)^(P/2) / sqrt(det H_i), summed in linear space.
    std::vector<double> z;
    double total = 0;
    for (const auto& m : h.minima) {
      z.push_back(std::exp(h.log_group_order) / std::exp(m.log_order) * std::exp(-m.energy / T) *
                  std::pow(2 * M_PI * T, h.dimension / 2.0) / std::sqrt(std::exp(m.log_det)));
      total += z.back();
    }
    const ThermoResult r = thermodynamics(h, T);
    double sum = 0;
    for (std::size_t i = 0; i < z.size(); ++i) {
      EXPECT_NEAR(r.occupation[i], z[i] / total, 1e-13) << "T = " << T;
      EXPECT_NEAR(r.free_energy[i], -T * std::log(z[i]),
                  1e-12 * std::max(1.0, std::abs(r.free_energy[i])));
      sum += r.occupation[i];
    }
    EXPECT_NEAR(sum, 1.0, 1e-14);
    EXPECT_NEAR(r.free_energy_total, -T * std::log(total), 1e-12);
  }
}

TEST(Thermo, MeanEnergyAndHeatCapacityMatchFiniteDifferences) {
  const HarmonicLandscape h = lossland::testing::random_landscape(6, 8, 4, 11);
  for (double T : {0.004, 0.02, 0.1, 1.0}) {
    const double dT = 1e-4 * T;
    // <E> = T^2 d ln Z / dT
    const double lz_p = thermodynamics(h, T + dT).log_z_total;
    const double lz_m = thermodynamics(h, T - dT).log_z_total;
    const ThermoResult r = thermodynamics(h, T);
    EXPECT_NEAR(r.mean_energy, T * T * (lz_p - lz_m) / (2 * dT),
                1e-7 * std::max(1.0, r.mean_energy))
        << "T = " << T;
    // C = d<E>/dT
    const double c_fd =
        (thermodynamics(h, T + dT).mean_energy - thermodynamics(h, T - dT).mean_energy) / (2 * dT);
    EXPECT_NEAR(r.heat_capacity, c_fd, 1e-6 * std::max(1.0, std::abs(c_fd))) << "T = " << T;
    EXPECT_GE(r.heat_capacity, h.dimension / 2.0);
    // S = -dF/dT
    const double s_fd = -(thermodynamics(h, T + dT).free_energy_total -
                          thermodynamics(h, T - dT).free_energy_total) /
                        (2 * dT);
    EXPECT_NEAR(r.entropy, s_fd, 1e-6 * std::max(1.0, std::abs(s_fd)));
  }
}

TEST(Thermo, SymmetryFactorsWeightTheMinima) {
  // Two minima identical but for O: p ratio is O_2 / O_1 at every T.
  HarmonicLandscape h = lossland::testing::random_landscape(2, 1, 3, 1);
  h.minima[1] = h.minima[0];
  h.minima[0].log_order = std::log(48.0);  // e.g. the all-zero point at N_h = 3
  h.minima[1].log_order = 0.0;
  for (double T : {1e-3, 0.1}) {
    const ThermoResult r = thermodynamics(h, T);
    EXPECT_NEAR(r.occupation[1] / r.occupation[0], 48.0, 1e-10);
  }
}

TEST(Thermo, ExtremeDeterminantsStayFinite) {
  // lambda = 1e-6 spectra: ln det ~ -P ln(1e6) for P = 32, hundreds of orders of magnitude.
  HarmonicLandscape h = lossland::testing::random_landscape(5, 6, 32, 4, 400.0);
  const ThermoResult r = thermodynamics(h, 1e-4);
  double sum = 0;
  for (double p : r.occupation) {
    EXPECT_TRUE(std::isfinite(p));
    sum += p;
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_TRUE(std::isfinite(r.heat_capacity));
}

TEST(Thermo, ScanIsLogSpacedAndChecksItsRange) {
  const HarmonicLandscape h = lossland::testing::random_landscape(3, 3, 3, 2);
  const auto scan = thermo_scan(h, 1e-3, 1e-1, 5);
  ASSERT_EQ(scan.size(), 5u);
  EXPECT_NEAR(scan[0].temperature, 1e-3, 1e-15);
  EXPECT_NEAR(scan[2].temperature, 1e-2, 1e-14);
  EXPECT_NEAR(scan[4].temperature, 1e-1, 1e-13);
  EXPECT_THROW(thermo_scan(h, 1e-1, 1e-3, 5), std::invalid_argument);
  EXPECT_THROW(thermo_scan(h, 1e-3, 1e-1, 1), std::invalid_argument);
  EXPECT_THROW(thermodynamics(h, 0.0), std::invalid_argument);
  EXPECT_THROW(thermodynamics(h, std::nan("")), std::invalid_argument);
}

TEST(Thermo, FromADatabaseUsesStoredSpectraAndStabiliserOrders) {
  db::Landscape land;
  land.model = {{2, 2, 2}, Activation::Tanh, Regularize::All, 1e-2};
  land.dataset = xor_dataset();
  const int P = land.num_params();
  db::StoredPoint zero{0.7, Eigen::VectorXd::Zero(P), 0, Eigen::VectorXd::LinSpaced(P, 0.1, 1)};
  db::StoredPoint other{0.5, Eigen::VectorXd::LinSpaced(P, 0.3, 2.1), 0,
                        Eigen::VectorXd::LinSpaced(P, 0.2, 3)};
  land.minima = {zero, other};
  const HarmonicLandscape h = harmonic_landscape(land);
  EXPECT_NEAR(h.log_group_order, std::log(8.0), 1e-14);
  EXPECT_NEAR(h.minima[0].log_order, std::log(8.0), 1e-14);  // computed: 2! 2^2
  EXPECT_NEAR(h.minima[1].log_order, 0.0, 1e-14);
  EXPECT_NEAR(h.minima[1].log_det, Eigen::VectorXd::LinSpaced(P, 0.2, 3).array().log().sum(),
              1e-12);
  // A stored column wins over the computed order.
  land.minima_columns[db::kHorderColumn] = Eigen::Vector2d(8, 2);
  EXPECT_NEAR(harmonic_landscape(land).minima[1].log_order, std::log(2.0), 1e-14);
  // A spectrum that is not a minimum's is refused, naming the point.
  land.minima[1].eigenvalues[0] = -1;
  try {
    harmonic_landscape(land);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("minimum 1"), std::string::npos) << e.what();
  }
}
