#pragma once
/// \file
/// Symmetry factors of stationary points: the order O of a point's stabiliser in the network's
/// symmetry group G (hidden-node permutations times, for tanh, sign flips of whole nodes;
/// docs/loss.md). A generic point has O = 1 and |G| / O = |G| distinct copies; the all-zero
/// point is fixed by every element (O = |G| = H! 2^H for tanh), a dead node (all incoming,
/// bias and outgoing parameters zero) is fixed by its own sign flip, and k identical nodes by
/// their k! permutations. O enters the harmonic partition functions and rates as the symmetry
/// number (HORDER in PATHSAMPLE's min.data / ts.data).

#include <Eigen/Core>
#include <cstdint>

#include "lossland/model/mlp_loss.hpp"

namespace lossland {

/// Default tolerance of stabiliser_order(): |g(w) - w|_inf <= 1e-4. In the XOR landscapes the
/// nodes of a symmetric point agree to 3e-8 (lambda = 1e-4) and 6e-6 (lambda = 1e-6, where the
/// softest modes, 2 lambda, leave converged points that far from exact symmetry), while distinct
/// nodes differ by 2e-3 or more.
inline constexpr double kStabiliserTolerance = 1e-4;

/// |G| = H! 2^H (tanh) or H! (sigmoid). Throws std::overflow_error past int64.
std::int64_t symmetry_group_order(const ModelSpec& spec);

/// ln |G| (exact for any H).
double log_symmetry_group_order(const ModelSpec& spec);

/// O(w) = #{g in G : |g(w) - w|_inf <= tol}. With node vectors n_j = (V_.j, W_j., b_j) and an
/// element g = (perm, sign) acting as n'_j = sign_j n_{perm_j}, g fixes w iff
/// |sign_j n_{perm_j} - n_j|_inf <= tol for every j, so O is the permanent of the H x H matrix
/// A_jk = #{s in {+1, -1} (tanh) or {+1} (sigmoid) : |s n_k - n_j|_inf <= tol}. The permanent is
/// evaluated exactly per connected block of A: a block of k nodes that all match each other is
/// k! (equal up to sign) or k! 2^k (zero nodes: both signs match); any other block by Ryser's
/// formula. Throws std::invalid_argument for a wrong-sized w or tol < 0, std::overflow_error past
/// int64.
std::int64_t stabiliser_order(const ModelSpec& spec, const Eigen::VectorXd& w,
                              double tol = kStabiliserTolerance);

}  // namespace lossland
