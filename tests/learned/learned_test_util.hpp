// Synthetic data for the learned-denoiser tests: a piecewise-constant image (the kind of content a
// sinogram or a phantom has: flat regions and sharp edges) and independent Gaussian noise.
#pragma once

#include <cmath>
#include <cstdint>

#include "tweed/core/array.hpp"
#include "tweed/core/rng.hpp"

namespace tweed::learned::testing {

/// An n x n image in [0, 1]: background 0.2, two rectangles, a disc and a thin bar.
inline Array<float> piecewise_constant(index_t n) {
  Array<float> x(Shape{n, n}, 0.2f);
  for (index_t y = 0; y < n; ++y) {
    for (index_t c = 0; c < n; ++c) {
      const double u = (c + 0.5) / n, v = (y + 0.5) / n;
      float value = 0.2f;
      if (u > 0.1 && u < 0.45 && v > 0.15 && v < 0.6) value = 0.8f;
      if (u > 0.55 && u < 0.9 && v > 0.6 && v < 0.85) value = 0.5f;
      if (std::hypot(u - 0.7, v - 0.3) < 0.15) value = 1.0f;
      if (v > 0.75 && v < 0.8 && u > 0.1 && u < 0.45) value = 0.0f;
      x(y, c) = value;
    }
  }
  return x;
}

/// clean + N(0, sigma^2) noise; a different `stream` gives an independent realisation.
inline Array<float> add_noise(const Array<float>& clean, double sigma, std::uint32_t stream) {
  Array<float> noise(clean.shape());
  fill_normal(noise, CounterRng(2024, stream), 0.0, sigma);
  for (index_t i = 0; i < noise.size(); ++i) noise[i] += clean[i];
  return noise;
}

/// Mean squared difference.
inline double mse(const Array<float>& a, const Array<float>& b) {
  double s = 0;
  for (index_t i = 0; i < a.size(); ++i) s += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  return s / static_cast<double>(a.size());
}

}  // namespace tweed::learned::testing
