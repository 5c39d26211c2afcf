#pragma once
/// \file
/// The completeness estimates of the survey's landscapes for summary.md
/// (lossland/search/completeness.hpp; docs/completeness.md).

#include <string>
#include <vector>

#include "lossland/survey/survey.hpp"

namespace lossland::survey {

/// summary.csv's completeness columns: their names, comma-separated, and one row's values in
/// the same order (empty where unknown).
std::string completeness_csv_header();
std::string completeness_csv_fields(const CompletenessEstimate& e);

/// A Markdown table, one row per landscape: quenches, the Chao1 estimate with its 95% interval,
/// the estimated unseen minima and the Good-Turing P(new), then a paragraph saying what they
/// assume (basin-hopping hits are correlated). Starts with a blank line.
std::string completeness_table(const std::vector<LandscapeSummary>& rows);

}  // namespace lossland::survey
