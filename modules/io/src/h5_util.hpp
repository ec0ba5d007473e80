// Private helpers of the HDF5 reader and writer: RAII handles, error translation, and the mapping
// between Tweed element types and HDF5 types. Only the io module's .cpp files include hdf5.h.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "tweed/core/types.hpp"
#include "tweed/io/h5_handle.hpp"

namespace tweed::io::h5 {

static_assert(std::is_same_v<hid_t, std::int64_t>, "hdf5.hpp stores hid_t as int64");

/// True when `path` is a regular file with the HDF5 signature (never throws; for format
/// detection before a real open).
bool is_hdf5_file(const std::string& path);

/// The innermost message on the calling thread's HDF5 error stack ("" if none); clears it.
std::string last_error();

/// Throws IoError(file, problem + ": " + HDF5's reason).
[[noreturn]] void fail(const std::string& file, const std::string& problem);

/// `id` when valid, else fail(file, problem).
hid_t check_id(hid_t id, const std::string& file, const std::string& problem);
/// Fails unless `status` >= 0.
void check_ok(herr_t status, const std::string& file, const std::string& problem);

/// "x" -> "x", "/a/b" -> "a/b"; "" and "/" stay "/" (the root).
std::string normalize(const std::string& name);

/// The type in memory for a Tweed element type (owned: complex types are built compounds).
Handle memory_type(DType t);
/// The type written to files: little-endian IEEE, complex as {r, i}.
Handle file_type(DType t);

/// What a stored type is, for listing and for read_any.
struct StoredType {
  std::string name;              // float32, complex64, int16, string, compound, ...
  std::optional<DType> element;  // type read_any returns; empty if not numeric
  bool complex = false;
};
StoredType classify(hid_t type);

}  // namespace tweed::io::h5
