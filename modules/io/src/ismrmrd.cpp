// ISMRMRD / MRD raw data: Cartesian acquisitions placed on the k-space grid.
//
// The XML header is parsed by libismrmrd (ISMRMRD::deserialize); the acquisitions and images are
// read with the HDF5 C API, read-only. libismrmrd's own ISMRMRD::Dataset opens every file
// read-write (H5F_ACC_RDWR) and creates the /<dataset> group when it is missing, so a reader built
// on it would fail on read-only inputs (shared data sets, other users' files) and would modify
// any HDF5 file it is pointed at. The memory layout of an acquisition row mirrors libismrmrd's
// HDF5 type (libsrc/dataset.c: compound {head, traj, data}); HDF5 converts by member name, so the
// reader lists only the header fields it needs.
#include "tweed/io/ismrmrd.hpp"

#include <ismrmrd/ismrmrd.h>
#include <ismrmrd/xml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "h5_util.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"

namespace tweed::io {

using h5::check_id;
using h5::check_ok;
using h5::Handle;

namespace h5 {
// A string dataset (variable-length or fixed, scalar or one element) as text. Also used by
// fastmri.cpp, which declares it (h5_util.hpp belongs to the HDF5 reader).
std::string read_text(hid_t file, const std::string& name, const std::string& path) {
  Handle ds(check_id(H5Dopen2(file, name.c_str(), H5P_DEFAULT), path, "cannot open " + name),
            H5Dclose);
  Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING)
    throw IoError(path, "dataset '" + name + "' is not a string");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 1) throw IoError(path, "dataset '" + name + "' is empty");
  if (H5Tis_variable_str(ftype.get()) > 0) {
    Handle mtype(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mtype.get(), H5T_VARIABLE);
    std::vector<char*> buf(static_cast<std::size_t>(n), nullptr);
    check_ok(H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), path,
             "cannot read " + name);
    std::string s = buf[0] ? buf[0] : "";
    H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, buf.data());
    return s;
  }
  // Fixed length: read with the stored type itself (a null-terminated memory type of the same
  // size would cut the last character of a null-padded string such as h5py's bytes).
  const std::size_t size = H5Tget_size(ftype.get());
  Handle mtype(H5Tcopy(ftype.get()), H5Tclose);
  std::string buf(size * static_cast<std::size_t>(n), '\0');
  check_ok(H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), path,
           "cannot read " + name);
  buf.resize(size);  // the first element
  return buf.substr(0, buf.find('\0'));
}
}  // namespace h5

namespace {

// ---------------------------------------------------------------------------------------------
// Files and small HDF5 helpers

// Opens `path` read-only after the checks that give one clear IoError (as H5Reader does).
Handle open_readonly(const std::string& path) {
  h5::quiet();
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(path, "no such file");
  if (fs::is_directory(path, ec)) throw IoError(path, "is a folder, not an ISMRMRD file");
  const htri_t is_h5 = H5Fis_hdf5(path.c_str());
  if (is_h5 == 0) throw IoError(path, "not an HDF5 file (no HDF5 signature), so not ISMRMRD");
  if (is_h5 < 0) h5::fail(path, "cannot read the file");
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_file_locking(fapl.get(), true, true);
  return Handle(check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), path,
                         "cannot open as HDF5 (damaged or truncated?)"),
                H5Fclose);
}

