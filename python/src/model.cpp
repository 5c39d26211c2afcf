/// \file
/// lossland._core.Model: the network loss E(w) of a model and dataset (lossland/model/
/// mlp_loss.hpp), with numpy in and out. E, dE/dw and d2E/dw dw^T are the C++ ones the
/// searches use; the GIL is released while they run.
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"
#include "lossland/model/mlp_loss.hpp"
#include "lossland/model/model_for.hpp"

namespace lossland::python {
namespace {

using Shared = std::shared_ptr<MlpLoss>;
using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// The parameter vector w (canonical layout, P entries) as an Eigen vector (one copy of P
/// doubles); refuses any other shape, naming it.
Eigen::VectorXd parameters(const MlpLoss& loss, const Doubles& w) {
  if (w.ndim() != 1 || w.shape(0) != loss.dim()) {
    std::string shape = "(";
    for (py::ssize_t i = 0; i < w.ndim(); ++i)
      shape += (i ? ", " : "") + std::to_string(w.shape(i));
    throw std::invalid_argument(
        "w: expected a 1-D array of the model's P = " + std::to_string(loss.dim()) +
        " parameters (canonical layout), got shape " + shape + (w.ndim() == 1 ? ",)" : ")"));
  }
  return Eigen::Map<const Eigen::VectorXd>(w.data(), w.shape(0));
}

/// A read-only numpy view of `data` that keeps `owner` (the Python Model) alive.
template <class T>
py::array view(const T* data, std::vector<py::ssize_t> shape, std::vector<py::ssize_t> strides,
               py::handle owner) {
  py::array a(py::dtype::of<T>(), std::move(shape), std::move(strides), data, owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

Shared make_model(int hidden, double lambda, const std::string& dataset, py::object X, py::object y,
                  int num_classes, const std::string& activation, const std::string& regularize) {
  Dataset data;
  if (X.is_none() != y.is_none()) throw std::invalid_argument("give both X and y, or neither");
  if (X.is_none()) {
    data = load_dataset(dataset);
  } else {
    const auto x = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(X);
    const auto labels =
        py::array_t<long long, py::array::c_style | py::array::forcecast>::ensure(y);
    if (!x || x.ndim() != 2) throw std::invalid_argument("X: expected a 2-D array (N x I)");
    if (!labels || labels.ndim() != 1 || labels.shape(0) != x.shape(0))
      throw std::invalid_argument("y: expected a 1-D array of N = " + std::to_string(x.shape(0)) +
                                  " integer labels, one per row of X");
    data.name = dataset == "xor" ? "python" : dataset;
    data.inputs.resize(x.shape(0), x.shape(1));
    for (py::ssize_t i = 0; i < x.shape(0); ++i)
      for (py::ssize_t k = 0; k < x.shape(1); ++k) data.inputs(i, k) = x.at(i, k);
    data.labels.resize(labels.shape(0));
    long long top = 1;
    for (py::ssize_t i = 0; i < labels.shape(0); ++i) {
      if (labels.at(i) < 0 || labels.at(i) > (1 << 20))
        throw std::invalid_argument("y: label " + std::to_string(labels.at(i)) + " of row " +
                                    std::to_string(i) + " is not a class index >= 0");
      data.labels(i) = static_cast<int>(labels.at(i));
      top = std::max(top, labels.at(i));
    }
    data.num_classes = num_classes > 0 ? num_classes : static_cast<int>(top + 1);
    data.validate();
  }
  const ModelSpec spec = model_for(data, hidden, lambda, activation, regularize);
  return std::make_shared<MlpLoss>(std::move(data), spec);
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<MlpLoss, Shared>(m, "Model",
                              "The loss E(w) = -(1/N) sum_d ln p_c(d)(x_d) + lambda sum_R w_r^2 "
                              "of a one-hidden-layer network (Mehta, Zhao, Bernal and Wales, "
                              "Phys. Rev. E 97, 052307 (2018), Eq. 1-3) on a dataset.\n"
                              "w is the canonical parameter vector [W (H x I, row-major) | b (H) "
                              "| V (O x H, row-major) | c (O)], P = H(I+1) + O(H+1).")
      .def(py::init(&make_model), py::arg("hidden"), py::arg("lambda_"), py::arg("dataset") = "xor",
           py::arg("X") = py::none(), py::arg("y") = py::none(), py::arg("num_classes") = 0,
           py::arg("activation") = "tanh", py::arg("regularize") = "all",
           "A model as `lossland bh` builds it: dataset is xor, a name in data/ or a CSV path; "
           "or give X (N x I) and y (N class indices) instead, and dataset only names them "
           "(default 'python'); num_classes 0 means max(y) + 1, at least 2.")
      .def_property_readonly("layers", [](const MlpLoss& l) { return l.spec().layers; })
      .def_property_readonly("hidden", [](const MlpLoss& l) { return l.spec().hidden(); })
      .def_property_readonly("num_params", &MlpLoss::dim)
      .def_property_readonly("activation",
                             [](const MlpLoss& l) { return to_string(l.spec().activation); })
      .def_property_readonly("regularize",
                             [](const MlpLoss& l) { return to_string(l.spec().regularize); })
      .def_property_readonly("lambda_", [](const MlpLoss& l) { return l.spec().lambda; })
      .def_property_readonly("dataset", [](const MlpLoss& l) { return l.data().name; })
      .def_property_readonly("num_classes", [](const MlpLoss& l) { return l.data().num_classes; })
      .def_property_readonly(
          "X",
          [](py::object self) {
            const auto& x = self.cast<const MlpLoss&>().data().inputs;
            const auto d = static_cast<py::ssize_t>(sizeof(double));
            return view(x.data(), {x.rows(), x.cols()}, {d, d * x.rows()}, self);
          },
          "Inputs (N x I), a read-only view")
      .def_property_readonly(
          "y",
          [](py::object self) {
            const auto& y = self.cast<const MlpLoss&>().data().labels;
            return view(y.data(), {y.size()}, {static_cast<py::ssize_t>(sizeof(int))}, self);
          },
          "Class labels (N), a read-only int32 view")
      .def(
          "energy",
          [](const MlpLoss& l, const Doubles& w) {
            const Eigen::VectorXd x = parameters(l, w);
            py::gil_scoped_release nogil;
            return l.energy(x);
          },
          py::arg("w"), "E(w)")
      .def(
          "gradient",
          [](const MlpLoss& l, const Doubles& w) {
            const Eigen::VectorXd x = parameters(l, w);
            Eigen::VectorXd g;
            {
              py::gil_scoped_release nogil;
              l.energy_gradient(x, g);
            }
            return to_numpy(std::move(g));
          },
          py::arg("w"), "dE/dw (P)")
      .def(
          "energy_gradient",
          [](const MlpLoss& l, const Doubles& w) {
            const Eigen::VectorXd x = parameters(l, w);
            Eigen::VectorXd g;
            double e = 0;
            {
              py::gil_scoped_release nogil;
              e = l.energy_gradient(x, g);
            }
            return py::make_tuple(e, to_numpy(std::move(g)));
          },
          py::arg("w"), "(E(w), dE/dw) in one pass")
      .def(
          "hessian",
          [](const MlpLoss& l, const Doubles& w) {
            const Eigen::VectorXd x = parameters(l, w);
            Eigen::VectorXd g;
            Eigen::MatrixXd h;
            {
              py::gil_scoped_release nogil;
              l.energy_gradient_hessian(x, g, h);
            }
            return to_numpy(std::move(h));
          },
          py::arg("w"), "The exact Hessian d2E/dw dw^T (P x P, symmetric)")
      .def("__repr__", [](const MlpLoss& l) {
        const auto& s = l.spec();
        return "lossland.Model(layers=[" + std::to_string(s.inputs()) + ", " +
               std::to_string(s.hidden()) + ", " + std::to_string(s.outputs()) + "], activation='" +
               to_string(s.activation) +
               "', lambda_=" + py::repr(py::float_(s.lambda)).cast<std::string>() +
               ", regularize='" + to_string(s.regularize) + "', dataset='" + l.data().name + "')";
      });
}

}  // namespace lossland::python
