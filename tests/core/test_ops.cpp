#include <gtest/gtest.h>

#include "tweed/core/ops.hpp"
#include "tweed/core/rng.hpp"

namespace tweed {
namespace {

TEST(Ops, ConjugatedDotAndNorms) {
  Array<cfloat> x = Array<cfloat>::from(Shape{2}, std::vector<cfloat>{{1, 2}, {3, -1}});
  Array<cfloat> y = Array<cfloat>::from(Shape{2}, std::vector<cfloat>{{0, 1}, {2, 2}});
  // conj(1+2i)(i) + conj(3-i)(2+2i) = (2+i) + (4+8i) = 6 + 9i
  const cdouble d = dot(x, y);
  EXPECT_DOUBLE_EQ(d.real(), 6.0);
  EXPECT_DOUBLE_EQ(d.imag(), 9.0);
  EXPECT_DOUBLE_EQ(norm2_squared(x), 15.0);
  EXPECT_DOUBLE_EQ(norm1(y), 1.0 + std::sqrt(8.0));
  EXPECT_DOUBLE_EQ(max_abs(x), std::sqrt(10.0));
}

TEST(Ops, AxpyAxpbyLincombScaleMultiply) {
  Array<double> x(Shape{100000}), y(Shape{100000}), z(Shape{100000});
  for (index_t i = 0; i < x.size(); ++i) {
    x[i] = double(i);
    y[i] = 1.0;
  }
  axpy(2.0, x, y);
  EXPECT_EQ(y[10], 21.0);
  axpby(1.0, x, -1.0, y);  // y = x - y = -x - 1
  EXPECT_EQ(y[10], -11.0);
  lincomb(3.0, x, 1.0, y, z);  // 2x - 1
  EXPECT_EQ(z[99999], 2.0 * 99999 - 1);
  scale(z, 0.5);
  EXPECT_EQ(z[1], 0.5);
  multiply(x, z);
  EXPECT_EQ(z[2], 2.0 * 1.5);
  EXPECT_THROW(axpy(1.0, Array<double>(Shape{3}), z), ShapeMismatch);
}

TEST(Ops, ReductionsDoNotDependOnThreadCount) {
  Array<float> x(Shape{300001});
  fill_normal(x, CounterRng(42), 0.0, 1.0);
  set_num_threads(1);
  const double s1 = norm2_squared(x);
  const double d1 = dot(x, x);
  set_num_threads(2);
  const double s2 = norm2_squared(x);
  const double d2 = dot(x, x);
  set_num_threads(0);
  EXPECT_EQ(s1, s2);  // bit-identical, not merely close
  EXPECT_EQ(d1, d2);
}

TEST(Ops, FiniteCheckFindsNanAndInf) {
  Array<cfloat> x(Shape{50000});
  EXPECT_TRUE(all_finite(x));
  x[40000] = cfloat(0, std::numeric_limits<float>::infinity());
  EXPECT_FALSE(all_finite(x));
  EXPECT_THROW(require_finite(x, "input.h5"), InvalidInput);
  Array<double> y(Shape{3});
  y[1] = std::nan("");
  EXPECT_FALSE(all_finite(y));
}

TEST(Ops, MagnitudeAndConvert) {
  Array<cdouble> x = Array<cdouble>::from(Shape{1}, std::vector<cdouble>{{3, 4}});
  EXPECT_DOUBLE_EQ(magnitude(x)[0], 5.0);
  Array<cfloat> f = convert<cfloat>(x);
  EXPECT_FLOAT_EQ(f[0].imag(), 4.0f);
  Array<float> r = convert<float>(x);
  EXPECT_FLOAT_EQ(r[0], 3.0f);
}

}  // namespace
}  // namespace tweed
