// The small fully convolutional networks of the zero-shot trainers. A network f predicts the noise
// of its input; the denoised image is x - f(x) (residual learning, DnCNN / ZS-N2N), so an
// untrained or weak f starts near the identity map instead of near zero.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

#include <cstdint>
#include <vector>

namespace tweed::learned::torch_impl {

/// A chain of 2-D convolutions (stride 1, zero "same" padding, bias) with LeakyReLU(0.2) between
/// them and none after the last one. Channels: 1 -> width -> ... -> width -> 1.
class ConvNetImpl : public torch::nn::Module {
 public:
  /// kernels[i] is the (odd) kernel size of layer i; there are kernels.size() layers (>= 2).
  ConvNetImpl(int width, const std::vector<int>& kernels);

  /// f(x): the noise estimate, x is [N, 1, H, W] float32.
  torch::Tensor forward(torch::Tensor x);

  /// Draws every weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's default for
  /// Conv2d) with tweed's counter RNG, so the start depends only on `seed`, never on torch's
  /// generator state or version.
  void initialise(std::uint64_t seed);

  int width() const { return width_; }

 private:
  int width_;
  std::vector<torch::nn::Conv2d> layers_;
};
TORCH_MODULE(ConvNet);

/// The pair denoiser: `depth` 3x3 layers of `width` channels.
ConvNet make_residual_net(int width, int depth);

/// The ZS-N2N network (Mansour & Heckel 2023, official notebook): 3x3 (1->width), 3x3
/// (width->width), 1x1 (width->1).
ConvNet make_zs_n2n_net(int width);

/// out = x - f(x) for the q images x [q, h, w] (float32; out may not alias x), one image at a
/// time under c10::InferenceMode.
void denoise_into(ConvNet& net, const float* x, std::int64_t q, std::int64_t h, std::int64_t w,
                  float* out);

}  // namespace tweed::learned::torch_impl
