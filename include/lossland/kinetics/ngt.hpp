#pragma once
/// \file
/// First-passage kinetics between sets of minima by graph transformation (S. A. Trygubenko and
/// D. J. Wales, J. Chem. Phys. 124, 234110 (2006); D. J. Wales, J. Chem. Phys. 130, 204111
/// (2009), "NGT"), as PATHSAMPLE does. Branching probabilities P_{j<-i} = k(i->j) / sum_l k(i->l)
/// and waiting times tau_i = 1 / sum_l k(i->l) define a discrete-time walk with the master
/// equation's first-passage statistics. Removing node x renormalises its neighbours:
///   P'_{g<-b} = P_{g<-b} + P_{g<-x} P_{x<-b} / (1 - P_{x<-x}),
///   tau'_b    = tau_b + P_{x<-b} tau_x / (1 - P_{x<-x}),
/// which keeps every mean first-passage time (MFPT) and committor of the nodes left. Every
/// quantity is held as a logarithm and 1 - P_{x<-x} is taken as the sum of x's other branching
/// probabilities, so nothing is subtracted: the result is as accurate when the rates span
/// hundreds of orders of magnitude. Nodes are removed in order of fewest neighbours; the
/// removed node's MFPT (or committor) follows by back-substitution,
///   T_x = (tau_x + sum_g P_{g<-x} T_g) / (1 - P_{x<-x}),
/// over the graph as it was when x was removed.
///
/// On graphs whose elimination fills in (random pairs: an expander), the minima left become
/// nearly all neighbours of one another; from then on a dense matrix of plain numbers does the
/// same removals at a fraction of the cost (the sparse-then-dense scheme of Trygubenko and
/// Wales, 2006), in double, or in long double where the fill-in forms probabilities below
/// e^-650. Every value it forms is kept far from underflow, so it keeps the relative precision
/// of logarithms; a network whose values leave even long double's range stays in logarithms
/// throughout. The work is still O(n^3) in the size n of the dense core, and on an expander n is
/// a fixed fraction of the minima (about a fifth), so these graphs stay the costly case.

#include <cstdint>
#include <string>
#include <vector>

#include "lossland/kinetics/rates.hpp"

namespace lossland::kinetics {

/// How graph transformation removes the minima.
struct NgtOptions {
  /// Use the dense phase at all. true (the default) or false (logarithms, sparse, throughout).
  bool dense = true;
  /// The dense phase starts once at least this many transient minima are left, >= 2. Below
  /// it the sparse phase is cheap anyway; the default keeps small landscapes (every survey
  /// database) on the sparse path.
  std::int64_t dense_min_minima = 256;
  /// ... and the next minimum to remove has at least dense_fill times that many neighbours,
  /// in (0, 1]: the sparse phase then costs about as much per removal as the dense one.
  double dense_fill = 0.125;
  void validate() const;  ///< throws std::invalid_argument naming the field
};

/// ln of the MFPT from every minimum to the set `target` (target[i] != 0): -inf for members
/// of the target (T = 0), +inf for minima with no path to it.
std::vector<double> log_mfpt_to(const RateNetwork& net, const std::vector<char>& target,
                                const NgtOptions& options = {});

/// ln of the committor q_i: the probability that a walk from i reaches `to` before `from`
/// (0 on `to`, -inf on `from`; NaN for minima joined to neither).
std::vector<double> log_committor(const RateNetwork& net, const std::vector<char>& from,
                                  const std::vector<char>& to, const NgtOptions& options = {});

/// The fastest path (PATHSAMPLE's Dijkstra analysis): the chain of elementary steps from a
/// minimum of A to one of B that maximises the product of branching probabilities
/// prod P_{m_k+1 <- m_k} (one transition state per step), found by Dijkstra's algorithm on the
/// weights -ln P.
struct FastestPath {
  bool found = false;
  std::vector<std::int64_t> minima;             ///< m_0 in A, ..., m_n in B
  std::vector<std::int64_t> transition_states;  ///< t_k joins m_{k-1} and m_k
  std::vector<double> log_branching;            ///< ln P of each step
  double log_probability = 0.0;                 ///< sum of log_branching
};

/// Everything `lossland kinetics` reports for A -> B and B -> A.
struct SetKinetics {
  std::vector<std::int64_t> a, b;
  std::vector<double> log_mfpt_ab;  ///< ln T_{B<-a} for each a in A (order of `a`)
  std::vector<double> log_mfpt_ba;  ///< ln T_{A<-b} for each b in B
  /// ln of the equilibrium-weighted mean MFPT, T_{B<-A} = sum_a p_a T_{B<-a} / p_A.
  double log_mean_mfpt_ab = 0.0, log_mean_mfpt_ba = 0.0;
  /// Rate constants from A to B (k_AB here) and from B to A (k_BA), Wales (2009):
  ///   NSS: k_AB = (1/p_A) sum_{a in A} p_a / T_{B<-a};
  ///   SS:  k_AB = (1/p_A) sum_{a in A} p_a sum_j k(a -> j) q_j, q the committor to B
  ///        (1 on B, 0 on A): the equilibrium reactive flux out of A over p_A.
  /// Detailed balance gives p_A k_AB^SS = p_B k_BA^SS.
  double log_k_ab_nss = 0.0, log_k_ba_nss = 0.0, log_k_ab_ss = 0.0, log_k_ba_ss = 0.0;
  double log_p_a = 0.0, log_p_b = 0.0;  ///< ln of the equilibrium occupation of A and of B
  /// ln of the committor q_i = P(reach B before A | start at i) for every minimum.
  std::vector<double> log_committor;
  FastestPath fastest_path;
};

/// Computes SetKinetics. Throws std::invalid_argument when A or B is empty, they overlap, an id
/// is outside [0, M), or B cannot be reached from a minimum of A (no chain of transition
/// states), each with a message saying what to do.
SetKinetics set_kinetics(const RateNetwork& net, const std::vector<std::int64_t>& a,
                         const std::vector<std::int64_t>& b, const NgtOptions& options = {});

/// The fastest path from A to B (see FastestPath); found = false when there is none.
FastestPath fastest_path(const RateNetwork& net, const std::vector<char>& a,
                         const std::vector<char>& b);

}  // namespace lossland::kinetics
