#pragma once
/// \file
/// Conditions FIELD OP VALUE (query --where) and sets of minima named on the command line
/// (kinetics --from / --to), shared by the subcommands.

#include <cstdint>
#include <string>
#include <vector>

#include "lossland/db/database.hpp"

namespace lossland::cli {

/// One condition FIELD OP VALUE with OP in <, <=, >, >=, ==, !=.
struct Condition {
  std::string field, op;
  double value = 0;
  bool holds(double v) const;
};

/// Parses "FIELD OP VALUE"; `fields` are the names allowed and `flag` names the option in
/// messages. Throws std::invalid_argument saying what is wrong and listing the fields.
Condition parse_condition(const std::string& s, const std::vector<std::string>& fields,
                          const std::string& flag = "--where");

/// The minima that SPEC names, ascending and without repeats: a comma-separated union of
/// items, each a minimum id, `global` (the lowest minimum), `zero` (the all-zero minimum,
/// |w_r| <= 1e-6 for all r) or a condition FIELD OP VALUE over id, energy and the 1-D /minima
/// columns (e.g. auc<1, auc>=1 after lossland analyze). Throws std::invalid_argument naming
/// `flag` for an unknown item, an id outside the database or a landscape without minima.
std::vector<std::int64_t> select_minima(const db::Landscape& landscape, const std::string& spec,
                                        const std::string& flag);

}  // namespace lossland::cli
