// Bad input to the learned denoisers: one typed error naming the function or option, before any
// training; and the plugin's C boundary turns its own refusals into a status and a message.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "expect_error.hpp"
#include "learned_test_util.hpp"
#include "torch_abi.hpp"
#include "tweed/core/error.hpp"
#include "tweed/core/plugin.hpp"
#include "tweed/learned/zero_shot.hpp"

namespace tweed::learned {
namespace {

constexpr const char* kPairs = "learned::train_pairs_and_apply";
constexpr const char* kZs = "learned::zs_n2n";

TrainOptions quick() {
  TrainOptions o;
  o.iterations = 2;
  o.width = 4;
  o.depth = 2;
  o.batch = 1;
  return o;
}

TEST(LearnedErrors, MismatchedPairsAreAShapeMismatch) {
  const Array<float> a(Shape{2, 16, 16}), b(Shape{2, 16, 18}), c(Shape{3, 16, 16});
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, b, a, quick()), ShapeMismatch, kPairs,
                     "b is [2, 16, 18]");
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, c, a, quick()), ShapeMismatch, kPairs,
                     "image by image");
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, a, b, quick()), ShapeMismatch, kPairs,
                     "apply_to is [2, 16, 18]");
  const Array<float> volume(Shape{2, 2, 16, 16});
  EXPECT_TWEED_ERROR(train_pairs_and_apply(volume, volume, a, quick()), ShapeMismatch, kPairs,
                     "[H, W] or [N, H, W]");
}

TEST(LearnedErrors, ZsN2nNeedsAnEven2dImage) {
  const Array<float> odd(Shape{15, 16}), stack(Shape{2, 16, 16}), empty(Shape{0, 16});
  EXPECT_TWEED_ERROR(zs_n2n(odd, quick()), InvalidInput, kZs, "even height and width");
  EXPECT_TWEED_ERROR(zs_n2n(stack, quick()), ShapeMismatch, kZs, "must be [H, W]");
  EXPECT_TWEED_ERROR(zs_n2n(empty, quick()), InvalidInput, kZs, "empty");
}

TEST(LearnedErrors, OptionsOutOfRangeNameTheOption) {
  const Array<float> a(Shape{1, 8, 8});
  TrainOptions o = quick();
  o.width = -1;
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, a, a, o), InvalidInput, "TrainOptions.width",
                     "got -1");
  o = quick();
  o.depth = 1;
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, a, a, o), InvalidInput, "TrainOptions.depth",
                     "[2, 64]");
  o = quick();
  o.iterations = 0;
  EXPECT_TWEED_ERROR(zs_n2n(Array<float>(Shape{8, 8}), o), InvalidInput, "TrainOptions.iterations",
                     "got 0");
  o = quick();
  o.learning_rate = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, a, a, o), InvalidInput, "TrainOptions.learning_rate",
                     "positive and finite");
  o = quick();
  o.average = 1.0;
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, a, a, o), InvalidInput, "TrainOptions.average",
                     "[0, 1)");
  o = quick();
  o.threads = -2;
  EXPECT_TWEED_ERROR(zs_n2n(Array<float>(Shape{8, 8}), o), InvalidInput, "TrainOptions.threads",
                     "got -2");
  o = quick();
  o.patch = -1;
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, a, a, o), InvalidInput, "TrainOptions.patch",
                     "got -1");
  for (double alpha : {0.0, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    o = quick();
    o.alpha = alpha;
    EXPECT_TWEED_ERROR(train_pairs_and_apply(a, a, a, o), InvalidInput, "TrainOptions.alpha",
                       "(0, 1]");
  }
}

TEST(LearnedErrors, NonFiniteValuesAreRefused) {
  Array<float> a(Shape{1, 8, 8}), b(Shape{1, 8, 8});
  b[5] = std::numeric_limits<float>::infinity();
  EXPECT_TWEED_ERROR(train_pairs_and_apply(a, b, a, quick()), InvalidInput, kPairs, "NaN or Inf");
  Array<float> y(Shape{8, 8});
  y[0] = std::nanf("");
  EXPECT_TWEED_ERROR(zs_n2n(y, quick()), InvalidInput, kZs, "NaN or Inf");
}

// The C entry points never throw: a refusal comes back as a status and a one-line message.
TEST(LearnedErrors, ThePluginBoundaryReturnsAStatusAndAMessage) {
  auto zs = reinterpret_cast<TweedLearnedZsN2nFn>(
      plugin_symbol(TWEED_LEARNED_PLUGIN, TWEED_LEARNED_SYM_ZS_N2N));
  auto pairs = reinterpret_cast<TweedLearnedTrainPairsFn>(
      plugin_symbol(TWEED_LEARNED_PLUGIN, TWEED_LEARNED_SYM_TRAIN_PAIRS));
  TweedLearnedOptions o{};
  o.iterations = 1;
  o.width = 2;
  o.depth = 2;
  o.batch = 1;
  o.threads = 1;
  o.learning_rate = 1e-3;
  float image[6 * 6] = {}, out[6 * 6] = {};
  char message[256] = {};
  EXPECT_EQ(zs(image, 5, 6, out, &o, message, sizeof message), kTweedLearnedInvalidInput);
  EXPECT_NE(std::string(message).find("even"), std::string::npos) << message;
  o.threads = 0;
  EXPECT_EQ(pairs(image, image, 1, image, 1, 6, 6, out, &o, message, sizeof message),
            kTweedLearnedInvalidInput);
  EXPECT_NE(std::string(message).find("threads"), std::string::npos) << message;
  EXPECT_EQ(pairs(nullptr, image, 1, image, 1, 6, 6, out, &o, message, sizeof message),
            kTweedLearnedInvalidInput);
  EXPECT_NE(std::string(message).find("null"), std::string::npos) << message;
  // A message longer than the buffer is cut, never overrun.
  char tiny[4] = {'x', 'x', 'x', 'x'};
  EXPECT_EQ(zs(image, 5, 6, out, &o, tiny, sizeof tiny), kTweedLearnedInvalidInput);
  EXPECT_EQ(tiny[3], '\0');
  o.threads = 1;
  EXPECT_EQ(zs(image, 6, 6, out, &o, message, sizeof message), kTweedLearnedOk) << message;
}

}  // namespace
}  // namespace tweed::learned
