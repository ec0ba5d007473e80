// Analytic test images shared by the CT and MRI simulators and the demo.
#pragma once

#include <functional>

#include "tweed/core/array.hpp"

namespace tweed::phantom {

/// The modified Shepp-Logan head phantom (Toft 1996; MATLAB's phantom('Modified Shepp-Logan')):
/// ten ellipses on [-1, 1]^2, background 0, skull 1, brain 0.2, features 0.1-0.4. Returns an
/// n x n float image, row 0 at the top (y = +1), column 0 at the left (x = -1). Each pixel is the
/// mean of `supersample`^2 point samples, which reduces aliasing at the edges.
Array<float> shepp_logan(index_t n, int supersample = 2);

/// Samples a function of the plane on an n x n pixel grid covering [-half_extent, half_extent]^2:
/// row 0 at the top (y = +half_extent), column 0 at the left; each pixel is the mean of
/// `supersample`^2 point samples of value(x, y) at the centres of a regular sub-grid. Threaded over
/// rows; every pixel is computed alone, so the result does not depend on the thread count.
/// Requires n >= 1, supersample >= 1, half_extent > 0.
Array<float> rasterise(index_t n, int supersample, double half_extent,
                       const std::function<double(double x, double y)>& value);

}  // namespace tweed::phantom