// True when every link of `name` ("a/b/c") exists (H5Lexists fails on a missing parent).
bool link_exists(hid_t file, const std::string& name) {
  std::size_t pos = 0;
  while (true) {
    pos = name.find('/', pos);
    const std::string prefix = name.substr(0, pos);
    if (!prefix.empty() && H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (pos == std::string::npos) return true;
    ++pos;
  }
}

H5O_type_t object_type(hid_t file, const std::string& name) {
  H5O_info_t info{};
  if (H5Oget_info_by_name2(file, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return H5O_TYPE_UNKNOWN;
  }
  return info.type;
}

std::vector<hsize_t> dataset_dims(hid_t ds) {
  Handle space(H5Dget_space(ds), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

// ---------------------------------------------------------------------------------------------
// Header

const char* trajectory_name(ISMRMRD::TrajectoryType t) {
  switch (t) {
    case ISMRMRD::TrajectoryType::CARTESIAN:
      return "cartesian";
    case ISMRMRD::TrajectoryType::EPI:
      return "epi";
    case ISMRMRD::TrajectoryType::RADIAL:
      return "radial";
    case ISMRMRD::TrajectoryType::GOLDENANGLE:
      return "goldenangle";
    case ISMRMRD::TrajectoryType::SPIRAL:
      return "spiral";
    case ISMRMRD::TrajectoryType::OTHER:
      return "other";
  }
  return "other";
}

ISMRMRD::IsmrmrdHeader parse_header(const std::string& xml, const std::string& path) {
  ISMRMRD::IsmrmrdHeader header;
  try {
    ISMRMRD::deserialize(xml.c_str(), header);
  } catch (const std::exception& e) {
    std::string why = e.what();
    std::replace(why.begin(), why.end(), '\n', ' ');
    throw IoError(path, "the ISMRMRD XML header does not parse (" + why + ")");
  }
  if (header.encoding.empty()) throw IoError(path, "the ISMRMRD header has no <encoding>");
  return header;
}

// ---------------------------------------------------------------------------------------------
// Acquisitions: the subset of libismrmrd's AcquisitionHeader this reader uses.

struct Counters {
  std::uint16_t e1, e2, average, slice, contrast, phase, repetition, set;
};
struct Head {
  std::uint64_t flags;
  std::uint16_t number_of_samples, active_channels, discard_pre, discard_post, center_sample,
      encoding_space_ref, trajectory_dimensions;
  Counters idx;
};
struct Row {
  Head head;
  hvl_t traj;
  hvl_t data;
};

Handle counters_type() {
  Handle t(H5Tcreate(H5T_COMPOUND, sizeof(Counters)), H5Tclose);
  H5Tinsert(t.get(), "kspace_encode_step_1", HOFFSET(Counters, e1), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "kspace_encode_step_2", HOFFSET(Counters, e2), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "average", HOFFSET(Counters, average), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "slice", HOFFSET(Counters, slice), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "contrast", HOFFSET(Counters, contrast), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "phase", HOFFSET(Counters, phase), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "repetition", HOFFSET(Counters, repetition), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "set", HOFFSET(Counters, set), H5T_NATIVE_UINT16);
  return t;
}

Handle head_type() {
  Handle t(H5Tcreate(H5T_COMPOUND, sizeof(Head)), H5Tclose);
  H5Tinsert(t.get(), "flags", HOFFSET(Head, flags), H5T_NATIVE_UINT64);
  H5Tinsert(t.get(), "number_of_samples", HOFFSET(Head, number_of_samples), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "active_channels", HOFFSET(Head, active_channels), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "discard_pre", HOFFSET(Head, discard_pre), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "discard_post", HOFFSET(Head, discard_post), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "center_sample", HOFFSET(Head, center_sample), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "encoding_space_ref", HOFFSET(Head, encoding_space_ref), H5T_NATIVE_UINT16);
  H5Tinsert(t.get(), "trajectory_dimensions", HOFFSET(Head, trajectory_dimensions),
            H5T_NATIVE_UINT16);
  Handle idx = counters_type();
  H5Tinsert(t.get(), "idx", HOFFSET(Head, idx), idx.get());
  return t;
}

// Complex samples in memory: {real, imag} float32, libismrmrd's complex_float_t.
Handle complex_float_type() {
  Handle t(H5Tcreate(H5T_COMPOUND, 2 * sizeof(float)), H5Tclose);
  H5Tinsert(t.get(), "real", 0, H5T_NATIVE_FLOAT);
  H5Tinsert(t.get(), "imag", sizeof(float), H5T_NATIVE_FLOAT);
  return t;
}

// The member type of compound `type` called `name`, or an invalid handle.
Handle member_type(hid_t type, const char* name) {
  const int i = H5Tget_member_index(type, name);
  if (i < 0) {
    H5Eclear2(H5E_DEFAULT);
    return {};
  }
  return Handle(H5Tget_member_type(type, static_cast<unsigned>(i)), H5Tclose);
}

// libismrmrd stores samples as a vlen of {real, imag}; other writers (ismrmrd-python) as a vlen
// of float32 pairs. Returns true for the interleaved-float form.
bool data_is_interleaved(hid_t file_type, const std::string& path) {
  Handle data = member_type(file_type, "data");
  Handle head = member_type(file_type, "head");
  if (data.get() < 0 || head.get() < 0 || H5Tget_class(data.get()) != H5T_VLEN)
    throw IoError(path, "/data is not an ISMRMRD acquisition table (no head/data members)");
  Handle base(H5Tget_super(data.get()), H5Tclose);
  if (H5Tget_class(base.get()) == H5T_COMPOUND) return false;
  if (H5Tget_class(base.get()) == H5T_FLOAT) return true;
  throw IoError(path, "ISMRMRD acquisition samples have an unknown type");
}

Handle row_type(bool interleaved) {
  Handle t(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose);
  Handle head = head_type();
  H5Tinsert(t.get(), "head", HOFFSET(Row, head), head.get());
  Handle traj(H5Tvlen_create(H5T_NATIVE_FLOAT), H5Tclose);
  H5Tinsert(t.get(), "traj", HOFFSET(Row, traj), traj.get());
  Handle cf = complex_float_type();
  Handle data(H5Tvlen_create(interleaved ? H5T_NATIVE_FLOAT : cf.get()), H5Tclose);
  H5Tinsert(t.get(), "data", HOFFSET(Row, data), data.get());
  return t;
}

bool has_flag(std::uint64_t flags, int flag) {
  return (flags >> (flag - 1)) & 1u;
}

// Acquisitions that carry no image k-space of the main encoding.
bool is_auxiliary(std::uint64_t f) {
  return has_flag(f, ISMRMRD::ISMRMRD_ACQ_IS_NAVIGATION_DATA) ||
         has_flag(f, ISMRMRD::ISMRMRD_ACQ_IS_PHASECORR_DATA) ||
         has_flag(f, ISMRMRD::ISMRMRD_ACQ_IS_HPFEEDBACK_DATA) ||
         has_flag(f, ISMRMRD::ISMRMRD_ACQ_IS_DUMMYSCAN_DATA) ||
         has_flag(f, ISMRMRD::ISMRMRD_ACQ_IS_RTFEEDBACK_DATA) ||
         has_flag(f, ISMRMRD::ISMRMRD_ACQ_IS_SURFACECOILCORRECTIONSCAN_DATA) ||
         has_flag(f, ISMRMRD::ISMRMRD_ACQ_IS_PHASE_STABILIZATION_REFERENCE) ||
         has_flag(f, ISMRMRD::ISMRMRD_ACQ_IS_PHASE_STABILIZATION);
}

// One acquisition kept in memory: its header and samples [channels, samples].
struct Line {
  Head head;
  std::vector<cfloat> samples;
};

// Reads every acquisition (in blocks, so that HDF5's variable-length buffers stay small).
std::vector<Line> read_acquisitions(hid_t file, const std::string& name, const std::string& path) {
  Handle ds(check_id(H5Dopen2(file, name.c_str(), H5P_DEFAULT), path, "cannot open " + name),
            H5Dclose);
  Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_COMPOUND)
    throw IoError(path, "/" + name + " is not an ISMRMRD acquisition table");
  const bool interleaved = data_is_interleaved(ftype.get(), path);
  Handle mtype = row_type(interleaved);
  const std::vector<hsize_t> dims = dataset_dims(ds.get());
  if (dims.size() != 1) throw IoError(path, "/" + name + " is not a 1-D acquisition table");
  const hsize_t n = dims[0];
  std::vector<Line> lines;
  lines.reserve(n);
  constexpr hsize_t kBlock = 2048;
  std::vector<Row> rows(static_cast<std::size_t>(std::min(n, kBlock)));
  Handle fspace(H5Dget_space(ds.get()), H5Sclose);
  for (hsize_t start = 0; start < n; start += kBlock) {
    const hsize_t count = std::min(kBlock, n - start);
    check_ok(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
             path, "cannot select acquisitions");
    Handle mspace(H5Screate_simple(1, &count, nullptr), H5Sclose);
    std::memset(rows.data(), 0, rows.size() * sizeof(Row));
    check_ok(H5Dread(ds.get(), mtype.get(), mspace.get(), fspace.get(), H5P_DEFAULT, rows.data()),
             path, "cannot read the acquisitions (damaged or truncated?)");
    std::string problem;
    for (hsize_t j = 0; j < count && problem.empty(); ++j) {
      const Row& r = rows[j];
      const std::size_t expect =
          std::size_t{r.head.number_of_samples} * std::size_t{r.head.active_channels};
      const std::size_t got = interleaved ? r.data.len / 2 : r.data.len;
      if (got != expect) {
        problem = "acquisition " + std::to_string(start + j) + " holds " + std::to_string(got) +
                  " samples, but its header says " + std::to_string(r.head.number_of_samples) +
                  " x " + std::to_string(r.head.active_channels) + " channels";
        break;
      }
      Line line{r.head, std::vector<cfloat>(expect)};
      if (expect > 0) std::memcpy(line.samples.data(), r.data.p, expect * sizeof(cfloat));
      lines.push_back(std::move(line));
    }
    H5Dvlen_reclaim(mtype.get(), mspace.get(), H5P_DEFAULT, rows.data());
    if (!problem.empty()) throw IoError(path, problem);
  }
  return lines;
}

// Index of the first non-finite sample, or -1.
std::int64_t first_non_finite(const std::vector<cfloat>& v) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i].real()) || !std::isfinite(v[i].imag()))
      return static_cast<std::int64_t>(i);
  return -1;
}

