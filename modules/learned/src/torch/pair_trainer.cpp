// Symmetric Noise2Noise on given pairs. Each step takes `batch` random pairs (a_i, b_i), the same
// random window (crop) of both images and the same random flip / turn of both, puts
// [a_1..a_B, b_1..b_B] through the network as one batch of 2B images, and fits g(x) = x - f(x) of
// each image to its partner:
//   L = 1/2 (mean (g(a) - b)^2 + mean (g(b) - a)^2),
// or, with a recorruption factor alpha < 1, g(s +- alpha d) to s -+ d / alpha (s, d the mean and
// half-difference of the crops; zero_shot.hpp, TrainOptions::alpha).
// Adam; the learning rate is halved at 50 % and again at 75 % of the iterations.
#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "block_cache.hpp"
#include "conv_net.hpp"
#include "session.hpp"
#include "trainers.hpp"
#include "tweed/core/rng.hpp"

namespace tweed::learned::torch_impl {
namespace {

// Streams of the counter RNG (weights use their own, see conv_net.cpp).
constexpr std::uint32_t kPickStream = 0x9a17;
constexpr std::uint32_t kAugmentStream = 0xa096;
constexpr std::uint32_t kCropStream = 0xc409;
constexpr std::uint32_t kHoldoutStream = 0x401d;

// Held-out blocks are kBlock x kBlock pixels; the loss of their pixels is checked this many times
// over a run (and once more at its end) to pick the weights to keep.
constexpr std::int64_t kBlock = 8;
constexpr int kChecks = 40;
// Pairs the held-out loss is measured on (both signs each): the first ones, at most this many.
constexpr std::int64_t kCheckPairs = 2;

// 1 for the pixels trained on, 0 for those held out: each kBlock x kBlock block (edge blocks may
// be smaller) is held out with probability `fraction`. Empty when nothing is held out, or when
// the draw leaves no pixel on one side.
std::vector<float> holdout_mask(std::int64_t h, std::int64_t w, double fraction,
                                std::uint64_t seed) {
  if (!(fraction > 0)) return {};
  const CounterRng rng(seed, kHoldoutStream);
  const std::int64_t bw = (w + kBlock - 1) / kBlock;
  std::vector<float> mask(static_cast<std::size_t>(h * w), 1.0f);
  std::int64_t held = 0;
  for (std::int64_t y = 0; y < h; ++y)
    for (std::int64_t x = 0; x < w; ++x) {
      const auto block = static_cast<std::uint64_t>((y / kBlock) * bw + x / kBlock);
      if (rng.uniform(block) < fraction) {
        mask[static_cast<std::size_t>(y * w + x)] = 0.0f;
        ++held;
      }
    }
  if (held == 0 || held == h * w) return {};
  return mask;
}

// dst [h, w] = T(the h x w window of an image whose rows are `stride` apart, starting at src), for
// one of the 8 symmetries of the square (only the 4 flips when h != w): bit 0 mirrors x, bit 1
// mirrors y, bit 2 transposes. Both images of a pair get the same window and T, so they stay a
// Noise2Noise pair; pixel-wise noise keeps its statistics under any T.
void copy_transformed(const float* src, std::int64_t stride, float* dst, std::int64_t h,
                      std::int64_t w, unsigned t) {
  if (t == 0) {
    for (std::int64_t y = 0; y < h; ++y)
      std::memcpy(dst + y * w, src + y * stride, static_cast<std::size_t>(w) * sizeof(float));
    return;
  }
  const bool mirror_x = t & 1u, mirror_y = t & 2u, transpose = t & 4u;
  for (std::int64_t y = 0; y < h; ++y) {
    for (std::int64_t x = 0; x < w; ++x) {
      std::int64_t sy = transpose ? x : y, sx = transpose ? y : x;
      if (mirror_y) sy = h - 1 - sy;
      if (mirror_x) sx = w - 1 - sx;
      dst[y * w + x] = src[sy * stride + sx];
    }
  }
}

}  // namespace

void train_pairs_and_apply(const float* a, const float* b, std::int64_t n, const float* apply_to,
                           std::int64_t q, std::int64_t h, std::int64_t w, float* out,
                           const TweedLearnedOptions& o) {
  if (n < 1 || q < 1 || h < 1 || w < 1) throw BadArgument("empty image stack");
  if (o.iterations < 1 || o.width < 1 || o.depth < 2 || o.batch < 1 || !(o.learning_rate > 0))
    throw BadArgument("options out of range (iterations, width, depth >= 2, batch, learning_rate)");
  const BlockCacheScope cache;  // first: outlives every tensor of the run

  // Each step trains on ph x pw windows (random crops) of the pairs, or on whole images.
  const std::int64_t ph = o.patch > 0 ? std::min<std::int64_t>(o.patch, h) : h;
  const std::int64_t pw = o.patch > 0 ? std::min<std::int64_t>(o.patch, w) : w;
  const std::int64_t batch = o.batch, plane = h * w, crop = ph * pw;
  const double width = o.width;
  const double macs = 2.0 * batch * crop * (9 * width * width * (o.depth - 2) + 18 * width);
  configure_torch(threads_for(o.threads, macs), o.seed);

  ConvNet net = make_residual_net(o.width, o.depth);
  net->initialise(o.seed);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(o.learning_rate));

