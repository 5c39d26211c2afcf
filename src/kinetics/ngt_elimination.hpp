#pragma once
/// \file
/// The record of one graph transformation (ngt.cpp) and its dense phase (ngt_dense.cpp).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lossland::kinetics::detail {

/// One arc of the transformed graph: ln P_{to <- node} for the node whose list holds it.
struct Arc {
  std::int64_t to;
  double lp;
};

/// The nodes as they were removed, in order. Node r's branching probabilities to the nodes then
/// left are arcs[begin[r] .. begin[r + 1]) (sorted by node), with ln of 1 - P_{x<-x} and its
/// waiting time (ln). One flat array for all of them: no allocation per node.
struct Elimination {
  std::vector<std::int64_t> node;
  std::vector<std::size_t> begin{0};
  std::vector<Arc> arcs;
  std::vector<double> log_leave, log_tau;
};

/// The dense phase of graph transformation (S. A. Trygubenko and D. J. Wales, J. Chem. Phys.
/// 124, 234110 (2006), "SDGT"): once the fill-in has made the transient minima left nearly all
/// neighbours of one another, they are removed from a dense matrix of branching probabilities
/// held as plain numbers, in the order of `core`, with the same renormalisation
///   P'_{g<-b} = P_{g<-b} + P_{x<-b} P_{g<-x} / S_x,  tau'_b = tau_b + P_{x<-b} tau_x / S_x,
/// S_x = 1 - P_{x<-x} taken as the sum of x's other branching probabilities, so that nothing is
/// subtracted, as in the sparse phase. Waiting times are scaled by the largest of the core's.
/// Each removed node is appended to `el` as the sparse phase would (arcs as logarithms).
///
/// Plain numbers keep the relative precision of logarithms only while no value the elimination
/// forms comes near underflow, so the phase runs in double while every probability, row sum and
/// scaled waiting time stays within [e^-650, e^650], and otherwise in long double (x86 extended
/// precision: within [e^-11000, e^11000]). Row by row, blocks of 64 removals reach the rest of
/// the matrix as one matrix product (as a blocked LU factorisation does).
///
/// `out` holds every transient node's arcs (to transient and absorbing nodes), `log_tau` their
/// waiting times. Returns false, with `el` as it was, when a value leaves even the long double
/// range: the caller then goes on with the sparse phase, in logarithms.
bool eliminate_dense(const std::vector<std::int64_t>& core,
                     const std::vector<std::vector<Arc>>& out, const std::vector<double>& log_tau,
                     const std::vector<char>& transient, Elimination& el);

}  // namespace lossland::kinetics::detail
