#include <filesystem>
#include <sstream>

#include "h5_attributes.hpp"
#include "h5_util.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::io {

using h5::check_id;
using h5::check_ok;
using h5::Handle;

H5Reader::H5Reader(std::string path) : path_(std::move(path)) {
  h5::quiet();
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path_, ec)) throw IoError(path_, "no such file");
  if (fs::is_directory(path_, ec)) throw IoError(path_, "is a folder, not an HDF5 file");
  const htri_t is_h5 = H5Fis_hdf5(path_.c_str());
  if (is_h5 == 0) throw IoError(path_, "not an HDF5 file (no HDF5 signature)");
  if (is_h5 < 0) h5::fail(path_, "cannot read the file");
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // Keep HDF5's file locking, but do not fail on file systems that do not support it (NFS).
  H5Pset_file_locking(fapl.get(), true, true);
  file_ = check_id(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, fapl.get()), path_,
                   "cannot open as HDF5 (damaged or truncated?)");
}

H5Reader::~H5Reader() {
  if (file_ >= 0) H5Fclose(file_);
}

namespace {

struct Names {
  std::vector<std::string> datasets;
};

herr_t on_object(hid_t, const char* name, const H5O_info_t* info, void* data) {
  if (info->type == H5O_TYPE_DATASET) static_cast<Names*>(data)->datasets.emplace_back(name);
  return 0;
}

std::string quoted_list(const std::vector<std::string>& names) {
  constexpr std::size_t kShown = 20;
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > kShown) s += ", ... (" + std::to_string(names.size() - kShown) + " more)";
  return s.empty() ? "no datasets" : "has: " + s;
}

}  // namespace

std::vector<std::string> H5Reader::dataset_names() const {
  h5::quiet();
  Names names;
  check_ok(H5Ovisit2(file_, H5_INDEX_NAME, H5_ITER_INC, on_object, &names, H5O_INFO_BASIC), path_,
           "cannot list the datasets");
  return names.datasets;
}

