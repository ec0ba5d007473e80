#include "session.hpp"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>

namespace tweed::learned::torch_impl {

int threads_for(int requested, double macs) {
  constexpr double kMacsPerThread = 33554432.0;  // 2^25
  const double useful = std::max(1.0, std::floor(macs / kMacsPerThread));
  return static_cast<int>(std::min<double>(requested, useful));
}

void configure_torch(int threads, std::uint64_t seed) {
  if (threads < 1) throw BadArgument("threads must be >= 1");
  // A fixed thread count fixes how oneDNN and ATen split their reductions, which is what makes
  // two runs with the same seed byte-identical; different counts differ in rounding only.
  at::set_num_threads(threads);
  // Refuses (throws) any op without a deterministic implementation instead of warning.
  at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/false);
  torch::manual_seed(seed);
}

void set_learning_rate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

bool report_step(const TweedLearnedOptions& options, int step, double loss) {
  if (options.on_step == nullptr) return true;
  return options.on_step(options.on_step_context, step, loss) != 0;
}

}  // namespace tweed::learned::torch_impl
