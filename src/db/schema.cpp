/// \file
/// The self-description of a format_version 2 file (schema.hpp; docs/schema.md says the same
/// for people).

#include "db/schema.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>

#include "db/hdf5_util.hpp"

namespace lossland::db::detail {
namespace {

/// The layout of a row of P parameters (lossland/model/mlp_loss.hpp, ParamLayout).
std::string parameter_layout(const ModelSpec& m) {
  const int I = m.inputs(), H = m.hidden(), O = m.outputs();
  return fmt::format(
      "one row per point: the P = {P} parameters w = [W | b | V | c] of the {I}-{H}-{O} network, "
      "0-based: w[j*{I} + k] = W[j,k] (input k -> hidden node j), w[{HI} + j] = b[j] (hidden "
      "bias), w[{HI1} + i*{H} + j] = V[i,j] (hidden node j -> output i), w[{HI1OH} + i] = c[i] "
      "(output bias); j < {H}, k < {I}, i < {O}",
      fmt::arg("P", m.num_params()), fmt::arg("I", I), fmt::arg("H", H), fmt::arg("O", O),
      fmt::arg("HI", H * I), fmt::arg("HI1", H * (I + 1)), fmt::arg("HI1OH", H * (I + 1) + O * H));
}

struct Entry {
  const char* description;
  const char* units;
  bool integer = false;
  const char* references = "";
};

/// Datasets whose meaning is the same in every group that has them (/minima and
/// /transition_states: the fixed fields and the analysis columns).
const std::map<std::string, Entry>& point_entries() {
  static const std::map<std::string, Entry> m{
      {"energy",
       {"loss E(w) at the point (cross-entropy plus lambda times the sum of squares)", "loss"}},
      {"grad_rms", {"root-mean-square gradient |grad E| / sqrt(P) at the point", "loss/parameter"}},
      {"eigenvalues",
       {"the P eigenvalues of the Hessian of E at the point, ascending (a minimum has none "
        "below -eigen_cutoff, a transition state exactly one)",
        "loss/parameter^2"}},
      {"min1",
       {"row of /minima at the end of the transition state's first steepest-descent path", "index",
        true, "/minima"}},
      {"min2",
       {"row of /minima at the end of the transition state's second steepest-descent path "
        "(min1 == min2: a degenerate rearrangement)",
        "index", true, "/minima"}},
      {"horder",
       {"order of the point's stabiliser in the network's symmetry group (hidden-node "
        "permutations and sign flips); the point has (group order) / horder distinct images",
        "count", true}},
      {"auc",
       {"training-set ROC AUC of the network's class probabilities (1: it separates the "
        "training set)",
        "1"}},
      {"p_correct_min", {"smallest probability of the correct class over the training set", "1"}},
      {"p_correct_max", {"largest probability of the correct class over the training set", "1"}},
      {"nonzero_weights",
       {"number of parameters with |w| above the zero threshold of `analyze` (biases included)",
        "count", true}},
      {"connected_hidden",
       {"number of hidden nodes with an incoming weight, bias or outgoing weight above the zero "
        "threshold",
        "count", true}},
      {"robustness",
       {"fraction of the input grid of the sensitivity map classified as the XOR rule says (NaN "
        "when the dataset is not XOR)",
        "1"}},
      {"branched",
       {"1 if a steepest-descent path of the transition state branched at a higher-index "
        "stationary point (its minima are listed in /ts_branches), 0 if not (float64 with NaN "
        "for transition states stored before paths were followed)",
        "flag", true}},
      {"ei_rank", {"numerical rank of the EI matrix A of the minimum", "count", true}},
      {"ei_nullity",
       {"dimension of the null space of A (hidden nodes minus ei_rank)", "count", true}},
      {"ei_residual",
       {"EI residual of the trained output direction u: |A u| / (|A| |u|), the largest over "
        "outputs",
        "1"}},
      {"ei_predicted_solution",
       {"1 if A has a non-trivial null vector (rank < hidden nodes), so the EI equations predict "
        "a solution, else 0",
        "flag", true}},
      {"ei_stationary_points",
       {"input-space stationary points of the decision function found in the search box (-1: "
        "not computed)",
        "count", true}},
      {"ei_inputs_at_extrema",
       {"training inputs at a predicted extremum of the decision function (-1: not computed)",
        "count", true}},
      {"ei_inputs_stationary",
       {"training inputs at which the decision function is stationary (-1: not computed)", "count",
        true}},
      {"ei_singular_values",
       {"singular values of A, descending, one row per minimum (min(N*I, hidden nodes) "
        "columns)",
        "1"}},
      {"hits",
       {"basin-hopping quenches that ended in this minimum, over the landscape's history "
        "(returns to a walker's current minimum included; 0: found by connect or import only; "
        "float64 with NaN for minima stored before hits were counted)",
        "count", true}},
      {"first_found",
       {"0-based index, among the landscape's basin-hopping quenches over all runs, of the first "
        "quench that ended in this minimum (-1: no quench has; NaN: stored before this was "
        "kept)",
        "count", true}},
      {"members",
       {"number of minima of the source landscape lumped into this free-energy group", "count",
        true}},
      {"representative",
       {"row of /minima of the source landscape that represents this free-energy group", "index",
        true, "/minima (of the source landscape)"}},
  };
  return m;
}

/// Datasets of the other groups, by full path.
const std::map<std::string, Entry>& other_entries() {
  static const std::map<std::string, Entry> m{
      {"/dataset/inputs", {"training inputs, one row per sample, one column per input", "input"}},
      {"/dataset/labels", {"class of each training sample, 0-based", "class", true}},
      {"/ts_branches/ts",
       {"row of /transition_states whose steepest-descent path branched", "index", true,
        "/transition_states"}},
      {"/ts_branches/side",
       {"which path of the transition state: 1 (the one represented by min1) or 2 (min2)", "side",
        true}},
      {"/ts_branches/minimum",
       {"row of /minima that this branch of the path ends in", "index", true, "/minima"}},
      {"/ts_branches/branch_energy",
       {"energy of the last branch point (higher-index stationary point) on the way", "loss"}},
      {"/ts_branches/depth",
       {"branch points passed on the way (0: this side did not branch)", "count", true}},
      {"/paths/ts",
       {"row of /transition_states whose steepest-descent path this point belongs to; "
        "consecutive rows of one (ts, side) form one path, the transition state first and the "
        "minimum last",
        "index", true, "/transition_states"}},
      {"/paths/side",
       {"which path of the transition state: 1 (to min1) or 2 (to min2)", "side", true}},
      {"/paths/s",
       {"arc length along the path from the transition state (Euclidean, in "
        "parameter space)",
        "parameter"}},
      {"/paths/energy", {"loss E at the path point", "loss"}},
  };
  return m;
}

/// A fixed-length or variable-length C string type for `length` bytes, UTF-8.
Handle utf8_variable_string() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

bool write_int_attribute(hid_t object, const char* name, std::int64_t value) {
  if (H5Aexists(object, name) > 0 && H5Adelete(object, name) < 0) return false;
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const Handle attr(H5Acreate2(object, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose);
  return attr.valid() && H5Awrite(attr.get(), H5T_NATIVE_INT64, &value) >= 0;
}

bool write_double_attribute(hid_t object, const char* name, double value) {
  if (H5Aexists(object, name) > 0 && H5Adelete(object, name) < 0) return false;
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const Handle attr(H5Acreate2(object, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose);
  return attr.valid() && H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value) >= 0;
}

/// `text` as an int64 if it is one in canonical form (no sign but '-', no leading zero).
std::optional<std::int64_t> canonical_integer(const std::string& text) {
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || std::to_string(v) != text) return std::nullopt;
  return v;
}

/// `text` as a finite double if fmt's shortest round-trip form of that double is `text`.
std::optional<double> canonical_double(const std::string& text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v) ||
      fmt::format("{}", v) != text)
    return std::nullopt;
  return v;
}

}  // namespace