  // Inputs and targets of a step live in two buffers allocated once; each step overwrites them.
  torch::Tensor inputs = torch::empty({2 * batch, 1, ph, pw}, torch::kFloat32);
  torch::Tensor targets = torch::empty({2 * batch, 1, ph, pw}, torch::kFloat32);
  // Held-out pixels: no loss is taken on them while training (weights 0 in the step's loss), and
  // the loss on them picks the weights kept (see zero_shot.hpp, TrainOptions::holdout).
  const std::vector<float> mask = holdout_mask(h, w, o.holdout, o.seed);
  const bool holding_out = !mask.empty();
  torch::Tensor weights;
  if (holding_out) weights = torch::empty({2 * batch, 1, ph, pw}, torch::kFloat32);
  const CounterRng pick(o.seed, kPickStream), augment(o.seed, kAugmentStream),
      place(o.seed, kCropStream);
  const unsigned symmetries = ph == pw ? 8u : 4u;
  const auto alpha = static_cast<float>(o.alpha > 0 ? o.alpha : 1.0);
  const bool recorrupt = alpha != 1.0f;

  // The held-out check: inputs s +- alpha d and targets s -+ d / alpha of the first pairs,
  // whole images, and the loss of g on the held-out pixels.
  const std::int64_t checked = holding_out ? std::min<std::int64_t>(n, kCheckPairs) : 0;
  std::vector<float> check_in(static_cast<std::size_t>(2 * checked * plane));
  std::vector<float> check_tg(check_in.size()), check_out(check_in.size());
  for (std::int64_t i = 0; i < checked; ++i)
    for (std::int64_t p = 0; p < plane; ++p) {
      const float va = a[i * plane + p], vb = b[i * plane + p];
      const float s = 0.5f * (va + vb), d = 0.5f * (va - vb);
      const auto k = static_cast<std::size_t>(2 * i * plane + p);
      check_in[k] = s + alpha * d;
      check_in[k + plane] = s - alpha * d;
      check_tg[k] = s - d / alpha;
      check_tg[k + plane] = s + d / alpha;
    }
  auto held_out_loss = [&] {
    denoise_into(net, check_in.data(), 2 * checked, h, w, check_out.data());
    double sum = 0;
    for (std::size_t k = 0; k < check_out.size(); ++k) {
      const double e = double(check_out[k]) - check_tg[k];
      sum += (1.0f - mask[k % static_cast<std::size_t>(plane)]) * e * e;
    }
    return sum;
  };
  // The moving average of the weights (TrainOptions::average), kept beside the trained ones; the
  // network holds it while it is checked or applied.
  const bool averaging = o.average > 0;
  std::vector<torch::Tensor> averaged;
  if (averaging) {
    torch::NoGradGuard no_grad;
    for (const torch::Tensor& t : net->parameters()) averaged.push_back(t.detach().clone());
  }
  auto swap_weights = [&] {
    torch::NoGradGuard no_grad;
    const std::vector<torch::Tensor> params = net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      torch::Tensor keep = params[i].detach().clone();
      params[i].copy_(averaged[i]);
      averaged[i] = keep;
    }
  };
  const int every = std::max(1, o.iterations / kChecks);
  double best_loss = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best;  // the weights with the lowest held-out loss so far
  auto check = [&] {
    if (averaging) swap_weights();  // the network now holds the average
    const double l = held_out_loss();
    if (l < best_loss) {
      best_loss = l;
      torch::NoGradGuard no_grad;
      best.clear();
      for (const torch::Tensor& t : net->parameters()) best.push_back(t.detach().clone());
    }
    if (averaging) swap_weights();  // back to the trained weights
  };

  for (int step = 0; step < o.iterations; ++step) {
    double lr = o.learning_rate;
    if (2 * step >= o.iterations) lr *= 0.5;
    if (4 * step >= 3 * o.iterations) lr *= 0.5;
    set_learning_rate(optimizer, lr);

    float* in = inputs.data_ptr<float>();
    float* tg = targets.data_ptr<float>();
    for (std::int64_t j = 0; j < batch; ++j) {
      const std::uint64_t counter = static_cast<std::uint64_t>(step) * batch + j;
      const auto i = static_cast<std::int64_t>(pick.below(static_cast<std::uint64_t>(n), counter));
      const unsigned t = o.augment ? static_cast<unsigned>(augment.below(symmetries, counter)) : 0u;
      const auto y0 = static_cast<std::int64_t>(
          place.below(static_cast<std::uint64_t>(h - ph + 1), 2 * counter));
      const auto x0 = static_cast<std::int64_t>(
          place.below(static_cast<std::uint64_t>(w - pw + 1), 2 * counter + 1));
      const std::int64_t origin = i * plane + y0 * w + x0;
      float* in_a = in + j * crop;
      float* in_b = in + (batch + j) * crop;
      copy_transformed(a + origin, w, in_a, ph, pw, t);
      copy_transformed(b + origin, w, in_b, ph, pw, t);
      if (holding_out) {
        float* wt = weights.data_ptr<float>();
        copy_transformed(mask.data() + y0 * w + x0, w, wt + j * crop, ph, pw, t);
        std::memcpy(wt + (batch + j) * crop, wt + j * crop, sizeof(float) * crop);
      }
      if (recorrupt) {
        // With s = (a + b) / 2 and d = (a - b) / 2: inputs s +- alpha d, targets s -+ d / alpha.
        for (std::int64_t p = 0; p < crop; ++p) {
          const float s = 0.5f * (in_a[p] + in_b[p]), d = 0.5f * (in_a[p] - in_b[p]);
          in_a[p] = s + alpha * d;
          in_b[p] = s - alpha * d;
          tg[j * crop + p] = s - d / alpha;
          tg[(batch + j) * crop + p] = s + d / alpha;
        }
      } else {
        std::memcpy(tg + j * crop, in_b, sizeof(float) * crop);
        std::memcpy(tg + (batch + j) * crop, in_a, sizeof(float) * crop);
      }
    }

    optimizer.zero_grad();
    torch::Tensor loss;
    if (holding_out) {
      // Mean over the trained pixels (a crop may hold none: then the step changes nothing).
      const torch::Tensor r = inputs - net->forward(inputs) - targets;
      loss = (r * r * weights).sum() / weights.sum().clamp_min(1.0);
    } else {
      loss = at::mse_loss(inputs - net->forward(inputs), targets);
    }
    loss.backward();
    optimizer.step();
    if (averaging) {
      // The decay ramps up to `average` over the first steps, (1 + t) / (10 + t) (as in
      // TensorFlow's ExponentialMovingAverage), so that short runs are not dominated by the
      // random initial weights.
      const double decay = std::min(o.average, (1.0 + step) / (10.0 + step));
      torch::NoGradGuard no_grad;
      const std::vector<torch::Tensor> params = net->parameters();
      for (std::size_t i = 0; i < params.size(); ++i)
        averaged[i].mul_(decay).add_(params[i].detach(), 1.0 - decay);
    }
    const bool go_on = report_step(o, step + 1, loss.item<double>());
    if (holding_out && (!go_on || (step + 1) % every == 0 || step + 1 == o.iterations)) check();
    if (!go_on) break;
  }
  if (best.empty() && averaging) swap_weights();  // nothing checked: apply the average
  if (!best.empty()) {
    torch::NoGradGuard no_grad;
    const std::vector<torch::Tensor> params = net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best[i]);
  }
  denoise_into(net, apply_to, q, h, w, out);
}

}  // namespace tweed::learned::torch_impl