// Removes readout oversampling along the last axis: centred inverse FFT, centred crop from `nx`
// to `rx`, centred forward FFT (both orthonormal), so that the image of the result is the centre
// of the image of the input, value for value. Lines that were not acquired stay exactly zero.
Array<cfloat> remove_oversampling(const Array<cfloat>& k, index_t rx) {
  const Shape& s = k.shape();
  const int last = s.rank() - 1;
  const index_t nx = s[last];
  const index_t lines = k.size() / nx;
  // Transform only the lines that hold data: typical inputs are undersampled.
  std::vector<index_t> used;
  for (index_t l = 0; l < lines; ++l) {
    const cfloat* p = k.data() + l * nx;
    if (std::any_of(p, p + nx, [](cfloat v) { return v != cfloat{}; })) used.push_back(l);
  }
  Shape out_shape = s;
  out_shape[last] = rx;
  Array<cfloat> out(out_shape);
  if (used.empty()) return out;
  Array<cfloat> buf(Shape{static_cast<index_t>(used.size()), nx}, uninitialized);
  for (std::size_t u = 0; u < used.size(); ++u)
    std::copy_n(k.data() + used[u] * nx, nx, buf.data() + static_cast<index_t>(u) * nx);
  fft::ifftc(buf, {1});
  Array<cfloat> cropped(Shape{static_cast<index_t>(used.size()), rx}, uninitialized);
  const index_t off = nx / 2 - rx / 2;  // keeps the centre n/2 at the centre rx/2
  for (std::size_t u = 0; u < used.size(); ++u)
    std::copy_n(buf.data() + static_cast<index_t>(u) * nx + off, rx,
                cropped.data() + static_cast<index_t>(u) * rx);
  fft::fftc(cropped, {1});
  for (std::size_t u = 0; u < used.size(); ++u)
    std::copy_n(cropped.data() + static_cast<index_t>(u) * rx, rx, out.data() + used[u] * rx);
  return out;
}

