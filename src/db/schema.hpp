#pragma once
/// \file
/// What a format_version 2 file says about itself (docs/schema.md): the `description` and
/// `units` of every dataset, the `layout` of coordinate arrays, the `base` and `references` of
/// index columns, which extra columns are counts stored as integers, and the attribute types
/// (variable-length UTF-8 strings; notes that are numbers stored as numbers). Used by both the
/// whole writer (database.cpp) and the in-place save (append.cpp), so that a file says the same
/// whichever way it was written. Internal to src/db/ (HDF5 types appear here).

#include <hdf5.h>

#include <optional>
#include <string>

#include "lossland/model/mlp_loss.hpp"

namespace lossland::db::detail {

/// The attributes that describe one dataset.
struct DatasetInfo {
  std::string description;  ///< what a row (or a value) is, one sentence or two
  std::string units;        ///< a word of the vocabulary of docs/schema.md ("loss", "count", ...)
  std::string layout;       ///< coordinate arrays: how a row maps onto the parameters
  std::string references;   ///< index columns: the table whose 0-based rows the values are
  bool integer = false;     ///< a count or an index: stored as int64 when every value is whole
};

/// The description of dataset `name` of group `group` ("/minima", "/transition_states",
/// "/ts_branches", "/paths", "/dataset", "/run_state") in a landscape of `model`. Extra columns
/// that lossland does not know (written by another program) get a description saying so.
DatasetInfo dataset_info(const std::string& group, const std::string& name, const ModelSpec& model);

/// Writes `description`, `units` and, where set, `layout`, `base` (the int 0) and `references`
/// on an open dataset. False if HDF5 refuses one.
bool write_dataset_attributes(hid_t set, const DatasetInfo& info);

/// Writes (replacing any) the string attribute `name` of `object` as a variable-length UTF-8
/// string, which h5py reads as `str`. False on failure.
bool write_string_attribute(hid_t object, const std::string& name, const std::string& value);

/// The string attribute `name` of `object`, fixed-length (format_version 1) or variable-length;
/// nullopt when it is absent, not a string or unreadable.
std::optional<std::string> read_string_attribute(hid_t object, const std::string& name);

/// Writes the note `text` as root attribute `name`: an int64 when the text is an integer in its
/// canonical form ("42", "-7"), a float64 when it is the shortest round-trip form of a finite
/// double ("1.072", "1e-06"), else a string. read_note() gives back exactly `text` either way.
bool write_note(hid_t object, const std::string& name, const std::string& text);

/// A note as text (a numeric attribute in the canonical form write_note() tested for); nullopt
/// when `name` is absent or of another type.
std::optional<std::string> read_note(hid_t object, const std::string& name);

}  // namespace lossland::db::detail
