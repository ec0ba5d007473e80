// Forward differences: hand cases, the adjoint = -divergence identity, dot tests over ranks,
// axis subsets and both boundaries.
#include <gtest/gtest.h>

#include "linop_test_util.hpp"
#include "tweed/linop/finite_difference.hpp"

namespace tweed::linop {
namespace {

using test::AllElements;
using test::expect_consistent;
using test::max_rel_diff;
using test::random_array;

template <class T>
class FiniteDifferences : public ::testing::Test {};
TYPED_TEST_SUITE(FiniteDifferences, AllElements);

TYPED_TEST(FiniteDifferences, OneDimensionalHandCase) {
  using T = TypeParam;
  const Array<T> x = Array<T>::from(Shape{4}, std::vector<T>{T(1), T(4), T(9), T(16)});
  FiniteDifference<T> neumann(Shape{4});
  EXPECT_EQ(neumann.range(), (Shape{1, 4}));
  const Array<T> dn = neumann(x);
  const std::vector<T> expect_n{T(3), T(5), T(7), T(0)};
  for (index_t i = 0; i < 4; ++i) EXPECT_EQ(dn[i], expect_n[static_cast<std::size_t>(i)]);
  FiniteDifference<T> periodic(Shape{4}, {}, Boundary::periodic);
  const Array<T> dp = periodic(x);
  const std::vector<T> expect_p{T(3), T(5), T(7), T(-15)};
  for (index_t i = 0; i < 4; ++i) EXPECT_EQ(dp[i], expect_p[static_cast<std::size_t>(i)]);
  // Adjoint by hand, p = [1, 2, 3, 4]: Neumann [-1, -1, -1, 3] (p[3] unused), periodic
  // [p3 - p0, p0 - p1, p1 - p2, p2 - p3] = [3, -1, -1, -1].
  const Array<T> p = Array<T>::from(Shape{1, 4}, std::vector<T>{T(1), T(2), T(3), T(4)});
  const Array<T> an = neumann.adjoint(p);
  const Array<T> ap = periodic.adjoint(p);
  const std::vector<T> expect_an{T(-1), T(-1), T(-1), T(3)};
  const std::vector<T> expect_ap{T(3), T(-1), T(-1), T(-1)};
  for (index_t i = 0; i < 4; ++i) {
    EXPECT_EQ(an[i], expect_an[static_cast<std::size_t>(i)]);
    EXPECT_EQ(ap[i], expect_ap[static_cast<std::size_t>(i)]);
  }
}

TYPED_TEST(FiniteDifferences, TwoDimensionalHandCase) {
  using T = TypeParam;
  // x = [[0, 1, 2], [10, 11, 12]]: d/d(axis 0) = [[10, 10, 10], [0, 0, 0]],
  // d/d(axis 1) = [[1, 1, 0], [1, 1, 0]] (Neumann).
  Array<T> x(Shape{2, 3});
  for (index_t i = 0; i < 2; ++i)
    for (index_t j = 0; j < 3; ++j) x(i, j) = T(static_cast<real_t<T>>(10 * i + j));
  FiniteDifference<T> d(Shape{2, 3});
  EXPECT_EQ(d.range(), (Shape{2, 2, 3}));
  const Array<T> g = d(x);
  const std::vector<double> expected{10, 10, 10, 0, 0, 0, 1, 1, 0, 1, 1, 0};
  for (index_t i = 0; i < 12; ++i)
    EXPECT_EQ(g[i], T(static_cast<real_t<T>>(expected[static_cast<std::size_t>(i)])));
  // Axis order follows the list given: {1, 0} swaps the components; -1 is the last axis.
  FiniteDifference<T> swapped(Shape{2, 3}, {-1, 0});
  EXPECT_EQ(swapped.axes(), (std::vector<int>{1, 0}));
  const Array<T> gs = swapped(x);
  for (index_t i = 0; i < 6; ++i) {
    EXPECT_EQ(gs[i], g[6 + i]);
    EXPECT_EQ(gs[6 + i], g[i]);
  }
}

// Chambolle's divergence (J. Math. Imaging Vis. 2004, eq. for div), written out independently.
template <Element T>
Array<T> naive_divergence(const Array<T>& p, const Shape& shape, const std::vector<int>& axes,
                          Boundary bc) {
  Array<T> div(shape);
  const auto strides = shape.strides();
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const int a = axes[k];
    const index_t n = shape[a];
    const index_t st = strides[static_cast<std::size_t>(a)];
    for (index_t flat = 0; flat < shape.size(); ++flat) {
      const index_t i = (flat / st) % n;
      auto pk = [&](index_t f) { return p[static_cast<index_t>(k) * shape.size() + f]; };
      T v;
      if (bc == Boundary::periodic)
        v = pk(flat) - pk(flat + ((i + n - 1) % n - i) * st);
      else if (n == 1)
        v = T(0);
      else if (i == 0)
        v = pk(flat);
      else if (i == n - 1)
        v = -pk(flat - st);
      else
        v = pk(flat) - pk(flat - st);
      div[flat] += v;
    }
  }
  return div;
}

TYPED_TEST(FiniteDifferences, AdjointIsNegativeDivergence) {
  using T = TypeParam;
  for (Boundary bc : {Boundary::neumann, Boundary::periodic}) {
    for (const Shape& shape : {Shape{7}, Shape{5, 6}, Shape{3, 4, 5}, Shape{1, 6}}) {
      FiniteDifference<T> d(shape, {}, bc);
      const Array<T> p = random_array<T>(d.range(), 21);
      Array<T> minus_div = naive_divergence(p, shape, d.axes(), bc);
      tweed::scale(minus_div, T(-1));
      EXPECT_LE(max_rel_diff(d.adjoint(p), minus_div), test::value_tolerance<T>())
          << shape.str() << " boundary " << int(bc);
    }
  }
}

TYPED_TEST(FiniteDifferences, DotAndNormalTests) {
  using T = TypeParam;
  for (Boundary bc : {Boundary::neumann, Boundary::periodic}) {
    expect_consistent<T>(FiniteDifference<T>(Shape{9}, {}, bc));
    expect_consistent<T>(FiniteDifference<T>(Shape{6, 7}, {}, bc));
    expect_consistent<T>(FiniteDifference<T>(Shape{4, 5, 6}, {}, bc));
    expect_consistent<T>(FiniteDifference<T>(Shape{4, 5, 6}, {0, 2}, bc));
    expect_consistent<T>(FiniteDifference<T>(Shape{2, 4, 5, 6}, {-3, -2, -1}, bc));
    expect_consistent<T>(FiniteDifference<T>(Shape{1, 5}, {}, bc));
    // Large enough for the threaded path.
    expect_consistent<T>(FiniteDifference<T>(Shape{64, 80}, {}, bc));
  }
}

TYPED_TEST(FiniteDifferences, ThreadCountDoesNotChangeResults) {
  using T = TypeParam;
  FiniteDifference<T> d(Shape{40, 50, 30});
  const Array<T> x = random_array<T>(d.domain(), 31);
  const Array<T> p = random_array<T>(d.range(), 32);
  test::expect_thread_count_invariant(d, x, p);
}

TYPED_TEST(FiniteDifferences, InvalidAxesAndShapes) {
  using T = TypeParam;
  EXPECT_THROW(FiniteDifference<T>(Shape{4, 4}, {2}), InvalidInput);
  EXPECT_THROW(FiniteDifference<T>(Shape{4, 4}, {0, -2}), InvalidInput);
  EXPECT_THROW(FiniteDifference<T>(Shape{2, 2, 2, 2, 2, 2, 2, 2}), InvalidInput);
  EXPECT_THROW(FiniteDifference<T>(Shape{}), InvalidInput);
  FiniteDifference<T> d(Shape{4, 4});
  try {
    d(Array<T>(Shape{4, 5}));
    FAIL() << "no exception";
  } catch (const ShapeMismatch& e) {
    EXPECT_EQ(e.subject(), d.name());
    EXPECT_NE(e.subject().find("finite_difference"), std::string::npos);
  }
}

}  // namespace
}  // namespace tweed::linop
