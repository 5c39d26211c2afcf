#pragma once
/// \file
/// Building a ModelSpec from names, as the command line and the Python module give it, and the
/// check of lambda they share with ModelSpec::validate().

#include <string>

#include "lossland/model/dataset.hpp"
#include "lossland/model/mlp_loss.hpp"

namespace lossland {

/// Throws std::invalid_argument("<name>: must be a finite number >= 0, got <lambda>") unless
/// the regularisation strength lambda is finite and >= 0.
void check_lambda(double lambda, const std::string& name = "lambda");

/// The model of `data` with `hidden` hidden nodes: layers {inputs, hidden, classes}, the
/// activation and penalty by name (parse_activation(), parse_regularize()) and lambda;
/// validated (ModelSpec::validate()).
ModelSpec model_for(const Dataset& data, int hidden, double lambda, const std::string& activation,
                    const std::string& regularize);

}  // namespace lossland
