// ZS-N2N (Mansour & Heckel, "Zero-Shot Noise2Noise", CVPR 2023), as in the authors' notebook
// (research/ct.md §2). The image y is split by the two fixed diagonal 2x2 downsamplers
//   D1 = [[0, 1/2], [1/2, 0]],  D2 = [[1/2, 0], [0, 1/2]]   (stride 2, one mean per 2x2 block),
// whose outputs share the content and carry independent noise. With g(x) = x - f(x):
//   L_res  = 1/2 (mean (g(D1 y) - D2 y)^2 + mean (g(D2 y) - D1 y)^2)
//   L_cons = 1/2 (mean (g(D1 y) - D1 g(y))^2 + mean (g(D2 y) - D2 g(y))^2)
//   L = L_res + L_cons, Adam, the whole image every step.
// The notebook runs 3000 steps with the learning rate halved every 1000 (StepLR, gamma 1/2); we
// halve it every ceil(iterations / 3) steps, which is the same schedule at 3000 iterations. The
// notebook clamps the output to [0, 1] because its images are; we return g(y) unclamped, since
// our callers' values (CT sinograms, any normalisation) need not lie in [0, 1].
#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <cmath>

#include "block_cache.hpp"
#include "conv_net.hpp"
#include "session.hpp"
#include "trainers.hpp"

namespace tweed::learned::torch_impl {
namespace {

// [1, 1, H, W] -> [2, 1, H/2, W/2]: D1 y and D2 y stacked along the batch axis.
torch::Tensor downsample_pair(const torch::Tensor& y, const torch::Tensor& kernels) {
  return at::conv2d(y, kernels, /*bias=*/{}, /*stride=*/2).transpose(0, 1);
}

}  // namespace

void zs_n2n(const float* noisy, std::int64_t h, std::int64_t w, float* out,
            const TweedLearnedOptions& o) {
  if (h < 2 || w < 2 || h % 2 != 0 || w % 2 != 0)
    throw BadArgument("the 2x2 downsamplers need an even height and width");
  if (o.iterations < 1 || o.width < 1 || !(o.learning_rate > 0))
    throw BadArgument("options out of range (iterations, width, learning_rate)");
  const BlockCacheScope cache;  // first: outlives every tensor of the run
  // A step runs f on both half images and on the whole image: 2 * h * w pixels.
  const double width = o.width;
  configure_torch(threads_for(o.threads, 2.0 * h * w * (9 * width * width + 11 * width)), o.seed);

  ConvNet net = make_zs_n2n_net(o.width);
  net->initialise(o.seed);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(o.learning_rate));

  // The image is only read: a view of the caller's buffer.
  const torch::Tensor y =
      torch::from_blob(const_cast<float*>(noisy), {1, 1, h, w}, torch::kFloat32);
  // Output channel 0 is D1, channel 1 is D2.
  const torch::Tensor kernels =
      torch::tensor({0.0f, 0.5f, 0.5f, 0.0f, 0.5f, 0.0f, 0.0f, 0.5f}).reshape({2, 1, 2, 2});
  torch::Tensor halves, swapped;  // [D1 y; D2 y] and [D2 y; D1 y]: constants of the loss
  {
    torch::NoGradGuard no_grad;
    halves = downsample_pair(y, kernels).contiguous();
    swapped = halves.flip({0}).contiguous();
  }

  const int step_size = (o.iterations + 2) / 3;
  for (int step = 0; step < o.iterations; ++step) {
    set_learning_rate(optimizer, o.learning_rate * std::pow(0.5, step / step_size));
    optimizer.zero_grad();
    const torch::Tensor predicted = halves - net->forward(halves);  // [g(D1 y); g(D2 y)]
    // The mean over the stacked pair is 1/2 (mean over the first + mean over the second).
    const torch::Tensor loss_res = at::mse_loss(predicted, swapped);
    const torch::Tensor denoised_halves = downsample_pair(y - net->forward(y), kernels);
    const torch::Tensor loss_cons = at::mse_loss(predicted, denoised_halves);
    const torch::Tensor loss = loss_res + loss_cons;
    loss.backward();
    optimizer.step();
    if (!report_step(o, step + 1, loss.item<double>())) break;
  }
  denoise_into(net, noisy, 1, h, w, out);
}

}  // namespace tweed::learned::torch_impl
