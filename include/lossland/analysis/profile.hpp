#pragma once
/// \file
/// Energy profiles of pathways, like OPTIM's EofS plots: the loss against integrated path length
/// along a chain of minima and transition states, each transition state's two steepest-descent
/// paths stitched together (lossland/search/steepest_descent.hpp).

#include <cstdint>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"
#include "lossland/model/loss.hpp"
#include "lossland/search/steepest_descent.hpp"

namespace lossland {

struct ProfilePoint {
  double s = 0.0;  ///< integrated path length from the first minimum
  double energy = 0.0;
};

/// A stationary point on the profile.
struct ProfileMarker {
  bool is_minimum = true;  ///< else a transition state
  std::int64_t id = -1;    ///< row of /minima or /transition_states
  double s = 0.0;
  double energy = 0.0;
};

struct PathwayProfile {
  std::vector<ProfilePoint> points;
  std::vector<ProfileMarker> markers;  ///< minimum, transition state, minimum, ... in order
  int recomputed = 0;  ///< transition states whose paths were not stored and were followed now
  double length() const { return points.empty() ? 0.0 : points.back().s; }
};

/// The profile along `minima` (m_0 .. m_n) and `transition_states` (t_1 .. t_n, t_k joining
/// m_{k-1} and m_k), e.g. a minimax path. Each transition state contributes its path to
/// m_{k-1} reversed and its path to m_k, taken from /paths when stored and otherwise followed
/// with `options`. Throws std::invalid_argument when the chain does not match the stored edges
/// or a path cannot be followed.
PathwayProfile pathway_profile(const Loss& loss, const db::Landscape& land,
                               const std::vector<std::int64_t>& minima,
                               const std::vector<std::int64_t>& transition_states,
                               const PathOptions& options = {});

/// Draws the profile (loss against path length, minima as filled circles, transition states as
/// open squares, each labelled with its id) to .svg, .png or .pdf.
void draw_profile(const PathwayProfile& profile, const std::string& path, const std::string& title,
                  double width = 800, double height = 450);

}  // namespace lossland
