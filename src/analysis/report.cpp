/// The HTML report of a landscape's minima (Mehta et al., Phys. Rev. E 97, 052307 (2018), Sec. IV).
#include "lossland/analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "lossland/analysis/network_diagram.hpp"
#include "lossland/analysis/sensitivity.hpp"
#include "lossland/graph/disconnectivity.hpp"
#include "lossland/graph/render.hpp"
#include "util/html_escape.hpp"

namespace lossland::analysis {

void ReportOptions::validate() const {
  metrics.validate();
  if (max_pictures < 0 || max_pictures > 1000000)
    throw std::invalid_argument("ReportOptions.max_pictures: must be in [0, 1e6]");
}

std::string base64_encode(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("report: cannot read back " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string num(double v, const char* fmt = "%.6g") {
  if (std::isnan(v)) return "&ndash;";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

double column_value(const db::Landscape& land, const std::string& name, std::size_t row) {
  auto it = land.minima_columns.find(name);
  if (it == land.minima_columns.end() || static_cast<std::size_t>(it->second.rows()) <= row)
    throw std::runtime_error("report: the landscape has no '" + name +
                             "' column; run the analysis first (lossland analyze DB)");
  return it->second(static_cast<Eigen::Index>(row), 0);
}

std::string img_tag(const std::string& png_path, const std::string& alt) {
  return "<img alt=\"" + lossland::detail::html_escape(alt) + "\" src=\"data:image/png;base64," +
         base64_encode(read_bytes(png_path)) + "\">";
}

}  // namespace

ReportResult write_report(const db::Landscape& land, const std::string& dir,
                          const ReportOptions& options) {
  options.validate();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw std::runtime_error("report: cannot create directory '" + dir + "': " + ec.message() +
                             "; choose a writable --report DIR");
  ReportResult result;
  result.html_path = (std::filesystem::path(dir) / "index.html").string();
  const MlpLoss loss(land.dataset, land.model);
  const std::size_t M = land.minima.size();
  std::vector<std::size_t> order(M);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return land.minima[a].energy < land.minima[b].energy;
  });
  const bool two_inputs = land.dataset.num_inputs() == 2;
  const bool xor_data = is_xor_dataset(land.dataset);

  int bad = 0, sparse = 0;
  int min_connected = land.model.hidden() + 1;
  for (std::size_t i = 0; i < M; ++i) {
    if (column_value(land, "auc", i) < 1.0 - 1e-12) ++bad;
    if (column_value(land, "connected_hidden", i) < land.model.hidden()) ++sparse;
    const int connected = static_cast<int>(column_value(land, "connected_hidden", i));
    if (connected > 0) min_connected = std::min(min_connected, connected);
  }

  std::ostringstream h;
  std::string layers;
  for (int l : land.model.layers) layers += (layers.empty() ? "" : "-") + std::to_string(l);
  const std::string title = options.title.empty() ? "lossland report" : options.title;
  h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
    << lossland::detail::html_escape(title)
    << "</title>\n<style>\n"
       "body{font-family:sans-serif;margin:24px;color:#222;max-width:1300px}\n"
       "table{border-collapse:collapse;font-size:13px}\n"
       "th,td{border:1px solid #bbb;padding:3px 8px;text-align:right}\n"
       "th{background:#eee}\ntr.bad td{background:#fde0dc}\ntr.sparse td.ch{font-weight:bold}\n"
       ".cards{display:flex;flex-wrap:wrap;gap:14px}\n"
       ".card{border:1px solid #ccc;border-radius:6px;padding:8px;background:#fafafa}\n"
       ".card h3{margin:2px 0 6px 0;font-size:14px}\n.card img{display:block;margin:4px 0}\n"
       ".pics{display:flex;gap:6px;align-items:flex-start}\n.note{color:#555;font-size:13px}\n"
       "</style></head><body>\n";
  h << "<h1>" << lossland::detail::html_escape(title) << "</h1>\n";
  h << "<p>Model " << layers << " (" << to_string(land.model.activation)
    << " hidden units), loss = cross-entropy + " << num(land.model.lambda, "%g")
    << " &middot; |w|<sup>2</sup> over " << to_string(land.model.regularize)
    << " parameters; dataset <b>" << lossland::detail::html_escape(land.dataset.name) << "</b> ("
    << land.dataset.num_samples() << " samples). " << M << " minima, "
    << land.transition_states.size() << " transition states.</p>\n";
  h << "<p><b>Bad minima</b> (training AUC &lt; 1): " << bad << " of " << M
    << ". <b>Sparse minima</b> (a hidden node with every weight |w| &le; "
    << num(options.metrics.zero_threshold, "%g") << "): " << sparse << " of " << M
    << "; fewest connected hidden nodes in a minimum that is not the all-zero network: "
    << (min_connected <= land.model.hidden() ? std::to_string(min_connected) : "none") << ".</p>\n";

  h << "<h2>Disconnectivity graph coloured by AUC</h2>\n";
  if (land.transition_states.empty()) {
    result.note =
        "no disconnectivity graph: the database holds no transition states yet (run `lossland "
        "connect DB --all` first)";
    h << "<p class=\"note\">Not drawn: " << lossland::detail::html_escape(result.note) << ".</p>\n";
  } else {
    try {
      graph::GraphPanel panel;
      // As in Mehta et al.'s Figs. 1-6, the trivial all-zero network is left out so that the
      // scale shows the other minima; the table still lists it.
      graph::DisconnectivityOptions dopt;
      dopt.omit_zero = M > 1;
      panel.tree = graph::build_disconnectivity(land, dopt);
      panel.title = land.dataset.name + "  " + to_string(land.model.activation) +
                    "  N_h = " + std::to_string(land.model.hidden()) +
                    "  \u03bb = " + num(land.model.lambda, "%g");
      panel.color_values.resize(M);
      for (std::size_t i = 0; i < M; ++i) panel.color_values[i] = column_value(land, "auc", i);
      panel.color_label = "AUC";
      panel.color_min = 0.5, panel.color_max = 1.0;  // AUC over its natural range [0.5, 1]
      if (M <= 40)
        for (std::size_t i = 0; i < M; ++i) panel.labels.push_back(static_cast<std::int64_t>(i));
      graph::RenderOptions ro;
      ro.width = 760;
      ro.height = 480;
      const std::string stem = (std::filesystem::path(dir) / "dgraph").string();
      for (const char* ext : {".svg", ".png"}) {
        graph::draw_disconnectivity(panel, stem + ext, ro);
        result.images.push_back(stem + ext);
      }
      h << "<p class=\"note\">Leaves are minima (labelled by id), coloured by training AUC; "
           "branches join where the minima interconvert through transition states below that "
           "loss.</p>\n"
        << img_tag(stem + ".png", "disconnectivity graph coloured by AUC") << "\n";
      if (!panel.tree.minima_omitted.empty())
        h << "<p class=\"note\">Left out of the graph (as in the paper): the all-zero network, "
             "minimum "
          << panel.tree.minima_omitted.front() << " (AUC 0.5), and its transition states.</p>\n";
      for (const auto& n : panel.tree.notes)
        h << "<p class=\"note\">" << lossland::detail::html_escape(n) << "</p>\n";
      result.has_disconnectivity_graph = true;
    } catch (const std::exception& e) {
      result.note = std::string("no disconnectivity graph: ") + e.what();
      h << "<p class=\"note\">Not drawn: " << lossland::detail::html_escape(result.note)
        << ".</p>\n";
    }
  }

  h << "<h2>Minima</h2>\n<p class=\"note\">Sorted by energy; id is the row in /minima. "
       "p_correct: predicted probability of the correct class over the training set. "
       "nonzero_weights: |w| &gt; "
    << num(options.metrics.zero_threshold, "%g") << " of " << land.num_params()
    << " parameters. connected_hidden: hidden nodes with any non-zero weight. robustness: "
       "fraction of the input grid [-0.5, 1.5]<sup>2</sup> (step 0.015) classified as the "
       "ideal rule says (0 when |x1 - x2| &le; 0.5, else 1). Red rows: AUC &lt; 1.</p>\n";
  h << "<table><tr><th>rank</th><th>id</th><th>energy</th><th>auc</th><th>p_correct_min</th>"
       "<th>p_correct_max</th><th>nonzero_weights</th><th>connected_hidden</th>"
       "<th>robustness</th></tr>\n";
  for (std::size_t r = 0; r < M; ++r) {
    const std::size_t i = order[r];
    const bool is_bad = column_value(land, "auc", i) < 1.0 - 1e-12;
    const bool is_sparse = column_value(land, "connected_hidden", i) < land.model.hidden();
    h << "<tr class=\"" << (is_bad ? "bad " : "") << (is_sparse ? "sparse" : "") << "\"><td>" << r
      << "</td><td><a href=\"#min" << i << "\">" << i << "</a></td><td>"
      << num(land.minima[i].energy, "%.12g") << "</td><td>"
      << num(column_value(land, "auc", i), "%.4g") << "</td><td>"
      << num(column_value(land, "p_correct_min", i), "%.4f") << "</td><td>"
      << num(column_value(land, "p_correct_max", i), "%.4f") << "</td><td>"
      << num(column_value(land, "nonzero_weights", i), "%.0f") << "</td><td class=\"ch\">"
      << num(column_value(land, "connected_hidden", i), "%.0f") << "</td><td>"
      << num(column_value(land, "robustness", i), "%.4f") << "</td></tr>\n";
  }
  h << "</table>\n";

  h << "<h2>Each minimum</h2>\n<p class=\"note\">Left: sensitivity map, the probability of "
       "class 1 over the input square (blue: class 0, red: class 1, white: the decision "
       "boundary); white triangles and squares are the training inputs of class 0 and 1; the "
       "dashed lines |x1 - x2| = 0.5 bound the ideal rule's class-0 band. Right: the network; "
       "an edge only for |w| &gt; "
    << num(options.metrics.zero_threshold, "%g")
    << ", red positive, blue negative, square nodes are biases, dashed grey hidden nodes are "
       "disconnected.</p>\n";
  if (!two_inputs)
    h << "<p class=\"note\">No sensitivity maps: a sensitivity map needs two inputs, this "
         "dataset has "
      << land.dataset.num_inputs() << ".</p>\n";
  const std::size_t pictures = std::min<std::size_t>(M, options.max_pictures);
  if (pictures < M)
    h << "<p class=\"note\">Pictures for the " << pictures << " lowest of " << M
      << " minima (raise the limit with --max-pictures).</p>\n";
  h << "<div class=\"cards\">\n";
  for (std::size_t r = 0; r < pictures; ++r) {
    const std::size_t i = order[r];
    const Eigen::VectorXd& w = land.minima[i].coords;
    const std::string stem = (std::filesystem::path(dir) / ("min" + std::to_string(i))).string();
    h << "<div class=\"card\" id=\"min" << i << "\"><h3>minimum " << i
      << " &middot; E = " << num(land.minima[i].energy, "%.10g") << " &middot; AUC "
      << num(column_value(land, "auc", i), "%.3g") << "</h3><div class=\"pics\">";
    if (two_inputs) {
      const SensitivityMap map = sensitivity_map(loss, w);
      SensitivityDrawOptions so;
      so.pixels_per_cell = 2;
      so.title = xor_data ? "robustness " + num(xor_robustness(map), "%.3f") : "";
      for (const char* ext : {".svg", ".png"}) {
        draw_sensitivity_map(map, land.dataset, stem + "_sensitivity" + ext, so);
        result.images.push_back(stem + "_sensitivity" + ext);
      }
      h << img_tag(stem + "_sensitivity.png", "sensitivity map of minimum " + std::to_string(i));
    }
    NetworkDiagramOptions no;
    no.zero_threshold = options.metrics.zero_threshold;
    no.title = num(column_value(land, "nonzero_weights", i), "%.0f") + " non-zero weights, " +
               num(column_value(land, "connected_hidden", i), "%.0f") + " of " +
               std::to_string(land.model.hidden()) + " hidden connected";
    for (const char* ext : {".svg", ".png"}) {
      draw_network_diagram(land.model, w, stem + "_network" + ext, no);
      result.images.push_back(stem + "_network" + ext);
    }
    h << img_tag(stem + "_network.png", "network of minimum " + std::to_string(i));
    h << "</div></div>\n";
  }
  h << "</div>\n<p class=\"note\">Written by lossland analyze --report.</p>\n</body></html>\n";

  const std::string tmp = result.html_path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw std::runtime_error("report: cannot write " + tmp);
    f << h.str();
    if (!f) throw std::runtime_error("report: failed writing " + tmp);
  }
  std::filesystem::rename(tmp, result.html_path, ec);
  if (ec) throw std::runtime_error("report: cannot rename to " + result.html_path);
  return result;
}

}  // namespace lossland::analysis
