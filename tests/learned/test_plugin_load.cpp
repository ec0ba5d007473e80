// libtorch is loaded on the first training call, never by merely linking tweed::learned, and never
// by a call refused before training (ARCHITECTURE.md §7). Its own executable: the check needs a
// process in which nothing has trained yet.
#include <gtest/gtest.h>

#include <string>

#include "process_maps.hpp"
#include "tweed/core/error.hpp"
#include "tweed/learned/zero_shot.hpp"

namespace tweed::learned {
namespace {

using test::mapped;

TEST(LearnedPlugin, LibtorchIsLoadedOnTheFirstTrainingCallOnly) {
  EXPECT_FALSE(mapped("libtorch_cpu.so"));
  EXPECT_FALSE(mapped("libtweed_learned_torch.so"));

  TrainOptions o;
  o.iterations = 1;
  o.width = 2;
  EXPECT_THROW(zs_n2n(Array<float>(Shape{7, 8}), o), InvalidInput);
  EXPECT_FALSE(mapped("libtorch_cpu.so")) << "a refused call must not load libtorch";

  const Array<float> out = zs_n2n(Array<float>(Shape{8, 8}, 0.5f), o);
  EXPECT_EQ(out.shape(), Shape({8, 8}));
  EXPECT_TRUE(mapped("libtweed_learned_torch.so"));
  EXPECT_TRUE(mapped("libtorch_cpu.so"));
}

}  // namespace
}  // namespace tweed::learned