DatasetInfo dataset_info(const std::string& group, const std::string& name,
                         const ModelSpec& model) {
  DatasetInfo info;
  const std::string full = group + "/" + name;
  auto fill = [&](const Entry& e) {
    info.description = e.description;
    info.units = e.units;
    info.integer = e.integer;
    info.references = e.references;
  };
  if (group == "/run_state") {
    info.description =
        "state of the basin-hopping run in progress (random streams, walkers, counters), kept so "
        "that a killed run resumes exactly; not a result";
    info.units = "internal";
    return info;
  }
  if (name == "coords" && (group == "/minima" || group == "/transition_states")) {
    info.description = "coordinates (network parameters) of each point";
    info.units = "parameter";
    info.layout = parameter_layout(model);
    return info;
  }
  if (full == "/paths/coords") {
    info.description =
        "coordinates of each path point, in the frame (symmetry image) of the stored transition "
        "state";
    info.units = "parameter";
    info.layout = parameter_layout(model);
    return info;
  }
  if (const auto it = other_entries().find(full); it != other_entries().end()) {
    fill(it->second);
  } else if (const auto jt = point_entries().find(name);
             jt != point_entries().end() && (group == "/minima" || group == "/transition_states")) {
    fill(jt->second);
  } else {
    info.description =
        fmt::format("extra column '{}' written by another program; lossland keeps it unread", name);
    info.units = "unknown";
  }
  return info;
}

