// Low-resolution, RSS-normalised coil maps: the coil images of the (tapered) calibration block,
// divided by their root sum of squares. Cheap (one FFT per coil), and good wherever the coil
// profiles are smooth on the scale of the calibration resolution; unlike ESPIRiT they carry no
// support information (no crop), so the background keeps noise-driven maps of unit norm.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "coil_calibration.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/mri/coil_maps.hpp"

namespace tweed::mri {
namespace {

// Hann taper of a window of L points that stays non-zero on all of them: sin^2(pi (j+1)/(L+1)).
std::vector<float> taper(index_t len, bool hann) {
  std::vector<float> w(static_cast<std::size_t>(len), 1.0f);
  if (hann && len > 1)
    for (index_t j = 0; j < len; ++j) {
      const double s =
          std::sin(std::numbers::pi * static_cast<double>(j + 1) / static_cast<double>(len + 1));
      w[static_cast<std::size_t>(j)] = static_cast<float>(s * s);
    }
  return w;
}

}  // namespace

Array<cfloat> lowres_maps(const Array<cfloat>& kspace, const LowresOptions& options) {
  const Grid grid = kspace_grid(kspace);
  const index_t coils = kspace.dim(0);
  if (coils < 1 || grid.size() < 1)
    throw ShapeMismatch("k-space", "is empty: shape " + kspace.shape().str());
  if (options.calibration < 2)
    throw InvalidInput("low-resolution maps calibration",
                       "must be at least 2, got " + std::to_string(options.calibration));
  if (!(options.eps_fraction >= 0) || !std::isfinite(options.eps_fraction))
    throw InvalidInput("low-resolution maps eps_fraction",
                       "must be finite and >= 0, got " + std::to_string(options.eps_fraction));

  const detail::CalibrationRegion region =
      detail::find_calibration_region(kspace, options.calibration);
  const std::array<index_t, 3> n{grid.nz, grid.ny, grid.nx};
  for (int a = 0; a < 3; ++a)
    if (n[a] > 1 && region.size[a] < 2)
      throw InvalidInput("k-space", "no fully sampled centre found (largest centred block " +
                                        std::to_string(region.size[0]) + " x " +
                                        std::to_string(region.size[1]) + " x " +
                                        std::to_string(region.size[2]) +
                                        ", z x y x x); low-resolution maps need at least 2 "
                                        "points along every axis of extent > 1");
  const Array<cfloat> calib = detail::extract_region(kspace, region);
  for (const cfloat v : calib.span())
    if (!std::isfinite(v.real()) || !std::isfinite(v.imag()))
      throw InvalidInput("k-space", "the calibration region holds a NaN or Inf");

  // Windowed calibration block, zero elsewhere, then the coil images.
  const auto& sz = region.size;
  const auto& st = region.start;
  const std::vector<float> wz = taper(sz[0], options.hann), wy = taper(sz[1], options.hann),
                           wx = taper(sz[2], options.hann);
  Array<cfloat> img(Shape{1, coils, grid.nz, grid.ny, grid.nx});
  const index_t npix = grid.size();
  for (index_t c = 0; c < coils; ++c)
    for (index_t z = 0; z < sz[0]; ++z)
      for (index_t y = 0; y < sz[1]; ++y) {
        const float w = wz[static_cast<std::size_t>(z)] * wy[static_cast<std::size_t>(y)];
        const cfloat* src = calib.data() + ((c * sz[0] + z) * sz[1] + y) * sz[2];
        cfloat* dst = img.data() + c * npix + ((st[0] + z) * grid.ny + st[1] + y) * grid.nx + st[2];
        for (index_t x = 0; x < sz[2]; ++x) dst[x] = src[x] * (w * wx[static_cast<std::size_t>(x)]);
      }
  std::vector<int> axes;
  for (int a = 0; a < 3; ++a)
    if (n[a] > 1) axes.push_back(a + 2);
  fft::transform(img.data(), img.shape(), axes, fft::Direction::inverse, fft::Norm::ortho, true);

  // RSS normalisation with eps = (eps_fraction * max RSS)^2 against division by ~0.
  std::vector<float> rss2(static_cast<std::size_t>(npix));
  parallel_for(0, npix, [&](index_t p) {
    float s = 0;
    for (index_t c = 0; c < coils; ++c) s += std::norm(img.data()[c * npix + p]);
    rss2[static_cast<std::size_t>(p)] = s;
  });
  const float max_rss2 = *std::max_element(rss2.begin(), rss2.end());
  if (!(max_rss2 > 0)) throw InvalidInput("k-space", "the calibration region holds no signal");
  const double eps = options.eps_fraction * options.eps_fraction * static_cast<double>(max_rss2);
  const std::vector<cdouble> u = detail::principal_coil_direction(calib);
  parallel_for(0, npix, [&](index_t p) {
    const double den = static_cast<double>(rss2[static_cast<std::size_t>(p)]) + eps;
    const float inv = den > 0 ? static_cast<float>(1.0 / std::sqrt(den)) : 0.0f;
    cfloat* s = img.data() + p;
    for (index_t c = 0; c < coils; ++c) s[c * npix] *= inv;
    detail::align_phase(s, coils, npix, u);
  });
  return img;
}

}  // namespace tweed::mri
