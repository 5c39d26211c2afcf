/// \file
/// The extension module lossland._core: exceptions and the parts bound in the other files.
/// python/lossland/__init__.py is the user-facing layer on top of it.
#include <new>

#include "bindings.hpp"
#include "lossland/db/database.hpp"
#include "lossland/model/dataset.hpp"

namespace lossland::python {

py::array_t<double> to_numpy(Eigen::VectorXd&& v) {
  auto* owned = new Eigen::VectorXd(std::move(v));
  py::capsule free_it(owned, [](void* p) { delete static_cast<Eigen::VectorXd*>(p); });
  return py::array_t<double>({owned->size()}, {static_cast<py::ssize_t>(sizeof(double))},
                             owned->data(), free_it);
}

py::array_t<double> to_numpy(Eigen::MatrixXd&& m) {
  auto* owned = new Eigen::MatrixXd(std::move(m));
  py::capsule free_it(owned, [](void* p) { delete static_cast<Eigen::MatrixXd*>(p); });
  const auto d = static_cast<py::ssize_t>(sizeof(double));
  return py::array_t<double>({owned->rows(), owned->cols()}, {d, d * owned->rows()}, owned->data(),
                             free_it);
}

}  // namespace lossland::python

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  using namespace lossland::python;
  m.doc() = "lossland C++ core: the loss, the database and the subcommands (see lossland).";
  m.attr("__version__") = LOSSLAND_VERSION;
  // User errors are ValueErrors, as the CLI's exit status 2: the message is the CLI's.
  static py::exception<UserError> error(m, "Error", PyExc_ValueError);
  static py::exception<UsageError> usage(m, "UsageError", error.ptr());
  static py::exception<lossland::db::DatabaseError> database(m, "DatabaseError", error.ptr());
  static py::exception<lossland::DatasetError> dataset(m, "DatasetError", error.ptr());
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const UsageError& e) {
      usage(e.what());
    } catch (const UserError& e) {
      error(e.what());
    } catch (const lossland::db::DatabaseError& e) {
      database(e.what());
    } catch (const lossland::DatasetError& e) {
      dataset(e.what());
    } catch (const std::invalid_argument& e) {
      error(e.what());
    }
  });
  bind_model(m);
  bind_database(m);
  bind_commands(m);
}
