#pragma once
/// \file
/// The reader of database.cpp's read(): internal to src/db/ (HDF5 types appear here).

#include <hdf5.h>

#include <string>

#include "lossland/db/database.hpp"

namespace lossland::db::detail {

/// The landscape in the open file `file` (the parts that `parts` names), validated as
/// db::read() documents; `path` names the file in messages. Throws DatabaseError.
Landscape read_file(const std::string& path, hid_t file, const ReadParts& parts);

}  // namespace lossland::db::detail
