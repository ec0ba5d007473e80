// Output and comparison helpers of `tweed mri` (see mri_outputs.hpp).
#include "mri_outputs.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "tweed/core/error.hpp"
#include "tweed/core/metrics.hpp"
#include "tweed/io/cfl.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/itk_image.hpp"
#include "tweed/io/png.hpp"

namespace tweed::app {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Drops leading axes of extent 1 (keeps at least two axes for images).
Shape squeeze_leading(const Shape& s) {
  std::vector<index_t> d = s.to_vector();
  while (d.size() > 2 && d.front() == 1) d.erase(d.begin());
  return Shape(d);
}

}  // namespace

MriOutputKind mri_output_kind(const std::string& path) {
  if (ends_with(path, ".h5") || ends_with(path, ".hdf5")) return MriOutputKind::hdf5;
  if (ends_with(path, ".nii") || ends_with(path, ".nii.gz") || ends_with(path, ".mha") ||
      ends_with(path, ".nrrd"))
    return MriOutputKind::itk;
  if (ends_with(path, ".png")) return MriOutputKind::png;
  return MriOutputKind::bart;
}

Array<float> combined_magnitude(const Array<cfloat>& image) {
  const Shape& s = image.shape();
  if (s.rank() != 4 && s.rank() != 5)
    throw ShapeMismatch("image",
                        "expected [maps, z, y, x] or [slices, maps, z, y, x], got " + s.str());
  const bool batch = s.rank() == 5;
  const index_t slices = batch ? s[0] : 1, maps = batch ? s[1] : s[0];
  const index_t voxels = image.size() / (slices * maps);
  Shape out_shape = batch ? Shape{s[0], s[2], s[3], s[4]} : Shape{s[1], s[2], s[3]};
  Array<float> out(out_shape, uninitialized);
  for (index_t b = 0; b < slices; ++b)
    for (index_t v = 0; v < voxels; ++v) {
      double acc = 0;
      for (index_t m = 0; m < maps; ++m)
        acc += std::norm(image.data()[(b * maps + m) * voxels + v]);
      out.data()[b * voxels + v] = static_cast<float>(std::sqrt(acc));
    }
  return out;
}

std::vector<std::string> write_mri_image(const std::string& path, const Array<cfloat>& image,
                                         const Provenance& prov) {
  const Array<float> magnitude = combined_magnitude(image);
  switch (mri_output_kind(path)) {
    case MriOutputKind::hdf5: {
      io::H5Writer w(path);
      w.write(
          "image", image, {},
          {{"layout", std::string(image.rank() == 5 ? "slices, maps, z, y, x" : "maps, z, y, x")}});
      w.write("magnitude", magnitude, {},
              {{"layout", std::string(image.rank() == 5 ? "slices, z, y, x" : "z, y, x")}});
      w.set_provenance(prov);
      w.commit();
      return {path, prov.write_sidecar(path)};
    }
    case MriOutputKind::itk: {
      // [S, Z, Y, X] -> one volume of S*Z slices; ITK writes up to 4-D but a stack is what viewers
      // expect.
      Array<float> volume = magnitude;
      const Shape& m = magnitude.shape();
      if (m.rank() == 4) volume.reshape(Shape{m[0] * m[1], m[2], m[3]});
      volume.reshape(squeeze_leading(volume.shape()));
      io::write_image(path, volume);
      return {path, prov.write_sidecar(path)};
    }
    case MriOutputKind::png: {
      const Shape& m = magnitude.shape();
      const index_t plane = m[m.rank() - 2] * m[m.rank() - 1];
      const index_t planes = magnitude.size() / plane;
      Array<float> slice(Shape{m[m.rank() - 2], m[m.rank() - 1]}, uninitialized);
      std::copy_n(magnitude.data() + (planes / 2) * plane, plane, slice.data());
      io::write_png(path, slice);
      return {path};
    }
    case MriOutputKind::bart: {
      if (image.rank() == 5 && image.dim(0) > 1)
        throw Unsupported(path, "a BART .cfl output holds one slice; this input has " +
                                    std::to_string(image.dim(0)) + " (write .h5 or .nii instead)");
      const Shape& s = image.shape();
      Array<cfloat> bart = image;
      // [M, Z, Y, X] -> [M, 1, Z, Y, X]: BART dims [x, y, z, coil = 1, maps].
      const int o = s.rank() == 5 ? 1 : 0;
      bart.reshape(Shape{s[o], 1, s[o + 1], s[o + 2], s[o + 3]});
      const std::string base = io::cfl_base_name(path);
      io::write_cfl(base, bart);
      return {base + ".cfl", base + ".hdr", prov.write_sidecar(base + ".cfl")};
    }
  }
  return {};
}

Comparison compare_magnitudes(const Array<float>& ref_in, const Array<float>& x_in,
                              const std::string& ref_name) {
  Array<float> ref = ref_in, x = x_in;
  ref.reshape(squeeze_leading(ref.shape()));
  x.reshape(squeeze_leading(x.shape()));
  if (ref.shape() != x.shape())
    throw ShapeMismatch(ref_name, "the reference has shape " + ref.shape().str() +
                                      " but the reconstruction has " + x.shape().str());
  double rx = 0, xx = 0, rmax = 0, rmin = 0;
  for (index_t i = 0; i < ref.size(); ++i) {
    rx += double(ref.data()[i]) * x.data()[i];
    xx += double(x.data()[i]) * x.data()[i];
    rmax = std::max(rmax, double(ref.data()[i]));
    rmin = std::min(rmin, double(ref.data()[i]));
  }
  Comparison c;
  c.scale = xx > 0 ? rx / xx : 1.0;
  for (index_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(c.scale * x.data()[i]);
  c.nrmse = metrics::nrmse(ref, x);
  c.psnr = metrics::psnr(ref, x, rmax > 0 ? rmax : 1.0);
  c.ssim = metrics::ssim(ref, x, rmax - rmin > 0 ? rmax - rmin : 1.0);
  return c;
}

std::string comparison_line(const Comparison& c) {
  char line[128];
  std::snprintf(line, sizeof line, "NRMSE: %.4f  PSNR: %.2f dB  SSIM: %.4f", c.nrmse, c.psnr,
                c.ssim);
  return line;
}

}  // namespace tweed::app
