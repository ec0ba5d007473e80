// Helpers shared by the CT tests: analytic discs, thread-count switching, byte comparison.
#pragma once

#include <cmath>
#include <cstring>
#include <functional>

#include "tweed/core/array.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/ct/geometry.hpp"

namespace tweed::ct::test {

/// A disc of attenuation `mu` (1/mm), radius `radius` mm, centred at (x0, y0) mm on the grid of
/// `g`, each pixel the covered fraction estimated with 8 x 8 sub-samples.
inline Array<float> disc_image(const Geometry& g, double x0, double y0, double radius, double mu) {
  Array<float> img(g.image_shape());
  const double cx = 0.5 * double(g.cols - 1), cy = 0.5 * double(g.rows - 1);
  constexpr int kSub = 8;
  for (index_t r = 0; r < g.rows; ++r)
    for (index_t c = 0; c < g.cols; ++c) {
      int inside = 0;
      for (int a = 0; a < kSub; ++a)
        for (int b = 0; b < kSub; ++b) {
          const double x = (double(c) - cx + (a + 0.5) / kSub - 0.5) * g.pixel_size;
          const double y = (cy - double(r) - (b + 0.5) / kSub + 0.5) * g.pixel_size;
          inside += (x - x0) * (x - x0) + (y - y0) * (y - y0) <= radius * radius;
        }
      img(r, c) = static_cast<float>(mu * inside / double(kSub * kSub));
    }
  return img;
}

/// Runs f with 1 thread, then with 2, restoring the default; returns both results.
template <class F>
auto with_threads_1_and_2(F&& f) {
  set_num_threads(1);
  auto one = f();
  set_num_threads(2);
  auto two = f();
  set_num_threads(0);
  return std::make_pair(std::move(one), std::move(two));
}

inline bool same_bytes(const Array<float>& a, const Array<float>& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

}  // namespace tweed::ct::test
