// Analytic test images shared by the CT and MRI simulators and the demo.
#pragma once

#include "tweed/core/array.hpp"

namespace tweed::phantom {

/// The modified Shepp-Logan head phantom (Toft 1996; MATLAB's phantom('Modified Shepp-Logan')):
/// ten ellipses on [-1, 1]^2, background 0, skull 1, brain 0.2, features 0.1-0.4. Returns an
/// n x n float image, row 0 at the top (y = +1), column 0 at the left (x = -1). Each pixel is the
/// mean of `supersample`^2 point samples, which reduces aliasing at the edges.
Array<float> shepp_logan(index_t n, int supersample = 2);

}  // namespace tweed::phantom