bool H5Reader::has_dataset(const std::string& name) const {
  h5::quiet();
  const std::string n = h5::normalize(name);
  if (n == "/") return false;
  // Walk the path link by link: H5Oget_info_by_name fails noisily on a missing parent, and
  // listing the whole file for every lookup would make reading n datasets cost n^2.
  std::size_t pos = 0;
  while (true) {
    pos = n.find('/', pos);
    const std::string prefix = n.substr(0, pos);
    if (H5Lexists(file_, prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (pos == std::string::npos) break;
    ++pos;
  }
  H5O_info_t info{};
  const bool ok = H5Oget_info_by_name2(file_, n.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0;
  H5Eclear2(H5E_DEFAULT);
  return ok && info.type == H5O_TYPE_DATASET;
}

namespace {

// An open dataset with its extents, checked against Tweed's limits.
struct Opened {
  Handle id;
  Handle type;
  std::vector<index_t> dims;
  h5::StoredType stored;
  std::string subject;  // "dataset 'x'"
};

Opened open_dataset(const H5Reader& r, hid_t file, const std::string& name) {
  h5::quiet();
  const std::string n = h5::normalize(name);
  if (!r.has_dataset(n)) {
    throw IoError(r.path(), "no dataset '" + n + "' (" + quoted_list(r.dataset_names()) + ")");
  }
  Opened d;
  d.subject = "dataset '" + n + "'";
  d.id =
      Handle(check_id(H5Dopen2(file, n.c_str(), H5P_DEFAULT), r.path(), "cannot open " + d.subject),
             H5Dclose);
  d.type =
      Handle(check_id(H5Dget_type(d.id.get()), r.path(), "cannot read the type of " + d.subject),
             H5Tclose);
  d.stored = h5::classify(d.type.get());
  Handle space(
      check_id(H5Dget_space(d.id.get()), r.path(), "cannot read the shape of " + d.subject),
      H5Sclose);
  if (H5Sget_simple_extent_type(space.get()) == H5S_NULL)
    throw IoError(r.path(), d.subject + " is empty (null dataspace)");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) h5::fail(r.path(), "cannot read the shape of " + d.subject);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  d.dims.assign(dims.begin(), dims.end());
  return d;
}

Shape checked_shape(const Opened& d, const std::string& file) {
  if (static_cast<int>(d.dims.size()) > kMaxRank)
    throw IoError(file, d.subject + " has rank " + std::to_string(d.dims.size()) +
                            "; Tweed arrays have rank at most " + std::to_string(kMaxRank));
  if (!d.stored.element)
    throw IoError(file, d.subject + " holds " + d.stored.name + " values, not numbers");
  return Shape(d.dims);
}

// Reads into `buffer` (room for the dataset in type `want`), letting HDF5 convert.
void read_into(const Opened& d, DType want, void* buffer, const std::string& file) {
  Handle mem = h5::memory_type(want);
  check_ok(H5Dread(d.id.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), file,
           "cannot read " + d.subject);
}

template <Element T>
Array<T> read_as(const Opened& d, const std::string& file) {
  const Shape shape = checked_shape(d, file);
  if (d.stored.complex && !is_complex_v<T>)
    throw IoError(file, d.subject + " is " + d.stored.name + "; cannot read it as " +
                            dtype_name(dtype_of<T>()) +
                            " (take the magnitude or real part explicitly)");
  Array<T> out(shape, uninitialized);  // HDF5 overwrites every element
  if constexpr (is_complex_v<T>) {
    if (!d.stored.complex) {
      // HDF5 does not convert a number into a compound: read the real parts into the front half
      // of the buffer, then spread them out from the back so nothing is overwritten before use.
      using R = real_t<T>;
      R* re = reinterpret_cast<R*>(out.data());
      read_into(d, dtype_of<R>(), re, file);
      for (index_t i = out.size() - 1; i >= 0; --i) {
        const R v = re[i];
        out[i] = T(v, R(0));
      }
      return out;
    }
  }
  read_into(d, dtype_of<T>(), out.data(), file);
  return out;
}

}  // namespace

template <Element T>
Array<T> H5Reader::read(const std::string& name) const {
  return read_as<T>(open_dataset(*this, file_, name), path_);
}

template <Element T>
Array<T> H5Reader::read(const std::string& name, int rank) const {
  Opened d = open_dataset(*this, file_, name);
  if (static_cast<int>(d.dims.size()) != rank) {
    std::string shape = "[";
    for (std::size_t i = 0; i < d.dims.size(); ++i)
      shape += (i ? ", " : "") + std::to_string(d.dims[i]);
    throw IoError(path_, d.subject + " has rank " + std::to_string(d.dims.size()) + " (shape " +
                             shape + "]), expected rank " + std::to_string(rank));
  }
  return read_as<T>(d, path_);
}

AnyArray H5Reader::read_any(const std::string& name) const {
  Opened d = open_dataset(*this, file_, name);
  checked_shape(d, path_);
  switch (*d.stored.element) {
    case DType::f32:
      return read_as<float>(d, path_);
    case DType::f64:
      return read_as<double>(d, path_);
    case DType::c64:
      return read_as<cfloat>(d, path_);
    case DType::c128:
      return read_as<cdouble>(d, path_);
  }
  throw IoError(path_, d.subject + ": unknown element type");
}

template Array<float> H5Reader::read<float>(const std::string&) const;
template Array<double> H5Reader::read<double>(const std::string&) const;
template Array<cfloat> H5Reader::read<cfloat>(const std::string&) const;
template Array<cdouble> H5Reader::read<cdouble>(const std::string&) const;
template Array<float> H5Reader::read<float>(const std::string&, int) const;
template Array<double> H5Reader::read<double>(const std::string&, int) const;
template Array<cfloat> H5Reader::read<cfloat>(const std::string&, int) const;
template Array<cdouble> H5Reader::read<cdouble>(const std::string&, int) const;

H5DatasetInfo H5Reader::info(const std::string& name) const {
  Opened d = open_dataset(*this, file_, name);
  H5DatasetInfo info;
  info.name = h5::normalize(name);
  info.shape = d.dims;
  info.dtype = d.stored.name;
  info.element = d.stored.element;
  Handle dcpl(H5Dget_create_plist(d.id.get()), H5Pclose);
  if (dcpl.get() >= 0 && H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
    std::vector<hsize_t> chunk(d.dims.size());
    const int r = H5Pget_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    if (r > 0) info.chunk.assign(chunk.begin(), chunk.begin() + r);
    const int nf = H5Pget_nfilters(dcpl.get());
    for (int f = 0; f < nf; ++f) {
      unsigned flags = 0, values[8] = {};
      std::size_t nvalues = 8;
      const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(f), &flags, &nvalues,
                                             values, 0, nullptr, nullptr);
      if (id == H5Z_FILTER_DEFLATE) info.gzip = nvalues > 0 ? static_cast<int>(values[0]) : 1;
    }
  }
  info.attributes = h5::read_attributes(d.id.get(), path_ + ": " + d.subject);
  H5Eclear2(H5E_DEFAULT);
  return info;
}

std::vector<H5DatasetInfo> H5Reader::list() const {
  std::vector<H5DatasetInfo> out;
  for (const auto& n : dataset_names()) out.push_back(info(n));
  return out;
}

Attributes H5Reader::attributes(const std::string& object) const {
  h5::quiet();
  const std::string n = h5::normalize(object);
  if (n != "/" && H5Oexists_by_name(file_, n.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(path_, "no object '" + n + "' (" + quoted_list(dataset_names()) + ")");
  }
  Handle obj(check_id(H5Oopen(file_, n == "/" ? "/" : n.c_str(), H5P_DEFAULT), path_,
                      "cannot open '" + n + "'"),
             H5Oclose);
  return h5::read_attributes(obj.get(), path_);
}

std::optional<std::string> H5Reader::provenance() const {
  const Attributes root = attributes("/");
  auto it = root.find("provenance");
  if (it == root.end()) return std::nullopt;
  if (auto* s = std::get_if<std::string>(&it->second)) return *s;
  throw IoError(path_, "root attribute 'provenance' is not a string");
}

AnyArray read_hdf5_any(const std::string& path, const std::string& dataset) {
  return H5Reader(path).read_any(dataset);
}

std::vector<H5DatasetInfo> list_hdf5(const std::string& path) {
  return H5Reader(path).list();
}

}  // namespace tweed::io
