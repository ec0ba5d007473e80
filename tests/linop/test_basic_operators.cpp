// Identity, reshape, diagonal (mask) and dense matrix operators.
#include <gtest/gtest.h>

#include "linop_test_util.hpp"
#include "tweed/linop/dense_matrix.hpp"
#include "tweed/linop/diagonal.hpp"
#include "tweed/linop/identity.hpp"

namespace tweed::linop {
namespace {

using test::AllElements;
using test::expect_consistent;
using test::max_rel_diff;
using test::random_array;

template <class T>
class BasicOperators : public ::testing::Test {};
TYPED_TEST_SUITE(BasicOperators, AllElements);

// A value with a nonzero imaginary part for complex T (so conjugation matters), real otherwise.
template <Element T>
T sample(double re, double im) {
  if constexpr (is_complex_v<T>)
    return T(static_cast<real_t<T>>(re), static_cast<real_t<T>>(im));
  else
    return static_cast<T>(re);
}

TYPED_TEST(BasicOperators, IdentityAndReshape) {
  using T = TypeParam;
  Identity<T> id(Shape{3, 4});
  const Array<T> x = random_array<T>(Shape{3, 4}, 1);
  EXPECT_EQ(max_rel_diff(id(x), x), 0.0);
  expect_consistent<T>(id);

  Reshape<T> r(Shape{3, 4}, Shape{2, 6});
  EXPECT_EQ(r.range(), (Shape{2, 6}));
  const Array<T> y = r(x);
  EXPECT_EQ(y.shape(), (Shape{2, 6}));
  for (index_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], x[i]);
  EXPECT_EQ(r.adjoint(y).shape(), (Shape{3, 4}));
  expect_consistent<T>(r);
  EXPECT_THROW(Reshape<T>(Shape{3, 4}, Shape{5}), ShapeMismatch);
}

TYPED_TEST(BasicOperators, DiagonalHandCase) {
  using T = TypeParam;
  const T w0 = sample<T>(2, 1), w1 = sample<T>(-1, 3), w2 = sample<T>(0, 0);
  Diagonal<T> d(Array<T>::from(Shape{3}, std::vector<T>{w0, w1, w2}));
  const Array<T> x = Array<T>::from(Shape{3}, std::vector<T>{T(1), sample<T>(2, -1), T(5)});
  const Array<T> y = d(x);
  EXPECT_EQ(y[0], w0);
  EXPECT_EQ(y[1], w1 * x[1]);
  EXPECT_EQ(y[2], T(0));  // a mask zero
  const Array<T> xa = d.adjoint(x);
  if constexpr (is_complex_v<T>)
    EXPECT_EQ(xa[1], std::conj(w1) * x[1]);
  else
    EXPECT_EQ(xa[1], w1 * x[1]);
  expect_consistent<T>(d);
}

TYPED_TEST(BasicOperators, DiagonalBroadcastsOverLeadingAxes) {
  using T = TypeParam;
  const Array<T> w = random_array<T>(Shape{4, 5}, 2);
  Diagonal<T> d(w, Shape{3, 4, 5});
  EXPECT_EQ(d.domain(), (Shape{3, 4, 5}));
  const Array<T> x = random_array<T>(Shape{3, 4, 5}, 3);
  const Array<T> y = d(x);
  for (index_t c = 0; c < 3; ++c)
    for (index_t i = 0; i < 20; ++i) EXPECT_EQ(y[c * 20 + i], w[i] * x[c * 20 + i]);
  expect_consistent<T>(d);
  // Many repetitions of a small pattern take the threaded-over-repetitions path.
  Diagonal<T> big(w, Shape{1000, 4, 5});
  expect_consistent<T>(big);
  EXPECT_THROW(Diagonal<T>(w, Shape{3, 5, 4}), ShapeMismatch);
  EXPECT_THROW(Diagonal<T>(w, Shape{5}), ShapeMismatch);
}

TEST(BasicOperatorsComplex, RealWeightsForComplexData) {
  Array<float> mask = Array<float>::from(Shape{2}, std::vector<float>{1, 0});
  OperatorPtr<cfloat> d = diagonal<cfloat>(mask, Shape{3, 2});
  const Array<cfloat> x(Shape{3, 2}, cfloat(1, 2));
  const Array<cfloat> y = (*d)(x);
  EXPECT_EQ(y[0], cfloat(1, 2));
  EXPECT_EQ(y[1], cfloat(0, 0));
  EXPECT_EQ(y[4], cfloat(1, 2));
  EXPECT_LE(dot_test(*d, 1), dot_test_tolerance<cfloat>());
}

TYPED_TEST(BasicOperators, ShapeErrorsNameTheOperator) {
  using T = TypeParam;
  Diagonal<T> d(random_array<T>(Shape{4}, 4));
  Array<T> wrong(Shape{5});
  Array<T> out;
  try {
    d.apply(wrong, out);
    FAIL() << "no exception";
  } catch (const ShapeMismatch& e) {
    EXPECT_EQ(e.subject(), "diagonal");
    EXPECT_NE(std::string(e.what()).find("[5]"), std::string::npos) << e.what();
  }
  Array<T> bad_out(Shape{3});
  EXPECT_THROW(d.apply(random_array<T>(Shape{4}, 5), bad_out), ShapeMismatch);
}

TYPED_TEST(BasicOperators, DenseMatrixHandCaseAndAdjoint) {
  using T = TypeParam;
  const T i1 = sample<T>(0, 1);  // the imaginary unit for complex T, 0 otherwise
  // M = [[1, 2, i], [0, -1, 3]]
  Array<T> m = Array<T>::from(Shape{2, 3}, std::vector<T>{T(1), T(2), i1, T(0), T(-1), T(3)});
  DenseMatrix<T> a(m);
  EXPECT_EQ(a.domain(), (Shape{3}));
  EXPECT_EQ(a.range(), (Shape{2}));
  const Array<T> x = Array<T>::from(Shape{3}, std::vector<T>{T(1), T(1), T(2)});
  const Array<T> y = a(x);
  EXPECT_EQ(y[0], T(3) + T(2) * i1);
  EXPECT_EQ(y[1], T(5));
  const Array<T> v = Array<T>::from(Shape{2}, std::vector<T>{T(1), T(2)});
  const Array<T> w = a.adjoint(v);  // M^H v = [1, 0, conj(i) + 6]
  EXPECT_EQ(w[0], T(1));
  EXPECT_EQ(w[1], T(0));
  if constexpr (is_complex_v<T>)
    EXPECT_EQ(w[2], T(6) - i1);
  else
    EXPECT_EQ(w[2], T(6));
  expect_consistent<T>(a);

  DenseMatrix<T> shaped(random_array<T>(Shape{6, 4}, 6), Shape{2, 2}, Shape{2, 3});
  EXPECT_EQ(shaped.range(), (Shape{2, 3}));
  expect_consistent<T>(shaped);
  EXPECT_THROW(DenseMatrix<T>(random_array<T>(Shape{6, 4}, 6), Shape{5}, Shape{6}), ShapeMismatch);
  EXPECT_THROW(DenseMatrix<T>(random_array<T>(Shape{24}, 6)), InvalidInput);

  // Large enough to thread: the result must not depend on the thread count.
  DenseMatrix<T> big(random_array<T>(Shape{300, 200}, 7));
  const Array<T> bx = random_array<T>(Shape{200}, 8);
  const Array<T> by = random_array<T>(Shape{300}, 9);
  test::expect_thread_count_invariant(big, bx, by);
  expect_consistent<T>(big);
}

}  // namespace
}  // namespace tweed::linop
