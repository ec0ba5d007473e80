// Symmetric Noise2Noise on given pairs. Each step takes `batch` random pairs (a_i, b_i), the same
// random window (crop) of both images and the same random flip / turn of both, puts
// [a_1..a_B, b_1..b_B] through the network as one batch of 2B images, and fits g(x) = x - f(x) of
// each image to its partner:
//   L = 1/2 (mean (g(a) - b)^2 + mean (g(b) - a)^2).
// Adam; the learning rate is halved at 50 % and again at 75 % of the iterations.
#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <cstring>

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
  const CounterRng pick(o.seed, kPickStream), augment(o.seed, kAugmentStream),
      place(o.seed, kCropStream);
  const unsigned symmetries = ph == pw ? 8u : 4u;

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
      std::memcpy(tg + j * crop, in_b, sizeof(float) * crop);
      std::memcpy(tg + (batch + j) * crop, in_a, sizeof(float) * crop);
    }

    optimizer.zero_grad();
    const torch::Tensor loss = at::mse_loss(inputs - net->forward(inputs), targets);
    loss.backward();
    optimizer.step();
    if (!report_step(o, step + 1, loss.item<double>())) break;
  }
  denoise_into(net, apply_to, q, h, w, out);
}

}  // namespace tweed::learned::torch_impl
