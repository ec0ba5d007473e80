#include "conv_net.hpp"

#include <c10/core/InferenceMode.h>
#include <torch/nn/functional/activation.h>

#include <cmath>
#include <string>

#include "tweed/core/rng.hpp"

namespace tweed::learned::torch_impl {
namespace {

// Stream of the counter RNG used for initial weights (batch picks and augmentation use others).
constexpr std::uint32_t kInitStream = 0x1417;

}  // namespace

ConvNetImpl::ConvNetImpl(int width, const std::vector<int>& kernels) : width_(width) {
  const int n = static_cast<int>(kernels.size());
  for (int i = 0; i < n; ++i) {
    const int in = i == 0 ? 1 : width;
    const int out = i == n - 1 ? 1 : width;
    const int k = kernels[static_cast<std::size_t>(i)];
    layers_.push_back(register_module(
        "conv" + std::to_string(i),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).padding(k / 2).bias(true))));
  }
}

torch::Tensor ConvNetImpl::forward(torch::Tensor x) {
  const std::size_t n = layers_.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    // In place: autograd derives LeakyReLU's gradient from its output (slope > 0), so the
    // convolution's output need not be kept - half the activation memory of a training step.
    x = layers_[i]->forward(x);
    torch::leaky_relu_(x, 0.2);
  }
  return layers_[n - 1]->forward(x);
}

void ConvNetImpl::initialise(std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const CounterRng rng(seed, kInitStream + static_cast<std::uint32_t>(i));
    torch::Tensor& weight = layers_[i]->weight;
    torch::Tensor& bias = layers_[i]->bias;
    const double bound = 1.0 / std::sqrt(static_cast<double>(weight[0].numel()));  // 1/sqrt(fan_in)
    std::uint64_t draw = 0;
    for (torch::Tensor* t : {&weight, &bias}) {
      float* p = t->data_ptr<float>();
      for (std::int64_t j = 0; j < t->numel(); ++j)
        p[j] = static_cast<float>(bound * (2.0 * rng.uniform(draw++) - 1.0));
    }
  }
}

ConvNet make_residual_net(int width, int depth) {
  return ConvNet(width, std::vector<int>(static_cast<std::size_t>(depth), 3));
}

void denoise_into(ConvNet& net, const float* x, std::int64_t q, std::int64_t h, std::int64_t w,
                  float* out) {
  c10::InferenceMode inference;  // no autograd records, no version counters
  const std::int64_t plane = h * w;
  for (std::int64_t i = 0; i < q; ++i) {
    // One image at a time: oneDNN picks its blocking by batch size, so batching would make an
    // image's output depend (in the last bits) on how many others came with it. from_blob: views
    // of the caller's buffers, no copies; the input is only read.
    const torch::Tensor in =
        torch::from_blob(const_cast<float*>(x + i * plane), {1, 1, h, w}, torch::kFloat32);
    torch::Tensor dst = torch::from_blob(out + i * plane, {1, 1, h, w}, torch::kFloat32);
    torch::sub_out(dst, in, net->forward(in));
  }
}

ConvNet make_zs_n2n_net(int width) {
  return ConvNet(width, std::vector<int>{3, 3, 1});
}

}  // namespace tweed::learned::torch_impl
