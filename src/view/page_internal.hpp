#pragma once
/// Pieces of the landscape page shared by its source files (not public API).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include <vector>
#include "util/html_escape.hpp"

#include "lossland/view/landscape_page.hpp"

namespace lossland::view::detail {

using lossland::detail::html_escape;

/// PNG data URIs of the network diagram and (two inputs only) sensitivity map of each minimum
/// in `ids`, drawn by the `analyze --report` renderers: {"ID": {"network": URI, "sensitivity":
/// URI}}.
nlohmann::json minimum_pictures(const db::Landscape& land, const std::vector<std::int64_t>& ids,
                                const LandscapePageOptions& options);

/// The page's JSON data (landscape_page_data() dumps it).
nlohmann::json page_data(const db::Landscape& land, const LandscapePageOptions& options);

/// The hand-written renderer, a JavaScript program that reads the JSON from the element
/// <script id="landscape-data" type="application/json">.
extern const char* const kPageScript;
/// Its second half (page_controls.cpp): the two are written one after the other.
extern const char* const kPageScriptControls;
/// The page's style sheet.
extern const char* const kPageStyle;

}  // namespace lossland::view::detail
