#pragma once
/// \file
/// What the survey's files share (survey.cpp, survey_ranges.cpp, survey_stages.cpp,
/// survey_summary.cpp): one landscape of the grid, its model, the lambda as file names and
/// titles write it, and the stage run of one landscape.

#include <functional>
#include <string>

#include "lossland/survey/survey.hpp"

namespace lossland::survey::detail {

/// One landscape of the grid.
struct Cell {
  int hidden;     ///< N_h, >= 1
  double lambda;  ///< the L2 weight, >= 0
};

/// The model of landscape (hidden, lambda): inputs and outputs from the dataset, the activation
/// and regularization of the survey.
ModelSpec model_of(const SurveyOptions& o, const Dataset& data, int hidden, double lambda);

/// lambda as "1e-04" (%.0e), or with up to 6 significant digits where %.0e loses its value.
std::string format_lambda(double lambda);

/// Runs the unfinished stages of one landscape (survey_stages.cpp), saving after each (and
/// periodically inside the long ones). Returns false if stopped.
bool run_one(const SurveyOptions& o, const Dataset& data, const Cell& cell, int inner_threads,
             const std::function<bool()>& should_stop);

}  // namespace lossland::survey::detail
