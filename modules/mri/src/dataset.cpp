// MRI inputs in every supported form, turned into the layouts of layout.hpp.
#include "tweed/mri/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "tweed/core/error.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/io/any_array.hpp"
#include "tweed/io/cfl.hpp"
#include "tweed/io/fastmri.hpp"
#include "tweed/io/format.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/ismrmrd.hpp"
#include "tweed/io/itk_image.hpp"
#include "tweed/mri/masks.hpp"
#include "tweed/mri/noise.hpp"

namespace tweed::mri {

namespace {

constexpr const char* kTweedLayout = "mri-kspace";

// ---------------------------------------------------------------------------------------------
// Checks

// InvalidInput naming the file when `a` holds NaN or Inf: which array, how many, and where.
template <Element T>
void require_finite_samples(const Array<T>& a, const std::string& path, const std::string& what) {
  if (all_finite(a)) return;
  index_t count = 0, first = -1;
  for (index_t i = 0; i < a.size(); ++i) {
    bool ok;
    if constexpr (is_complex_v<T>)
      ok = std::isfinite(a[i].real()) && std::isfinite(a[i].imag());
    else
      ok = std::isfinite(a[i]);
    if (!ok) {
      if (first < 0) first = i;
      ++count;
    }
  }
  throw InvalidInput(path, what + " holds " + std::to_string(count) + " NaN/Inf value" +
                               (count == 1 ? "" : "s") + " (first at flat index " +
                               std::to_string(first) + " of shape " + a.shape().str() + ")");
}

void require_mask_values(const Array<float>& m, const std::string& path, const std::string& what) {
  require_finite_samples(m, path, what);
  for (index_t i = 0; i < m.size(); ++i)
    if (m[i] < 0.0f)
      throw InvalidInput(path, what + " holds a negative value (" + std::to_string(m[i]) +
                                   " at flat index " + std::to_string(i) +
                                   "); a sampling mask is 0/1 or non-negative weights");
}

// A copy of slice i along axis 0.
Array<cfloat> slice_copy(const Array<cfloat>& a, index_t i) {
  const Shape s = a.shape().drop_front();
  Array<cfloat> out(s, uninitialized);
  std::copy_n(a.data() + i * s.size(), s.size(), out.data());
  return out;
}

// sqrt(sum_m |x_m|^2) over axis 0 of [M, ...]: the magnitude of a 1- or 2-map image.
Array<float> rss_first_axis(const Array<cfloat>& a) {
  const Shape s = a.shape().drop_front();
  Array<float> out(s);
  const index_t n = s.size();
  for (index_t m = 0; m < a.dim(0); ++m)
    for (index_t i = 0; i < n; ++i) out[i] += std::norm(a[m * n + i]);
  for (index_t i = 0; i < n; ++i) out[i] = std::sqrt(out[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Any single-array file (mask, maps, reference): the array and where it came from.

// Real values: complex input is accepted when every imaginary part is 0 (BART stores masks
// and real images as complex).
Array<float> real_values(io::AnyArray&& a, const std::string& path, const std::string& what) {
  if (std::holds_alternative<Array<float>>(a)) return std::get<Array<float>>(std::move(a));
  if (auto* d = std::get_if<Array<double>>(&a)) return convert<float>(*d);
  const Array<cfloat> c = io::to_array<cfloat>(std::move(a), path);
  Array<float> out(c.shape(), uninitialized);
  for (index_t i = 0; i < c.size(); ++i) {
    if (!std::isfinite(c[i].imag())) {
      out[i] = c[i].imag();  // NaN/Inf: reported by the finiteness check that follows
      continue;
    }
    if (c[i].imag() != 0.0f)
      throw InvalidInput(path, what + " must be real, but element " + std::to_string(i) +
                                   " has imaginary part " + std::to_string(c[i].imag()));
    out[i] = c[i].real();
  }
  return out;
}

// The dataset of an HDF5 file that holds `what`: `preferred` if present, else the only numeric
// dataset.
io::AnyArray read_hdf5_single(const std::string& path, const std::string& preferred,
                              const std::string& what) {
  io::H5Reader r(path);
  if (r.has_dataset(preferred)) return r.read_any(preferred);
  std::vector<std::string> numeric;
  for (const io::H5DatasetInfo& d : r.list())
    if (d.element) numeric.push_back(d.name);
  if (numeric.size() == 1) return r.read_any(numeric[0]);
  std::string have;
  for (const std::string& n : numeric) have += (have.empty() ? "" : ", ") + n;
  throw IoError(path, "no dataset '" + preferred + "' and " +
                          (numeric.empty() ? std::string("no numeric dataset")
                                           : std::to_string(numeric.size()) +
                                                 " numeric datasets (" + have + ")") +
                          ", so it is unclear which one holds the " + what);
}

// Reads `path` in whatever array format Tweed knows (BART, HDF5, NIfTI, MetaImage, NRRD, DICOM).
io::AnyArray read_array_file(const std::string& path, const std::string& preferred,
                             const std::string& what) {
  const io::Format f = io::detect_format(path);
  switch (f) {
    case io::Format::cfl:
      return io::read_cfl(path);
    case io::Format::hdf5:
      return read_hdf5_single(path, preferred, what);
    case io::Format::nifti:
    case io::Format::metaimage:
    case io::Format::nrrd:
    case io::Format::dicom:
    case io::Format::dicom_series:
      return io::read_image(path).data;
    case io::Format::png:
      throw Unsupported(path, "Tweed writes PNG previews but does not read PNG arrays; give the " +
                                  what + " as BART .cfl, HDF5, NIfTI, MetaImage or NRRD");
    case io::Format::unknown:
      break;
  }
  throw IoError(path,
                "not a file format Tweed reads (BART .cfl/.hdr, HDF5, NIfTI, MetaImage, "
                "NRRD, DICOM) for the " +
                    what);
}

// ---------------------------------------------------------------------------------------------
// The four input kinds

void describe(MriInput& in) {
  const Grid g = kspace_grid(in.slices.front());
  in.metadata["kind"] = in.kind;
  in.metadata["path"] = in.path;
  in.metadata["slices"] = in.slices.size();
  in.metadata["coils"] = in.slices.front().dim(0);
  in.metadata["grid"] = {g.nz, g.ny, g.nx};
  if (!in.mask.empty()) in.metadata["sampling_fraction"] = sampling_fraction(in.mask);
  if (in.crop.nz || in.crop.ny || in.crop.nx)
    in.metadata["crop"] = {in.crop.nz, in.crop.ny, in.crop.nx};
}

MriInput load_bart(const std::string& path) {
  MriInput in;
  in.path = path;
  in.kind = "bart";
  const std::string name = io::cfl_base_name(path);
  Array<cfloat> k = from_bart(io::read_cfl(name), io::read_cfl_dims(name), BartRole::kspace, name);
  require_finite_samples(k, name, "k-space");
  // BART's convention: points where every coil is exactly zero were not sampled.
  in.mask = mask_from_zeros(k);
  in.metadata["mask_source"] = "zeros of the k-space (BART convention)";
  in.slices.push_back(std::move(k));
  return in;
}

MriInput load_ismrmrd(const std::string& path, const LoadOptions& options) {
  MriInput in;
  in.path = path;
  in.kind = "ismrmrd";
  io::IsmrmrdCartesian raw = io::read_ismrmrd_cartesian(path, options.dataset, options.repetition);
  in.metadata["ismrmrd"] = raw.summary;
  const index_t ns = raw.kspace.dim(0);
  if (ns == 1) {
    in.slices.push_back(std::move(raw.kspace).reshaped(raw.kspace.shape().drop_front()));
  } else {
    for (index_t s = 0; s < ns; ++s) in.slices.push_back(slice_copy(raw.kspace, s));
  }
  raw.kspace = Array<cfloat>();

  nlohmann::json noise;
  noise["samples"] = raw.noise.empty() ? index_t{0} : raw.noise.dim(1);
  noise["prewhitened"] = false;
  if (!raw.noise.empty()) {
    const Array<cfloat> psi = noise_covariance(raw.noise);
    std::vector<double> variances;
    for (index_t c = 0; c < psi.dim(0); ++c) variances.push_back(psi(c, c).real());
    noise["variances"] = variances;
    if (options.prewhiten) {
      Array<cfloat> w;
      try {
        w = whitening_matrix(psi);
      } catch (const InvalidInput& e) {
        throw InvalidInput(
            path, std::string("cannot pre-whiten with its noise acquisitions: ") + e.what());
      }
      for (Array<cfloat>& k : in.slices) apply_coil_matrix(w, k);
      noise["prewhitened"] = true;
      noise["note"] = "k-space multiplied by L^-1 (Psi = L L^H): unit noise variance per coil";
    }
  }
  in.metadata["noise"] = noise;
  in.mask = std::move(raw.sampled);
  in.metadata["mask_source"] = "acquired lines";

  const Grid grid = kspace_grid(in.slices.front());
  // Phase-encoding oversampling (encoded y/z larger than recon) is removed by cropping the image.
  if ((raw.recon_y > 0 && raw.recon_y < grid.ny) || (raw.recon_z > 0 && raw.recon_z < grid.nz))
    in.crop = Grid{raw.recon_z > 0 ? std::min(raw.recon_z, grid.nz) : grid.nz,
                   raw.recon_y > 0 ? std::min(raw.recon_y, grid.ny) : grid.ny, grid.nx};

  // The generator's "phantom" NDArray is the noiseless object on the recon grid; its axes are
  // (y, x) as the k-space's, so |recon| and it line up without flips.
  const std::vector<std::string> groups = io::ismrmrd_image_groups(path, options.dataset);
  if (std::find(groups.begin(), groups.end(), "phantom") != groups.end()) {
    const Array<cfloat> ph = io::read_ismrmrd_images(path, "phantom", options.dataset);
    const Grid pg{ph.dim(1), ph.dim(2), ph.dim(3)};
    const Grid want = (in.crop.nz || in.crop.ny || in.crop.nx) ? in.crop : grid;
    if (ph.dim(0) == 1 && pg == want) {
      in.reference = magnitude(slice_copy(ph, 0));
      require_finite_samples(in.reference, path, "image group 'phantom'");
      in.metadata["reference"] = "image group 'phantom' (magnitude)";
    } else {
      in.metadata["reference"] = "image group 'phantom' not used: shape " + ph.shape().str() +
                                 " does not match the image grid " + want.str();
    }
  }
  return in;
}

MriInput load_fastmri(const std::string& path) {
  MriInput in;
  in.path = path;
  in.kind = "fastmri";
  io::FastMriVolume v = io::read_fastmri(path);
  const Shape& s = v.kspace.shape();  // [S, C, H, W]
  const index_t nc = s[1], h = s[2], w = s[3];
  // [S, C, H, W] -> slices [C, 1, H, W]: H (the oversampled readout) is Y, W (phase encoding) X.
  for (index_t i = 0; i < s[0]; ++i)
    in.slices.push_back(slice_copy(v.kspace, i).reshaped(Shape{nc, 1, h, w}));
  v.kspace = Array<cfloat>();
  if (!v.mask.empty()) {
    in.mask = Array<float>(Shape{1, h, w});
    for (index_t y = 0; y < h; ++y) std::copy_n(v.mask.data(), w, &in.mask(0, y, 0));
    in.metadata["mask_source"] = "dataset 'mask' (along W = x)";
  }
  if (v.recon_h > 0 && v.recon_w > 0)
    in.crop = Grid{1, std::min(v.recon_h, h), std::min(v.recon_w, w)};
  in.metadata["fastmri"] = {{"acquisition", v.acquisition},
                            {"recon_matrix", {v.recon_h, v.recon_w}},
                            {"has_reconstruction_rss", !v.rss.empty()},
                            {"axes", "y = H (readout, oversampled), x = W (phase encoding)"}};
  return in;
}

MriInput load_tweed(const std::string& path, const io::H5Reader& r) {
  MriInput in;
  in.path = path;
  in.kind = "tweed";
  Array<cfloat> k = r.read<cfloat>("kspace");
  if (k.rank() != 4)
    throw ShapeMismatch(
        path, "dataset 'kspace' has shape " + k.shape().str() + "; expected [coils, z, y, x]");
  require_finite_samples(k, path, "dataset 'kspace'");
  const Grid grid = kspace_grid(k);
  const index_t nc = k.dim(0);
  if (r.has_dataset("maps")) {
    Array<cfloat> maps = r.read<cfloat>("maps");
    if (maps.rank() == 4) maps.reshape(maps.shape().prepend(1));
    if (maps.rank() != 5 || maps_grid(maps) != grid || maps.dim(1) != nc)
      throw ShapeMismatch(path, "dataset 'maps' has shape " + maps.shape().str() +
                                    ", but the k-space " + k.shape().str() + " needs [maps, " +
                                    std::to_string(nc) + ", " + std::to_string(grid.nz) + ", " +
                                    std::to_string(grid.ny) + ", " + std::to_string(grid.nx) + "]");
    require_finite_samples(maps, path, "dataset 'maps'");
    in.maps = std::move(maps);
  }
  if (r.has_dataset("mask")) {
    Array<float> m = real_values(r.read_any("mask"), path + ": dataset 'mask'", "the mask");
    if (m.shape() != grid.shape())
      throw ShapeMismatch(path, "dataset 'mask' has shape " + m.shape().str() +
                                    ", but the k-space grid is " + grid.str());
    require_mask_values(m, path, "dataset 'mask'");
    in.mask = std::move(m);
    in.metadata["mask_source"] = "dataset 'mask'";
  }
  if (r.has_dataset("image")) {
    Array<cfloat> img = io::to_array<cfloat>(r.read_any("image"), path + ": dataset 'image'");
    if (img.rank() == 3) img.reshape(img.shape().prepend(1));
    if (img.rank() != 4 || Grid{img.dim(1), img.dim(2), img.dim(3)} != grid)
      throw ShapeMismatch(path, "dataset 'image' has shape " + img.shape().str() +
                                    ", but the k-space grid is " + grid.str());
    require_finite_samples(img, path, "dataset 'image'");
    in.reference = rss_first_axis(img);
    in.metadata["reference"] = "dataset 'image' (magnitude)";
  }
  in.slices.push_back(std::move(k));
  return in;
}

bool is_tweed_mri(const io::H5Reader& r) {
  if (!r.has_dataset("kspace")) return false;
  const io::Attributes a = r.info("kspace").attributes;
  const auto it = a.find("tweed_layout");
  if (it == a.end()) return false;
  const auto* s = std::get_if<std::string>(&it->second);
  return s && *s == kTweedLayout;
}

}  // namespace

MriInput load_mri_input(const std::string& path, const LoadOptions& options) {
  const io::Format f = io::detect_format(path);  // IoError when nothing is there
  MriInput in;
  if (f == io::Format::cfl) {
    in = load_bart(path);
  } else if (f == io::Format::hdf5) {
    bool tweed = false;
    std::vector<std::string> names;
    {
      io::H5Reader r(path);
      tweed = is_tweed_mri(r);
      if (tweed)
        in = load_tweed(path, r);
      else
        names = r.dataset_names();
    }
    if (!tweed) {
      if (io::is_fastmri(path)) {
        in = load_fastmri(path);
      } else if (io::is_ismrmrd(path, options.dataset)) {
        in = load_ismrmrd(path, options);
      } else {
        std::string have;
        for (std::size_t i = 0; i < names.size() && i < 12; ++i) have += (i ? ", " : "") + names[i];
        throw IoError(path, "an HDF5 file, but not an MRI input: expected ISMRMRD (/" +
                                options.dataset +
                                "/data), fastMRI (kspace and ismrmrd_header) or Tweed (kspace with "
                                "attribute tweed_layout = \"mri-kspace\"); it has: " +
                                (have.empty() ? "no datasets" : have));
      }
    }
  } else {
    throw IoError(path, std::string("a ") + io::format_name(f) +
                            " file is not MRI k-space; expected a BART .cfl/.hdr pair, ISMRMRD, "
                            "fastMRI or Tweed MRI HDF5");
  }
  for (std::size_t s = 0; s < in.slices.size(); ++s)
    require_finite_samples(in.slices[s], path, "k-space (slice " + std::to_string(s) + ")");
  describe(in);
  return in;
}

Array<float> load_mask(const std::string& path, const Grid& grid, int one_d_axis) {
  if (one_d_axis != 1 && one_d_axis != 2)
    throw InvalidInput("one_d_axis", "must be 1 (y) or 2 (x), got " + std::to_string(one_d_axis));
  Array<float> m = real_values(read_array_file(path, "mask", "mask"), path, "a mask");
  require_mask_values(m, path, "the mask");
  // Drop leading singleton axes, then match the grid from the right (broadcasting extents of 1).
  std::vector<index_t> dims = m.shape().to_vector();
  while (dims.size() > 1 && dims.front() == 1) dims.erase(dims.begin());
  const std::vector<index_t> g{grid.nz, grid.ny, grid.nx};
  const auto wrong = [&]() {
    return InvalidInput(path, "a mask of shape " + m.shape().str() +
                                  " does not fit the k-space grid " + grid.str() +
                                  " (z x y x x): expected [Z, Y, X], [Y, X] or a 1-D " +
                                  (one_d_axis == 1 ? "[Y] = [" + std::to_string(grid.ny)
                                                   : "[X] = [" + std::to_string(grid.nx)) +
                                  "], extents of 1 broadcast");
  };
  std::vector<index_t> full(3, 1);
  if (dims.size() == 1) {
    full[static_cast<std::size_t>(one_d_axis)] = dims[0];
  } else if (dims.size() <= 3) {
    std::copy(dims.begin(), dims.end(), full.end() - static_cast<std::ptrdiff_t>(dims.size()));
  } else {
    throw wrong();
  }
  for (std::size_t a = 0; a < 3; ++a)
    if (full[a] != g[a] && full[a] != 1) throw wrong();
  if (dims.size() == 1 &&
      full[static_cast<std::size_t>(one_d_axis)] != g[static_cast<std::size_t>(one_d_axis)])
    throw wrong();
  // Broadcast to [Z, Y, X].
  Array<float> out(grid.shape(), uninitialized);
  for (index_t z = 0; z < grid.nz; ++z)
    for (index_t y = 0; y < grid.ny; ++y)
      for (index_t x = 0; x < grid.nx; ++x) {
        const index_t sz = full[0] == 1 ? 0 : z, sy = full[1] == 1 ? 0 : y,
                      sx = full[2] == 1 ? 0 : x;
        out(z, y, x) = m[(sz * full[1] + sy) * full[2] + sx];
      }
  return out;
}

Array<cfloat> load_maps(const std::string& path, const Grid& grid, index_t coils,
                        const std::string& kspace_name) {
  const io::Format f = io::detect_format(path);
  Array<cfloat> maps;
  if (f == io::Format::cfl) {
    const std::string name = io::cfl_base_name(path);
    maps = from_bart(io::read_cfl(name), io::read_cfl_dims(name), BartRole::maps, name);
  } else if (f == io::Format::hdf5) {
    maps = io::to_array<cfloat>(read_hdf5_single(path, "maps", "coil maps"), path);
    if (maps.rank() == 4) maps.reshape(maps.shape().prepend(1));
    if (maps.rank() != 5)
      throw ShapeMismatch(path, "coil maps of shape " + maps.shape().str() +
                                    "; expected [maps, coils, z, y, x] or [coils, z, y, x]");
  } else {
    throw IoError(path, std::string("coil maps must be a BART .cfl/.hdr pair or HDF5, not ") +
                            io::format_name(f));
  }
  require_finite_samples(maps, path, "the coil maps");
  const Grid mg = maps_grid(maps);
  if (mg != grid || maps.dim(1) != coils)
    throw ShapeMismatch(path, "coil maps " + maps.shape().str() + " (grid " + mg.str() + ", " +
                                  std::to_string(maps.dim(1)) +
                                  " coils) do not match the k-space " + kspace_name + " (grid " +
                                  grid.str() + ", " + std::to_string(coils) + " coils)");
  return maps;
}

Array<float> load_reference(const std::string& path) {
  const io::Format f = io::detect_format(path);
  Array<float> ref;
  if (f == io::Format::hdf5 && io::is_ismrmrd(path)) {
    const std::vector<std::string> groups = io::ismrmrd_image_groups(path);
    if (groups.empty()) throw IoError(path, "an ISMRMRD file without image groups to compare with");
    const bool phantom = std::find(groups.begin(), groups.end(), "phantom") != groups.end();
    const Array<cfloat> img = io::read_ismrmrd_images(path, phantom ? "phantom" : groups.front());
    ref = magnitude(img);
    if (ref.dim(0) == 1) ref.reshape(ref.shape().drop_front());
  } else if (f == io::Format::hdf5 && io::is_fastmri(path)) {
    io::H5Reader r(path);
    if (!r.has_dataset("reconstruction_rss"))
      throw IoError(path, "a fastMRI file without 'reconstruction_rss' (test files have none)");
    ref = r.read<float>("reconstruction_rss");
  } else if (f == io::Format::hdf5) {
    io::AnyArray a = read_hdf5_single(path, "image", "reference image");
    const Array<cfloat> c = io::to_array<cfloat>(std::move(a), path);
    ref = (c.rank() == 4) ? rss_first_axis(c) : magnitude(c);
  } else if (f == io::Format::cfl) {
    const std::string name = io::cfl_base_name(path);
    ref = rss_first_axis(
        from_bart(io::read_cfl(name), io::read_cfl_dims(name), BartRole::image, name));
  } else {
    io::AnyArray a = read_array_file(path, "image", "reference image");
    ref = std::visit([](const auto& x) { return convert<float>(magnitude(x)); }, a);
  }
  // [Z, Y, X] or [S, Z, Y, X]: 2-D images get Z = 1, extra leading singletons go.
  std::vector<index_t> dims = ref.shape().to_vector();
  while (dims.size() > 3 && dims.front() == 1) dims.erase(dims.begin());
  if (dims.size() == 2) dims.insert(dims.begin(), 1);
  if (dims.size() < 2 || dims.size() > 4)
    throw ShapeMismatch(path, "a reference image of shape " + ref.shape().str() +
                                  " is not [Z, Y, X] or [slices, Z, Y, X]");
  ref.reshape(Shape(dims));
  require_finite_samples(ref, path, "the reference image");
  return ref;
}

}  // namespace tweed::mri
