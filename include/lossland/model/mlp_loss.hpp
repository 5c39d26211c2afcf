#pragma once
/// \file
/// The loss of Mehta, Zhao, Bernal & Wales (Phys. Rev. E 97, 052307 (2018), Eqs. 1-3;
/// docs/loss.md): a fully connected network with one hidden layer, softmax outputs, mean
/// cross-entropy and an L2 penalty.

#include <string>
#include <vector>

#include "lossland/model/dataset.hpp"
#include "lossland/model/loss.hpp"

namespace lossland {

enum class Activation { Tanh, Sigmoid };
enum class Regularize { All, Weights };

std::string to_string(Activation a);
std::string to_string(Regularize r);
/// Parse "tanh"/"sigmoid"; throws std::invalid_argument naming the accepted values.
Activation parse_activation(const std::string& s);
/// Parse "all"/"weights"; throws std::invalid_argument naming the accepted values.
Regularize parse_regularize(const std::string& s);

/// The architecture and penalty of a network loss.
/// Largest parameter count a model may have (checked by ModelSpec::validate, so also for every
/// file read): the dense Hessian alone is P^2 doubles, 800 MB at this bound.
inline constexpr int kMaxParams = 10000;
/// Largest parameter count that bh, connect and survey search: every quench diagonalises the
/// dense P x P Hessian, O(P^3), about 2 s at this bound and 30 s at P = 5000 on one core, and a
/// landscape needs thousands of quenches. Larger models are refused with this explanation.
inline constexpr int kMaxSearchParams = 2000;

struct ModelSpec {
  /// Layer widths from the input: {I, H, O}. One hidden layer is implemented; the layout and
  /// the interfaces are per layer so that deeper networks add a loop, not an API.
  std::vector<int> layers{2, 2, 2};
  Activation activation = Activation::Tanh;  ///< hidden units: tanh (paper) or logistic sigmoid
  Regularize regularize = Regularize::All;   ///< which parameters lambda penalises
  double lambda = 1e-4;                      ///< regularisation strength, >= 0

  int inputs() const { return layers.front(); }
  int hidden() const { return layers[1]; }
  int outputs() const { return layers.back(); }
  /// Number of parameters P = H(I+1) + O(H+1), computed without overflow: INT_MAX when the
  /// true count is larger (validate() refuses such a model).
  int num_params() const;
  /// Throws std::invalid_argument naming the field: layers (size 3, all >= 1, outputs >= 2,
  /// P <= kMaxParams), lambda (finite, >= 0).
  void validate() const;
  /// Throws std::invalid_argument if P > kMaxSearchParams (too large to search), saying why.
  void check_searchable() const;
};

/// Offsets of the blocks of the canonical parameter vector (docs/loss.md):
///   w = [ W (H x I, row-major) | b (H) | V (O x H, row-major) | c (O) ].
struct ParamLayout {
  int I, H, O;
  explicit ParamLayout(const ModelSpec& s) : I(s.inputs()), H(s.hidden()), O(s.outputs()) {}
  int W(int j, int k) const { return j * I + k; }                ///< input k -> hidden j
  int b(int j) const { return H * I + j; }                       ///< hidden bias j
  int V(int i, int j) const { return H * (I + 1) + i * H + j; }  ///< hidden j -> output i
  int c(int i) const { return H * (I + 1) + O * H + i; }         ///< output bias i
  int size() const { return H * (I + 1) + O * (H + 1); }
};

/// E(w) = -(1/N) sum_d ln p_{c(d)}(x_d) + lambda sum_{r in R} w_r^2 with
/// z = b + W x, h = act(z), y = c + V h, p = softmax(y)   (Mehta et al. Eqs. 1-3).
/// Gradient by back-propagation; Hessian exactly: per sample J^T (diag p - p p^T) J
/// + sum_i (p_i - delta_{i,c}) d2 y_i, plus 2 lambda on the penalised diagonal.
class MlpLoss final : public Loss {
 public:
  MlpLoss(Dataset data, ModelSpec spec);

  int dim() const override { return num_params_; }
  double energy(const Eigen::VectorXd& w) const override;
  double energy_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) const override;
  double energy_gradient_hessian(const Eigen::VectorXd& w, Eigen::VectorXd& grad,
                                 Eigen::MatrixXd& hess) const override;

  const Dataset& data() const { return data_; }
  const ModelSpec& spec() const { return spec_; }
  ParamLayout layout() const { return ParamLayout(spec_); }

  /// Output logits y (N x O) of the network at w for the rows of `inputs` (any number of rows).
  Eigen::MatrixXd logits(const Eigen::VectorXd& w, const Eigen::MatrixXd& inputs) const;
  /// Softmax probabilities (N x O).
  Eigen::MatrixXd probabilities(const Eigen::VectorXd& w, const Eigen::MatrixXd& inputs) const;
  /// 1 for a parameter in the penalised set R, 0 otherwise (P entries).
  const Eigen::VectorXd& penalty_mask() const { return mask_; }

 private:
  Dataset data_;
  ModelSpec spec_;
  int num_params_;
  Eigen::VectorXd mask_;
};

}  // namespace lossland
