// Combinators: values against hand-built results, dot and normal tests on random compositions,
// and shape errors naming the combinator and its operands.
#include <gtest/gtest.h>

#include "linop_test_util.hpp"
#include "tweed/linop/combinators.hpp"
#include "tweed/linop/dense_matrix.hpp"
#include "tweed/linop/diagonal.hpp"
#include "tweed/linop/finite_difference.hpp"
#include "tweed/linop/identity.hpp"
#include "tweed/linop/wavelet.hpp"

namespace tweed::linop {
namespace {

using test::AllElements;
using test::expect_consistent;
using test::max_rel_diff;
using test::random_array;

template <class T>
class Combinators : public ::testing::Test {
 protected:
  // A complex scale factor for complex T (so conj(alpha) in the adjoint is exercised).
  static T alpha() {
    if constexpr (is_complex_v<T>)
      return T(real_t<T>(0.7), real_t<T>(-1.3));
    else
      return T(-1.7);
  }
  static OperatorPtr<T> matrix(index_t m, index_t n, std::uint64_t seed) {
    return dense_matrix<T>(random_array<T>(Shape{m, n}, seed));
  }
};
TYPED_TEST_SUITE(Combinators, AllElements);

TYPED_TEST(Combinators, ComposeSumScaleValues) {
  using T = TypeParam;
  const auto a = this->matrix(4, 3, 1);
  const auto b = this->matrix(3, 5, 2);
  const auto c = this->matrix(3, 5, 3);
  const Array<T> x = random_array<T>(Shape{5}, 4);

  const Array<T> bx = (*b)(x);
  EXPECT_LE(max_rel_diff((*compose(a, b))(x), (*a)(bx)), test::value_tolerance<T>());

  Array<T> expected = (*b)(x);
  axpy(T(1), (*c)(x), expected);
  EXPECT_LE(max_rel_diff((*sum(b, c))(x), expected), test::value_tolerance<T>());

  Array<T> scaled = (*b)(x);
  tweed::scale(scaled, this->alpha());
  EXPECT_LE(max_rel_diff((*scale(this->alpha(), b))(x), scaled), test::value_tolerance<T>());
  // The adjoint uses conj(alpha).
  const Array<T> y = random_array<T>(Shape{3}, 5);
  Array<T> adj = b->adjoint(y);
  if constexpr (is_complex_v<T>)
    tweed::scale(adj, std::conj(this->alpha()));
  else
    tweed::scale(adj, this->alpha());
  EXPECT_LE(max_rel_diff(scale(this->alpha(), b)->adjoint(y), adj), test::value_tolerance<T>());

  // n-ary forms: compose({A, B, C}) = A∘B∘C, sum({A, B, C}).
  const auto d = this->matrix(5, 2, 6);
  const Array<T> x2 = random_array<T>(Shape{2}, 7);
  EXPECT_LE(max_rel_diff((*compose<T>({a, b, d}))(x2), (*a)((*b)((*d)(x2)))),
            test::value_tolerance<T>());
  Array<T> three = (*b)(x);
  axpy(T(2), (*c)(x), three);
  EXPECT_LE(max_rel_diff((*sum<T>({b, c, c}))(x), three), test::value_tolerance<T>());
  EXPECT_EQ(sum<T>({b}), b);  // one operand: itself
}

TYPED_TEST(Combinators, StackAndBlockDiagonalLayout) {
  using T = TypeParam;
  const auto a = this->matrix(2, 3, 8);
  const auto b = finite_difference<T>(Shape{3});  // range {1, 3}
  const auto s = stack<T>({a, b});
  EXPECT_EQ(s->domain(), (Shape{3}));
  EXPECT_EQ(s->range(), (Shape{5}));
  const Array<T> x = random_array<T>(Shape{3}, 9);
  const Array<T> y = (*s)(x);
  const Array<T> ax = (*a)(x), bx = (*b)(x);
  for (index_t i = 0; i < 2; ++i) EXPECT_EQ(y[i], ax[i]);
  for (index_t i = 0; i < 3; ++i) EXPECT_EQ(y[2 + i], bx[i]);

  const auto bd = block_diagonal<T>({a, b});
  EXPECT_EQ(bd->domain(), (Shape{6}));
  EXPECT_EQ(bd->range(), (Shape{5}));
  Array<T> xx(Shape{6});
  const Array<T> x2 = random_array<T>(Shape{3}, 10);
  for (index_t i = 0; i < 3; ++i) {
    xx[i] = x[i];
    xx[3 + i] = x2[i];
  }
  const Array<T> z = (*bd)(xx);
  const Array<T> bx2 = (*b)(x2);
  for (index_t i = 0; i < 2; ++i) EXPECT_EQ(z[i], ax[i]);
  for (index_t i = 0; i < 3; ++i) EXPECT_EQ(z[2 + i], bx2[i]);
}

TYPED_TEST(Combinators, AdjointOf) {
  using T = TypeParam;
  const auto a = this->matrix(4, 6, 11);
  const auto ah = adjoint_of(a);
  EXPECT_EQ(ah->domain(), (Shape{4}));
  EXPECT_EQ(ah->range(), (Shape{6}));
  const Array<T> y = random_array<T>(Shape{4}, 12);
  EXPECT_EQ(max_rel_diff((*ah)(y), a->adjoint(y)), 0.0);
  EXPECT_EQ(adjoint_of(ah), a);  // (A^H)^H is A itself
  // Its normal is A A^H.
  EXPECT_LE(max_rel_diff(ah->normal(y), (*a)(a->adjoint(y))), test::value_tolerance<T>());
  expect_consistent<T>(*ah);
}

TYPED_TEST(Combinators, RandomCompositionsPassTheDotAndNormalTests) {
  using T = TypeParam;
  const Shape img{8, 12};
  const auto diag = diagonal<T>(random_array<T>(img, 13));
  const auto w = wavelet<T>(img, daubechies(2), 2);
  const auto id = identity<T>(img);
  const auto grad = finite_difference<T>(img);
  const auto flat = reshape<T>(img, Shape{96});
  const auto m = this->matrix(10, 96, 14);
  const T a = this->alpha();

  std::vector<OperatorPtr<T>> ops{
      compose<T>(scale<T>(a, diag), sum<T>(w, w)),
      sum<T>({compose<T>(w, diag), scale<T>(a, id), adjoint_of<T>(w)}),
      compose<T>(adjoint_of<T>(grad), grad),  // the (negative) Laplacian
      compose<T>({scale<T>(a, grad), w, diag}),
      stack<T>({diag, grad, scale<T>(a, w)}),
      block_diagonal<T>({grad, m, scale<T>(a, diag)}),
      compose<T>(m, compose<T>(flat, sum<T>(diag, w))),
      scale<T>(a, stack<T>({compose<T>(m, flat), flat})),
      adjoint_of<T>(stack<T>({grad, compose<T>(reshape<T>(Shape{96}, Shape{1, 8, 12}), flat)})),
      compose<T>(adjoint_of<T>(block_diagonal<T>({diag, w})), block_diagonal<T>({w, diag})),
  };
  for (const auto& op : ops) {
    SCOPED_TRACE(op->name());
    expect_consistent<T>(*op);
  }
}

TYPED_TEST(Combinators, InPlaceCallsMatchOutOfPlaceOnes) {
  using T = TypeParam;
  const Shape img{8, 4};
  const auto diag = diagonal<T>(random_array<T>(img, 21));
  const auto w = wavelet<T>(img, daubechies(2), 1);
  const std::vector<OperatorPtr<T>> ops{
      sum<T>({diag, w, identity<T>(img)}),
      compose<T>(w, scale<T>(this->alpha(), diag)),
      adjoint_of<T>(w),
      this->matrix(6, 6, 22),
      block_diagonal<T>({this->matrix(3, 5, 23), this->matrix(5, 3, 24)}),
      stack<T>({this->matrix(4, 4, 25)}),
  };
  for (const auto& op : ops) {
    SCOPED_TRACE(op->name());
    const Array<T> x = random_array<T>(op->domain(), 26);
    Array<T> inplace = x;
    op->apply(inplace, inplace);
    EXPECT_EQ(max_rel_diff(inplace, (*op)(x)), 0.0);
    inplace = x;
    op->apply_adjoint(inplace, inplace);
    EXPECT_EQ(max_rel_diff(inplace, op->adjoint(x)), 0.0);
    inplace = x;
    op->apply_normal(inplace, inplace);
    EXPECT_EQ(max_rel_diff(inplace, op->normal(x)), 0.0);
  }
}

TYPED_TEST(Combinators, ShapeErrorsNameTheCombinatorAndOperands) {
  using T = TypeParam;
  const auto a = this->matrix(4, 3, 15);
  const auto b = this->matrix(5, 2, 16);
  try {
    compose(a, b);
    FAIL() << "no exception";
  } catch (const ShapeMismatch& e) {
    EXPECT_EQ(e.subject(), "compose");
    EXPECT_NE(std::string(e.what()).find("dense_matrix"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sum(a, b), ShapeMismatch);
  EXPECT_THROW(stack<T>({a, b}), ShapeMismatch);
  EXPECT_THROW(compose<T>(a, nullptr), InvalidInput);
  EXPECT_THROW(stack<T>({}), InvalidInput);
  EXPECT_THROW(block_diagonal<T>({a, nullptr}), InvalidInput);
  // A composite's own shape errors name the composite.
  const auto c = compose(a, this->matrix(3, 7, 17));
  try {
    (*c)(Array<T>(Shape{3}));
    FAIL() << "no exception";
  } catch (const ShapeMismatch& e) {
    EXPECT_EQ(e.subject(), c->name());
    EXPECT_EQ(c->name(), "compose(dense_matrix, dense_matrix)");
  }
}

TYPED_TEST(Combinators, OperandStatisticsAreCounted) {
  using T = TypeParam;
  const auto a = this->matrix(3, 3, 18);
  const auto s = scale<T>(T(2), a);
  (void)(*s)(random_array<T>(Shape{3}, 19));
  (void)s->normal(random_array<T>(Shape{3}, 20));
  EXPECT_EQ(s->stats().forward_calls, 1);
  EXPECT_EQ(a->stats().forward_calls, 1);
  EXPECT_EQ(a->stats().normal_calls, 1);  // scale's normal goes through A's normal
}

}  // namespace
}  // namespace tweed::linop
