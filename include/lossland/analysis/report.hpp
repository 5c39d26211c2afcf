#pragma once
/// \file
/// A self-contained HTML report of a landscape's minima (Mehta, Zhao, Bernal & Wales, Phys. Rev. E
/// 97, 052307 (2018), Sec. IV in one page): the per-minimum table of analyze_landscape(), each
/// minimum's sensitivity map and network diagram (PNG inlined as base64 data URIs; PNG and SVG also
/// written next to the page), and the disconnectivity graph coloured by AUC where the graph library
/// can draw it.

#include <string>
#include <vector>

#include "lossland/analysis/metrics.hpp"
#include "lossland/db/database.hpp"

namespace lossland::analysis {

struct ReportOptions {
  MetricsOptions metrics;
  /// Pictures for at most this many minima (the lowest in energy); the table lists all.
  /// Range [0, 1e6].
  int max_pictures = 60;
  std::string title;  ///< page title; empty: the database path
  void validate() const;
};

/// What write_report() produced.
struct ReportResult {
  std::string html_path;            ///< DIR/index.html
  std::vector<std::string> images;  ///< every picture file written
  bool has_disconnectivity_graph = false;
  std::string note;  ///< e.g. why a section is missing
};

/// Writes DIR/index.html and the pictures (creating DIR). `landscape` must already carry the
/// metric columns (analyze_landscape). Throws std::runtime_error when DIR cannot be written.
ReportResult write_report(const db::Landscape& landscape, const std::string& dir,
                          const ReportOptions& options = {});

/// Standard base64 (RFC 4648) of a byte string, for data URIs.
std::string base64_encode(const std::string& bytes);

}  // namespace lossland::analysis
