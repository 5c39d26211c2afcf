/// \file
/// lossland._core.read: a database read with db::read (lossland/db/database.hpp), as numpy
/// arrays. Per-point scalars (energy, grad_rms, min1, min2) and the analysis columns are
/// read-only views into the C++ landscape, which a capsule keeps alive as long as any array;
/// coordinates and spectra, one heap vector per point in C++, are gathered into M x P arrays.
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"
#include "lossland/db/database.hpp"

namespace lossland::python {
namespace {

using Land = std::shared_ptr<db::Landscape>;

void read_only(py::array& a) {
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
}

/// A view of one field of every element of `rows` (stride: the element size), no copy.
template <class T, class Base, class Row>
py::array field(const std::vector<Row>& rows, T Base::*member, const py::capsule& owner) {
  if (rows.empty()) return py::array_t<T>(0);
  py::array a(py::dtype::of<T>(), {static_cast<py::ssize_t>(rows.size())},
              {static_cast<py::ssize_t>(sizeof(Row))}, &(rows[0].*member), owner);
  read_only(a);
  return a;
}

/// M x K from one heap vector per point (coords, eigenvalues), or nothing when not read.
template <class Row>
py::object gather(const std::vector<Row>& rows, Eigen::VectorXd db::StoredPoint::*member,
                  Eigen::Index width) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), width);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Eigen::VectorXd& v = rows[r].*member;
    if (v.size() != width) return py::none();  // not read (ReadParts)
    m.row(static_cast<Eigen::Index>(r)) = v.transpose();
  }
  return to_numpy(std::move(m));
}

/// True if every value is a whole number that int64 holds exactly.
bool whole(const Eigen::MatrixXd& c) {
  return (c.array().abs() <= 9007199254740992.0).all() && (c.array() == c.array().floor()).all();
}

/// The columns of a table: views of the stored matrices (1-D for a one-column one); a count,
/// flag or index column (db::is_integer_column, stored as int64 in the file) as an int64 copy,
/// as h5py gives it.
void add_columns(py::dict& out, const std::map<std::string, Eigen::MatrixXd>& columns,
                 const py::capsule& owner) {
  const auto d = static_cast<py::ssize_t>(sizeof(double));
  for (const auto& [name, c] : columns) {
    if (c.cols() == 1 && db::is_integer_column(name) && whole(c)) {
      py::array_t<std::int64_t> a(c.rows());
      auto v = a.mutable_unchecked<1>();
      for (Eigen::Index r = 0; r < c.rows(); ++r) v(r) = static_cast<std::int64_t>(c(r, 0));
      read_only(a);
      out[py::str(name)] = std::move(a);
      continue;
    }
    py::array a = c.cols() == 1
                      ? py::array(py::dtype::of<double>(), {c.rows()}, {d}, c.data(), owner)
                      : py::array(py::dtype::of<double>(), {c.rows(), c.cols()}, {d, d * c.rows()},
                                  c.data(), owner);
    read_only(a);
    out[py::str(name)] = a;
  }
}

template <class Row>
py::dict point_table(const std::vector<Row>& rows,
                     const std::map<std::string, Eigen::MatrixXd>& cols, int P,
                     const py::capsule& owner) {
  py::dict t;
  add_columns(t, cols, owner);  // the fixed fields below win over a column of the same name
  t["energy"] = field(rows, &db::StoredPoint::energy, owner);
  t["grad_rms"] = field(rows, &db::StoredPoint::grad_rms, owner);
  t["coords"] = gather(rows, &db::StoredPoint::coords, P);
  t["eigenvalues"] = gather(rows, &db::StoredPoint::eigenvalues, P);
  Eigen::VectorXd lowest(static_cast<Eigen::Index>(rows.size()));
  bool have = true;
  for (std::size_t r = 0; r < rows.size() && have; ++r) {
    have = rows[r].eigenvalues.size() > 0;
    if (have) lowest(static_cast<Eigen::Index>(r)) = rows[r].eigenvalues(0);
  }
  t["lowest_eigenvalue"] = have ? py::object(to_numpy(std::move(lowest))) : py::none();
  return t;
}

db::ReadParts parts(bool coords, const std::string& spectrum) {
  db::ReadParts p;
  p.coords = coords;
  p.paths = false;
  if (spectrum == "all")
    p.spectrum = db::ReadParts::Spectrum::All;
  else if (spectrum == "lowest")
    p.spectrum = db::ReadParts::Spectrum::Lowest;
  else if (spectrum == "none")
    p.spectrum = db::ReadParts::Spectrum::None;
  else
    throw std::invalid_argument("eigenvalues: give 'all', 'lowest' or 'none', got '" + spectrum +
                                "'");
  return p;
}

db::PointTable table_of(const std::string& name) {
  if (name == "minima") return db::PointTable::Minima;
  if (name == "transition_states") return db::PointTable::TransitionStates;
  throw std::invalid_argument("table: give 'minima' or 'transition_states', got '" + name + "'");
}

}  // namespace

void bind_database(py::module_& m) {
  m.def(
      "read",
      [](const std::string& path, bool coords, const std::string& spectrum) {
        const db::ReadParts p = parts(coords, spectrum);
        Land land;
        {
          py::gil_scoped_release nogil;
          land = std::make_shared<db::Landscape>(db::read(path, p));
        }
        py::capsule owner(new Land(land), [](void* q) { delete static_cast<Land*>(q); });
        const int P = land->num_params();
        py::dict out;
        out["minima"] = point_table(land->minima, land->minima_columns, P, owner);
        py::dict ts = point_table(land->transition_states, land->ts_columns, P, owner);
        ts["min1"] = field(land->transition_states, &db::StoredTransitionState::min1, owner);
        ts["min2"] = field(land->transition_states, &db::StoredTransitionState::min2, owner);
        out["transition_states"] = ts;
        py::dict br;
        br["ts"] = field(land->ts_branches, &db::TsBranch::ts, owner);
        br["side"] = field(land->ts_branches, &db::TsBranch::side, owner);
        br["minimum"] = field(land->ts_branches, &db::TsBranch::minimum, owner);
        br["branch_energy"] = field(land->ts_branches, &db::TsBranch::branch_energy, owner);
        br["depth"] = field(land->ts_branches, &db::TsBranch::depth, owner);
        out["ts_branches"] = br;
        out["model"] = std::make_shared<MlpLoss>(land->dataset, land->model);
        out["created_by"] = land->created_by;
        out["notes"] = land->notes;
        return out;
      },
      py::arg("path"), py::arg("coords") = true, py::arg("eigenvalues") = "all",
      "Reads a database (db::read with ReadParts: coords, eigenvalues 'all'|'lowest'|'none'); "
      "returns a dict of tables of numpy arrays and the model.");
  m.def(
      "read_coords",
      [](const std::string& path, const std::string& table, std::vector<std::size_t> rows) {
        const db::PointTable t = table_of(table);
        std::vector<Eigen::VectorXd> got;
        {
          py::gil_scoped_release nogil;
          got = db::read_coords(path, t, rows);
        }
        const Eigen::Index P = got.empty() ? 0 : got[0].size();
        Eigen::MatrixXd out(static_cast<Eigen::Index>(got.size()), P);
        for (std::size_t r = 0; r < got.size(); ++r)
          out.row(static_cast<Eigen::Index>(r)) = got[r].transpose();
        return to_numpy(std::move(out));
      },
      py::arg("path"), py::arg("table"), py::arg("rows"),
      "Coordinates of the given rows of 'minima' or 'transition_states', read from disk "
      "(db::read_coords): len(rows) x P.");
}

}  // namespace lossland::python
