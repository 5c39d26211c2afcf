#pragma once
/// Private: the hidden units' activation and its first two derivatives, shared by the loss
/// (MlpLoss) and the EI analysis.

#include <cmath>

#include "lossland/model/mlp_loss.hpp"

namespace lossland::detail {

/// act(z), act'(z), act''(z) of one hidden unit.
struct ActivationValues {
  double f, d1, d2;
};

/// tanh: act' = 1 - t^2 (sech^2), act'' = -2 t (1 - t^2); the logistic sigmoid s = 1 / (1 +
/// e^-z): act' = s (1 - s), act'' = s (1 - s)(1 - 2 s).
inline ActivationValues activate(Activation a, double z) {
  if (a == Activation::Tanh) {
    const double t = std::tanh(z);
    const double s = 1.0 - t * t;  // sech^2
    return {t, s, -2.0 * t * s};
  }
  const double s = 1.0 / (1.0 + std::exp(-z));
  const double d = s * (1.0 - s);
  return {s, d, d * (1.0 - 2.0 * s)};
}

}  // namespace lossland::detail
