// Zero-shot (single-scan) learned denoisers on libtorch (CPU), for the CT flicking method and the
// ZS-N2N baseline (research/ct.md §1-2). libtorch lives in the plugin libtweed_learned_torch.so,
// loaded on the first call that trains (tweed::plugin_symbol, ARCHITECTURE.md §7): commands that
// never train a network never pay its ~0.45 s start-up; a call refused by the argument checks
// below does not load it either. The library and the plugin talk through a C interface
// (src/torch_abi.hpp): plain buffers in, plain buffers out, errors as status + message.
//
// Images are 2-D float32 [H, W] (stacks [N, H, W]), row-major; the values are used as given
// (callers normalise: the networks work best on values of order 1). The arrays are only read;
// results are new arrays. Determinism: every random choice (initial weights, which pairs, crops,
// flips) comes from tweed's counter RNG seeded by `seed`; torch runs with deterministic
// algorithms and `threads` threads (one by default; fewer than asked for steps too small to gain
// from more: one per 2^25 multiply-adds of a forward pass). Same seed, sizes and `threads` =>
// byte-identical output, whatever tweed's own thread count. Another thread count sums the
// convolutions' gradients in another order, so the result differs by rounding that Adam's steps
// amplify slowly (pair trainer on a 64x64 image: ~2e-7 after 30 steps, ~5e-3 after 200, against
// data of order 1).
//
// Cost (2 cores, batch 4; tests/bench/bench_learned.cpp measures it): a pair-trainer step is one
// forward and backward pass over 2*batch crops, ~6 * 9 * width^2 * (depth - 2) flops per pixel
// of each (3.3e5 at the defaults, depth 8 of width 32; 2.5e5 at width 48, depth 4); on whole
// 256x256 images that is ~170 GFLOP, several seconds a step, which is why the pair trainer
// trains on random crops (`patch`, 64 by default: 16x cheaper). The held-out check (`holdout`)
// adds 40 forward passes over 4 whole images per run. Memory of a step: roughly
// 16 * batch * width * depth bytes per crop pixel (35 MB at the defaults).
//
// Torch's deterministic mode is process-wide and its thread count is set by each call; calls from
// several threads at once have not been tested.
//
// Errors: ShapeMismatch for inconsistent shapes, InvalidInput for empty or non-finite data and
// options out of range (the subject names the option, e.g. "TrainOptions.width"), Unsupported
// when the plugin cannot be found or is stale, tweed::Error "libtorch failed: ..." when torch
// itself fails (e.g. out of memory). An exception thrown by on_step reaches the caller unchanged.
#pragma once

#include <cstdint>
#include <functional>

#include "tweed/core/array.hpp"

