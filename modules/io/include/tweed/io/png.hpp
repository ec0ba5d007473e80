// PNG previews: one 2-D slice as an 8-bit grayscale PNG (libpng), written atomically.
//
// Layout: the slice's row 0 is the top row of the picture, column 0 the left; no flipping. A
// [z, y, x] volume's axial slice is volume.slice(z) (shape [y, x]).
// Values: complex data are shown as magnitude |x|. Gray level = round(255 * (v - lo) / (hi - lo)),
// clamped to 0..255. NaN maps to 0. When hi <= lo (a constant image) every pixel is 0.
// Window: the given lo/hi, or by default the 0.5 % and 99.5 % percentiles of the finite values
// (linear interpolation between order statistics, as NumPy's default percentile), so a few hot
// pixels do not wash out the picture.
// Limits: rank 2 (or higher with all leading extents 1); width and height 1..2^31-1.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>

#include "tweed/core/array.hpp"

namespace tweed::io {

struct PngWindow {
  std::optional<double> lo;  ///< black level; default: the lo_percentile of the values
  std::optional<double> hi;  ///< white level; default: the hi_percentile of the values
  double lo_percentile = 0.5;
  double hi_percentile = 99.5;
};

template <Element T>
void write_png(const std::string& path, View<const T> image, const PngWindow& window = {});

template <Element T>
void write_png(const std::string& path, const Array<T>& image, const PngWindow& window = {}) {
  write_png(path, image.view(), window);
}
/// Fixed window [lo, hi].
template <Element T>
void write_png(const std::string& path, const Array<T>& image, double lo, double hi) {
  PngWindow w;
  w.lo = lo;
  w.hi = hi;
  write_png(path, image.view(), w);
}

/// The p-th percentile (0..100) of the finite values, NumPy's "linear" definition; NaN when there
/// are none. `values` is reordered.
double percentile(std::span<double> values, double p);

}  // namespace tweed::io
