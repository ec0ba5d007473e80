// Simulated multi-coil Cartesian k-space: birdcage coil maps and y = P (F(S x) + n).
#include <cmath>
#include <numbers>
#include <string>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/mri/simulate.hpp"

namespace tweed::mri {
namespace {

// RNG stream of the k-space noise ("MRIn"), so that a seed shared with other simulated parts
// (masks, phantoms) draws independent numbers.
constexpr std::uint32_t kNoiseStream = 0x4d52496e;

// Smallest coil-to-pixel distance used (FOV units): keeps 1/r finite if a coil sits on a pixel.
constexpr double kMinDistance = 1e-3;

double axis_coord(index_t j, index_t n) {
  return (static_cast<double>(j) - static_cast<double>(n / 2)) / (0.5 * static_cast<double>(n));
}

}  // namespace

Array<cfloat> birdcage_maps(index_t coils, const Grid& grid, double radius) {
  if (coils < 1)
    throw InvalidInput("birdcage coils", "must be at least 1, got " + std::to_string(coils));
  if (grid.nz < 1 || grid.ny < 1 || grid.nx < 1)
    throw InvalidInput("birdcage maps", "grid must have positive extents, got " + grid.str());
  if (!(radius > 0) || !std::isfinite(radius))
    throw InvalidInput("birdcage radius", "must be finite and > 0, got " + std::to_string(radius));
  const index_t npix = grid.size();
  Array<cfloat> maps(Shape{1, coils, grid.nz, grid.ny, grid.nx}, uninitialized);
  parallel_for(
      0, grid.nz * grid.ny,
      [&](index_t row) {
        const index_t k = row / grid.ny, i = row % grid.ny;
        // One ring of coils in the plane z = 0; a 3-D grid sees them fall off along z too.
        const double z = grid.nz == 1 ? 0.0 : axis_coord(k, grid.nz);
        const double y = axis_coord(i, grid.ny);
        for (index_t j = 0; j < grid.nx; ++j) {
          const double x = axis_coord(j, grid.nx);
          double rss = 0;
          for (index_t c = 0; c < coils; ++c) {
            // SigPy's birdcage_maps: coil c at angle 2 pi c / C, phase -2 pi c / C plus the
            // angle of the pixel seen from the coil.
            const double angle =
                2.0 * std::numbers::pi * static_cast<double>(c) / static_cast<double>(coils);
            const double dx = x - radius * std::cos(angle);
            const double dy = y - radius * std::sin(angle);
            const double r = std::max(kMinDistance, std::sqrt(dx * dx + dy * dy + z * z));
            const double phi = std::atan2(dx, -dy) - angle;
            const std::complex<double> s = std::polar(1.0 / r, phi);
            rss += std::norm(s);
            maps.data()[c * npix + row * grid.nx + j] = cfloat(s);
          }
          const float inv = static_cast<float>(1.0 / std::sqrt(rss));
          for (index_t c = 0; c < coils; ++c) maps.data()[c * npix + row * grid.nx + j] *= inv;
        }
      },
      1);
  return maps;
}

Array<cfloat> simulate_kspace(const Array<cfloat>& image, const Array<cfloat>& maps,
                              const Array<float>& mask, const SimulationOptions& options) {
  const Grid grid = maps_grid(maps);
  const index_t nmaps = maps.dim(0), coils = maps.dim(1);
  const index_t npix = grid.size();
  if (image.rank() == 3 ? !(image.shape() == grid.shape() && nmaps == 1)
                        : !(image.rank() == 4 && image.dim(0) == nmaps &&
                            image.shape().drop_front() == grid.shape()))
    throw ShapeMismatch("image", "shape " + image.shape().str() + " does not fit coil maps " +
                                     maps.shape().str() + " (expected [" + std::to_string(nmaps) +
                                     ", " + grid.str() + "]" +
                                     (nmaps == 1 ? " or [" + grid.str() + "]" : "") + ")");
  if (!mask.empty() && !(mask.shape() == grid.shape()))
    throw ShapeMismatch("mask",
                        "shape " + mask.shape().str() + " does not match the grid " + grid.str());
  for (index_t i = 0; i < mask.size(); ++i)
    if (!(mask.data()[i] >= 0) || !std::isfinite(mask.data()[i]))
      throw InvalidInput("mask", "values must be finite and >= 0; element " + std::to_string(i) +
                                     " is " + std::to_string(mask.data()[i]));
  if (!(options.noise_sigma >= 0) || !std::isfinite(options.noise_sigma))
    throw InvalidInput("noise sigma",
                       "must be finite and >= 0, got " + std::to_string(options.noise_sigma));

  // Coil images S x (summed over the sets of maps), then their centred unitary FFTs.
  Array<cfloat> ksp(Shape{coils, grid.nz, grid.ny, grid.nx});
  parallel_for(0, npix, [&](index_t p) {
    for (index_t c = 0; c < coils; ++c) {
      cfloat acc{};
      for (index_t m = 0; m < nmaps; ++m)
        acc += maps.data()[(m * coils + c) * npix + p] * image.data()[m * npix + p];
      ksp.data()[c * npix + p] = acc;
    }
  });
  std::vector<int> axes;
  if (grid.nz > 1) axes.push_back(1);
  if (grid.ny > 1) axes.push_back(2);
  if (grid.nx > 1) axes.push_back(3);
  if (!axes.empty())
    fft::transform(ksp.data(), ksp.shape(), axes, fft::Direction::forward, fft::Norm::ortho, true);

  // Noise and sampling: element i of [C, Z, Y, X] draws the pair (seed, stream, i), so the
  // result does not depend on the thread count; unsampled points stay exactly 0.
  const CounterRng rng(options.seed, kNoiseStream);
  const float sigma = static_cast<float>(options.noise_sigma);
  parallel_for(0, ksp.size(), [&](index_t i) {
    const float w = mask.empty() ? 1.0f : mask.data()[i % npix];
    cfloat& v = ksp.data()[i];
    if (w == 0.0f) {
      v = cfloat{};
      return;
    }
    if (sigma > 0) {
      const auto n = rng.normal_pair(static_cast<std::uint64_t>(i));
      v += cfloat(sigma * static_cast<float>(n[0]), sigma * static_cast<float>(n[1]));
    }
    v *= w;
  });
  return ksp;
}

}  // namespace tweed::mri
