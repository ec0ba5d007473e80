// Filtered backprojection for parallel and equi-angular fan beams (Kak & Slaney, "Principles of
// Computerized Tomographic Imaging", ch. 3), with the redundancy of full and short scans.
//
// Steps, for a sinogram p [views, detectors] (or a batch [slices, views, detectors]) in the
// conventions of geometry.hpp:
//  1. Weighting. p'(i, j) = w(i, j) p(i, j), times R cos(gamma_j) for the fan (K&S eq. 3.61's
//     pre-weighting). w are the redundancy weights of redundancy_weights(): 1/2 everywhere for a
//     full 2 pi scan (each line is measured twice), Parker weights for a short scan.
//  2. Filtering along the detector, by zero-padded FFT convolution (padding to the smallest power
//     of two >= 2 N, so the circular convolution equals the linear one). The ramp is the FFT of
//     the spatially sampled Ram-Lak kernel (K&S eq. 3.29: h[0] = 1/4, h[n odd] = -1/(pi n)^2,
//     h[n even] = 0), not a sampled |w|, which avoids the DC offset of the latter. For the fan
//     the kernel is multiplied by (n a / sin(n a))^2, a = angular spacing (K&S eq. 3.64). The
//     response is then multiplied by a window of the normalised frequency w in [0, pi]
//     (w = pi at Nyquist) and cut-off d in (0, 1] (ASTRA's definitions): Shepp-Logan
//     sin(w/2d)/(w/2d), cosine cos(w/2d), Hamming 0.54 + 0.46 cos(w/d), Hann (1 + cos(w/d))/2,
//     all zero for w > pi d. The result is divided by the spacing (mm or radians).
//  3. Backprojection, pixel-driven with linear interpolation along the detector (not the
//     projector's adjoint: its Joseph footprint would blur FBP images):
//       parallel  f(x, y) = dtheta * sum_i q_i(x cos theta_i + y sin theta_i),
//       fan       f(x, y) = dbeta  * sum_i q_i(gamma'(x, y)) / L(x, y)^2,
//     L the distance from the source to the pixel, gamma' the fan angle of the ray through it.
//     For a parallel full scan with exact conjugates (conjugate.hpp) view i + M/2 is first added,
//     mirrored, to view i - the same interpolation on the same grid - which halves the work.
//     fbp() adds them before step 2 when the mirror maps the detector onto itself (odd N and
//     offset 0, or even N and offset 1/2): the mirror commutes with the even filter kernel, so
//     the result is the same up to rounding, with half the FFTs.
//     Accumulation is in float (~1e-6 relative); the parallel-beam loop runs 8 pixels at a time
//     with AVX2 or AVX-512VL where the CPU has them, with the scalar loop's arithmetic (same bits).
// The image is in 1/mm when the sinogram holds line integrals and the geometry is in mm.
//
// Redundancy (redundancy_weights): a full scan (range 2 pi) gives 1/2. A short scan needs a
// range >= pi + 2 gamma_max (gamma_max = 0 for parallel beam; a range of exactly pi gives weight
// 1 everywhere); with delta = (range - pi)/2 and b = beta - start_angle, our conjugate relation
// (beta, gamma) ~ (beta + pi + 2 gamma, -gamma) gives Parker's weights (Parker 1982, generalised
// to overscan by Silver 2000)
//   sin^2(pi/4 * b / (delta - gamma))                     for 0 <= b < 2 (delta - gamma),
//   1                                                     up to b < pi - 2 gamma,
//   sin^2(pi/4 * (pi + 2 delta - b) / (delta + gamma))    for pi - 2 gamma <= b < pi + 2 delta,
// which add to 1 over every pair of conjugate rays. Shorter ranges are InvalidInput, ranges
// beyond 2 pi Unsupported.
//
// Threads: the FFT is tweed::fft (deterministic batches); the backprojection is parallel over
// pixel rows and gathers, so the image is byte-identical for any thread count.
#pragma once

#include <string>
#include <vector>

#include "tweed/core/array.hpp"
#include "tweed/ct/geometry.hpp"

namespace tweed::ct {

enum class Filter { ram_lak, shepp_logan, cosine, hamming, hann };

/// "ram-lak", "shepp-logan", "cosine", "hamming", "hann".
std::string to_string(Filter filter);
/// The names above (also "ramp" for ram-lak); InvalidInput("filter", ...) otherwise.
Filter parse_filter(const std::string& name);

struct FbpOptions {
  Filter filter = Filter::ram_lak;
  /// Frequency cut-off as a fraction of Nyquist, in (0, 1].
  double cutoff = 1.0;
};

/// The filter's frequency response for a zero-padded length `padded` (even): padded/2 + 1 values
/// for the normalised frequencies w_k = 2 pi k / padded, without the 1/spacing factor.
/// `fan_spacing` > 0 gives the fan-beam kernel for that angular spacing (radians); 0 parallel.
std::vector<double> filter_response(index_t padded, const FbpOptions& options,
                                    double fan_spacing = 0.0);

/// Redundancy weights [views, detectors] (see the header comment).
Array<float> redundancy_weights(const Geometry& geometry);

/// Steps 1 and 2: the weighted, filtered sinogram, same shape as `sinogram`.
Array<float> filter_sinogram(const Array<float>& sinogram, const Geometry& geometry,
                             const FbpOptions& options = {});

/// Step 3 alone: backprojects an already filtered sinogram ([views, detectors] or a batch).
Array<float> backproject(const Array<float>& filtered, const Geometry& geometry);

/// Filtered backprojection: [views, detectors] -> [rows, cols], or a batch
/// [slices, views, detectors] -> [slices, rows, cols].
Array<float> fbp(const Array<float>& sinogram, const Geometry& geometry,
                 const FbpOptions& options = {});

}  // namespace tweed::ct
