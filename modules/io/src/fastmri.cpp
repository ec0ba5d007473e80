// fastMRI multi-coil (and single-coil) HDF5 volumes. Numeric datasets go through H5Reader; the
// XML header (a string dataset) and a boolean mask (h5py stores numpy bool as an HDF5 enum) are
// read with the HDF5 C API, read-only.
#include "tweed/io/fastmri.hpp"

#include <ismrmrd/xml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "h5_util.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::io {

namespace h5 {
// Defined in ismrmrd.cpp: a string dataset as text.
std::string read_text(hid_t file, const std::string& name, const std::string& path);
}  // namespace h5

using h5::check_id;
using h5::check_ok;
using h5::Handle;

namespace {

Handle open_readonly(const std::string& path) {
  h5::quiet();
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_file_locking(fapl.get(), true, true);
  return Handle(check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), path,
                         "cannot open as HDF5 (damaged or truncated?)"),
                H5Fclose);
}

// A 1-D mask as float. Integers and floats convert directly; an HDF5 enum (h5py's bool) is read
// in its own type and its integer values used (FALSE = 0, TRUE = 1).
Array<float> read_mask(const H5Reader& reader, const std::string& path) {
  const H5DatasetInfo info = reader.info("mask");
  if (info.shape.size() != 1)
    throw InvalidInput(path, "dataset 'mask' has shape " + Shape(info.shape).str() +
                                 "; a fastMRI mask is 1-D [W]");
  if (info.element) return reader.read<float>("mask");
  if (info.dtype != "enum")
    throw InvalidInput(path, "dataset 'mask' holds " + info.dtype + " values, not numbers");
  Handle file = open_readonly(path);
  Handle ds(check_id(H5Dopen2(file.get(), "mask", H5P_DEFAULT), path, "cannot open 'mask'"),
            H5Dclose);
  Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  Handle mtype(H5Tget_native_type(ftype.get(), H5T_DIR_ASCEND), H5Tclose);
  Handle base(H5Tget_super(mtype.get()), H5Tclose);
  const std::size_t size = H5Tget_size(mtype.get());
  if (size > 8) throw InvalidInput(path, "dataset 'mask' has an enum wider than 64 bits");
  const bool is_signed = H5Tget_sign(base.get()) == H5T_SGN_2;
  const index_t n = info.shape[0];
  std::vector<unsigned char> raw(static_cast<std::size_t>(n) * size);
  check_ok(H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), path,
           "cannot read 'mask'");
  Array<float> mask(Shape{n});
  for (index_t i = 0; i < n; ++i) {
    std::int64_t v = 0;
    std::uint64_t u = 0;
    std::memcpy(&u, raw.data() + static_cast<std::size_t>(i) * size, size);  // little-endian host
    if (is_signed && size < 8 && (u >> (8 * size - 1)) & 1u) u |= ~std::uint64_t{0} << (8 * size);
    v = static_cast<std::int64_t>(u);
    mask[i] = static_cast<float>(v);
  }
  return mask;
}

// NaN/Inf in an input is the user's data problem: InvalidInput naming the file and the dataset.
template <Element T>
void require_finite_input(const Array<T>& a, const std::string& path, const std::string& name) {
  try {
    require_finite_data(a, path + ": dataset '" + name + "'");
  } catch (const IoError& e) {
    const std::string what = e.what();
    throw InvalidInput(path, what.substr(path.size() + 2));
  }
}

}  // namespace

bool is_fastmri(const std::string& path) {
  if (!h5::is_hdf5_file(path)) return false;
  try {
    H5Reader r(path);
    if (!r.has_dataset("kspace") || !r.has_dataset("ismrmrd_header")) return false;
    const std::size_t rank = r.info("kspace").shape.size();
    return rank == 3 || rank == 4;
  } catch (const Error&) {
    return false;
  }
}

FastMriVolume read_fastmri(const std::string& path) {
  H5Reader reader(path);
  if (!reader.has_dataset("kspace"))
    throw IoError(path, "no dataset 'kspace' (not a fastMRI file)");
  const H5DatasetInfo info = reader.info("kspace");
  const std::size_t rank = info.shape.size();
  if (rank != 3 && rank != 4)
    throw InvalidInput(path, "dataset 'kspace' has shape " + Shape(info.shape).str() +
                                 "; fastMRI k-space is [slices, coils, H, W] (multi-coil) or "
                                 "[slices, H, W] (single-coil)");
  if (!info.element || !dtype_is_complex(*info.element))
    throw InvalidInput(
        path, "dataset 'kspace' holds " + info.dtype + " values; fastMRI k-space is complex");
  FastMriVolume v;
  v.kspace = reader.read<cfloat>("kspace");
  if (rank == 3) {
    const Shape s = v.kspace.shape();
    v.kspace.reshape(Shape{s[0], 1, s[1], s[2]});  // single-coil: one coil
  }
  require_finite_input(v.kspace, path, "kspace");
  const Shape& ks = v.kspace.shape();

  if (reader.has_dataset("mask")) {
    v.mask = read_mask(reader, path);
    if (v.mask.size() != ks[3])
      throw ShapeMismatch(path, "dataset 'mask' has " + std::to_string(v.mask.size()) +
                                    " entries, but k-space has W = " + std::to_string(ks[3]));
    require_finite_input(v.mask, path, "mask");
    for (index_t i = 0; i < v.mask.size(); ++i)
      if (v.mask[i] < 0.0f)
        throw InvalidInput(path, "dataset 'mask' holds a negative value at " + std::to_string(i));
  }
  if (reader.has_dataset("reconstruction_rss")) {
    v.rss = reader.read<float>("reconstruction_rss");
    if (v.rss.rank() != 3 || v.rss.dim(0) != ks[0])
      throw InvalidInput(path, "dataset 'reconstruction_rss' has shape " + v.rss.shape().str() +
                                   "; expected [" + std::to_string(ks[0]) + ", h, w]");
    require_finite_input(v.rss, path, "reconstruction_rss");
  }
  if (reader.has_dataset("ismrmrd_header")) {
    Handle file = open_readonly(path);
    v.header_xml = h5::read_text(file.get(), "ismrmrd_header", path);
    ISMRMRD::IsmrmrdHeader header;
    try {
      ISMRMRD::deserialize(v.header_xml.c_str(), header);
    } catch (const std::exception& e) {
      std::string why = e.what();
      std::replace(why.begin(), why.end(), '\n', ' ');
      throw IoError(path, "dataset 'ismrmrd_header' does not parse as ISMRMRD XML (" + why + ")");
    }
    // fastMRI crops images [H, W] to (reconSpace x, reconSpace y): H is the readout (x).
    if (!header.encoding.empty()) {
      v.recon_h = static_cast<index_t>(header.encoding[0].reconSpace.matrixSize.x);
      v.recon_w = static_cast<index_t>(header.encoding[0].reconSpace.matrixSize.y);
    }
  }
  const Attributes attrs = reader.attributes("/");
  if (auto it = attrs.find("acquisition"); it != attrs.end())
    if (const auto* s = std::get_if<std::string>(&it->second)) v.acquisition = *s;
  return v;
}

}  // namespace tweed::io
