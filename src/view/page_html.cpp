/// The landscape page's HTML: the page skeleton with its embedded data and renderer, written
/// atomically; and the index page of a survey.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lossland/view/landscape_page.hpp"
#include "view/page_internal.hpp"

namespace lossland::view {
namespace detail {

const char* const kPageStyle = R"CSS(
body{font-family:sans-serif;margin:18px;color:#222;max-width:1500px}
h1{font-size:20px;margin:4px 0}h3{font-size:15px;margin:6px 0}
#controls{margin:8px 0;font-size:13px}#controls input{width:9em}
#main{display:flex;gap:14px;align-items:flex-start}
#graph{width:900px;height:560px;border:1px solid #ccc;background:#fff;cursor:crosshair}
#side{min-width:320px;max-width:560px;font-size:13px}
#detail table{border-collapse:collapse}#detail th,#detail td{border:1px solid #ccc;padding:2px 6px;text-align:left}
.pics{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}.pic{max-width:270px;border:1px solid #ddd}
.branch{fill:none;stroke:#000;stroke-width:1.1;stroke-linecap:round;stroke-linejoin:round}
.branch.path{stroke:#e8590c;stroke-width:3.5}
.hit{fill:none;stroke:transparent;stroke-width:10;cursor:pointer}
.end{stroke:#000;stroke-width:0.6;cursor:pointer}.end.sel{stroke:#e8590c;stroke-width:3}
.end.onpath{stroke:#e8590c;stroke-width:2}
.merge{fill:#fff;stroke:#555;stroke-width:1;cursor:help}.merge.barrier{fill:#e8590c;stroke:#e8590c}
.axis{stroke:#000;fill:none;stroke-width:1}.frame{stroke:#000;stroke-width:0.5}.tick{font-size:11px}.label{font-size:13px}
.note{color:#555;font-size:12px}.warn{color:#a61e4d;font-weight:bold}
.band{fill:#4dabf7;fill-opacity:0.2;stroke:#1c7ed6}
#tooltip{position:absolute;display:none;background:#fffbe6;border:1px solid #999;padding:4px 8px;
font-size:12px;pointer-events:none;box-shadow:1px 1px 3px #aaa}
#profile-box{display:none;margin-top:10px}#profile{width:900px;height:300px;border:1px solid #ccc}
.profile{fill:none;stroke:#1c7ed6;stroke-width:1.6}.pmin{fill:#000}.pts{fill:#fff;stroke:#000}
#verdict{font-size:9px;color:#888;word-break:break-all}
)CSS";

namespace {

/// JSON inside <script>: "</" would end the element, so it is written "<\/" (the same string).
std::string script_safe(const std::string& json) {
  std::string o;
  o.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    o += json[i];
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') o += '\\';
  }
  return o;
}

/// Writes `text` to `path` through PATH.tmp renamed into place.
void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f)
      throw std::runtime_error("cannot write " + tmp +
                               ": check that the directory exists "
                               "and is writable");
    f << text;
    if (!f) throw std::runtime_error("failed writing " + tmp + " (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

}  // namespace
}  // namespace detail

LandscapePageResult write_landscape_page(const db::Landscape& land, const std::string& path,
                                         const LandscapePageOptions& options) {
  const nlohmann::json data = detail::page_data(land, options);
  const std::string title = data["title"].get<std::string>();
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
    << detail::html_escape(title) << "</title>\n<style>" << detail::kPageStyle
    << "</style></head><body>\n<h1>" << detail::html_escape(title) << "</h1>\n"
    << "<p id=\"summary\" class=\"note\"></p><div id=\"notes\"></div>\n"
    << "<div id=\"controls\">Colour by <select id=\"color\"></select> &nbsp; Energy window "
       "<input id=\"elo\" aria-label=\"lower energy\"> to <input id=\"ehi\" aria-label=\"upper "
       "energy\"> <button id=\"apply\">Apply</button> <button id=\"reset\">Reset</button> "
       "(or drag up or down on the graph) &nbsp; <button id=\"clear\">Clear selection</button> "
       "<span id=\"window-msg\" class=\"warn\"></span></div>\n"
    << "<div id=\"main\"><svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\"></svg>"
       "<div id=\"side\"><div id=\"detail\"><p class=\"note\">Click a minimum (a branch "
       "end).</p></div></div></div>\n"
    << "<div id=\"profile-box\"><h3 id=\"profile-title\"></h3><svg id=\"profile\" "
       "xmlns=\"http://www.w3.org/2000/svg\"></svg></div>\n"
    << "<div id=\"tooltip\"></div>\n"
    << "<p class=\"note\">Disconnectivity graph (Becker &amp; Karplus, J. Chem. Phys. 106, 1495 "
       "(1997); Wales, Miller &amp; Walsh, Nature 394, 758 (1998)) in the layout of lossland "
       "dgraph; pictures as in Mehta, Zhao, Bernal &amp; Wales, Phys. Rev. E 97, 052307 (2018). "
       "Written by lossland view.</p>\n<pre id=\"verdict\"></pre>\n"
    << "<script id=\"landscape-data\" type=\"application/json\">"
    << detail::script_safe(data.dump()) << "</script>\n<script>" << detail::kPageScript
    << detail::kPageScriptControls << "</script>\n</body></html>\n";
  const std::string text = h.str();
  detail::write_atomically(path, text);

  LandscapePageResult r;
  r.path = path;
  r.bytes = text.size();
  for (const auto& m : data["minima"]) r.leaves += m["drawn"].get<bool>();
  for (const auto& n : data["tree"]["nodes"]) r.merge_nodes += n["ts"].get<std::int64_t>() >= 0;
  r.pictures = data["pictures"].size();
  r.analyzed = data["analyzed"].get<bool>();
  r.columns.push_back("energy");
  for (const auto& [k, v] : data["columns"].items()) r.columns.push_back(k);
  for (const auto& n : data["tree"]["notes"]) r.notes.push_back(n.get<std::string>());
  if (r.pictures < r.leaves)
    r.notes.push_back("pictures for the " + std::to_string(r.pictures) + " lowest of " +
                      std::to_string(r.leaves) + " drawn minima (raise --max-pictures for more)");
  if (!r.analyzed)
    r.notes.push_back("no analysis columns: run lossland analyze " +
                      data["database"].get<std::string>() + " for AUC and connected nodes");
  return r;
}

void write_index_page(const std::string& path, const std::string& title,
                      const std::vector<IndexEntry>& entries) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
    << detail::html_escape(title)
    << "</title>\n<style>body{font-family:sans-serif;margin:24px}li{margin:3px 0}"
       ".d{color:#555}</style></head><body>\n<h1>"
    << detail::html_escape(title)
    << "</h1>\n<p>One interactive page per landscape (lossland view): the disconnectivity "
       "graph, each minimum's network diagram and sensitivity map, lowest-barrier "
       "paths.</p>\n<ul>\n";
  for (const auto& e : entries)
    h << "<li><a href=\"" << detail::html_escape(e.page) << "\">" << detail::html_escape(e.label)
      << "</a> <span class=\"d\">" << detail::html_escape(e.details) << "</span></li>\n";
  h << "</ul>\n</body></html>\n";
  detail::write_atomically(path, h.str());
}

}  // namespace lossland::view
