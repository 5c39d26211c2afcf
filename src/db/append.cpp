/// \file
/// In-place, journaled saves (append.hpp): what a save writes is what changed since the file
/// was last saved, so a run that adds k points to a file of M writes O(k) bytes. The file is
/// read to find what changed: the 1-D keys of each table (energies, gradients, min1/min2, the
/// /ts_branches and /paths keys) and the extra columns, a few bytes per row; the large arrays
/// (coordinates, spectra, path points) of stored rows are neither read nor written.

#include "db/append.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <hdf5.h>

#include <cstring>
#include <functional>
#include <type_traits>

#include "db/hdf5_util.hpp"
#include "db/journal.hpp"
#include "db/updater.hpp"

namespace lossland::db::detail {
namespace {

thread_local SaveKind g_last_kind = SaveKind::Whole;

/// A P-column array of points (coords or eigenvalues), filled on demand.
template <class Point>
Filler point_rows(const std::vector<Point>& pts, Eigen::VectorXd StoredPoint::*member, int P) {
  return [&pts, member, P](Rows<double>& r, hsize_t from) {
    r.values.clear();
    r.values.reserve((pts.size() - from) * static_cast<std::size_t>(P));
    for (std::size_t i = from; i < pts.size(); ++i) {
      const Eigen::VectorXd& v = pts[i].*member;
      r.values.insert(r.values.end(), v.data(), v.data() + P);
    }
    r.first = from;
  };
}

template <class Point>
TableData point_table(const std::vector<Point>& pts, int P) {
  TableData t;
  std::vector<double> energy, grad;
  for (const auto& p : pts) {
    energy.push_back(p.energy);
    grad.push_back(p.grad_rms);
  }
  const hsize_t M = pts.size();
  t.doubles = {{"energy", all_rows(std::move(energy))},
               {"grad_rms", all_rows(std::move(grad))},
               {"coords", Rows<double>{{}, hsize_t(P), M, M}},
               {"eigenvalues", Rows<double>{{}, hsize_t(P), M, M}}};
  t.double_compare = {true, true, false, false};
  t.double_one_d = {true, true, false, false};
  t.fillers = {{},
               {},
               point_rows(pts, &StoredPoint::coords, P),
               point_rows(pts, &StoredPoint::eigenvalues, P)};
  if constexpr (std::is_same_v<Point, StoredTransitionState>) {
    std::vector<std::int64_t> m1, m2;
    for (const auto& p : pts) {
      m1.push_back(p.min1);
      m2.push_back(p.min2);
    }
    t.ints = {{"min1", all_rows(std::move(m1))}, {"min2", all_rows(std::move(m2))}};
  }
  return t;
}

/// Plans and then writes one table (group `where`): its fixed datasets, then (for point
/// tables) its extra columns. Plans are made for every table before anything is written.
struct TablePlan {
  std::string where;
  TableData data;
  std::vector<Updater::Action> double_actions, int_actions;
  std::vector<hsize_t> double_rows, int_rows;
};

/// The plan of a table whose every fixed dataset must be appended to (never replaced): a
/// stored row that differs means the landscape was rebuilt (NotInPlace).
TablePlan plan_fixed(const Updater& u, const std::string& where, TableData data, hsize_t n_mem) {
  TablePlan p{where, std::move(data), {}, {}, {}, {}};
  hsize_t n_disk = ~hsize_t(0);
  auto check = [&](Updater::Action a, hsize_t rows) {
    if (a == Updater::Action::Replace) throw NotInPlace{};
    if (n_disk != ~hsize_t(0) && rows != n_disk) throw NotInPlace{};
    n_disk = rows;
  };
  for (std::size_t i = 0; i < p.data.doubles.size(); ++i) {
    hsize_t rows = 0;
    const auto a = u.plan(where + "/" + p.data.doubles[i].first, p.data.doubles[i].second,
                          p.data.double_compare[i], &rows);
    check(a, rows);
    p.double_actions.push_back(a);
    p.double_rows.push_back(rows);
  }
  for (auto& [name, rows_data] : p.data.ints) {
    hsize_t rows = 0;
    const auto a = u.plan(where + "/" + name, rows_data, true, &rows);
    check(a, rows);
    p.int_actions.push_back(a);
    p.int_rows.push_back(rows);
  }
  // A table grown far past its chunks is rewritten whole, which gives it larger chunks.
  if (!p.data.doubles.empty()) {
    const Handle set = u.open_set(where + "/" + p.data.doubles[0].first);
    const hsize_t chunk = Updater::growable_chunk(set.get());
    if (n_mem > 16 * chunk && chunk < chunk_rows(n_mem, 1)) throw NotInPlace{};
  }
  return p;
}

void write_plan(const Updater& u, TablePlan& p) {
  for (std::size_t i = 0; i < p.data.doubles.size(); ++i) {
    p.data.fill(i, p.double_rows[i]);
    u.apply(p.where + "/" + p.data.doubles[i].first, p.data.doubles[i].second, p.double_actions[i],
            p.double_rows[i], p.data.double_one_d[i]);
  }
  for (std::size_t i = 0; i < p.data.ints.size(); ++i)
    u.apply(p.where + "/" + p.data.ints[i].first, p.data.ints[i].second, p.int_actions[i],
            p.int_rows[i], true);
}

/// The extra columns of a point table: each appended, replaced or created; columns the file
/// has and `columns` lacks are deleted.
void save_columns(Updater& u, const std::string& where,
                  const std::map<std::string, Eigen::MatrixXd>& columns,
                  const std::vector<std::string>& fixed) {
  for (const auto& name : u.links(where)) {
    if (std::find(fixed.begin(), fixed.end(), name) != fixed.end()) continue;
    if (!columns.count(name)) u.remove(where + "/" + name);
  }
  for (const auto& [name, column] : columns) {
    const std::string full = where + "/" + name;
    const bool one_d = column.cols() == 1;
    const RowMatrix m = column;
    if (u.integer_column(where, name) && one_d && whole_numbers(column)) {
      const auto want = all_rows(std::vector<std::int64_t>(m.data(), m.data() + m.size()));
      hsize_t rows = 0;
      const auto a = u.plan(full, want, true, &rows);
      u.apply(full, want, a, rows, true);
    } else {
      const auto want = all_rows(std::vector<double>(m.data(), m.data() + m.size()),
                                 static_cast<hsize_t>(m.cols()));
      hsize_t rows = 0;
      // A stored int64 column that now needs float64 (a NaN or a fraction) fails the type check
      // and is replaced.
      const auto a = u.plan(full, want, true, &rows);
      u.apply(full, want, a, rows, one_d);
    }
  }
}

/// A small group of 1-D datasets keyed by row (/ts_branches, /paths): appended when the file's
/// rows are the first rows of `data`, written anew otherwise, deleted when `data` is empty.
void save_keyed_group(Updater& u, const std::string& group, TableData data,
                      const std::vector<std::string>& key_doubles) {
  const hsize_t n = data.ints.empty() ? 0 : data.ints[0].second.rows();
  if (n == 0) {
    u.remove(group);
    return;
  }
  bool append = u.exists(group);
  std::vector<hsize_t> rows;
  hsize_t disk = ~hsize_t(0);
  auto consider = [&](Updater::Action a, hsize_t r) {
    if (a == Updater::Action::Replace || (disk != ~hsize_t(0) && r != disk)) append = false;
    disk = r;
  };
  if (append) {
    for (const auto& [name, d] : data.ints) {
      hsize_t r = 0;
      consider(u.plan(group + "/" + name, d, true, &r), r);
    }
    for (std::size_t i = 0; i < data.doubles.size(); ++i) {
      const auto& [name, d] = data.doubles[i];
      const bool key = std::find(key_doubles.begin(), key_doubles.end(), name) != key_doubles.end();
      hsize_t r = 0;
      consider(u.plan(group + "/" + name, d, key, &r), r);
    }
  }
  if (!append) {
    u.remove(group);
    u.ensure_group(group);
    for (const auto& [name, d] : data.ints) u.create(group + "/" + name, d, true);
    for (std::size_t i = 0; i < data.doubles.size(); ++i) {
      data.fill(i, 0);
      u.create(group + "/" + data.doubles[i].first, data.doubles[i].second, data.double_one_d[i]);
    }
    return;
  }
  if (disk == n) return;
  for (const auto& [name, d] : data.ints) u.append(group + "/" + name, d, disk);
  for (std::size_t i = 0; i < data.doubles.size(); ++i) {
    data.fill(i, disk);
    u.append(group + "/" + data.doubles[i].first, data.doubles[i].second, disk);
  }
}

/// /run_state: entries of unchanged shape overwritten in place, others replaced or deleted.
void save_run_state(Updater& u, const std::map<std::string, Eigen::MatrixXd>& state) {
  const std::string group = "/run_state";
  if (state.empty()) {
    u.remove(group);
    return;
  }
  u.ensure_group(group);
  for (const auto& name : u.links(group))
    if (!state.count(name)) u.remove(group + "/" + name);
  for (const auto& [name, m] : state) {
    const RowMatrix r = m;
    const auto want = all_rows(std::vector<double>(r.data(), r.data() + r.size()),
                               static_cast<hsize_t>(r.cols()));
    const std::string full = group + "/" + name;
    bool same_shape = false;
    if (u.exists(full)) {
      const Handle set = u.open_set(full);
      const Dims d = Updater::dims_of(set.get());
      same_shape = d.size() == 2 && d[0] == want.rows() && d[1] == want.cols &&
                   Updater::has_class(set.get(), H5T_FLOAT);
      if (same_shape) {
        if (u.read<double>(set.get(), d) == want.values) continue;
        if (H5Dwrite(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                     want.values.data()) < 0)
          u.fail(fmt::format("cannot write {}", full));
        continue;
      }
    }
    u.create(full, want, false);
  }
}

/// Root note_* attributes and created_by, rewritten where they differ.
void save_notes(const Updater& u, const Landscape& ls) {
  const std::string prefix = "note_";
  for (const auto& name : u.root_attributes())
    if (name.rfind(prefix, 0) == 0 && !ls.notes.count(name.substr(prefix.size())) &&
        H5Adelete(u.file(), name.c_str()) < 0)
      u.fail(fmt::format("cannot delete attribute '{}'", name));
  for (const auto& [key, value] : ls.notes)
    if (u.note(prefix + key) != value) u.write_note(prefix + key, value);
  const std::string created =
      ls.created_by.empty() ? std::string("lossland " LOSSLAND_VERSION) : ls.created_by;
  if (u.string_attribute("created_by") != created) u.write_string_attribute("created_by", created);
}

/// Throws NotInPlace unless the file's model, dataset and format are those of `ls`.
void check_same_model(const Updater& u, const Landscape& ls) {
  auto int_attr = [&](const char* name, std::vector<int>* out) {
    if (H5Aexists(u.file(), name) <= 0) throw NotInPlace{};
    const Handle a(H5Aopen(u.file(), name, H5P_DEFAULT), H5Aclose);
    const Handle s(a.valid() ? H5Aget_space(a.get()) : H5I_INVALID_HID, H5Sclose);
    const hssize_t n = s.valid() ? H5Sget_simple_extent_npoints(s.get()) : -1;
    if (n < 1 || n > 64) throw NotInPlace{};
    out->resize(static_cast<std::size_t>(n));
    if (H5Aread(a.get(), H5T_NATIVE_INT, out->data()) < 0) throw NotInPlace{};
  };
  std::vector<int> version, layers, classes;
  int_attr("format_version", &version);
  int_attr("layers", &layers);
  int_attr("num_classes", &classes);
  double lambda = 0;
  {
    if (H5Aexists(u.file(), "lambda") <= 0) throw NotInPlace{};
    const Handle a(H5Aopen(u.file(), "lambda", H5P_DEFAULT), H5Aclose);
    if (!a.valid() || H5Aread(a.get(), H5T_NATIVE_DOUBLE, &lambda) < 0) throw NotInPlace{};
  }
  if (version != std::vector<int>{kFormatVersion} || layers != ls.model.layers ||
      classes != std::vector<int>{ls.dataset.num_classes} || lambda != ls.model.lambda ||
      u.string_attribute("format") != "lossland" ||
      u.string_attribute("activation") != to_string(ls.model.activation) ||
      u.string_attribute("regularize") != to_string(ls.model.regularize) ||
      u.string_attribute("dataset") != ls.dataset.name)
    throw NotInPlace{};
  const Handle inputs = u.open_set("/dataset/inputs");
  const Handle labels = u.open_set("/dataset/labels");
  const RowMatrix x = ls.dataset.inputs;
  const std::vector<double> want_x(x.data(), x.data() + x.size());
  std::vector<std::int64_t> want_y(ls.dataset.labels.data(),
                                   ls.dataset.labels.data() + ls.dataset.labels.size());
  if (u.read<double>(inputs.get(), Updater::dims_of(inputs.get())) != want_x ||
      u.read<std::int64_t>(labels.get(), Updater::dims_of(labels.get())) != want_y)
    throw NotInPlace{};
}

/// Bytes the datasets of the file hold (their storage), for the compaction rule.
hsize_t dataset_bytes(hid_t file) {
  hsize_t total = 0;
  auto visit = [](hid_t obj, const char* name, const H5O_info_t* info, void* out) -> herr_t {
    if (info->type != H5O_TYPE_DATASET) return 0;
    const Handle set(H5Dopen2(obj, name, H5P_DEFAULT), H5Dclose);
    if (set.valid()) *static_cast<hsize_t*>(out) += H5Dget_storage_size(set.get());
    return 0;
  };
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, visit, &total, H5O_INFO_BASIC);
  return total;
}

}  // namespace