bool write_dataset_attributes(hid_t set, const DatasetInfo& info) {
  bool ok = write_string_attribute(set, "description", info.description) &&
            write_string_attribute(set, "units", info.units);
  if (ok && !info.layout.empty()) ok = write_string_attribute(set, "layout", info.layout);
  if (ok && !info.references.empty())
    ok = write_int_attribute(set, "base", 0) &&
         write_string_attribute(set, "references", info.references);
  return ok;
}

bool write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  if (H5Aexists(object, name.c_str()) > 0 && H5Adelete(object, name.c_str()) < 0) return false;
  const Handle type = utf8_variable_string();
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const Handle attr(
      H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  const char* data = value.c_str();
  return attr.valid() && H5Awrite(attr.get(), type.get(), &data) >= 0;
}

std::optional<std::string> read_string_attribute(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) <= 0) return std::nullopt;
  const Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  const Handle type(attr.valid() ? H5Aget_type(attr.get()) : H5I_INVALID_HID, H5Tclose);
  const Handle space(attr.valid() ? H5Aget_space(attr.get()) : H5I_INVALID_HID, H5Sclose);
  if (!type.valid() || !space.valid() || H5Tget_class(type.get()) != H5T_STRING ||
      H5Sget_simple_extent_npoints(space.get()) != 1)
    return std::nullopt;
  if (H5Tis_variable_str(type.get()) > 0) {
    const Handle mem = utf8_variable_string();
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* s = nullptr;
    if (H5Aread(attr.get(), mem.get(), &s) < 0) return std::nullopt;
    std::string value = s ? s : "";
    H5free_memory(s);
    return value;
  }
  const std::size_t size = H5Tget_size(type.get()) + 1;  // room for a terminator
  const Handle mem = string_type(size);
  H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
  std::string buffer(size, '\0');
  if (H5Aread(attr.get(), mem.get(), buffer.data()) < 0) return std::nullopt;
  return std::string(buffer.c_str());
}

bool write_note(hid_t object, const std::string& name, const std::string& text) {
  if (const auto i = canonical_integer(text)) return write_int_attribute(object, name.c_str(), *i);
  if (const auto d = canonical_double(text))
    return write_double_attribute(object, name.c_str(), *d);
  return write_string_attribute(object, name, text);
}

std::optional<std::string> read_note(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) <= 0) return std::nullopt;
  const Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  const Handle type(attr.valid() ? H5Aget_type(attr.get()) : H5I_INVALID_HID, H5Tclose);
  const Handle space(attr.valid() ? H5Aget_space(attr.get()) : H5I_INVALID_HID, H5Sclose);
  if (!type.valid() || !space.valid() || H5Sget_simple_extent_npoints(space.get()) != 1)
    return std::nullopt;
  switch (H5Tget_class(type.get())) {
    case H5T_STRING:
      return read_string_attribute(object, name);
    case H5T_INTEGER: {
      std::int64_t v = 0;
      if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) return std::nullopt;
      return std::to_string(v);
    }
    case H5T_FLOAT: {
      double v = 0;
      if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0) return std::nullopt;
      return fmt::format("{}", v);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace lossland::db::detail
