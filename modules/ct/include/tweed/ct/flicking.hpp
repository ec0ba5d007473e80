// Zero-shot low-dose CT denoising by sinogram flicking (Shi & Wang 2025, arXiv:2504.07927), as
// implemented here; research/ct.md §1 lists what the paper leaves open, and each choice below
// says what we did.
//
// From one noisy full-scan sinogram S (conjugate.hpp for the pairs and the mirror M):
//   1. K flicked pairs (S_a^k, S_b^k), k = 0..K-1: every conjugate pair swapped with probability
//      swap_probability (1/2: each flick is one of 2^(MN/2) equally likely), S_b^k the mirror of
//      S_a^k. Their noise is independent ray by ray (a flick and its mirror), unlike two
//      independent flicks (noise correlation ~ 1/2), so each is an exact Noise2Noise pair.
//   2. A small residual CNN f (learned::train_pairs_and_apply: symmetric N2N loss, random crops,
//      Adam) is trained on the pairs of one of two domains:
//      - FlickDomain::image (default): the two 180-degree half-scan FBPs of S_a^k, over views
//        [0, pi) and [pi, 2 pi). (The second equals the first half-scan of S_b^k.) Every ray's
//        noise enters exactly one of the two images, so they are a Noise2Noise pair in the image
//        domain. A full 2 pi FBP would average each ray with its partner and erase the flick, so
//        its pairs would be nearly identical images. Parallel beam only, where a half-scan of
//        pi views is complete.
//      - FlickDomain::sinogram: the flicked sinograms themselves (what the paper's abstract
//        suggests); after inference the denoised sinogram is reconstructed by FBP. Works for fan
//        beam too (interpolated mirror, see conjugate.hpp).
//   3. Inference averages f over the first `inference_flicks` pairs, both members (image: the
//      2Q half-scan images; sinogram: the 2Q flicked sinograms, then one FBP). Measured on a
//      128^2 CT slice at I0 = 5e3 (2000 iterations): Q = 1, 4 or 16 all give 38.6 dB, f applied
//      to the full-scan FBP 38.55 dB; and a single fixed pair (the two half-scans, no swapping)
//      scored the same as 16 random flicks (38.52 vs 38.46 dB at 1000 iterations): the gain
//      comes from pairing conjugate rays, not from the randomness of the swaps.
// The FBPs use `filter` (ram-lak by default: the prototype lost 3-8 dB with Hann, because the
// network removes the noise the ramp lets through while a smooth window removes resolution).
// Values are scaled by 1 / max|FBP of S| (image) or 1 / max|S| (sinogram) for training and
// scaled back. Seeds: the flicks use FlickOptions{swap_probability, train.seed}; the network
// train.seed. Same seed and thread count => the same image, byte for byte.
#pragma once

#include "tweed/ct/conjugate.hpp"
#include "tweed/ct/fbp.hpp"
#include "tweed/ct/geometry.hpp"
#include "tweed/learned/zero_shot.hpp"

namespace tweed::ct {

enum class FlickDomain { image, sinogram };

/// "image" or "sinogram"; InvalidInput("flick domain", ...) otherwise.
FlickDomain parse_flick_domain(const std::string& name);
std::string to_string(FlickDomain domain);

struct FlickingOptions {
  FlickDomain domain = FlickDomain::image;
  int pairs = 16;            ///< K, flicked pairs to train on (>= 1)
  int inference_flicks = 4;  ///< Q <= K, pairs averaged at inference (>= 1)
  double swap_probability = 0.5;
  Filter filter = Filter::ram_lak;
  learned::TrainOptions train;  ///< network, optimiser, crops, seed, progress callback
};

/// The image-domain training pairs: A[k] and B[k] [K, rows, cols], the half-scan FBPs over
/// [0, pi) and [pi, 2 pi) of flick k (parallel full scans with exact conjugates only).
struct HalfScanPairs {
  Array<float> a;
  Array<float> b;
};
HalfScanPairs half_scan_pairs(const Array<float>& sinogram, const Geometry& geometry, int pairs,
                              const FlickOptions& flick, Filter filter = Filter::ram_lak);

/// Steps 1-3 for one sinogram [views, detectors]: the denoised image [rows, cols] in 1/mm.
Array<float> flicking_reconstruct(const Array<float>& sinogram, const Geometry& geometry,
                                  const FlickingOptions& options);

}  // namespace tweed::ct
