// Conjugate rays of a full (2 pi) scan and sinogram flicking (Shi & Wang 2025, research/ct.md §1).
//
// Two rays are conjugate when they are the same line measured from opposite sides: in the
// conventions of geometry.hpp, parallel (theta, s) ~ (theta + pi, -s) and fan
// (beta, gamma) ~ (beta + pi + 2 gamma, -gamma). They have the same line integral and, in a
// noisy scan, independent noise of the same variance.
//
// Parallel beam, full scan, even number of views M: the map is exact. Bin j sits at
// s_j = (j - floor(N/2) + o) * spacing, so -s_j is bin j' = 2 floor(N/2) - 2 o - j; this is a
// bin when 2 o is an integer (o = detector_offset). The partner of (i, j) is
//     ((i + M/2) mod M, j' mod N);
// with o = 0: N - j for even N (the (N - j) mod N: bin 0, at s = -N/2, has no partner on
// the detector and is paired with bin 0 of the opposite view, exact when the object does not reach
// the detector's edge), N - 1 - j for odd N (every bin paired). The map is an involution, so the
// M N rays fall into M N / 2 pairs (pairs with i' = i never occur).
//
// Fan beam: beta + pi + 2 gamma lands on a view only when 2 gamma_j is a multiple of the view
// step, so the mirror is INTERPOLATED, linearly between the two nearest views (and bins, unless
// 2 o is an integer; views wrap around the full turn). Effect on noise, documented choice: the
// mirror value of ray r mixes two or four rays, none of which is r itself (their fan angles have
// the opposite sign, or for gamma = 0 the view is half a turn away), so the noise of a ray and of
// its mirror stays independent ray by ray - what Noise2Noise needs - but the mirror's variance is
// lower (by (1-f)^2 + f^2 >= 1/2) and its noise is correlated along the view axis, and the
// interpolation slightly blurs it along the views. The alternative, rebinning to parallel beam,
// would interpolate (and correlate) both members of every pair.
//
// Flicking. With per-pair coin flips b (probability `swap_probability`), a flick swaps the values
// of the pairs whose coin came up:  S_a(r) = b(r) ? M(r) : S(r),  with M the mirror (M(r) = S of
// the partner) and b(r) = b(partner(r)) for parallel beam (coins are drawn per pair), per ray for
// fan beam. Its partner flick S_b(r) = b(r) ? S(r) : M(r) is the mirror of S_a (parallel: exactly
// S_a(partner(r))), so S_a and S_b have independent noise at every ray: an exact Noise2Noise pair.
// (Two independent flicks are not: they share the noise of every pair that both left alone or
// both swapped - half of them on average.) Coins come from CounterRng(seed, stream 2) indexed by
// (flick, ray): flick k of one seed is the same whatever else is drawn.
#pragma once

#include <cstdint>
#include <vector>

#include "tweed/core/array.hpp"
#include "tweed/ct/geometry.hpp"

namespace tweed::ct {

/// The flat index (i * N + j) of the conjugate of every ray of a parallel-beam full scan (see the
/// header). Unsupported for fan beam, a range other than 2 pi, odd M, or 2 o not an integer.
std::vector<index_t> conjugate_map(const Geometry& geometry);

/// True when conjugate_map() applies to the geometry.
bool has_exact_conjugates(const Geometry& geometry);

/// The mirror M(r) = S(conjugate of r) of a sinogram [views, detectors] (or a batch [slices,
/// views, detectors]): exact for parallel beam, interpolated for fan beam (full scans only;
/// Unsupported otherwise).
Array<float> conjugate_mirror(const Array<float>& sinogram, const Geometry& geometry);

struct FlickOptions {
  double swap_probability = 0.5;  ///< chance that a pair is swapped, in [0, 1]
  std::uint64_t seed = 0;
};

/// One flicked pair (S_a, S_b), flick number `flick` of the seed. `mirror` is
/// conjugate_mirror(sinogram, geometry), passed in so it is computed once for many flicks.
struct FlickPair {
  Array<float> a;
  Array<float> b;
};
FlickPair flick_pair(const Array<float>& sinogram, const Array<float>& mirror,
                     const Geometry& geometry, std::uint64_t flick, const FlickOptions& options);

}  // namespace tweed::ct
