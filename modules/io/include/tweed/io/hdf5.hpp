// Tweed's native format: HDF5 files that h5py reads without glue (ARCHITECTURE.md §4).
//
// Layout
//   - Datasets are row-major (C order), the Array's shape as the dataspace, rank 0..8. A rank-0
//     Array is a scalar dataspace.
//   - Element types on disk (little-endian IEEE): float32, float64, and complex as the compound
//     {r, i} of two float32 (complex64) or two float64 (complex128) - the layout h5py and NumPy
//     read as complex64/complex128.
//   - Dataset names are paths; "injection/signal" creates the group "injection" as needed. A
//     leading '/' is ignored.
//   - Attributes on a dataset or on the root ("/"): UTF-8 variable-length string, float64 scalar,
//     int64 scalar, or 1-D float64 array (an empty array is stored with a null dataspace).
//   - The run's provenance record is the root string attribute "provenance" (JSON).
//
// Reading converts from the stored type where no information is lost by surprise: any stored
// float or integer may be read as float32/float64/complex (imaginary 0); stored complex only as
// complex. Reading a complex dataset as real throws IoError naming file and dataset. read_any
// keeps the stored type: float32, float64, complex64, complex128 as such; integers of up to 16 bits
// as float32, wider integers as float64 (exact up to 2^53); float16 as float32.
//
// Errors: every failure of a file is a tweed::IoError whose message starts with the file path and
// names the dataset, e.g. "scan.h5: no dataset 'x' (has: a, b)"; a caller's mistake (gzip level
// out of range, a dataset written twice) is InvalidInput. HDF5's own error-stack printing is
// switched off (per thread, since the Debian build is thread-safe and keeps one stack per thread);
// its innermost message is appended as the reason.
//
// Ownership and limits: read functions return Arrays the caller owns; H5Writer::write copies the
// data into the file before returning. Datasets are read whole (no partial reads yet).
//
// Threads: the Debian HDF5 build is thread-safe (it serialises calls internally); one H5Reader or
// H5Writer object must not be used from two threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tweed/core/array.hpp"
#include "tweed/io/any_array.hpp"

namespace tweed {
class Provenance;
class AtomicOutput;
}  // namespace tweed

namespace tweed::io {

/// One attribute value. Integers read from a file are int64 when scalar; numeric arrays of any
/// stored type read as std::vector<double>.
using AttributeValue = std::variant<std::string, double, std::int64_t, std::vector<double>>;
/// Attributes by name (sorted).
using Attributes = std::map<std::string, AttributeValue>;

/// A short human-readable rendering: strings as given, numbers in shortest round-trip form,
/// arrays as "[1, 2.5]".
std::string attribute_to_string(const AttributeValue& value);

/// How to store one dataset.
struct H5WriteOptions {
  /// Chunk extents, one per axis (each clamped to [1, extent]). Empty: contiguous storage, unless
  /// gzip > 0, which needs chunks: then about 1 MiB chunks are chosen by splitting leading axes.
  std::vector<index_t> chunk;
  /// gzip (deflate) level 0..9; 0 means uncompressed. Ignored for scalars (rank 0).
  int gzip = 0;
};

/// What a file says about one dataset, without reading its data.
struct H5DatasetInfo {
  std::string name;            ///< full path without leading '/', e.g. "injection/signal"
  std::vector<index_t> shape;  ///< row-major extents, as h5py's .shape (empty for a scalar)
  std::string dtype;  ///< NumPy-style name: float32, complex64, int16, ..., or string/compound
  std::optional<DType> element;  ///< the type read_any returns; empty when not numeric
  std::vector<index_t> chunk;    ///< chunk extents; empty when not chunked
  int gzip = 0;                  ///< deflate level when gzip-compressed, else 0
  Attributes attributes;
};

/// Opens an HDF5 file for reading. Throws IoError for a missing file, a folder, a file without
/// the HDF5 signature ("not an HDF5 file") or one HDF5 cannot open (truncated, damaged).
class H5Reader {
 public:
  explicit H5Reader(std::string path);
  ~H5Reader();
  H5Reader(const H5Reader&) = delete;
  H5Reader& operator=(const H5Reader&) = delete;

  const std::string& path() const { return path_; }

  /// Names of all datasets, depth first, sorted by name within each group.
  std::vector<std::string> dataset_names() const;
  bool has_dataset(const std::string& name) const;
  /// Every dataset with shape, type, storage and attributes.
  std::vector<H5DatasetInfo> list() const;
  H5DatasetInfo info(const std::string& name) const;

  /// The dataset converted to T (see the rules above).
  template <Element T>
  Array<T> read(const std::string& name) const;
  /// As read<T>, and throws IoError unless the dataset has exactly `rank` axes.
  template <Element T>
  Array<T> read(const std::string& name, int rank) const;
  /// The dataset in its stored type.
  AnyArray read_any(const std::string& name) const;

  /// Attributes of a dataset or group ("/" or "" for the root). Attributes of other types
  /// (compound, enum, string arrays) are left out.
  Attributes attributes(const std::string& object = "/") const;
  /// The root "provenance" attribute, if present.
  std::optional<std::string> provenance() const;

 private:
  std::string path_;
  std::int64_t file_ = -1;  // hid_t
};

/// Writes one new HDF5 file atomically: datasets and attributes go into a temporary file in the
/// target folder; commit() closes it and renames it onto the target. If the writer is destroyed
/// without commit() (or commit fails), nothing is left at the target path.
class H5Writer {
 public:
  explicit H5Writer(std::string path);
  ~H5Writer();
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  const std::string& path() const { return path_; }

  /// Writes `data` as dataset `name` (groups created as needed), with optional attributes.
  /// Writing the same name twice is an error.
  template <Element T>
  void write(const std::string& name, const Array<T>& data, const H5WriteOptions& options = {},
             const Attributes& attributes = {}) {
    write_raw(name, dtype_of<T>(), data.shape(), data.data(), options);
    set_attributes(name, attributes);
  }
  void write(const std::string& name, const AnyArray& data, const H5WriteOptions& options = {},
             const Attributes& attributes = {});

  /// Sets (or replaces) an attribute of a dataset or group already written; "/" or "" is the root.
  void set_attribute(const std::string& object, const std::string& name,
                     const AttributeValue& value);
  void set_attributes(const std::string& object, const Attributes& attributes);
  /// Stores the provenance JSON as the root attribute "provenance".
  void set_provenance(const std::string& json);
  void set_provenance(const Provenance& record);

  /// Closes the file and moves it into place. Throws IoError naming the file on failure.
  void commit();

 private:
  void write_raw(const std::string& name, DType type, const Shape& shape, const void* data,
                 const H5WriteOptions& options);
  void require_open() const;

  std::string path_;
  std::unique_ptr<AtomicOutput> out_;
  std::int64_t file_ = -1;  // hid_t
};

/// One-dataset conveniences.
template <Element T>
void write_hdf5(const std::string& path, const std::string& dataset, const Array<T>& data,
                const H5WriteOptions& options = {}, const Attributes& attributes = {}) {
  H5Writer w(path);
  w.write(dataset, data, options, attributes);
  w.commit();
}
template <Element T>
Array<T> read_hdf5(const std::string& path, const std::string& dataset) {
  return H5Reader(path).read<T>(dataset);
}
AnyArray read_hdf5_any(const std::string& path, const std::string& dataset);
std::vector<H5DatasetInfo> list_hdf5(const std::string& path);

}  // namespace tweed::io
