#pragma once
/// \file
/// The completeness estimate (lossland/search/completeness.hpp) for the commands: JSON for
/// `bh --json` and `query stats --json`, text lines, and the stop-rule flags of `bh` and
/// `survey`.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "lossland/search/basin_hopping.hpp"
#include "lossland/search/completeness.hpp"

namespace lossland::cli {

/// Every field of the estimate; unknown counts are -1, unknown figures null.
nlohmann::json completeness_json(const CompletenessEstimate& e);

/// Prints the estimate as aligned lines for `query stats` ("completeness ...", "quenches ...").
void print_completeness(const CompletenessEstimate& e);

/// --stop-rule no-new|estimate, --stop-p-new P, --stop-quiet K (BasinHoppingOptions), with
/// `prefix` before each help text (e.g. "Basin-hopping: ").
void add_stop_rule_options(CLI::App* command, BasinHoppingOptions& options,
                           const std::string& prefix = "");

}  // namespace lossland::cli
