#include "tweed/ct/fbp.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "tweed/core/fft.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/ct/conjugate.hpp"

namespace tweed::ct {

namespace {

constexpr double kPi = std::numbers::pi;
// Image rows per backprojection task (fixed, so results do not depend on the thread count).
constexpr index_t kBackprojectRows = 8;

index_t padded_length(index_t n) {
  index_t p = 1;
  while (p < 2 * n) p *= 2;
  return std::max<index_t>(p, 2);
}

double window(Filter f, double w, double d) {
  if (w > kPi * d) return 0.0;
  switch (f) {
    case Filter::ram_lak:
      return 1.0;
    case Filter::shepp_logan: {
      const double a = w / (2 * d);
      return a == 0 ? 1.0 : std::sin(a) / a;
    }
    case Filter::cosine:
      return std::cos(w / (2 * d));
    case Filter::hamming:
      return 0.54 + 0.46 * std::cos(w / d);
    case Filter::hann:
      return 0.5 * (1 + std::cos(w / d));
  }
  return 1.0;
}

// Splits [slices, views, detectors] / [views, detectors] into (slices, per-slice shape).
index_t sinogram_slices(const Array<float>& sino, const Geometry& g, const char* what) {
  const Shape one = g.sinogram_shape();
  if (sino.shape() == one) return 1;
  if (sino.rank() == 3 && sino.shape().drop_front() == one) return sino.dim(0);
  throw ShapeMismatch(what, "sinogram has shape " + sino.shape().str() + ", the geometry needs " +
                                one.str() + " or [slices, " + std::to_string(g.views) + ", " +
                                std::to_string(g.detectors) + "]");
}

void check_geometry(const Geometry& g) {
  g.validate();
  if (g.angular_range > 2 * kPi * (1 + 1e-9))
    throw Unsupported("fbp", "angular ranges beyond 2 pi are not supported");
  const double needed = kPi + 2 * g.half_fan_angle();
  // A half-open range of pi (views at 0 .. pi - step) counts as pi.
  if (!g.full_scan() && g.angular_range < needed - 1e-9)
    throw InvalidInput("fbp", "angular range " + std::to_string(g.angular_range) +
                                  " rad is shorter than pi + fan angle = " +
                                  std::to_string(needed) + " rad: not enough data");
}

double parker(double b, double gamma, double delta) {
  if (b < 2 * (delta - gamma)) {
    const double a = 0.25 * kPi * b / (delta - gamma);
    return std::sin(a) * std::sin(a);
  }
  if (b < kPi - 2 * gamma) return 1.0;
  const double a = 0.25 * kPi * (kPi + 2 * delta - b) / (delta + gamma);
  return std::sin(a) * std::sin(a);
}

}  // namespace

std::string to_string(Filter f) {
  switch (f) {
    case Filter::ram_lak:
      return "ram-lak";
    case Filter::shepp_logan:
      return "shepp-logan";
    case Filter::cosine:
      return "cosine";
    case Filter::hamming:
      return "hamming";
    case Filter::hann:
      return "hann";
  }
  return "?";
}

Filter parse_filter(const std::string& name) {
  if (name == "ram-lak" || name == "ramp") return Filter::ram_lak;
  if (name == "shepp-logan") return Filter::shepp_logan;
  if (name == "cosine") return Filter::cosine;
  if (name == "hamming") return Filter::hamming;
  if (name == "hann") return Filter::hann;
  throw InvalidInput("filter", "unknown filter '" + name +
                                   "' (expected ram-lak, shepp-logan, cosine, hamming or hann)");
}

std::vector<double> filter_response(index_t padded, const FbpOptions& options, double fan_spacing) {
  if (padded < 2 || padded % 2 != 0)
    throw InvalidInput("filter", "padded length must be even and >= 2");
  if (!(options.cutoff > 0 && options.cutoff <= 1))
    throw InvalidInput("cutoff", "must be in (0, 1], got " + std::to_string(options.cutoff));
  // Spatial Ram-Lak kernel on the circle of `padded` samples (index n and padded - n are +-n).
  Array<double> h(Shape{padded});
  for (index_t k = 0; k < padded; ++k) {
    const index_t n = k <= padded / 2 ? k : k - padded;
    double v = 0;
    if (n == 0)
      v = 0.25;
    else if (n % 2 != 0)
      v = -1.0 / (kPi * kPi * double(n) * double(n));
    if (fan_spacing > 0 && n != 0) {
      const double a = double(n) * fan_spacing;
      // Only lags shorter than the detector are ever used; beyond pi sin() would vanish.
      v = std::abs(a) < 0.99 * kPi ? v * (a / std::sin(a)) * (a / std::sin(a)) : 0.0;
    }
    h[k] = v;
  }
  const Array<std::complex<double>> hf = fft::rfft(h, 1, fft::Norm::backward);
  std::vector<double> out(static_cast<std::size_t>(padded / 2 + 1));
  for (index_t k = 0; k <= padded / 2; ++k) {
    const double w = 2 * kPi * double(k) / double(padded);
    out[static_cast<std::size_t>(k)] = hf[k].real() * window(options.filter, w, options.cutoff);
  }
  return out;
}

Array<float> redundancy_weights(const Geometry& g) {
  check_geometry(g);
  Array<float> w(g.sinogram_shape());
  if (g.full_scan()) {
    std::fill(w.begin(), w.end(), 0.5f);
    return w;
  }
  const double delta = 0.5 * (g.angular_range - kPi);
  for (index_t i = 0; i < g.views; ++i) {
    const double b = g.view_angle(i) - g.start_angle;
    for (index_t j = 0; j < g.detectors; ++j) {
      const double gamma = g.beam == Beam::fan ? g.bin_position(j) : 0.0;
      w(i, j) = static_cast<float>(delta <= 0 ? 1.0 : parker(b, gamma, delta));
    }
  }
  return w;
}

Array<float> filter_sinogram(const Array<float>& sinogram, const Geometry& g,
                             const FbpOptions& options) {
  check_geometry(g);
  const index_t slices = sinogram_slices(sinogram, g, "fbp");
  const index_t m = g.views, n = g.detectors, p = padded_length(n);
  const bool fan = g.beam == Beam::fan;
  const std::vector<double> resp = filter_response(p, options, fan ? g.detector_spacing : 0.0);
  const Array<float> w = redundancy_weights(g);
  std::vector<float> pre(static_cast<std::size_t>(n), 1.0f);
  if (fan)
    for (index_t j = 0; j < n; ++j)
      pre[static_cast<std::size_t>(j)] =
          static_cast<float>(g.source_distance * std::cos(g.bin_position(j)));

  const index_t rows = slices * m;
  Array<float> padded(Shape{rows, p});
  const float* src = sinogram.data();
  parallel_for(
      0, rows,
      [&](index_t q) {
        const index_t i = q % m;
        float* dst = padded.data() + q * p;
        for (index_t j = 0; j < n; ++j)
          dst[j] = src[q * n + j] * w(i, j) * pre[static_cast<std::size_t>(j)];
      },
      16);
  Array<std::complex<float>> spec = fft::rfft(padded, 1, fft::Norm::backward);
  const index_t nf = p / 2 + 1;
  const double inv_spacing = 1.0 / g.detector_spacing;
  std::vector<float> gain(static_cast<std::size_t>(nf));
  for (index_t k = 0; k < nf; ++k)
    gain[static_cast<std::size_t>(k)] =
        static_cast<float>(resp[static_cast<std::size_t>(k)] * inv_spacing);
  parallel_for(
      0, rows,
      [&](index_t q) {
        std::complex<float>* s = spec.data() + q * nf;
        for (index_t k = 0; k < nf; ++k) s[k] *= gain[static_cast<std::size_t>(k)];
      },
      16);
  const Array<float> conv = fft::irfft(spec, p, 1, fft::Norm::backward);
  Array<float> out(sinogram.shape(), uninitialized);
  parallel_for(
      0, rows, [&](index_t q) { std::copy_n(conv.data() + q * p, n, out.data() + q * n); }, 16);
  return out;
}

namespace {

// The backprojection loop over `m` views of `g` (views may be fewer than g.views: see
// merge_conjugate_views) of `slices` filtered sinograms [slices, m, n] into `out`.
void backproject_views(const float* filtered, index_t slices, index_t m, const Geometry& g,
                       float* out) {
  const index_t n = g.detectors, rows = g.rows, cols = g.cols;
  const double cx = 0.5 * double(cols - 1), cy = 0.5 * double(rows - 1), ps = g.pixel_size;
  const double centre = double(n / 2) - g.detector_offset;
  const double inv_spacing = 1.0 / g.detector_spacing;
  std::vector<double> cs(static_cast<std::size_t>(m)), sn(static_cast<std::size_t>(m));
  for (index_t i = 0; i < m; ++i) {
    cs[static_cast<std::size_t>(i)] = std::cos(g.view_angle(i));
    sn[static_cast<std::size_t>(i)] = std::sin(g.view_angle(i));
  }
  const double dtheta = g.view_step();
  const bool fan = g.beam == Beam::fan;
  const double r_src = g.source_distance;
  // Tasks are fixed blocks of image rows; within a task the views are the outer loop (each
  // filtered projection is read once, sequentially) and every pixel sums its views in order.
  const index_t blocks = (rows + kBackprojectRows - 1) / kBackprojectRows;
  parallel_for(
      0, slices * blocks,
      [&](index_t q) {
        const index_t s = q / blocks, r0 = (q % blocks) * kBackprojectRows;
        const index_t r1 = std::min(rows, r0 + kBackprojectRows), h = r1 - r0;
        const float* sino = filtered + s * m * n;
        std::vector<float> acc(static_cast<std::size_t>(h * cols), 0.0f);
        // The view's filtered projection with one zero before and two after, so that a position
        // t clamped to [-1, n] interpolates without bound checks (zero off the detector).
        std::vector<float> pad(static_cast<std::size_t>(n + 3), 0.0f);
        const auto t_max = static_cast<float>(n);
        for (index_t i = 0; i < m; ++i) {
          const double ci = cs[static_cast<std::size_t>(i)], si = sn[static_cast<std::size_t>(i)];
          std::copy_n(sino + i * n, n, pad.begin() + 1);
          const float* pv = pad.data();
          for (index_t r = r0; r < r1; ++r) {
            const double y = (cy - double(r)) * ps;
            float* a = acc.data() + (r - r0) * cols;
            if (!fan) {
              // t(c) = t0 + c dt, linear along the row (float: 1e-7 relative of n bins).
              const auto dt = static_cast<float>(ps * ci * inv_spacing);
              const auto t0 = static_cast<float>(((-cx) * ps * ci + y * si) * inv_spacing + centre);
              for (index_t c = 0; c < cols; ++c) {
                const float t = std::min(std::max(t0 + float(c) * dt, -1.0f), t_max) + 1.0f;
                const auto j = static_cast<int>(t);
                const float f = t - float(j);
                a[c] += pv[j] + f * (pv[j + 1] - pv[j]);
              }
            } else {
              for (index_t c = 0; c < cols; ++c) {
                const double x = (double(c) - cx) * ps;
                const double along = x * ci + y * si;
                const double depth = r_src - (-x * si + y * ci);
                const double t =
                    std::clamp(std::atan2(along, depth) * inv_spacing + centre, -1.0, double(n)) +
                    1.0;
                const auto j = static_cast<index_t>(t);
                const double f = t - double(j);
                a[c] += static_cast<float>((pv[j] + f * (pv[j + 1] - pv[j])) /
                                           (along * along + depth * depth));
              }
            }
          }
        }
        float* dst = out + s * rows * cols + r0 * cols;
        for (index_t k = 0; k < h * cols; ++k)
          dst[k] = static_cast<float>(double(acc[static_cast<std::size_t>(k)]) * dtheta);
      },
      1);
}

// A parallel full scan with exact conjugates backprojects view i + M/2 at -s, which is view i's
// position mirrored about the partner bin: so the two views can be added first,
//   r_i(j) = q_i(j) + q_{i+M/2}(K - j)   (0 where K - j is off the detector; conjugate.hpp),
// and backprojected once - the same linear interpolation (the mirrored grid is the same grid),
// half the work.
Array<float> merge_conjugate_views(const Array<float>& q, index_t slices, const Geometry& g) {
  const index_t m = g.views, n = g.detectors, half = m / 2;
  const index_t k = 2 * (n / 2) - static_cast<index_t>(std::llround(2 * g.detector_offset));
  Array<float> out(Shape{slices, half, n}, uninitialized);
  parallel_for(
      0, slices * half,
      [&](index_t t) {
        const index_t s = t / half, i = t % half;
        const float* a = q.data() + (s * m + i) * n;
        const float* b = q.data() + (s * m + i + half) * n;
        float* o = out.data() + t * n;
        for (index_t j = 0; j < n; ++j) {
          const index_t jp = k - j;
          o[j] = a[j] + (jp >= 0 && jp < n ? b[jp] : 0.0f);
        }
      },
      16);
  return out;
}

}  // namespace

Array<float> backproject(const Array<float>& filtered, const Geometry& g) {
  g.validate();
  const index_t slices = sinogram_slices(filtered, g, "backproject");
  Shape out_shape =
      slices == 1 && filtered.rank() == 2 ? g.image_shape() : g.image_shape().prepend(slices);
  Array<float> out(out_shape, uninitialized);
  if (has_exact_conjugates(g)) {
    const Array<float> merged = merge_conjugate_views(filtered, slices, g);
    backproject_views(merged.data(), slices, g.views / 2, g, out.data());
  } else {
    backproject_views(filtered.data(), slices, g.views, g, out.data());
  }
  return out;
}

Array<float> fbp(const Array<float>& sinogram, const Geometry& geometry,
                 const FbpOptions& options) {
  return backproject(filter_sinogram(sinogram, geometry, options), geometry);
}

}  // namespace tweed::ct