namespace tweed::learned {

struct TrainOptions {
  int iterations = 2000;  ///< optimiser steps, >= 1
  /// Channels of the hidden convolutions, 1..1024; 0: the trainer's default, 32 for the pair
  /// denoiser (measured, docs/ct.md), 48 for ZS-N2N (the authors' notebook).
  int width = 0;
  int depth = 8;                ///< pair denoiser: 3x3 convolution layers, 2..64
  double learning_rate = 1e-3;  ///< Adam's; schedule per trainer (below)
  int batch = 4;                ///< pair denoiser: pairs per step, 1..4096
  /// Pair denoiser: each step trains on random patch x patch crops (the same window of both
  /// images of a pair); 0, or a value >= the image size, trains on whole images.
  int patch = 64;
  /// Pair denoiser: each pair gets one of the 8 flips/90° turns of the square (4 flips for
  /// non-square crops), the same for both images. Pixel-wise noise is unchanged by them, and on a
  /// single 64x64 pair they lower the MSE reached in 300 steps by ~20 %.
  bool augment = true;
  /// Pair denoiser: recorruption factor in (0, 1] (Pang et al., "Recorrupted-to-Recorrupted",
  /// CVPR 2021). With s = (a + b) / 2 and d = (a - b) / 2 of a pair, the network is fitted
  ///   g(s + alpha d) -> s - d / alpha   and   g(s - alpha d) -> s + d / alpha.
  /// When a and b have independent noise of the same Gaussian law (variance v per pixel), the
  /// noise of s and d is independent (variance v / 2 each), so input and target noise stay
  /// independent for every alpha (a valid Noise2Noise pair), while the input's noise variance is
  /// (1 + alpha^2) v / 2: alpha = 1 is the plain pair a -> b (variance v), smaller alphas train
  /// the network at the lower noise of the pair's mean s - at the price of noisier targets
  /// (variance (1 + 1 / alpha^2) v / 2), hence noisier gradients. Unused by ZS-N2N.
  double alpha = 0.5;
  /// Pair denoiser: fraction of 8x8 pixel blocks held out (chosen at random from `seed`) in
  /// [0, 1). No loss is taken on them; instead their loss, with the first two pairs as they
  /// would be trained on, is measured 40 times over the run and the weights that scored best
  /// are the ones applied. This guards against over-training: when all pairs share the same
  /// noise (as flicked pairs share their mean), long training starts to fit that noise, which
  /// the held-out pixels do not reward. 0: nothing held out, the last weights are applied.
  double holdout = 0.125;
  /// Pair denoiser: the network applied (and checked on the held-out pixels) is the exponential
  /// moving average of the weights over the steps, w <- average w + (1 - average) w_step, which
  /// smooths out the last steps' gradient noise; 0: the weights of the last step as they are.
  /// 0.99 (a horizon of about 100 steps) gained 0.09 and 0.12 dB, and SSIM, on the clinical
  /// slice of docs/ct.md at two noise seeds; 0.998 lost 0.3 dB.
  double average = 0.99;
  std::uint64_t seed = 0;
  /// Threads torch trains and infers with. 1 (the default) makes the result independent of
  /// tweed's --threads, byte for byte: another thread count sums the convolutions' gradients in
  /// another order, and over thousands of Adam steps that rounding grows into a different
  /// network (on the flicking defaults, 0.2 dB apart between 1 and 2 threads). Batches of slices
  /// scale better across jobs (`tweed batch`) than one small network across threads anyway.
  /// 0 = tweed::num_threads(): faster on many cores, reproducible only at that thread count.
  int threads = 1;
  /// Called after each step with (steps done, 1-based; that step's loss); return false to stop
  /// early - the network as trained so far is then applied (with `holdout`, the best of its
  /// checkpoints so far, the current weights included). Used for progress and cancelling.
  std::function<bool(int, double)> on_step;
};

/// Trains a residual CNN on noisy pairs (a_i, b_i) [N, H, W] (or one pair [H, W]) whose noise is
/// independent and whose clean content is the same, then returns g applied to every image of
/// `apply_to` [Q, H, W] or [H, W] (same H, W; the result has apply_to's shape).
///
/// Network: g(x) = x - f(x), f = `depth` 3x3 convolutions 1 -> width -> ... -> width -> 1 (zero
/// padding, bias) with LeakyReLU(0.2) between them. Loss per step, over `batch` random pairs
/// (with replacement) cropped and flipped as the options say (symmetric Noise2Noise):
///   L = 1/2 (mean (g(a') - a'')^2 + mean (g(b') - b'')^2),
/// a' = s + alpha d, a'' = s - d / alpha, b' = s - alpha d, b'' = s + d / alpha (s, d: the mean and
/// half-difference of the pair, see TrainOptions::alpha; alpha = 1: a' = a, a'' = b), the means
/// taken over the pixels not held out (TrainOptions::holdout; with blocks held out, the weights
/// applied are those of the checkpoint that did best on them).
/// Adam (PyTorch's defaults, beta = (0.9, 0.999), eps 1e-8), learning rate halved at 50 % and
/// again at 75 % of the iterations. Weights start as PyTorch's default for Conv2d,
/// U(+-1/sqrt(fan_in)). Each image of apply_to is processed on its own, so its output does not
/// depend on the other images.
Array<float> train_pairs_and_apply(const Array<float>& a, const Array<float>& b,
                                   const Array<float>& apply_to, const TrainOptions& options);

/// ZS-N2N (Mansour & Heckel, CVPR 2023) on one noisy image y [H, W] (H, W even), as in the
/// authors' notebook: the fixed 2x2 diagonal downsamplers D1 = [[0, 1/2], [1/2, 0]] and
/// D2 = [[1/2, 0], [0, 1/2]] (stride 2), the network f = Conv3x3(1->width) - LeakyReLU(0.2) -
/// Conv3x3(width->width) - LeakyReLU(0.2) - Conv1x1(width->1), g(x) = x - f(x), and the loss
///   L = 1/2 (mean (g(D1 y) - D2 y)^2 + mean (g(D2 y) - D1 y)^2)               (residual)
///     + 1/2 (mean (g(D1 y) - D1 g(y))^2 + mean (g(D2 y) - D2 g(y))^2)         (consistency)
/// over the whole image every step, Adam. Returns g(y), not clamped (the notebook clamps to
/// [0, 1] because its images are). Options: iterations (notebook: 3000), learning_rate
/// (notebook: 1e-3), halved every ceil(iterations / 3) steps (the notebook's StepLR: every 1000
/// of 3000), width (0, the default, means the notebook's 48); depth, batch, patch, augment,
/// alpha and holdout are unused.
Array<float> zs_n2n(const Array<float>& noisy, const TrainOptions& options);

}  // namespace tweed::learned
