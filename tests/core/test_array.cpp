#include <gtest/gtest.h>

#include <cstdint>

#include "tweed/core/array.hpp"

namespace tweed {
namespace {

template <class T>
class ArrayTyped : public ::testing::Test {};
using ElementTypes = ::testing::Types<float, double, cfloat, cdouble>;
TYPED_TEST_SUITE(ArrayTyped, ElementTypes);

TYPED_TEST(ArrayTyped, IsZeroInitialisedAlignedAndRowMajor) {
  Array<TypeParam> a(Shape{3, 4, 5});
  EXPECT_EQ(a.size(), 60);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data()) % kAlignment, 0u);
  for (auto v : a) EXPECT_EQ(v, TypeParam(0));
  a(1, 2, 3) = TypeParam(7);
  EXPECT_EQ(a[1 * 20 + 2 * 5 + 3], TypeParam(7));
}

TYPED_TEST(ArrayTyped, CopyIsDeepMoveIsShallow) {
  Array<TypeParam> a(Shape{4}, TypeParam(2));
  Array<TypeParam> b = a;
  b[0] = TypeParam(5);
  EXPECT_EQ(a[0], TypeParam(2));
  const TypeParam* p = b.data();
  Array<TypeParam> c = std::move(b);
  EXPECT_EQ(c.data(), p);
}

TEST(Shape, RejectsTooManyAxesAndNegativeExtents) {
  EXPECT_THROW(Shape({1, 1, 1, 1, 1, 1, 1, 1, 1}), InvalidInput);
  EXPECT_THROW(Shape({2, -1}), InvalidInput);
  EXPECT_EQ(Shape({1, 1, 1, 1, 1, 1, 1, 2}).size(), 2);
  EXPECT_EQ(Shape({}).size(), 1);
}

TEST(Shape, StridesAndString) {
  Shape s{2, 3, 4};
  auto st = s.strides();
  EXPECT_EQ(st[0], 12);
  EXPECT_EQ(st[1], 4);
  EXPECT_EQ(st[2], 1);
  EXPECT_EQ(s.str(), "[2, 3, 4]");
  EXPECT_EQ(s.drop_front(), Shape({3, 4}));
  EXPECT_EQ(s.prepend(5), Shape({5, 2, 3, 4}));
}

TEST(Shape, NormalizeAxesResolvesNegativesAndRejectsBadOnes) {
  EXPECT_EQ(normalize_axes({}, 3, "op"), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(normalize_axes({-1, 0}, 3, "op"), (std::vector<int>{2, 0}));  // order kept
  EXPECT_THROW(normalize_axes({3}, 3, "op"), InvalidInput);
  EXPECT_THROW(normalize_axes({-4}, 3, "op"), InvalidInput);
  EXPECT_THROW(normalize_axes({1, -2}, 3, "op"), InvalidInput);  // the same axis twice
}

TEST(Array, ReshapeKeepsDataAndChecksSize) {
  Array<float> a(Shape{2, 6});
  for (index_t i = 0; i < a.size(); ++i) a[i] = float(i);
  a.reshape(Shape{3, 4});
  EXPECT_EQ(a(2, 3), 11.0f);
  EXPECT_THROW(a.reshape(Shape{5}), ShapeMismatch);
}

TEST(View, SliceSelectAndCopyFollowStrides) {
  Array<double> a(Shape{2, 3, 4});
  for (index_t i = 0; i < a.size(); ++i) a[i] = double(i);
  auto s = a.slice(1);
  EXPECT_TRUE(s.contiguous());
  EXPECT_EQ(s(0, 0), 12.0);
  // Column 2 of every row of slice 0: a strided, non-contiguous view.
  auto col = a.slice(0).select(1, 2);
  EXPECT_FALSE(col.contiguous());
  EXPECT_EQ(col.shape(), Shape({3}));
  Array<double> c = col.copy();
  EXPECT_EQ(c[0], 2.0);
  EXPECT_EQ(c[1], 6.0);
  EXPECT_EQ(c[2], 10.0);
  EXPECT_THROW(col.span(), Unsupported);
  Array<double> ones(Shape{3}, 1.0);
  col.assign(ones.view());
  EXPECT_EQ(a(0, 1, 2), 1.0);
  EXPECT_EQ(a(0, 1, 1), 5.0);
}

TEST(Array, FromChecksCount) {
  std::vector<float> v{1, 2, 3};
  EXPECT_THROW(Array<float>::from(Shape{4}, v), ShapeMismatch);
  auto a = Array<float>::from(Shape{3}, v);
  EXPECT_EQ(a[2], 3.0f);
}

}  // namespace
}  // namespace tweed
