// tweed::learned front end: checks the arguments, then calls the torch plugin through its C
// interface (torch_abi.hpp). Nothing here includes torch, so linking tweed::learned costs a
// program nothing until a trainer runs (ARCHITECTURE.md §7).
#include "tweed/learned/zero_shot.hpp"

#include <cmath>
#include <exception>
#include <string>

#include "torch_abi.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/plugin.hpp"

namespace tweed::learned {
namespace {

constexpr const char* kPairs = "learned::train_pairs_and_apply";
constexpr const char* kZsN2n = "learned::zs_n2n";
constexpr const char* kPluginFile = "lib" TWEED_LEARNED_PLUGIN ".so";

// Upper limits that catch unit mistakes (a size passed as a count) long before torch would try to
// allocate terabytes; they are far above anything a zero-shot denoiser uses.
constexpr int kMaxWidth = 1024;
constexpr int kMaxDepth = 64;
constexpr int kMaxBatch = 4096;

// The widths TrainOptions::width = 0 stands for: the pair denoiser's measured default (depth 8 of
// width 32 beat depth 4 of width 48 and depth 6 of width 48 on a CT slice, at less cost, see
// docs/ct.md) and the ZS-N2N notebook's.
constexpr int kPairWidth = 32;
constexpr int kZsN2nWidth = 48;

void require_range(const char* option, long long v, long long lo, long long hi) {
  if (v < lo || v > hi)
    throw InvalidInput(option, "must lie in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                   "], got " + std::to_string(v));
}

void check_options(const TrainOptions& o, bool uses_depth_and_batch) {
  require_range("TrainOptions.iterations", o.iterations, 1, 100'000'000);
  require_range("TrainOptions.width", o.width, 0, kMaxWidth);
  require_range("TrainOptions.threads", o.threads, 0, 4096);
  if (uses_depth_and_batch) {
    require_range("TrainOptions.depth", o.depth, 2, kMaxDepth);
    require_range("TrainOptions.batch", o.batch, 1, kMaxBatch);
    require_range("TrainOptions.patch", o.patch, 0, 1 << 20);
    if (!(o.alpha > 0 && o.alpha <= 1))
      throw InvalidInput("TrainOptions.alpha",
                         "must lie in (0, 1], got " + std::to_string(o.alpha));
    if (!(o.holdout >= 0 && o.holdout < 1))
      throw InvalidInput("TrainOptions.holdout",
                         "must lie in [0, 1), got " + std::to_string(o.holdout));
    if (!(o.average >= 0 && o.average < 1))
      throw InvalidInput("TrainOptions.average",
                         "must lie in [0, 1), got " + std::to_string(o.average));
  }
  if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
    throw InvalidInput("TrainOptions.learning_rate", "must be positive and finite");
}

// The plugin's entry points, resolved once (the first call loads libtorch).
struct Plugin {
  TweedLearnedTrainPairsFn train_pairs;
  TweedLearnedZsN2nFn zs_n2n;
};

const Plugin& plugin() {
  static const Plugin p = [] {
    auto abi = reinterpret_cast<TweedLearnedAbiFn>(
        plugin_symbol(TWEED_LEARNED_PLUGIN, TWEED_LEARNED_SYM_ABI));
    if (const int32_t v = abi(); v != TWEED_LEARNED_ABI)
      throw Unsupported(kPluginFile, "plugin interface version " + std::to_string(v) +
                                         ", this program needs " +
                                         std::to_string(TWEED_LEARNED_ABI) + " (stale build?)");
    return Plugin{reinterpret_cast<TweedLearnedTrainPairsFn>(
                      plugin_symbol(TWEED_LEARNED_PLUGIN, TWEED_LEARNED_SYM_TRAIN_PAIRS)),
                  reinterpret_cast<TweedLearnedZsN2nFn>(
                      plugin_symbol(TWEED_LEARNED_PLUGIN, TWEED_LEARNED_SYM_ZS_N2N))};
  }();
  return p;
}

// Carries the user's std::function through the C callback. An exception thrown by it is kept
// here (it must not unwind through torch's frames) and rethrown once the plugin has returned.
struct StepContext {
  const std::function<bool(int, double)>* on_step;
  std::exception_ptr error;
};

int32_t step_trampoline(void* context, int32_t step, double loss) {
  auto* ctx = static_cast<StepContext*>(context);
  try {
    return (*ctx->on_step)(step, loss) ? 1 : 0;
  } catch (...) {
    ctx->error = std::current_exception();
    return 0;
  }
}

TweedLearnedOptions to_c(const TrainOptions& o, int default_width, StepContext& ctx) {
  TweedLearnedOptions c{};
  c.iterations = o.iterations;
  c.width = o.width > 0 ? o.width : default_width;
  c.depth = o.depth;
  c.batch = o.batch;
  c.patch = o.patch;
  c.augment = o.augment ? 1 : 0;
  c.threads = o.threads > 0 ? o.threads : num_threads();
  c.learning_rate = o.learning_rate;
  c.alpha = o.alpha;
  c.holdout = o.holdout;
  c.average = o.average;
  c.seed = o.seed;
  if (o.on_step) {
    c.on_step = step_trampoline;
    c.on_step_context = &ctx;
  }
  return c;
}

// Maps a plugin status to a typed error; rethrows an exception of the user's callback first.
void finish(int32_t status, const char* subject, const char* message, const StepContext& ctx) {
  if (ctx.error) std::rethrow_exception(ctx.error);
  switch (status) {
    case kTweedLearnedOk:
      return;
    case kTweedLearnedInvalidInput:
      throw InvalidInput(subject, message);
    default:
      throw Error(subject, std::string("libtorch failed: ") + message);
  }
}

// [H, W] -> (1, H, W); [N, H, W] -> (N, H, W); anything else is refused.
struct Stack {
  index_t n, h, w;
};

Stack as_stack(const Array<float>& x, const char* subject, const char* name) {
  if (x.rank() == 2) return {1, x.dim(0), x.dim(1)};
  if (x.rank() == 3) return {x.dim(0), x.dim(1), x.dim(2)};
  throw ShapeMismatch(subject,
                      std::string(name) + " must be [H, W] or [N, H, W], got " + x.shape().str());
}

void require_nonempty(const Array<float>& x, const char* subject, const char* name) {
  if (x.empty()) throw InvalidInput(subject, std::string(name) + " is empty");
}

}  // namespace

Array<float> train_pairs_and_apply(const Array<float>& a, const Array<float>& b,
                                   const Array<float>& apply_to, const TrainOptions& options) {
  const Stack sa = as_stack(a, kPairs, "a");
  const Stack sq = as_stack(apply_to, kPairs, "apply_to");
  if (a.shape() != b.shape())
    throw ShapeMismatch(kPairs, "a is " + a.shape().str() + " but b is " + b.shape().str() +
                                    " (the pairs must match image by image)");
  if (sq.h != sa.h || sq.w != sa.w)
    throw ShapeMismatch(kPairs, "apply_to is " + apply_to.shape().str() +
                                    " but the training images are " + std::to_string(sa.h) + "x" +
                                    std::to_string(sa.w));
  require_nonempty(a, kPairs, "a");
  require_nonempty(apply_to, kPairs, "apply_to");
  check_options(options, true);
  require_finite(a, std::string(kPairs) + " a");
  require_finite(b, std::string(kPairs) + " b");
  require_finite(apply_to, std::string(kPairs) + " apply_to");

  const Plugin& p = plugin();
  Array<float> out(apply_to.shape(), Uninitialized{});
  StepContext ctx{&options.on_step, nullptr};
  const TweedLearnedOptions c = to_c(options, kPairWidth, ctx);
  char message[1024] = {};
  const int32_t status = p.train_pairs(a.data(), b.data(), sa.n, apply_to.data(), sq.n, sa.h, sa.w,
                                       out.data(), &c, message, sizeof message);
  finish(status, kPairs, message, ctx);
  return out;
}

Array<float> zs_n2n(const Array<float>& noisy, const TrainOptions& options) {
  if (noisy.rank() != 2)
    throw ShapeMismatch(kZsN2n, "the noisy image must be [H, W], got " + noisy.shape().str());
  require_nonempty(noisy, kZsN2n, "the noisy image");
  if (noisy.dim(0) % 2 != 0 || noisy.dim(1) % 2 != 0 || noisy.dim(0) < 2 || noisy.dim(1) < 2)
    throw InvalidInput(kZsN2n, "the 2x2 downsamplers need an even height and width, got " +
                                   noisy.shape().str() + " (crop or pad one row/column)");
  check_options(options, false);
  require_finite(noisy, std::string(kZsN2n) + " noisy image");

  const Plugin& p = plugin();
  Array<float> out(noisy.shape(), Uninitialized{});
  StepContext ctx{&options.on_step, nullptr};
  const TweedLearnedOptions c = to_c(options, kZsN2nWidth, ctx);
  char message[1024] = {};
  const int32_t status =
      p.zs_n2n(noisy.data(), noisy.dim(0), noisy.dim(1), out.data(), &c, message, sizeof message);
  finish(status, kZsN2n, message, ctx);
  return out;
}

}  // namespace tweed::learned
