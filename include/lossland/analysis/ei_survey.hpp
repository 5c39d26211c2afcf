#pragma once
/// \file
/// EI across a survey (docs/ei.md): one row per landscape file of a directory (a sweep over
/// N_h x lambda), comparing EI's capacity threshold with what the minima do, and a figure of it.

#include <string>
#include <vector>

#include "lossland/analysis/ei.hpp"

namespace lossland::analysis {

/// EI summary of one landscape.
struct EiSurveyRow {
  std::string file;         ///< path of the database
  std::vector<int> layers;  ///< e.g. {2, 3, 2}
  double lambda = 0.0;
  int hidden = 0;            ///< N_h = layers[1]
  int threshold = 0;         ///< EI's capacity threshold N*I: a non-trivial u with A u = 0
                             ///< exists generically iff N_h > N*I (XOR: 8)
  bool ei_capacity = false;  ///< hidden > threshold
  int minima = 0;
  double fraction_fit = 0.0;  ///< minima with training AUC = 1 (they separate the data)
  double fraction_predicted_solution = 0.0;  ///< minima with rank(A) < N_h
  double median_residual = 0.0;              ///< median EI residual over all minima (NaN if none)
  double median_residual_fit = 0.0;          ///< over the minima that fit (NaN if none)
  double fraction_inputs_at_extrema = 0.0;   ///< training inputs within extremum_distance of a
                                             ///< stationary point of the predicted kind, over all
                                             ///< minima x samples (NaN if not computed)
  double fraction_inputs_at_extrema_fit = 0.0;  ///< the same over the fitting minima only
  double fraction_inputs_stationary = 0.0;      ///< inputs whose own residual is below
                                                ///< stationary_input_rtol, over minima x samples
};

/// Summarises one landscape.
EiSurveyRow survey_row(const std::string& file, const db::Landscape& landscape,
                       const std::vector<EiAnalysis>& results);

/// Reads every regular file named *.h5 in `dir` (one landscape each, any names; sorted by N_h,
/// then lambda descending, then name) and summarises it. Throws std::invalid_argument naming the
/// directory if it does not exist or holds no *.h5 file; a file that is not a lossland database
/// throws db::DatabaseError naming it.
std::vector<EiSurveyRow> ei_survey(const std::string& dir, const EiOptions& options = {});

/// Draws the survey as three panels against N_h, one line per lambda (colour and marker, with a
/// legend): fraction of minima that fit, median EI residual (log scale), fraction of training
/// inputs at a predicted extremum; EI's threshold N_h = N*I is marked in each panel. The format
/// follows the extension (.svg, .png, .pdf). Throws std::invalid_argument for no rows or a bad
/// extension.
void draw_ei_survey(const std::vector<EiSurveyRow>& rows, const std::string& path);

}  // namespace lossland::analysis
