#pragma once
/// \file
/// The whole writer of database.cpp's write(): internal to src/db/ (HDF5 types appear here).

#include <string>

#include "lossland/db/database.hpp"

namespace lossland::db::detail {

/// Refuses, before anything is written, a landscape whose shapes disagree with its model, a
/// column with a bad name or row count, or a transition state, branch or path that names a
/// point that is not there. Throws DatabaseError naming `path`.
void check_shapes(const std::string& path, const Landscape& ls);

/// Writes the complete file at `tmp` and closes it (which flushes it); `path` names messages.
void write_file(const std::string& tmp, const std::string& path, const Landscape& ls);

}  // namespace lossland::db::detail
