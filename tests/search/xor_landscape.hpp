#pragma once
/// An empty landscape of a network on XOR, for the basin-hopping tests.

#include "lossland/db/database.hpp"
#include "lossland/model/mlp_loss.hpp"

namespace lossland::testing {

inline db::Landscape empty_landscape(const ModelSpec& s) {
  db::Landscape l;
  l.model = s;
  l.dataset = xor_dataset();
  return l;
}

}  // namespace lossland::testing
