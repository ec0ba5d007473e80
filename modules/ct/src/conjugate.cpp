#include "tweed/ct/conjugate.hpp"

#include <cmath>
#include <numbers>

#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"

namespace tweed::ct {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr std::uint32_t kFlickStream = 2;

index_t slices_of(const Array<float>& sino, const Geometry& g, const char* what) {
  const Shape one = g.sinogram_shape();
  if (sino.shape() == one) return 1;
  if (sino.rank() == 3 && sino.shape().drop_front() == one) return sino.dim(0);
  throw ShapeMismatch(what, "sinogram has shape " + sino.shape().str() + ", the geometry needs " +
                                one.str() + " or a batch of those");
}

bool integral(double v) {
  return std::abs(v - std::round(v)) < 1e-9;
}

void require_full_scan(const Geometry& g, const char* what) {
  g.validate();
  if (!g.full_scan())
    throw Unsupported(what, "conjugate rays need a full 2 pi scan, the range is " +
                                std::to_string(g.angular_range) + " rad");
}

}  // namespace

bool has_exact_conjugates(const Geometry& g) {
  return g.beam == Beam::parallel && g.full_scan() && g.views % 2 == 0 &&
         integral(2 * g.detector_offset);
}

std::vector<index_t> conjugate_map(const Geometry& g) {
  require_full_scan(g, "conjugate_map");
  if (g.beam != Beam::parallel)
    throw Unsupported("conjugate_map",
                      "an exact map exists for parallel beam only (fan partners "
                      "fall between views: use conjugate_mirror)");
  if (g.views % 2 != 0)
    throw Unsupported("conjugate_map",
                      "needs an even number of views, got " + std::to_string(g.views));
  if (!integral(2 * g.detector_offset))
    throw Unsupported("conjugate_map", "the detector offset " + std::to_string(g.detector_offset) +
                                           " puts partners between bins (needs a multiple of 1/2)");
  const index_t m = g.views, n = g.detectors;
  const index_t k = 2 * (n / 2) - static_cast<index_t>(std::llround(2 * g.detector_offset));
  std::vector<index_t> map(static_cast<std::size_t>(m * n));
  for (index_t i = 0; i < m; ++i)
    for (index_t j = 0; j < n; ++j) {
      const index_t jp = ((k - j) % n + n) % n;
      map[static_cast<std::size_t>(i * n + j)] = ((i + m / 2) % m) * n + jp;
    }
  return map;
}

Array<float> conjugate_mirror(const Array<float>& sino, const Geometry& g) {
  require_full_scan(g, "conjugate_mirror");
  const index_t slices = slices_of(sino, g, "conjugate_mirror");
  const index_t m = g.views, n = g.detectors, per = m * n;
  Array<float> out(sino.shape(), uninitialized);
  if (g.beam == Beam::parallel) {
    const std::vector<index_t> map = conjugate_map(g);
    parallel_for(0, slices * per, [&](index_t q) {
      const index_t s = q / per, r = q % per;
      out[q] = sino[s * per + map[static_cast<std::size_t>(r)]];
    });
    return out;
  }
  // Fan: bilinear interpolation at (beta + pi + 2 gamma, -gamma), views wrapping around.
  const double centre = double(n / 2) - g.detector_offset;
  const double step = g.view_step();
  parallel_for(
      0, slices * m,
      [&](index_t q) {
        const index_t s = q / m, i = q % m;
        const float* src = sino.data() + s * per;
        for (index_t j = 0; j < n; ++j) {
          const double gamma = g.bin_position(j);
          const double tb = -gamma / g.detector_spacing + centre;
          float& dst = out[s * per + i * n + j];
          if (tb < -1e-9 || tb > double(n - 1) + 1e-9) {
            dst = src[i * n + j];  // the partner is off the detector: keep the ray
            continue;
          }
          double tv = (double(i) * step + kPi + 2 * gamma) / step;
          tv -= std::floor(tv / double(m)) * double(m);
          const double fv0 = std::floor(tv), fb0 = std::floor(tb);
          const double fv = tv - fv0, fb = tb - fb0;
          const index_t v0 = static_cast<index_t>(fv0) % m, v1 = (v0 + 1) % m;
          const index_t b0 = std::min(static_cast<index_t>(fb0), n - 1);
          const index_t b1 = std::min(b0 + 1, n - 1);
          const double val = (1 - fv) * ((1 - fb) * src[v0 * n + b0] + fb * src[v0 * n + b1]) +
                             fv * ((1 - fb) * src[v1 * n + b0] + fb * src[v1 * n + b1]);
          dst = static_cast<float>(val);
        }
      },
      1);
  return out;
}

FlickPair flick_pair(const Array<float>& sino, const Array<float>& mirror, const Geometry& g,
                     std::uint64_t flick, const FlickOptions& options) {
  require_full_scan(g, "flick");
  if (!(options.swap_probability >= 0 && options.swap_probability <= 1))
    throw InvalidInput("swap probability",
                       "must be in [0, 1], got " + std::to_string(options.swap_probability));
  const index_t slices = slices_of(sino, g, "flick");
  require_same_shape(sino.shape(), mirror.shape(), "flick mirror");
  const index_t per = g.views * g.detectors, total = slices * per;
  std::vector<index_t> map;
  if (g.beam == Beam::parallel) map = conjugate_map(g);
  const CounterRng rng(options.seed, kFlickStream);
  FlickPair out{Array<float>(sino.shape(), uninitialized),
                Array<float>(sino.shape(), uninitialized)};
  const auto base = flick * static_cast<std::uint64_t>(total);
  parallel_for(0, total, [&](index_t q) {
    index_t key = q;
    if (!map.empty()) {
      const index_t s = q / per, r = q % per;
      key = s * per + std::min(r, map[static_cast<std::size_t>(r)]);
    }
    const bool swap =
        rng.bernoulli(options.swap_probability, base + static_cast<std::uint64_t>(key));
    out.a[q] = swap ? mirror[q] : sino[q];
    out.b[q] = swap ? sino[q] : mirror[q];
  });
  return out;
}

}  // namespace tweed::ct
