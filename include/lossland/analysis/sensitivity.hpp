#pragma once
/// \file
/// Sensitivity maps (Mehta, Zhao, Bernal & Wales, Phys. Rev. E 97, 052307 (2018), Sec. IV D): the
/// trained network's output over a grid of inputs around the training set, and the XOR robustness
/// score: the fraction of the grid classified as the ideal rule says (class 0 when |x - y| <= 0.5,
/// class 1 otherwise).

#include <Eigen/Core>
#include <string>

#include "lossland/model/mlp_loss.hpp"

namespace lossland::analysis {

/// The input grid: both inputs run over lo, lo + step, ..., up to hi (Mehta et al.: [-0.5, 1.5]
/// at step 0.015, i.e. 134 values each).
struct SensitivityGrid {
  double lo = -0.5;     ///< first grid value. Range: finite, < hi.
  double hi = 1.5;      ///< last grid value (included when on the grid). Range: finite, > lo.
  double step = 0.015;  ///< spacing. Range (0, hi - lo].
  /// Number of values per axis: floor((hi - lo) / step + 1e-9) + 1.
  int count() const;
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

/// The network's response on the grid. Row r is input y = values[r] (the second input), column
/// q is input x = values[q] (the first input).
struct SensitivityMap {
  Eigen::VectorXd values;     ///< grid values of each axis
  Eigen::MatrixXd p1;         ///< probability of class 1 (two classes)
  Eigen::MatrixXi predicted;  ///< argmax class (the lower class on an exact tie)
  int num_classes = 2;
};

/// Evaluates the network at w on the grid. Throws std::invalid_argument when the model does
/// not have exactly two inputs ("a sensitivity map needs two inputs").
SensitivityMap sensitivity_map(const MlpLoss& loss, const Eigen::VectorXd& w,
                               const SensitivityGrid& grid = {});

/// True when the dataset is XOR: two inputs, two classes, and its samples are the four points
/// of {0,1}^2 labelled x XOR y (in any order, each at least once, no others).
bool is_xor_dataset(const Dataset& data);

/// The ideal rule of Mehta et al. 2018, Sec. IV D: class 0 when |x - y| <= 0.5, class 1 otherwise.
int ideal_xor_class(double x, double y);

/// Fraction of grid points whose predicted class equals ideal_xor_class. Requires two classes.
double xor_robustness(const SensitivityMap& map);

/// Options for drawing a map.
struct SensitivityDrawOptions {
  double pixels_per_cell = 2.5;  ///< image scale. Range [0.5, 20].
  std::string title;             ///< drawn above the map; empty for none
  bool show_ideal_rule = true;   ///< dashed lines |x - y| = 0.5 (drawn only for XOR data)
};

/// Draws the map (p1 on a blue-white-red scale: blue class 0, red class 1), the training points
/// (triangle: class 0, square: class 1, as in the paper), axes and a colour bar, to a .png, .svg
/// or .pdf file. Throws std::invalid_argument for another extension, std::runtime_error when
/// the file cannot be written.
void draw_sensitivity_map(const SensitivityMap& map, const Dataset& data, const std::string& path,
                          const SensitivityDrawOptions& options = {});

}  // namespace lossland::analysis
