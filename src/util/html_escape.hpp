#pragma once
/// \file
/// HTML text escaping for the pages lossland writes (analyze --report, view): one copy.

#include <string>

namespace lossland::detail {

/// `s` with <, >, & and " replaced by their entities, safe in element text and in a
/// double-quoted attribute value.
inline std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else if (c == '"')
      o += "&quot;";
    else
      o += c;
  }
  return o;
}

}  // namespace lossland::detail
