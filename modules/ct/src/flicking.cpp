#include "tweed/ct/flicking.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "tweed/core/parallel.hpp"

namespace tweed::ct {

namespace {

constexpr double kPi = std::numbers::pi;

float max_abs(const Array<float>& x) {
  float m = 0;
  for (float v : x) m = std::max(m, std::abs(v));
  return m;
}

// Rows [first, first + count) of a sinogram [views, detectors].
Array<float> view_rows(const Array<float>& s, index_t first, index_t count) {
  const index_t n = s.dim(1);
  Array<float> out(Shape{count, n}, uninitialized);
  std::memcpy(out.data(), s.data() + first * n,
              static_cast<std::size_t>(count * n) * sizeof(float));
  return out;
}

void scale_in_place(Array<float>& x, float k) {
  float* p = x.data();
  parallel_for(0, x.size(), [&](index_t i) { p[i] *= k; });
}

void check(const Array<float>& sino, const Geometry& g, const FlickingOptions& o) {
  if (sino.shape() != g.sinogram_shape())
    throw ShapeMismatch("flicking", "sinogram has shape " + sino.shape().str() + ", expected " +
                                        g.sinogram_shape().str());
  if (o.pairs < 1) throw InvalidInput("flick pairs", "must be at least 1");
  if (o.inference_flicks < 1 || o.inference_flicks > o.pairs)
    throw InvalidInput("inference flicks",
                       "must be in [1, pairs = " + std::to_string(o.pairs) + "]");
  if (!g.full_scan())
    throw InvalidInput("flicking", "needs a full 2 pi scan (conjugate rays), the range is " +
                                       std::to_string(g.angular_range) + " rad");
}

// Trains on the pairs (a_i, b_i) [K, H, W] and returns the mean of g over the 2Q inference
// inputs s_i +- alpha d_i, s_i = (a_i + b_i) / 2, d_i = (a_i - b_i) / 2, i < Q (alpha = 1: a_i and
// b_i themselves), divided by the scale k the pairs were multiplied by.
Array<float> mean_denoised(const Array<float>& a, const Array<float>& b, const FlickingOptions& o,
                           float k) {
  const index_t q = o.inference_flicks, plane = a.size() / a.dim(0);
  const auto alpha = static_cast<float>(o.train.alpha);
  Array<float> apply(a.shape().drop_front().prepend(2 * q), uninitialized);
  for (index_t i = 0; i < q; ++i) {
    const float* pa = a.data() + i * plane;
    const float* pb = b.data() + i * plane;
    float* plus = apply.data() + 2 * i * plane;
    float* minus = plus + plane;
    if (alpha == 1.0f) {  // bit for bit the pair itself
      std::memcpy(plus, pa, sizeof(float) * plane);
      std::memcpy(minus, pb, sizeof(float) * plane);
      continue;
    }
    parallel_for(0, plane, [&](index_t p) {
      const float s = 0.5f * (pa[p] + pb[p]), d = 0.5f * (pa[p] - pb[p]);
      plus[p] = s + alpha * d;
      minus[p] = s - alpha * d;
    });
  }
  const Array<float> den = learned::train_pairs_and_apply(a, b, apply, o.train);
  Array<float> out(a.shape().drop_front(), uninitialized);
  const float w = 1.0f / (k * static_cast<float>(2 * q));
  parallel_for(0, plane, [&](index_t p) {
    double acc = 0;
    for (index_t i = 0; i < 2 * q; ++i) acc += den[i * plane + p];
    out[p] = static_cast<float>(acc) * w;
  });
  return out;
}

}  // namespace

FlickDomain parse_flick_domain(const std::string& name) {
  if (name == "image") return FlickDomain::image;
  if (name == "sinogram") return FlickDomain::sinogram;
  throw InvalidInput("flick domain", "unknown domain '" + name + "' (expected image or sinogram)");
}

std::string to_string(FlickDomain d) {
  return d == FlickDomain::image ? "image" : "sinogram";
}

HalfScanPairs half_scan_pairs(const Array<float>& sino, const Geometry& g, int pairs,
                              const FlickOptions& flick, Filter filter) {
  if (!has_exact_conjugates(g))
    throw Unsupported("flicking",
                      "the image variant needs a parallel-beam full scan with an even "
                      "number of views and exact conjugates (use the sinogram variant)");
  const index_t half = g.views / 2;
  Geometry first = g, second = g;
  first.views = second.views = half;
  first.angular_range = second.angular_range = kPi;
  second.start_angle = g.start_angle + kPi;
  const Shape img = g.image_shape();
  HalfScanPairs out{Array<float>(img.prepend(pairs)), Array<float>(img.prepend(pairs))};
  const Array<float> mirror = conjugate_mirror(sino, g);
  const FbpOptions fo{filter, 1.0};
  for (int k = 0; k < pairs; ++k) {
    const FlickPair p = flick_pair(sino, mirror, g, static_cast<std::uint64_t>(k), flick);
    const Array<float> a = fbp(view_rows(p.a, 0, half), first, fo);
    const Array<float> b = fbp(view_rows(p.a, half, half), second, fo);
    std::memcpy(out.a.data() + k * img.size(), a.data(), a.bytes());
    std::memcpy(out.b.data() + k * img.size(), b.data(), b.bytes());
  }
  return out;
}

Array<float> flicking_reconstruct(const Array<float>& sino, const Geometry& g,
                                  const FlickingOptions& o) {
  check(sino, g, o);
  const FlickOptions flick{o.swap_probability, o.train.seed};
  if (o.domain == FlickDomain::image) {
    HalfScanPairs pairs = half_scan_pairs(sino, g, o.pairs, flick, o.filter);
    const float peak = max_abs(fbp(sino, g, {o.filter, 1.0}));
    const float k = peak > 0 ? 1.0f / peak : 1.0f;
    scale_in_place(pairs.a, k);
    scale_in_place(pairs.b, k);
    return mean_denoised(pairs.a, pairs.b, o, k);
  }
  // Sinogram domain: the flicked sinograms and their mirrors, then one FBP of the mean.
  const Array<float> mirror = conjugate_mirror(sino, g);
  const float peak = max_abs(sino);
  const float k = peak > 0 ? 1.0f / peak : 1.0f;
  const Shape ss = g.sinogram_shape();
  const index_t plane = ss.size();
  Array<float> a(ss.prepend(o.pairs)), b(ss.prepend(o.pairs));
  for (int i = 0; i < o.pairs; ++i) {
    const FlickPair p = flick_pair(sino, mirror, g, static_cast<std::uint64_t>(i), flick);
    for (index_t t = 0; t < plane; ++t) {
      a[i * plane + t] = p.a[t] * k;
      b[i * plane + t] = p.b[t] * k;
    }
  }
  return fbp(mean_denoised(a, b, o, k), g, {o.filter, 1.0});
}

}  // namespace tweed::ct