TableData branch_data(const std::vector<TsBranch>& b) {
  TableData t;
  std::vector<std::int64_t> ts, side, minimum, depth;
  std::vector<double> energy;
  for (const auto& r : b) {
    ts.push_back(r.ts);
    side.push_back(r.side);
    minimum.push_back(r.minimum);
    depth.push_back(r.depth);
    energy.push_back(r.branch_energy);
  }
  t.ints = {{"ts", all_rows(std::move(ts))},
            {"side", all_rows(std::move(side))},
            {"minimum", all_rows(std::move(minimum))},
            {"depth", all_rows(std::move(depth))}};
  t.doubles = {{"branch_energy", all_rows(std::move(energy))}};
  t.double_one_d = {true};
  return t;
}

TableData path_data(const std::vector<StoredPath>& paths, int P) {
  TableData t;
  std::vector<std::int64_t> ts, side;
  std::vector<double> s, energy;
  for (const auto& p : paths)
    for (std::size_t k = 0; k < p.s.size(); ++k) {
      ts.push_back(p.ts);
      side.push_back(p.side);
      s.push_back(p.s[k]);
      energy.push_back(p.energy[k]);
    }
  const hsize_t n = ts.size();
  t.ints = {{"ts", all_rows(std::move(ts))}, {"side", all_rows(std::move(side))}};
  t.doubles = {{"s", all_rows(std::move(s))},
               {"energy", all_rows(std::move(energy))},
               {"coords", Rows<double>{{}, hsize_t(P), n, n}}};
  t.double_one_d = {true, true, false};
  t.fillers = {{}, {}, [&paths, P](Rows<double>& r, hsize_t from) {
                 r.values.clear();
                 hsize_t row = 0;
                 for (const auto& p : paths)
                   for (Eigen::Index k = 0; k < p.coords.rows(); ++k, ++row)
                     if (row >= from)
                       for (int j = 0; j < P; ++j) r.values.push_back(p.coords(k, j));
                 r.first = from;
               }};
  return t;
}