// The phase-encoding shift that puts a limit's centre at matrix/2 (asymmetric / partial Fourier
// encodings). Unset limits (centre 0) mean no shift.
index_t centre_shift(const ISMRMRD::Optional<ISMRMRD::Limit>& limit, index_t matrix) {
  if (!limit.is_present()) return 0;
  const index_t c = static_cast<index_t>(limit->center);
  if (c <= 0 || c >= matrix) return 0;
  return matrix / 2 - c;
}

std::string ds_path(const std::string& dataset, const std::string& name) {
  std::string d = h5::normalize(dataset);
  return d == "/" ? name : d + "/" + name;
}

}  // namespace

bool is_ismrmrd(const std::string& path, const std::string& dataset) {
  if (!h5::is_hdf5_file(path)) return false;
  try {
    Handle file = open_readonly(path);
    const std::string data = ds_path(dataset, "data");
    return link_exists(file.get(), data) && object_type(file.get(), data) == H5O_TYPE_DATASET;
  } catch (const Error&) {
    return false;
  }
}

IsmrmrdCartesian read_ismrmrd_cartesian(const std::string& path, const std::string& dataset,
                                        int repetition) {
  Handle file = open_readonly(path);
  const std::string data_name = ds_path(dataset, "data");
  const std::string xml_name = ds_path(dataset, "xml");
  if (!link_exists(file.get(), data_name))
    throw IoError(path, "no /" + data_name + " (not an ISMRMRD raw data file)");
  if (!link_exists(file.get(), xml_name))
    throw IoError(path, "no /" + xml_name + " (the ISMRMRD XML header is missing)");
  IsmrmrdCartesian out;
  out.header_xml = h5::read_text(file.get(), xml_name, path);
  const ISMRMRD::IsmrmrdHeader header = parse_header(out.header_xml, path);
  const ISMRMRD::Encoding& enc = header.encoding[0];
  if (enc.trajectory != ISMRMRD::TrajectoryType::CARTESIAN)
    throw Unsupported(path, std::string("the encoding trajectory is '") +
                                trajectory_name(enc.trajectory) +
                                "'; only Cartesian ISMRMRD data can be read");
  const index_t ex = static_cast<index_t>(enc.encodedSpace.matrixSize.x);
  const index_t ey = static_cast<index_t>(enc.encodedSpace.matrixSize.y);
  const index_t ez = static_cast<index_t>(enc.encodedSpace.matrixSize.z);
  out.encoded_x = ex;
  out.recon_x = static_cast<index_t>(enc.reconSpace.matrixSize.x);
  out.recon_y = static_cast<index_t>(enc.reconSpace.matrixSize.y);
  out.recon_z = static_cast<index_t>(enc.reconSpace.matrixSize.z);
  if (ex < 1 || ey < 1 || ez < 1)
    throw IoError(path, "the encoded matrix " + std::to_string(ex) + " x " + std::to_string(ey) +
                            " x " + std::to_string(ez) + " is empty");
  const index_t shift_y = centre_shift(enc.encodingLimits.kspace_encoding_step_1, ey);
  const index_t shift_z = centre_shift(enc.encodingLimits.kspace_encoding_step_2, ez);

  std::vector<Line> lines = read_acquisitions(file.get(), data_name, path);
  file.reset();

  // Sort the acquisitions: noise, image lines of the chosen repetition, everything else counted.
  std::vector<const Line*> noise, chosen;
  std::set<int> reps;
  index_t n_aux = 0, n_other_encoding = 0, n_other_index = 0, n_calibration = 0, n_cal_imaging = 0;
  int channels = -1;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Head& h = lines[i].head;
    if (h.trajectory_dimensions > 0)
      throw Unsupported(path, "acquisition " + std::to_string(i) + " carries a " +
                                  std::to_string(h.trajectory_dimensions) +
                                  "-D trajectory (non-Cartesian); only Cartesian ISMRMRD data "
                                  "can be read");
    const std::int64_t bad = first_non_finite(lines[i].samples);
    if (bad >= 0)
      throw InvalidInput(
          path, "acquisition " + std::to_string(i) + " holds a NaN or Inf (channel " +
                    std::to_string(bad / std::max<int>(1, h.number_of_samples)) + ", sample " +
                    std::to_string(bad % std::max<int>(1, h.number_of_samples)) + ")");
    if (has_flag(h.flags, ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT)) {
      noise.push_back(&lines[i]);
      continue;
    }
    if (is_auxiliary(h.flags)) {
      ++n_aux;
      continue;
    }
    if (h.encoding_space_ref != 0) {
      ++n_other_encoding;
      continue;
    }
    if (channels < 0) channels = h.active_channels;
    if (h.active_channels != channels)
      throw InvalidInput(path, "acquisition " + std::to_string(i) + " has " +
                                   std::to_string(h.active_channels) + " channels, earlier ones " +
                                   std::to_string(channels));
    reps.insert(h.idx.repetition);
    if (h.idx.repetition != repetition) continue;
    if (h.idx.contrast != 0 || h.idx.phase != 0 || h.idx.set != 0) {
      ++n_other_index;
      continue;
    }
    if (has_flag(h.flags, ISMRMRD::ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION)) ++n_calibration;
    if (has_flag(h.flags, ISMRMRD::ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING))
      ++n_cal_imaging;
    chosen.push_back(&lines[i]);
  }
  if (channels < 0) throw InvalidInput(path, "holds no imaging acquisitions");
  out.repetitions = static_cast<int>(reps.size());
  if (chosen.empty()) {
    std::string have;
    for (int r : reps) have += (have.empty() ? "" : ", ") + std::to_string(r);
    throw InvalidInput(path, "has no acquisitions of repetition " + std::to_string(repetition) +
                                 " (repetitions present: " + have + ")");
  }

  // Place the lines: (slice, e2, e1) -> (S, Z, Y), samples along X centred by center_sample.
  index_t slices = 1;
  for (const Line* l : chosen) slices = std::max<index_t>(slices, l->head.idx.slice + 1);
  const index_t nc = channels;
  Array<cfloat> k(Shape{slices, nc, ez, ey, ex});
  Array<float> hits(Shape{slices, ez, ey});  // acquisitions per line (averages are averaged)
  for (const Line* l : chosen) {
    const Head& h = l->head;
    const index_t y = static_cast<index_t>(h.idx.e1) + shift_y;
    const index_t z = static_cast<index_t>(h.idx.e2) + shift_z;
    if (y < 0 || y >= ey || z < 0 || z >= ez)
      throw InvalidInput(path, "an acquisition has encode steps (e1 " + std::to_string(h.idx.e1) +
                                   ", e2 " + std::to_string(h.idx.e2) +
                                   ") outside the encoded matrix " + std::to_string(ey) + " x " +
                                   std::to_string(ez));
    const index_t ns = h.number_of_samples;
    const index_t first = h.discard_pre, end = ns - h.discard_post;
    const index_t x0 = ex / 2 - static_cast<index_t>(h.center_sample);
    if (first < end && (x0 + first < 0 || x0 + end > ex))
      throw InvalidInput(path, "readout samples " + std::to_string(first) + ".." +
                                   std::to_string(end - 1) + " with center_sample " +
                                   std::to_string(h.center_sample) +
                                   " fall outside the encoded readout of " + std::to_string(ex));
    const bool reverse = has_flag(h.flags, ISMRMRD::ISMRMRD_ACQ_IS_REVERSE);
    const index_t s = h.idx.slice;
    for (index_t c = 0; c < nc; ++c) {
      const cfloat* src = l->samples.data() + c * ns;
      cfloat* dst = &k(s, c, z, y, index_t{0});
      for (index_t i = first; i < end; ++i) {
        const index_t si = reverse ? ns - 1 - i : i;
        dst[x0 + i] += src[si];
      }
    }
    hits(s, z, y) += 1.0f;
  }
  index_t duplicates = 0;
  for (index_t s = 0; s < slices; ++s)
    for (index_t z = 0; z < ez; ++z)
      for (index_t y = 0; y < ey; ++y) {
        const float n = hits(s, z, y);
        if (n <= 1.0f) continue;
        duplicates += static_cast<index_t>(n) - 1;
        for (index_t c = 0; c < nc; ++c) {
          cfloat* row = &k(s, c, z, y, index_t{0});
          for (index_t x = 0; x < ex; ++x) row[x] /= n;
        }
      }

  const index_t nx = (out.recon_x > 0 && out.recon_x < ex) ? out.recon_x : ex;
  out.kspace = nx < ex ? remove_oversampling(k, nx) : std::move(k);
  out.sampled = Array<float>(Shape{ez, ey, nx});
  for (index_t z = 0; z < ez; ++z)
    for (index_t y = 0; y < ey; ++y)
      if (hits(index_t{0}, z, y) > 0.0f) std::fill_n(&out.sampled(z, y, index_t{0}), nx, 1.0f);

  // Noise samples [C, N], every noise acquisition appended along N.
  index_t n_noise = 0;
  for (const Line* l : noise) {
    if (l->head.active_channels != nc)
      throw InvalidInput(path, "a noise acquisition has " +
                                   std::to_string(l->head.active_channels) +
                                   " channels, the imaging data " + std::to_string(nc));
    n_noise += l->head.number_of_samples;
  }
  if (n_noise > 0) {
    out.noise = Array<cfloat>(Shape{nc, n_noise});
    index_t at = 0;
    for (const Line* l : noise) {
      const index_t ns = l->head.number_of_samples;
      for (index_t c = 0; c < nc; ++c)
        std::copy_n(l->samples.data() + c * ns, ns, &out.noise(c, at));
      at += ns;
    }
  }

  nlohmann::json& js = out.summary;
  js["acquisitions"] = lines.size();
  js["noise_acquisitions"] = noise.size();
  js["noise_samples"] = n_noise;
  js["used_acquisitions"] = chosen.size();
  js["calibration_acquisitions"] = n_calibration;
  js["calibration_and_imaging_acquisitions"] = n_cal_imaging;
  js["averaged_duplicates"] = duplicates;
  js["ignored_auxiliary"] = n_aux;
  js["ignored_other_encoding"] = n_other_encoding;
  js["ignored_other_contrast_phase_set"] = n_other_index;
  js["channels"] = nc;
  js["slices"] = slices;
  js["repetition"] = repetition;
  js["repetitions"] = out.repetitions;
  js["trajectory"] = trajectory_name(enc.trajectory);
  js["encoded_matrix"] = {ex, ey, ez};
  js["recon_matrix"] = {out.recon_x, out.recon_y, out.recon_z};
  js["encoded_fov_mm"] = {enc.encodedSpace.fieldOfView_mm.x, enc.encodedSpace.fieldOfView_mm.y,
                          enc.encodedSpace.fieldOfView_mm.z};
  js["recon_fov_mm"] = {enc.reconSpace.fieldOfView_mm.x, enc.reconSpace.fieldOfView_mm.y,
                        enc.reconSpace.fieldOfView_mm.z};
  js["readout_oversampling_removed"] = nx < ex;
  if (enc.parallelImaging.is_present()) {
    const auto& pi = *enc.parallelImaging;
    js["acceleration"] = {pi.accelerationFactor.kspace_encoding_step_1,
                          pi.accelerationFactor.kspace_encoding_step_2};
    if (pi.calibrationMode.is_present()) js["calibration_mode"] = *pi.calibrationMode;
  }
  if (header.acquisitionSystemInformation.is_present() &&
      header.acquisitionSystemInformation->systemVendor.is_present())
    js["vendor"] = *header.acquisitionSystemInformation->systemVendor;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Images: ISMRMRD image groups (/<dataset>/<name>/{header, data, attributes}, data
// [N, channels, z, y, x]) and NDArrays (/<dataset>/<name>, [N, ..., y, x]; the generator's
// "phantom", "coil_images" and "csm" are NDArrays).

namespace {

struct ChildList {
  std::vector<std::string> names;
};
herr_t on_child(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<ChildList*>(data)->names.emplace_back(name);
  return 0;
}

// True when the type holds numbers Tweed reads as images: integers, floats or {real, imag}.
bool numeric_or_complex(hid_t type) {
  const H5T_class_t c = H5Tget_class(type);
  if (c == H5T_INTEGER || c == H5T_FLOAT) return true;
  if (c != H5T_COMPOUND || H5Tget_nmembers(type) != 2) return false;
  Handle re = member_type(type, "real");
  Handle im = member_type(type, "imag");
  return re.get() >= 0 && im.get() >= 0;
}

bool image_dataset(hid_t file, const std::string& name) {
  if (object_type(file, name) != H5O_TYPE_DATASET) return false;
  Handle ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (ds.get() < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  Handle t(H5Dget_type(ds.get()), H5Tclose);
  return numeric_or_complex(t.get()) && dataset_dims(ds.get()).size() >= 2;
}

// The HDF5 dataset holding the pixels of image group or NDArray `group`, or "".
std::string pixel_dataset(hid_t file, const std::string& dataset, const std::string& group) {
  const std::string base = ds_path(dataset, group);
  if (!link_exists(file, base)) return "";
  const H5O_type_t t = object_type(file, base);
  if (t == H5O_TYPE_GROUP) {
    const std::string data = base + "/data";
    return link_exists(file, data) && image_dataset(file, data) ? data : "";
  }
  return image_dataset(file, base) ? base : "";
}

}  // namespace

std::vector<std::string> ismrmrd_image_groups(const std::string& path, const std::string& dataset) {
  Handle file = open_readonly(path);
  const std::string root = h5::normalize(dataset);
  if (!link_exists(file.get(), root) || object_type(file.get(), root) != H5O_TYPE_GROUP)
    throw IoError(path, "no ISMRMRD group /" + root);
  ChildList children;
  check_ok(H5Literate_by_name(file.get(), root.c_str(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
                              on_child, &children, H5P_DEFAULT),
           path, "cannot list /" + root);
  std::vector<std::string> out;
  for (const std::string& c : children.names) {
    if (c == "xml" || c == "data" || c == "waveforms") continue;
    if (!pixel_dataset(file.get(), dataset, c).empty()) out.push_back(c);
  }
  return out;
}

Array<cfloat> read_ismrmrd_images(const std::string& path, const std::string& group,
                                  const std::string& dataset) {
  Handle file = open_readonly(path);
  const std::string name = pixel_dataset(file.get(), dataset, group);
  if (name.empty()) {
    file.reset();
    std::string have;
    for (const std::string& g : ismrmrd_image_groups(path, dataset))
      have += (have.empty() ? "" : ", ") + g;
    throw IoError(path, "no ISMRMRD image group '" + group + "' under /" + h5::normalize(dataset) +
                            " (has: " + (have.empty() ? "none" : have) + ")");
  }
  Handle ds(check_id(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), path, "cannot open " + name),
            H5Dclose);
  const std::vector<hsize_t> dims = dataset_dims(ds.get());
  index_t total = 1;
  for (hsize_t d : dims) total *= static_cast<index_t>(d);
  Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  Array<cfloat> pixels(Shape{total}, uninitialized);
  if (H5Tget_class(ftype.get()) == H5T_COMPOUND) {
    Handle mtype = complex_float_type();
    check_ok(H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pixels.data()), path,
             "cannot read " + name);
  } else {
    std::vector<float> re(static_cast<std::size_t>(total));
    check_ok(H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, re.data()), path,
             "cannot read " + name);
    for (index_t i = 0; i < total; ++i) pixels[i] = cfloat(re[static_cast<std::size_t>(i)], 0.0f);
  }
  // Image groups: [N, channels, z, y, x] -> [N * channels, z, y, x]. NDArrays carry no axis
  // names: the last two axes are (y, x) and every leading one is stacked into N.
  const bool image_group = object_type(file.get(), ds_path(dataset, group)) == H5O_TYPE_GROUP;
  const std::size_t r = dims.size();
  index_t ny = static_cast<index_t>(dims[r - 2]), nx = static_cast<index_t>(dims[r - 1]);
  index_t nz = (image_group && r >= 3) ? static_cast<index_t>(dims[r - 3]) : 1;
  pixels.reshape(Shape{total / (nz * ny * nx), nz, ny, nx});
  return pixels;
}

}  // namespace tweed::io
