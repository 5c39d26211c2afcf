/// Basins of plain training: GD with Armijo steps (Armijo, Pacific J. Math. 16, 1
/// (1966); Teutschbein 2024, Sec. 6.2), Adam, L-BFGS; each run quenched tightly and identified
/// against the database up to symmetry.
#include "lossland/analysis/training.hpp"

#include <cmath>
#include <stdexcept>

#include "lossland/analysis/metrics.hpp"
#include "lossland/db/landscape_index.hpp"
#include "lossland/model/symmetry.hpp"
#include "lossland/optimize/minimizer.hpp"
#include "lossland/optimize/stationary.hpp"
#include "search/random.hpp"
#include "util/require.hpp"

namespace lossland::analysis {

std::string to_string(TrainingMethod m) {
  switch (m) {
    case TrainingMethod::GradientDescentArmijo:
      return "gd";
    case TrainingMethod::Adam:
      return "adam";
    case TrainingMethod::Lbfgs:
      return "lbfgs";
  }
  return "?";
}

TrainingMethod parse_training_method(const std::string& s) {
  if (s == "gd") return TrainingMethod::GradientDescentArmijo;
  if (s == "adam") return TrainingMethod::Adam;
  if (s == "lbfgs") return TrainingMethod::Lbfgs;
  throw std::invalid_argument("unknown training method '" + s +
                              "': use gd (gradient descent, Armijo steps), adam or lbfgs");
}

std::string to_string(InitDistribution d) {
  return d == InitDistribution::Normal ? "normal" : "glorot";
}

InitDistribution parse_init_distribution(const std::string& s) {
  if (s == "normal") return InitDistribution::Normal;
  if (s == "glorot") return InitDistribution::GlorotUniform;
  throw std::invalid_argument("unknown initial distribution '" + s +
                              "': use normal (N(0, scale^2)) or glorot (Glorot uniform)");
}

std::string to_string(RunOutcome o) {
  switch (o) {
    case RunOutcome::KnownMinimum:
      return "known";
    case RunOutcome::NewMinimum:
      return "new";
    case RunOutcome::NotMinimum:
      return "not_minimum";
  }
  return "?";
}

void TrainingOptions::validate() const {
  const detail::FieldCheck need("TrainingOptions");
  need(runs >= 1 && runs <= 10000000, "runs", "in [1, 1e7]");
  need(init_scale > 0 && init_scale <= 1e3, "init_scale", "in (0, 1e3]");
  need(rms_tolerance > 0 && rms_tolerance < 1, "rms_tolerance", "in (0, 1)");
  need(max_iterations >= 1 && max_iterations <= 100000000, "max_iterations", "in [1, 1e8]");
  need(armijo_sigma > 0 && armijo_sigma < 1, "armijo_sigma", "in (0, 1)");
  need(armijo_alpha > 0 && armijo_alpha < 1, "armijo_alpha", "in (0, 1)");
  need(armijo_initial_step > 0 && armijo_initial_step <= 1e3, "armijo_initial_step", "in (0, 1e3]");
  need(adam_learning_rate > 0 && adam_learning_rate <= 10, "adam_learning_rate", "in (0, 10]");
  need(adam_beta1 >= 0 && adam_beta1 < 1, "adam_beta1", "in [0, 1)");
  need(adam_beta2 >= 0 && adam_beta2 < 1, "adam_beta2", "in [0, 1)");
  need(adam_epsilon > 0 && adam_epsilon < 1, "adam_epsilon", "in (0, 1)");
  need(threads >= 1 && threads <= 1024, "threads", "in [1, 1024]");
}

double TrainingResult::bad_probability() const {
  return runs.empty() ? 0.0 : static_cast<double>(bad_runs) / static_cast<double>(runs.size());
}

Eigen::VectorXd initial_weights(const ModelSpec& spec, const TrainingOptions& options, int run) {
  const ParamLayout L(spec);
  detail::Rng rng(options.seed, static_cast<std::uint64_t>(run));
  Eigen::VectorXd w = Eigen::VectorXd::Zero(L.size());
  if (options.init == InitDistribution::Normal) {
    for (int r = 0; r < L.size(); ++r) w[r] = options.init_scale * rng.normal();
    return w;
  }
  const double a_w = options.init_scale * std::sqrt(6.0 / (L.I + L.H));
  const double a_v = options.init_scale * std::sqrt(6.0 / (L.H + L.O));
  for (int j = 0; j < L.H; ++j)
    for (int k = 0; k < L.I; ++k) w[L.W(j, k)] = rng.uniform(-a_w, a_w);
  for (int i = 0; i < L.O; ++i)
    for (int j = 0; j < L.H; ++j) w[L.V(i, j)] = rng.uniform(-a_v, a_v);
  return w;  // biases stay zero
}

Eigen::VectorXd train_from(const MlpLoss& loss, const Eigen::VectorXd& w0, const TrainingOptions& o,
                           int& iterations, bool& converged) {
  Eigen::VectorXd w = w0, g;
  iterations = 0;
  converged = false;
  switch (o.method) {
    case TrainingMethod::GradientDescentArmijo: {
      // Armijo (Teutschbein 2024, Sec. 6.2): d = -grad f(x); t = t0 alpha^l, smallest l >= 0
      // with f(x + t d) <= f(x) + sigma t grad f(x)^T d.
      double e = loss.energy_gradient(w, g);
      for (; iterations < o.max_iterations; ++iterations) {
        if (!std::isfinite(e)) return w;
        if (rms(g) <= o.rms_tolerance) {
          converged = true;
          return w;
        }
        const double slope = -g.squaredNorm();  // grad^T d
        double t = o.armijo_initial_step;
        bool accepted = false;
        for (int l = 0; l < 200; ++l, t *= o.armijo_alpha) {
          const Eigen::VectorXd trial = w - t * g;
          const double et = loss.energy(trial);
          if (et <= e + o.armijo_sigma * t * slope) {
            w = trial;
            accepted = true;
            break;
          }
        }
        if (!accepted) return w;  // round-off: no decrease found; the quench takes over
        e = loss.energy_gradient(w, g);
      }
      return w;
    }
    case TrainingMethod::Adam: {
      // Kingma & Ba (2015), Algorithm 1.
      Eigen::VectorXd m = Eigen::VectorXd::Zero(w.size()), v = m;
      double b1t = 1, b2t = 1;
      for (; iterations < o.max_iterations; ++iterations) {
        const double e = loss.energy_gradient(w, g);
        if (!std::isfinite(e)) return w;
        if (rms(g) <= o.rms_tolerance) {
          converged = true;
          return w;
        }
        m = o.adam_beta1 * m + (1 - o.adam_beta1) * g;
        v = o.adam_beta2 * v + (1 - o.adam_beta2) * g.cwiseAbs2();
        b1t *= o.adam_beta1;
        b2t *= o.adam_beta2;
        const Eigen::ArrayXd mhat = m.array() / (1 - b1t);
        const Eigen::ArrayXd vhat = v.array() / (1 - b2t);
        w.array() -= o.adam_learning_rate * mhat / (vhat.sqrt() + o.adam_epsilon);
      }
      return w;
    }
    case TrainingMethod::Lbfgs: {
      LossProblem problem(loss);
      const MinimizerResult r = lbfgs_minimize(problem, w, o.rms_tolerance, o.max_iterations);
      iterations = r.lbfgs_iterations;
      converged = r.converged();
      return r.x;
    }
  }
  return w;
}

TrainingResult train_basins(const db::Landscape& landscape, const TrainingOptions& options) {
  options.validate();
  const MlpLoss loss(landscape.dataset, landscape.model);
  TrainingResult result;
  result.method = options.method;
  result.runs.resize(options.runs);
  std::vector<Eigen::VectorXd> ends(options.runs);
  std::vector<Classification> kinds(options.runs);
  std::vector<MinimizerResult> quenches(options.runs);
  MetricsOptions mopt;
  mopt.robustness = false;

#pragma omp parallel for schedule(dynamic) num_threads(options.threads)
  for (int k = 0; k < options.runs; ++k) {
    TrainingRun& run = result.runs[k];
    run.run = k;
    const Eigen::VectorXd w0 = initial_weights(landscape.model, options, k);
    const Eigen::VectorXd w =
        train_from(loss, w0, options, run.iterations, run.trained_to_tolerance);
    run.trained_energy = loss.energy(w);
    quenches[k] = minimize(loss, w);
    run.energy = quenches[k].energy;
    if (quenches[k].converged()) {
      kinds[k] = classify(loss, quenches[k].x);
      run.auc = compute_metrics(loss, quenches[k].x, mopt).auc;
    }
  }

  // Identification in run order, so new minima are numbered the same whatever the threads.
  db::Landscape copy = landscape;
  const db::LandscapeIndex index(copy);
  const SamePoint same = index.same();
  result.hits.assign(landscape.minima.size(), 0);
  for (int k = 0; k < options.runs; ++k) {
    TrainingRun& run = result.runs[k];
    const MinimizerResult& q = quenches[k];
    if (!q.converged()) {
      run.outcome = RunOutcome::NotMinimum;
      run.message = "quench did not converge: " + q.message;
    } else if (kinds[k].kind != PointKind::Minimum) {
      run.outcome = RunOutcome::NotMinimum;
      run.message = "quench ended at a " + to_string(kinds[k].kind) + " point";
    } else {
      const std::int64_t id = index.find_minimum(q.energy, q.x);
      if (id >= 0) {
        run.outcome = RunOutcome::KnownMinimum;
        run.minimum = id;
        ++result.hits[id];
      } else {
        run.outcome = RunOutcome::NewMinimum;
        for (std::size_t n = 0; n < result.new_minima.size(); ++n)
          if (same(landscape.model, result.new_minima[n].energy, result.new_minima[n].coords,
                   q.energy, q.x)) {
            run.new_minimum = static_cast<int>(n);
            break;
          }
        if (run.new_minimum < 0) {
          NewMinimum nm;
          nm.energy = q.energy;
          nm.coords = canonical_form(landscape.model, q.x);
          nm.grad_rms = q.grad_rms;
          nm.eigenvalues = kinds[k].eigenvalues;
          nm.auc = run.auc;
          run.new_minimum = static_cast<int>(result.new_minima.size());
          result.new_minima.push_back(nm);
        }
        ++result.new_minima[run.new_minimum].hits;
      }
    }
    if (run.outcome == RunOutcome::NotMinimum)
      ++result.failed_runs;
    else if (run.auc < 1.0 - 1e-12)
      ++result.bad_runs;
  }
  return result;
}

}  // namespace lossland::analysis