SaveKind last_save_kind() {
  return g_last_kind;
}
void set_last_save_kind(SaveKind kind) {
  g_last_kind = kind;
}

bool save_in_place(const std::string& path, const Landscape& ls) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  const FileLock lock(path, true);
  recover(path);
  Journal journal(path);
  {
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, journal.fapl()), H5Fclose);
    if (!file.valid()) return false;  // not an HDF5 file we can open: rewrite it whole
    Updater u(path, file.get(), ls.model);
    const int P = ls.num_params();
    TablePlan minima, ts;
    try {
      check_same_model(u, ls);
      if (static_cast<hsize_t>(st.st_size) > 2 * dataset_bytes(file.get()) + (hsize_t(1) << 20))
        throw NotInPlace{};
      minima = plan_fixed(u, "/minima", point_table(ls.minima, P), ls.minima.size());
      ts = plan_fixed(u, "/transition_states", point_table(ls.transition_states, P),
                      ls.transition_states.size());
    } catch (const NotInPlace&) {
      return false;  // nothing written: the Journal has nothing to undo
    }
    try {
      write_plan(u, minima);
      write_plan(u, ts);
      save_columns(u, "/minima", ls.minima_columns, kPointFields);
      save_columns(u, "/transition_states", ls.ts_columns, kTsFields);
      save_keyed_group(u, "/ts_branches", branch_data(ls.ts_branches), {"branch_energy"});
      save_keyed_group(u, "/paths", path_data(ls.paths, P), {"s", "energy"});
      save_run_state(u, ls.run_state);
      save_notes(u, ls);
    } catch (const NotInPlace&) {
      u.fail("the file changed while it was being saved");
    }
    if (!file.close()) u.fail("cannot finish writing (disk full?)");
  }
  journal.commit();
  // A writer that ignored the writer lock may have renamed a whole new file over PATH during
  // this save: then save whole, so that this landscape is not lost in the old file.
  return !journal.file_replaced();
}

}  // namespace lossland::db::detail
