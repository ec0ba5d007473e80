#include <algorithm>

#include "h5_attributes.hpp"
#include "h5_util.hpp"
#include "tweed/core/atomic_output.hpp"
#include "tweed/core/provenance.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::io {

using h5::check_id;
using h5::check_ok;
using h5::Handle;

H5Writer::H5Writer(std::string path) : path_(std::move(path)) {
  h5::quiet();
  out_ = std::make_unique<AtomicOutput>(path_);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // Closing the file closes whatever is still open in it, so an exception between a create and
  // its close cannot keep the file open.
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  H5Pset_file_locking(fapl.get(), true, true);
  const hid_t f = H5Fcreate(out_->temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (f < 0) {
    const std::string reason = h5::last_error();
    throw IoError(path_, "cannot create HDF5 file" + (reason.empty() ? "" : " (" + reason + ")"));
  }
  file_ = f;
}

H5Writer::~H5Writer() {
  if (file_ >= 0) H5Fclose(file_);
  // out_'s destructor removes the temporary when commit() was not reached.
}

void H5Writer::require_open() const {
  if (file_ < 0) throw IoError(path_, "H5Writer used after commit()");
}

namespace {

// About 1 MiB per chunk: split the leading axes first so that a chunk is a run of whole rows
// (what row-major readers stream), halving until the chunk fits.
std::vector<hsize_t> auto_chunk(const Shape& shape, std::size_t elem) {
  constexpr std::size_t kTarget = 1 << 20;
  std::vector<hsize_t> c(static_cast<std::size_t>(shape.rank()));
  for (int a = 0; a < shape.rank(); ++a)
    c[static_cast<std::size_t>(a)] = static_cast<hsize_t>(shape[a]);
  auto bytes = [&] {
    std::size_t b = elem;
    for (auto v : c) b *= v;
    return b;
  };
  for (std::size_t a = 0; a < c.size() && bytes() > kTarget; ++a)
    while (c[a] > 1 && bytes() > kTarget) c[a] = (c[a] + 1) / 2;
  return c;
}

}  // namespace

void H5Writer::write_raw(const std::string& name, DType type, const Shape& shape, const void* data,
                         const H5WriteOptions& options) {
  require_open();
  h5::quiet();
  const std::string n = h5::normalize(name);
  if (n == "/") throw InvalidInput(path_, "dataset name is empty");
  const std::string subject = "dataset '" + n + "'";
  if (data == nullptr && shape.size() > 0)
    throw InvalidInput(path_, subject + ": the array holds no data");
  if (options.gzip < 0 || options.gzip > 9)
    throw InvalidInput(
        path_, subject + ": gzip level " + std::to_string(options.gzip) + " is not in 0..9");
  if (!options.chunk.empty() && static_cast<int>(options.chunk.size()) != shape.rank())
    throw InvalidInput(path_, subject + ": chunk has " + std::to_string(options.chunk.size()) +
                                  " extents for an array of rank " + std::to_string(shape.rank()));
  if (H5Lexists(file_, n.c_str(), H5P_DEFAULT) > 0)
    throw InvalidInput(path_, subject + " is written twice");
  H5Eclear2(H5E_DEFAULT);  // H5Lexists fails (harmlessly) when a parent group does not exist yet

  Handle space;
  if (shape.rank() == 0) {
    space = Handle(H5Screate(H5S_SCALAR), H5Sclose);
  } else {
    std::vector<hsize_t> dims(static_cast<std::size_t>(shape.rank()));
    for (int a = 0; a < shape.rank(); ++a)
      dims[static_cast<std::size_t>(a)] = static_cast<hsize_t>(shape[a]);
    space = Handle(H5Screate_simple(shape.rank(), dims.data(), nullptr), H5Sclose);
  }
  check_id(space.get(), path_, "cannot describe the shape of " + subject);

  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  const bool chunkable = shape.rank() > 0 && shape.size() > 0;
  if (chunkable && (!options.chunk.empty() || options.gzip > 0)) {
    std::vector<hsize_t> chunk;
    if (options.chunk.empty()) {
      chunk = auto_chunk(shape, dtype_size(type));
    } else {
      for (int a = 0; a < shape.rank(); ++a)
        chunk.push_back(static_cast<hsize_t>(
            std::clamp<index_t>(options.chunk[static_cast<std::size_t>(a)], 1, shape[a])));
    }
    check_ok(H5Pset_chunk(dcpl.get(), shape.rank(), chunk.data()), path_,
             "cannot set the chunks of " + subject);
    if (options.gzip > 0)
      check_ok(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(options.gzip)), path_,
               "cannot set gzip compression on " + subject);
  }

  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle ftype = h5::file_type(type);
  Handle mtype = h5::memory_type(type);
  Handle dset(check_id(H5Dcreate2(file_, n.c_str(), ftype.get(), space.get(), lcpl.get(),
                                  dcpl.get(), H5P_DEFAULT),
                       path_, "cannot create " + subject),
              H5Dclose);
  if (shape.size() > 0)
    check_ok(H5Dwrite(dset.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), path_,
             "cannot write " + subject);
}

void H5Writer::write(const std::string& name, const AnyArray& data, const H5WriteOptions& options,
                     const Attributes& attributes) {
  std::visit([&](const auto& a) { write(name, a, options, attributes); }, data);
}

void H5Writer::set_attribute(const std::string& object, const std::string& name,
                             const AttributeValue& value) {
  require_open();
  h5::quiet();
  const std::string n = h5::normalize(object);
  if (n != "/" && H5Oexists_by_name(file_, n.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InvalidInput(path_, "cannot set attribute '" + name + "' on '" + n +
                                  "': no such dataset or group (write it first)");
  }
  Handle obj(check_id(H5Oopen(file_, n.c_str(), H5P_DEFAULT), path_, "cannot open '" + n + "'"),
             H5Oclose);
  h5::write_attribute(obj.get(), name, value, path_ + (n == "/" ? "" : ": '" + n + "'"));
}

void H5Writer::set_attributes(const std::string& object, const Attributes& attributes) {
  for (const auto& [k, v] : attributes) set_attribute(object, k, v);
}

void H5Writer::set_provenance(const std::string& json) {
  set_attribute("/", "provenance", json);
}

void H5Writer::set_provenance(const Provenance& record) {
  set_provenance(record.to_string());
}

void H5Writer::commit() {
  require_open();
  h5::quiet();
  const hid_t f = file_;
  file_ = -1;
  // Closing flushes the metadata: a full disk shows up here, before the rename.
  if (H5Fclose(f) < 0) {
    const std::string reason = h5::last_error();
    out_->discard();
    throw IoError(path_, "cannot finish writing" + (reason.empty() ? "" : " (" + reason + ")"));
  }
  out_->commit();
}

}  // namespace tweed::io
