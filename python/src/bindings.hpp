#pragma once
/// \file
/// Pieces of the Python module lossland._core, one file each: the model (energy, gradient,
/// Hessian), the database (numpy views of a read landscape) and the subcommands.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Eigen/Core>
#include <stdexcept>
#include <string>

namespace lossland::python {

namespace py = pybind11;

/// A failure the user can fix, raised in Python as lossland.Error (a ValueError): the CLI
/// prints the same message and exits with status 2.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A command line the parser refused (unknown flag, bad value): lossland.UsageError.
class UsageError : public UserError {
 public:
  using UserError::UserError;
};

/// A 1-D numpy array that takes over `v` (no copy: a capsule frees it with the array).
py::array_t<double> to_numpy(Eigen::VectorXd&& v);
/// An M x P numpy array that takes over `m` (column-major, so Fortran-ordered; no copy).
py::array_t<double> to_numpy(Eigen::MatrixXd&& m);

void bind_model(py::module_& m);
void bind_database(py::module_& m);
void bind_commands(py::module_& m);

}  // namespace lossland::python
