/// The survey's interactive pages: one `lossland view` page per landscape beside its database
/// (xor_h3_l1e-04.html) and index.html linking them all. The databases are only read.
#include <omp.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "lossland/survey/survey.hpp"
#include "lossland/view/landscape_page.hpp"

namespace fs = std::filesystem;

namespace lossland::survey {

std::vector<std::string> write_view_pages(const SurveyOptions& o,
                                          const std::vector<LandscapeSummary>& rows) {
  std::vector<view::IndexEntry> entries(rows.size());
  std::vector<std::string> errors(rows.size());
  const int threads = o.threads > 0 ? o.threads : omp_get_num_procs();
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const LandscapeSummary& s = rows[k];
    const fs::path db = fs::path(o.out_dir) / s.database;
    if (s.minima == 0 || !fs::exists(db)) continue;
    try {
      const db::Landscape land = db::read(db.string());
      view::LandscapePageOptions po;
      // As the survey's graphs (paper_style_tree): the all-zero minimum hidden unless it is
      // all there is.
      po.tree.omit_zero = true;
      po.max_pictures = o.page_pictures;
      po.database = s.database;
      const fs::path page = fs::path(db).replace_extension(".html");
      try {
        view::write_landscape_page(land, page.string(), po);
      } catch (const std::invalid_argument&) {
        po.tree.omit_zero = false;  // nothing left to draw without it
        view::write_landscape_page(land, page.string(), po);
      }
      char label[64];
      std::snprintf(label, sizeof label, "N_h = %d, \xce\xbb = %.0e", s.hidden, s.lambda);
      std::string details = std::to_string(s.minima) + " minima, " +
                            std::to_string(s.transition_states) + " transition states";
      if (s.bad_minima >= 0) details += ", " + std::to_string(s.bad_minima) + " with AUC < 1";
      entries[k] = {page.filename().string(), label, details};
    } catch (const std::exception& e) {
      errors[k] = s.database + ": " + e.what();
    }
  }
  for (const auto& e : errors)
    if (!e.empty()) throw std::runtime_error("survey pages: " + e);
  std::vector<view::IndexEntry> kept;
  std::vector<std::string> written;
  for (const auto& e : entries)
    if (!e.page.empty()) {
      kept.push_back(e);
      written.push_back((fs::path(o.out_dir) / e.page).string());
    }
  const std::string index = (fs::path(o.out_dir) / "index.html").string();
  view::write_index_page(
      index, "Landscape survey: " + o.dataset + ", " + to_string(o.activation) + " hidden units",
      kept);
  written.insert(written.begin(), index);
  return written;
}

}  // namespace lossland::survey
