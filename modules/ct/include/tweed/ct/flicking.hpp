// Zero-shot low-dose CT denoising by sinogram flicking (Shi & Wang 2025, arXiv:2504.07927), as
// implemented here; research/ct.md §1 lists what the paper leaves open, and each choice below
// says what we did.
//
// From one noisy full-scan sinogram S (conjugate.hpp for the pairs and the mirror M):
//   1. K flicked pairs (S_a^k, S_b^k), k = 0..K-1: every conjugate pair swapped with probability
//      swap_probability (1/2: each flick is one of 2^(MN/2) equally likely), S_b^k the mirror of
//      S_a^k. Their noise is independent ray by ray (a flick and its mirror), unlike two
//      independent flicks (noise correlation ~ 1/2), so each is an exact Noise2Noise pair.
//   2. A residual CNN g(x) = x - f(x) (learned::train_pairs_and_apply: 8 layers of 3x3
//      convolutions, 32 channels, random 64^2 crops, Adam) is trained on the pairs of one of two
//      domains:
//      - FlickDomain::image (default): the two 180-degree half-scan FBPs of S_a^k, over views
//        [0, pi) and [pi, 2 pi). (The second equals the first half-scan of S_b^k.) Every ray's
//        noise enters exactly one of the two images, so they are a Noise2Noise pair in the image
//        domain. A full 2 pi FBP would average each ray with its partner and erase the flick, so
//        its pairs would be nearly identical images. Parallel beam only, where a half-scan of
//        pi views is complete.
//      - FlickDomain::sinogram: the flicked sinograms themselves (what the paper's abstract
//        suggests); after inference the denoised sinogram is reconstructed by FBP. Works for fan
//        beam too (interpolated mirror, see conjugate.hpp).
//      Noise level (our choice, the paper is silent): a member of a pair carries each ray once,
//      so its noise variance is twice that of the mean s = (a + b) / 2 (the full-scan FBP, or
//      the conjugate-averaged sinogram) that we want denoised. The pairs are therefore
//      recorrupted (train.alpha, default 1/2; Pang et al. 2021): g is fitted from s +- alpha d to
//      s -+ d / alpha, d = (a - b) / 2, whose noises are still independent (s and d have
//      independent noise of equal variance) while the input's noise variance is (1 + alpha^2)/2
//      of a member's: 5/8 at alpha = 1/2, close to that of s. Measured on a 128^2 CT slice at
//      I0 = 5e3, 1000 steps: 38.45 dB with the plain pairs (alpha = 1, 4 layers of 48
//      channels), 38.77 with alpha = 1/2, 38.91 with alpha = 1/2 and 8 layers of 32 channels
//      (receptive field 17 pixels instead of 9, 1.3x the multiply-adds).
//      Over-training: every pair shares the same s (there are only two measurements of each
//      line), so a network that memorised s's noise would fit the targets better than the clean
//      image does, and long training drifts that way: on the slice above, without a guard,
//      38.91 dB after 1000 steps, 38.43 after 1500 and 38.05 after 2000. The guard
//      (train.holdout, default 1/8): 8x8 blocks are held out of the loss, and of 40 checkpoints
//      the one whose loss on the held-out blocks is lowest is kept - a memorised noise pattern
//      does not help there. With it, 38.59 dB after 1000 steps and 38.85 after 2000 (default).
//   3. Inference averages g over the first `inference_flicks` pairs, both signs: the 2Q inputs
//      s +- alpha d_k (alpha = 1: the 2Q half-scan images or flicked sinograms themselves; for
//      the sinogram domain one FBP of the mean follows). Measured with plain pairs on the slice
//      above (2000 iterations): Q = 1, 4 or 16 all give 38.6 dB, g applied to the full-scan FBP
//      38.55 dB; and a single fixed pair (the two half-scans, no swapping) scored the same as 16
//      random flicks (38.52 vs 38.46 dB at 1000 iterations): the gain comes from pairing
//      conjugate rays, not from the randomness of the swaps.
// The FBPs use `filter` (ram-lak by default: the prototype lost 3-8 dB with Hann, because the
// network removes the noise the ramp lets through while a smooth window removes resolution).
// Values are scaled by 1 / max|FBP of S| (image) or 1 / max|S| (sinogram) for training and
// scaled back. Seeds: the flicks use FlickOptions{swap_probability, train.seed}; the network
// train.seed. Same seed and thread count => the same image, byte for byte. Another thread count
// rounds the network's training differently, and Adam amplifies that like a change of seed would:
// 38.85 dB with 1 thread, 39.03 with 2 on the slice above (2000 steps).
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
