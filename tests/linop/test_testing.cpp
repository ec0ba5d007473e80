// The shared dot and normal tests must themselves be trustworthy: they pass correct operators and
// fail deliberately wrong ones.
#include <gtest/gtest.h>

#include "linop_test_util.hpp"
#include "tweed/linop/dense_matrix.hpp"

namespace tweed::linop {
namespace {

using test::AllElements;
using test::random_array;

enum class Fault { none, perturbed, unconjugated, scaled, normal };

// y = M x with an adjoint (or normal) that is wrong in a chosen way.
template <Element T>
class FaultyMatrix : public LinearOperator<T> {
 public:
  FaultyMatrix(Array<T> m, Fault fault)
      : LinearOperator<T>(Shape{m.dim(1)}, Shape{m.dim(0)}, "faulty"),
        m_(std::move(m)),
        fault_(fault) {}

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    for (index_t i = 0; i < m_.dim(0); ++i) {
      T s{0};
      for (index_t j = 0; j < m_.dim(1); ++j) s += m_(i, j) * x[j];
      y[i] = s;
    }
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    for (index_t j = 0; j < m_.dim(1); ++j) {
      T s{0};
      for (index_t i = 0; i < m_.dim(0); ++i) {
        T mij = m_(i, j);
        if constexpr (is_complex_v<T>)
          if (fault_ != Fault::unconjugated) mij = std::conj(mij);
        if (fault_ == Fault::perturbed && i == 1 && j == 2) mij += T(0.5);
        s += mij * y[i];
      }
      x[j] = fault_ == Fault::scaled ? T(1.5) * s : s;
    }
  }
  void normal_impl(const Array<T>& x, Array<T>& z) const override {
    Array<T> t(this->range());
    forward_impl(x, t);
    adjoint_impl(t, z);
    if (fault_ == Fault::normal) z[0] += T(0.1) * x[0];
  }

 private:
  Array<T> m_;
  Fault fault_;
};

template <class T>
class DotTestHelper : public ::testing::Test {};
TYPED_TEST_SUITE(DotTestHelper, AllElements);

TYPED_TEST(DotTestHelper, ToleranceFollowsPrecision) {
  using T = TypeParam;
  const double expected = std::is_same_v<real_t<T>, float> ? 1e-4 : 1e-10;
  EXPECT_EQ(dot_test_tolerance<T>(), expected);
  static_assert(dot_test_tolerance<T>() > 0);  // usable in constant expressions
}

TYPED_TEST(DotTestHelper, PassesACorrectOperatorAndIsDeterministic) {
  using T = TypeParam;
  FaultyMatrix<T> a(random_array<T>(Shape{5, 7}, 11), Fault::none);
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    EXPECT_LE(dot_test(a, seed), dot_test_tolerance<T>());
    EXPECT_LE(normal_test(a, seed), dot_test_tolerance<T>());
  }
  EXPECT_EQ(dot_test(a, 3), dot_test(a, 3));
  // The library's own dense matrix agrees.
  DenseMatrix<T> d(random_array<T>(Shape{5, 7}, 11));
  EXPECT_LE(dot_test(d, 1), dot_test_tolerance<T>());
}

TYPED_TEST(DotTestHelper, CatchesWrongAdjoints) {
  using T = TypeParam;
  for (Fault f : {Fault::perturbed, Fault::scaled}) {
    FaultyMatrix<T> a(random_array<T>(Shape{5, 7}, 12), f);
    for (std::uint64_t seed = 0; seed < 5; ++seed)
      EXPECT_GT(dot_test(a, seed), 1e-3) << "fault " << int(f) << " seed " << seed;
  }
}

TYPED_TEST(DotTestHelper, CatchesAMissingConjugation) {
  using T = TypeParam;
  FaultyMatrix<T> a(random_array<T>(Shape{5, 7}, 13), Fault::unconjugated);
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    if constexpr (is_complex_v<T>)
      EXPECT_GT(dot_test(a, seed), 1e-3) << "seed " << seed;
    else  // for real data the transpose is the adjoint
      EXPECT_LE(dot_test(a, seed), dot_test_tolerance<T>());
  }
}

TYPED_TEST(DotTestHelper, NormalTestCatchesAWrongNormal) {
  using T = TypeParam;
  FaultyMatrix<T> a(random_array<T>(Shape{5, 7}, 14), Fault::normal);
  EXPECT_LE(dot_test(a, 1), dot_test_tolerance<T>());  // the adjoint itself is right
  for (std::uint64_t seed = 0; seed < 5; ++seed) EXPECT_GT(normal_test(a, seed), 1e-3);
}

TEST(DotTestHelper, ZeroOperatorGivesZeroError) {
  DenseMatrix<double> zero(Array<double>(Shape{3, 4}));
  EXPECT_EQ(dot_test(zero, 1), 0.0);
  EXPECT_EQ(normal_test(zero, 1), 0.0);
}

}  // namespace
}  // namespace tweed::linop
