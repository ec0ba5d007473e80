// CG, CGLS and power iteration against dense references computed by Eigen.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "solver_test_helpers.hpp"
#include "tweed/solvers/cg.hpp"
#include "tweed/solvers/cgls.hpp"
#include "tweed/solvers/power.hpp"

namespace tweed::solvers {
namespace {

using namespace testing;

// The test operators must be correct for the solver tests to mean anything.
template <Element T>
double dot_test_error(const linop::LinearOperator<T>& op, std::uint64_t seed) {
  const Array<T> x = random_array<T>(op.domain(), seed);
  const Array<T> y = random_array<T>(op.range(), seed + 1);
  const auto lhs = dot(op(x), y);
  const auto rhs = dot(x, op.adjoint(y));
  return std::abs(lhs - rhs) / std::abs(lhs);
}

TEST(SolverTestOperators, PassTheDotTest) {
  EXPECT_LT(dot_test_error(ForwardDiff1D<double>(17), 1), 1e-12);
  EXPECT_LT(dot_test_error(ForwardDiff1D<cdouble>(17), 2), 1e-12);
  EXPECT_LT(dot_test_error(Gradient2D<double>(5, 7), 3), 1e-12);
  EXPECT_LT(dot_test_error(DenseOp<cdouble>(random_matrix<cdouble>(9, 6, 4)), 5), 1e-12);
  // D applied to a ramp is constant.
  Array<double> ramp(Shape{6});
  for (index_t i = 0; i < 6; ++i) ramp[i] = 2.0 * double(i);
  const Array<double> d = ForwardDiff1D<double>(6)(ramp);
  for (index_t i = 0; i < 5; ++i) EXPECT_EQ(d[i], 2.0);
}

/// A random Hermitian positive-definite n x n matrix G^H G / n + shift I (eigenvalues in about
/// [shift, 4 + shift]).
template <Element T>
Mat<T> random_hpd(index_t n, std::uint64_t seed, double shift) {
  const Mat<T> g = random_matrix<T>(n, n, seed);
  Mat<T> a = g.adjoint() * g / static_cast<real_t<T>>(n);
  a += static_cast<real_t<T>>(shift) * Mat<T>::Identity(n, n);
  return a;
}

/// ||b - A x|| / ||b|| in double precision.
template <Element T>
double true_relative_residual(const Mat<T>& a, const Array<T>& b, const Array<T>& x) {
  const Mat<cdouble> ad = a.template cast<cdouble>();
  const Vec<cdouble> bd = to_eigen(b).template cast<cdouble>();
  const Vec<cdouble> xd = to_eigen(x).template cast<cdouble>();
  return (bd - ad * xd).norm() / bd.norm();
}

TEST(Cg, SolvesComplexDoubleHpdSystem) {
  const index_t n = 200;
  const Mat<cdouble> a = random_hpd<cdouble>(n, 10, 0.1);
  const DenseOp<cdouble> op(a);
  const Array<cdouble> b = random_array<cdouble>(Shape{n}, 11);
  const Vec<cdouble> x_true = a.partialPivLu().solve(to_eigen(b));

  Array<cdouble> x;  // empty: start from zero
  CgOptions o;
  o.max_iterations = 500;
  o.tol = 1e-6;
  const SolveReport r = cg(op, b, x, o);
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_GT(r.iterations, 10);
  // CG's bound 2 sqrt(kappa) ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^k on the relative residual
  // gives k <= 53 for kappa <= 41; steepest descent would need about 270.
  EXPECT_LE(r.iterations, 60);
  EXPECT_EQ(r.history.size(), std::size_t(r.iterations));
  EXPECT_LE(r.final_residual, 1e-6);
  EXPECT_LE(true_relative_residual(a, b, x), 1.01e-6);
  // cond(A) <= 41, so the error is at most ~41 times the residual.
  EXPECT_LT(rel_error(x, to_array<cdouble>(x_true)), 5e-5);

  // Warm start from the solution: nothing (or one step) left to do.
  Array<cdouble> warm = to_array<cdouble>(x_true);
  const SolveReport w = cg(op, b, warm, o);
  EXPECT_EQ(w.reason, StopReason::converged);
  EXPECT_LE(w.iterations, 1);
  EXPECT_LT(rel_error(warm, to_array<cdouble>(x_true)), 1e-10);
}

TEST(Cg, SolvesComplexFloatHpdSystem) {
  const index_t n = 200;
  const Mat<cfloat> a = random_hpd<cfloat>(n, 20, 0.1);
  const DenseOp<cfloat> op(a);
  const Array<cfloat> b = random_array<cfloat>(Shape{n}, 21);
  const Vec<cdouble> x_true = a.cast<cdouble>().partialPivLu().solve(to_eigen(b).cast<cdouble>());

  Array<cfloat> x;
  CgOptions o;
  o.max_iterations = 500;
  o.tol = 1e-5;
  const SolveReport r = cg(op, b, x, o);
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LE(true_relative_residual(a, b, x), 3e-5);
  const Array<cdouble> xd = to_array<cdouble>(to_eigen(x).cast<cdouble>());
  EXPECT_LT(rel_error(xd, to_array<cdouble>(x_true)), 1e-3);
}

TEST(Cg, MonitorStopsAndBudgetIsAReasonNotAnException) {
  const index_t n = 200;
  const DenseOp<cdouble> op(random_hpd<cdouble>(n, 30, 0.1));
  const Array<cdouble> b = random_array<cdouble>(Shape{n}, 31);

  Array<cdouble> x;
  int calls = 0;
  const SolveReport m = cg(op, b, x, CgOptions{}, [&](const IterationInfo& info) {
    ++calls;
    EXPECT_EQ(info.iteration, calls);
    EXPECT_TRUE(std::isnan(info.objective));
    return info.iteration < 3;
  });
  EXPECT_EQ(m.reason, StopReason::stopped_by_monitor);
  EXPECT_EQ(m.iterations, 3);
  EXPECT_EQ(calls, 3);
  EXPECT_GT(m.final_residual, 1e-3);
  // Residuals decrease in the A-norm, not necessarily in the 2-norm; but they stay finite.
  ASSERT_EQ(m.history.size(), 3u);

  Array<cdouble> y;
  CgOptions o;
  o.max_iterations = 5;
  SolveReport c;
  EXPECT_NO_THROW(c = cg(op, b, y, o));
  EXPECT_EQ(c.reason, StopReason::max_iterations);
  EXPECT_EQ(c.iterations, 5);
  EXPECT_GT(c.final_residual, o.tol);
  EXPECT_EQ(c.to_json()["reason"], "max_iterations");
}

TEST(Cg, BreakdownDivergenceZeroRhsAndBadArguments) {
  const index_t n = 10;
  const DenseOp<double> minus_identity(-Mat<double>::Identity(n, n));
  const Array<double> b = random_array<double>(Shape{n}, 40);
  Array<double> x;
  EXPECT_EQ(cg(minus_identity, b, x).reason, StopReason::breakdown);

  const DenseOp<double> spd(random_hpd<double>(n, 41, 1.0));
  Array<double> bad = b;
  bad[3] = std::numeric_limits<double>::quiet_NaN();
  Array<double> x2;
  EXPECT_EQ(cg(spd, bad, x2).reason, StopReason::diverged);

  Array<double> x3 = random_array<double>(Shape{n}, 42);
  const SolveReport z = cg(spd, Array<double>(Shape{n}), x3);
  EXPECT_EQ(z.reason, StopReason::converged);
  EXPECT_EQ(norm2(x3), 0.0);

  Array<double> wrong(Shape{n + 1});
  EXPECT_THROW(cg(spd, b, wrong), ShapeMismatch);
  CgOptions neg;
  neg.tol = -1;
  EXPECT_THROW(cg(spd, b, x3, neg), InvalidInput);
}

TEST(Cg, JacobiPreconditionerHelpsBadlyScaledSystems) {
  const index_t n = 120;
  Mat<double> d = Mat<double>::Zero(n, n);
  for (index_t i = 0; i < n; ++i) d(i, i) = std::pow(10.0, 3.0 * double(i) / double(n));
  const Mat<double> a = d * random_hpd<double>(n, 50, 0.5) * d;  // cond ~ 1e6 by scaling
  const DenseOp<double> op(a);
  const Array<double> b = random_array<double>(Shape{n}, 51);
  const Vec<double> x_true = a.llt().solve(to_eigen(b));
  Array<double> inv_diag(Shape{n});
  for (index_t i = 0; i < n; ++i) inv_diag[i] = 1.0 / a(i, i);
  CgOptions o;
  o.max_iterations = 2000;
  o.tol = 1e-10;

  Array<double> x_plain, x_pre;
  const SolveReport plain = cg(op, b, x_plain, o);
  const SolveReport pre = cg(op, b, x_pre, o, {}, [&](const Array<double>& r, Array<double>& z) {
    for (index_t i = 0; i < n; ++i) z[i] = inv_diag[i] * r[i];
  });
  EXPECT_EQ(pre.reason, StopReason::converged);
  EXPECT_LT(pre.iterations, plain.iterations / 3);
  EXPECT_LT(rel_error(x_pre, to_array<double>(x_true)), 1e-6);
}

TEST(Cg, CallableFormAndNormalEquations) {
  const Mat<cdouble> a = random_matrix<cdouble>(60, 40, 60);
  const DenseOp<cdouble> op(a);
  const Array<cdouble> b = random_array<cdouble>(Shape{60}, 61);
  const double lambda = 0.5;
  const Mat<cdouble> normal = a.adjoint() * a + lambda * Mat<cdouble>::Identity(40, 40);
  const Vec<cdouble> x_true = normal.ldlt().solve(a.adjoint() * to_eigen(b));
  CgOptions o;
  o.max_iterations = 300;
  o.tol = 1e-12;

  Array<cdouble> x;
  const SolveReport r = cg_normal(op, b, lambda, x, o);
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(rel_error(x, to_array<cdouble>(x_true)), 1e-9);

  // The same system through the callable overload.
  const Array<cdouble> rhs = to_array<cdouble>(Vec<cdouble>(a.adjoint() * to_eigen(b)));
  Array<cdouble> x2(Shape{40});
  const SolveReport r2 = cg(
      [&](const Array<cdouble>& in, Array<cdouble>& out) {
        Eigen::Map<Vec<cdouble>>(out.data(), 40) = normal * to_eigen(in);
      },
      rhs, x2, o);
  EXPECT_EQ(r2.reason, StopReason::converged);
  EXPECT_LT(rel_error(x2, to_array<cdouble>(x_true)), 1e-9);
}

template <Element T>
void check_cgls(double lambda, std::uint64_t seed, double tol) {
  const Mat<T> a = random_matrix<T>(50, 30, seed);
  const DenseOp<T> op(a);
  const Array<T> b = random_array<T>(Shape{50}, seed + 1);
  const Mat<T> normal = a.adjoint() * a + static_cast<real_t<T>>(lambda) * Mat<T>::Identity(30, 30);
  const Vec<T> x_true = normal.ldlt().solve(a.adjoint() * to_eigen(b));
  Array<T> x;
  CglsOptions o;
  o.max_iterations = 300;
  o.tol = 1e-12;
  double last_objective = std::numeric_limits<double>::infinity();
  bool monotone = true;
  const SolveReport r = cgls(op, b, lambda, x, o, [&](const IterationInfo& info) {
    monotone = monotone && info.objective <= last_objective * (1 + 1e-12);
    last_objective = info.objective;
    return true;
  });
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_TRUE(monotone);  // CGLS decreases ||Ax - b||^2 + lambda ||x||^2 at every step
  EXPECT_LT(rel_error(x, to_array<T>(x_true)), tol);
  // The reported objective is the one the reference minimises.
  const double objective =
      (a * to_eigen(x) - to_eigen(b)).squaredNorm() + lambda * to_eigen(x).squaredNorm();
  EXPECT_NEAR(last_objective, objective, 1e-9 * objective);
}

TEST(Cgls, MatchesNormalEquations) {
  check_cgls<double>(0.0, 70, 1e-9);
  check_cgls<double>(0.7, 72, 1e-9);
  check_cgls<cdouble>(0.0, 74, 1e-9);
  check_cgls<cdouble>(2.0, 76, 1e-9);
}

TEST(Cgls, WarmStartFromTheSolutionConvergesAtOnce) {
  const Mat<double> a = random_matrix<double>(40, 20, 80);
  const DenseOp<double> op(a);
  const Array<double> b = random_array<double>(Shape{40}, 81);
  const Vec<double> x_true = (a.transpose() * a).ldlt().solve(a.transpose() * to_eigen(b));
  Array<double> x = to_array<double>(x_true);
  const SolveReport r = cgls(op, b, 0.0, x);
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LE(r.iterations, 1);
}

template <Element T>
void check_power(std::uint64_t seed) {
  // A = U diag(s) V^H with known singular values: ||A||^2 = s_max^2 = 9.
  const index_t m = 30, n = 20;
  const Mat<T> u = random_unitary<T>(m, seed).leftCols(n);
  const Mat<T> v = random_unitary<T>(n, seed + 1);
  Vec<T> s(n);
  for (index_t i = 0; i < n; ++i) s[i] = static_cast<real_t<T>>(i == 0 ? 3.0 : 2.5 * (n - i) / n);
  const DenseOp<T> op(Mat<T>(u * s.asDiagonal() * v.adjoint()));
  constexpr bool single = std::is_same_v<real_t<T>, float>;
  PowerOptions o;
  o.tol = single ? 1e-6 : 1e-12;
  o.max_iterations = 1000;
  o.seed = 5;
  const PowerResult r = power_iteration(op, o);
  EXPECT_EQ(r.report.reason, StopReason::converged);
  EXPECT_NEAR(r.value, 9.0, 9.0 * (single ? 1e-5 : 1e-9));
  EXPECT_LE(r.value, 9.0 * (1 + 1e-6));  // approaches from below
  // Reproducible from its seed.
  const PowerResult again = power_iteration(op, o);
  EXPECT_EQ(again.value, r.value);
}

TEST(Power, FindsLargestSingularValueSquared) {
  check_power<double>(90);
  check_power<cdouble>(92);
  check_power<float>(94);

  // The callable form on a known diagonal: eigenvalues 1..10.
  PowerOptions o;
  o.tol = 1e-12;
  o.max_iterations = 2000;
  const PowerResult d = power_iteration<double>(
      [](const Array<double>& in, Array<double>& out) {
        for (index_t i = 0; i < in.size(); ++i) out[i] = double(i + 1) * in[i];
      },
      Shape{10}, o);
  EXPECT_NEAR(d.value, 10.0, 1e-8);

  // The zero operator.
  const DenseOp<double> zero(Mat<double>::Zero(4, 3));
  EXPECT_EQ(power_iteration(zero).value, 0.0);
}

}  // namespace
}  // namespace tweed::solvers
