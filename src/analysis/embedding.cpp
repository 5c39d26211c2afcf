/// Embedding a landscape's points into a wider hidden layer (Mehta et al., Phys. Rev. E 97,
/// 052307 (2018), App. A).
#include "lossland/analysis/embedding.hpp"

#include <stdexcept>

namespace lossland::analysis {

ModelSpec with_hidden(const ModelSpec& spec, int hidden) {
  ModelSpec s = spec;
  s.layers[1] = hidden;
  return s;
}

Eigen::VectorXd embed_point(const ModelSpec& spec, const Eigen::VectorXd& w, int into_hidden) {
  const ParamLayout from(spec);
  if (w.size() != from.size())
    throw std::invalid_argument("embed_point: w has " + std::to_string(w.size()) +
                                " entries, the model needs " + std::to_string(from.size()));
  if (into_hidden < from.H)
    throw std::invalid_argument("embed: --into " + std::to_string(into_hidden) +
                                " is smaller than the landscape's " + std::to_string(from.H) +
                                " hidden nodes; give N >= " + std::to_string(from.H));
  const ParamLayout to(with_hidden(spec, into_hidden));
  Eigen::VectorXd e = Eigen::VectorXd::Zero(to.size());
  for (int j = 0; j < from.H; ++j) {
    for (int k = 0; k < from.I; ++k) e[to.W(j, k)] = w[from.W(j, k)];
    e[to.b(j)] = w[from.b(j)];
    for (int i = 0; i < from.O; ++i) e[to.V(i, j)] = w[from.V(i, j)];
  }
  for (int i = 0; i < from.O; ++i) e[to.c(i)] = w[from.c(i)];
  return e;
}

void EmbeddingOptions::validate() const {
  if (!(stationary_rms > 0 && stationary_rms < 1))
    throw std::invalid_argument("EmbeddingOptions.stationary_rms: must be in (0, 1)");
  if (!(eigen_cutoff > 0 && eigen_cutoff <= 1e-3))
    throw std::invalid_argument("EmbeddingOptions.eigen_cutoff: must be in (0, 1e-3]");
}

EmbeddedPoint embed_and_classify(const db::Landscape& landscape, const Eigen::VectorXd& w,
                                 int into_hidden, const EmbeddingOptions& options) {
  options.validate();
  const ModelSpec big = with_hidden(landscape.model, into_hidden);
  const MlpLoss small_loss(landscape.dataset, landscape.model);
  const MlpLoss big_loss(landscape.dataset, big);
  EmbeddedPoint p;
  Eigen::VectorXd g_small;
  p.original_energy = small_loss.energy_gradient(w, g_small);
  const Eigen::VectorXd e = embed_point(landscape.model, w, into_hidden);
  const Classification c = classify(big_loss, e, options.eigen_cutoff);
  p.energy = c.energy;
  p.grad_rms = c.grad_rms;
  const Eigen::VectorXd g_big = big_loss.gradient(e);
  // Padding the gradient of the small network with zeros must give the big one's gradient.
  p.gradient_change =
      (g_big - embed_point(landscape.model, g_small, into_hidden)).cwiseAbs().maxCoeff();
  p.stationary = p.grad_rms <= options.stationary_rms;
  p.index = c.index;
  p.num_zero = c.num_zero;
  p.kind = c.kind;
  p.lowest_eigenvalue = c.eigenvalues.size() ? c.eigenvalues[0] : 0.0;
  p.original_index = classify(small_loss, w, options.eigen_cutoff).index;
  return p;
}

std::vector<EmbeddedPoint> embed_landscape(const db::Landscape& landscape, int into_hidden,
                                           const EmbeddingOptions& options) {
  std::vector<EmbeddedPoint> out;
  auto embed_all = [&](const auto& points, bool is_minimum) {
    for (std::size_t i = 0; i < points.size(); ++i) {
      EmbeddedPoint p = embed_and_classify(landscape, points[i].coords, into_hidden, options);
      p.id = static_cast<std::int64_t>(i);
      p.is_minimum = is_minimum;
      out.push_back(p);
    }
  };
  embed_all(landscape.minima, true);
  embed_all(landscape.transition_states, false);
  return out;
}

}  // namespace lossland::analysis
