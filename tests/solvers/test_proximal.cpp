// FISTA, ADMM, PnP-ADMM, split Bregman, PDHG and C-SALSA on small l1- and TV-regularised problems
// whose minimisers are known independently of the solvers: soft-thresholding closed forms, a
// duality-gap-certified dual solver for TV denoising, and a KKT-certified coordinate descent for
// the lasso (see solver_test_helpers.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "solver_test_helpers.hpp"
#include "tweed/solvers/solvers.hpp"

namespace tweed::solvers {
namespace {

using namespace testing;

constexpr double kAccuracy = 1e-4;  // the acceptance criterion: 1e-4 relative to the minimiser

template <Element T>
ProxFunction<T> l1_prox(double lambda) {
  return [lambda](const Array<T>& v, double tau, Array<T>& out) {
    soft_threshold(v, tau * lambda, out);
  };
}

/// prox of tau/2 ||x - b||^2: (v + tau b) / (1 + tau).
template <Element T>
ProxFunction<T> quadratic_prox(const Array<T>& b) {
  return [&b](const Array<T>& v, double tau, Array<T>& out) {
    for (index_t i = 0; i < v.size(); ++i)
      out[i] = (v[i] + static_cast<real_t<T>>(tau) * b[i]) / static_cast<real_t<T>>(1 + tau);
  };
}

/// prox of sigma F* for F = lambda * (group) l1: the projection onto balls of radius lambda.
template <Element T>
ProxFunction<T> ball_projection(double lambda, index_t components) {
  return [lambda, components](const Array<T>& v, double, Array<T>& out) {
    project_groups(v, lambda, components, out);
  };
}

// ---------------------------------------------------------------------------------------------
// Problems

/// min_x 1/2 ||Q x - b||^2 + lambda ||x||_1 with Q unitary (or I): x* = soft(Q^H b, lambda).
template <Element T>
struct L1Problem {
  DenseOp<T> q;
  Array<T> b;
  double lambda;
  Array<T> x_star;
};
template <Element T>
L1Problem<T> make_l1(bool identity, std::uint64_t seed) {
  const index_t n = 32;
  Mat<T> q = identity ? Mat<T>(Mat<T>::Identity(n, n)) : random_unitary<T>(n, seed);
  Array<T> b = random_array<T>(Shape{n}, seed + 1, 2.0);
  const double lambda = 1.0;
  const Array<T> qhb = to_array<T>(Vec<T>(q.adjoint() * to_eigen(b)));
  Array<T> x_star = soft_threshold(qhb, lambda);
  return {DenseOp<T>(std::move(q)), std::move(b), lambda, std::move(x_star)};
}

template <Element T>
constexpr bool is_single = std::is_same_v<real_t<T>, float>;

/// Single precision cannot reach the double tolerances: a shorter run to a looser one.
template <Element T, class Options>
void loosen_for_single(Options& o, int max_iterations) {
  if constexpr (is_single<T>) {
    o.max_iterations = max_iterations;
    o.tol = 1e-6;
  }
}

/// Runs `solve(p, x)` on make_l1(identity, seed) and checks x against the soft-threshold
/// minimiser, and (in double precision) that the run converged.
template <Element T, class Solve>
void expect_l1_minimiser(bool identity, std::uint64_t seed, double accuracy, const Solve& solve) {
  const L1Problem<T> p = make_l1<T>(identity, seed);
  Array<T> x;
  const SolveReport r = solve(p, x);
  EXPECT_LT(rel_error(x, p.x_star), accuracy) << to_string(r.reason);
  if constexpr (!is_single<T>) {
    EXPECT_EQ(r.reason, StopReason::converged);
  }
}

/// 1-D TV denoising: min_x 1/2 ||x - b||^2 + lambda ||D x||_1 on a noisy piecewise-constant signal.
struct Tv1DProblem {
  Array<double> b;
  double lambda = 0.8;
  Array<double> x_star;
  double gap = 0;
};
const Tv1DProblem& tv1d() {
  static const Tv1DProblem p = [] {
    Tv1DProblem t;
    const index_t n = 40;
    t.b = random_array<double>(Shape{n}, 200, 0.3);
    const double levels[] = {0.0, 2.0, -1.0, 1.0};
    for (index_t i = 0; i < n; ++i) t.b[i] += levels[i / 10];
    const TvReference ref =
        tv_reference(matrix_of(ForwardDiff1D<double>(n)), to_eigen(t.b), t.lambda, 1);
    t.x_star = to_array<double>(ref.x);
    t.gap = ref.gap;
    return t;
  }();
  return p;
}

/// 2-D isotropic TV denoising on a 6 x 7 image.
struct Tv2DProblem {
  index_t ny = 6, nx = 7;
  Array<double> b;
  double lambda = 0.5;
  Array<double> x_star;
  double gap = 0;
};
const Tv2DProblem& tv2d() {
  static const Tv2DProblem p = [] {
    Tv2DProblem t;
    t.b = random_array<double>(Shape{t.ny, t.nx}, 300, 0.3);
    for (index_t i = 0; i < t.ny; ++i)
      for (index_t j = 0; j < t.nx; ++j) t.b(i, j) += (i >= 2 && j >= 3) ? 2.0 : 0.0;
    const TvReference ref =
        tv_reference(matrix_of(Gradient2D<double>(t.ny, t.nx)), to_eigen(t.b), t.lambda, 2);
    t.x_star = to_array<double>(ref.x, Shape{t.ny, t.nx});
    t.gap = ref.gap;
    return t;
  }();
  return p;
}

/// Lasso min_x 1/2 ||A x - b||^2 + lambda ||x||_1, A 40 x 20 Gaussian, sparse truth.
struct LassoProblem {
  Mat<double> a;
  Array<double> b;
  double lambda = 0.05;
  Array<double> x_star;
  double kkt = 0;
};
const LassoProblem& lasso() {
  static const LassoProblem p = [] {
    LassoProblem l;
    const index_t m = 40, n = 20;
    l.a = random_matrix<double>(m, n, 400, 1.0 / std::sqrt(double(m)));
    Vec<double> x_true = Vec<double>::Zero(n);
    x_true[2] = 1.5;
    x_true[7] = -2.0;
    x_true[11] = 0.7;
    x_true[17] = -0.4;
    const Array<double> noise = random_array<double>(Shape{m}, 401, 0.05);
    l.b = to_array<double>(Vec<double>(l.a * x_true + to_eigen(noise)));
    const Vec<double> x = lasso_reference(l.a, to_eigen(l.b), l.lambda);
    l.x_star = to_array<double>(x);
    l.kkt = lasso_kkt_violation(l.a, to_eigen(l.b), l.lambda, x);
    return l;
  }();
  return p;
}

/// The lasso objective 1/2 ||A x* - b||^2 + lambda ||x*||_1 at the minimiser.
double lasso_minimum(const LassoProblem& p) {
  return 0.5 * (p.a * to_eigen(p.x_star) - to_eigen(p.b)).squaredNorm() +
         p.lambda * norm1(p.x_star);
}

TEST(SolverReferences, AreCertified) {
  // Duality gaps bound the distance to the minimiser: ||x - x*|| <= sqrt(2 gap).
  EXPECT_LT(tv1d().gap, 1e-13);
  EXPECT_LT(tv2d().gap, 1e-13);
  EXPECT_LT(lasso().kkt, 1e-12);
  // The problems are not trivial: TV merges some neighbours but not all, the lasso keeps a
  // support that is neither empty nor full.
  int zero_jumps = 0, nonzeros = 0;
  for (index_t i = 0; i + 1 < tv1d().x_star.size(); ++i)
    zero_jumps += std::abs(tv1d().x_star[i + 1] - tv1d().x_star[i]) < 1e-6;
  for (index_t i = 0; i < lasso().x_star.size(); ++i) nonzeros += lasso().x_star[i] != 0;
  EXPECT_GT(zero_jumps, 10);
  EXPECT_LT(zero_jumps, 38);
  EXPECT_GE(nonzeros, 3);
  EXPECT_LT(nonzeros, 20);
}

// ---------------------------------------------------------------------------------------------
// FISTA

template <Element T>
void fista_l1(bool identity, std::uint64_t seed, double accuracy) {
  expect_l1_minimiser<T>(identity, seed, accuracy, [](const L1Problem<T>& p, Array<T>& x) {
    FistaOptions o;
    o.max_iterations = 5000;
    o.tol = 1e-12;
    loosen_for_single<T>(o, 5000);
    return fista(p.q, p.b, l1_prox<T>(p.lambda), x, o);
  });
}

TEST(Fista, L1WithIdentityOrUnitaryAHasTheSoftThresholdMinimiser) {
  fista_l1<double>(true, 1, 1e-10);
  fista_l1<double>(false, 2, kAccuracy);
  fista_l1<cdouble>(false, 3, kAccuracy);
  fista_l1<float>(true, 4, kAccuracy);
  fista_l1<cfloat>(false, 5, kAccuracy);
}

TEST(Fista, SolvesTheLasso) {
  const LassoProblem& p = lasso();
  const DenseOp<double> a(p.a);
  for (bool restart : {false, true}) {
    Array<double> x;
    FistaOptions o;
    o.max_iterations = 20000;
    o.tol = 1e-12;
    o.restart = restart;
    std::vector<double> objectives;
    const SolveReport r = fista(
        a, p.b, l1_prox<double>(p.lambda), x, o,
        [&](const IterationInfo& info) {
          objectives.push_back(info.objective);
          return true;
        },
        [&](const Array<double>& v) { return p.lambda * norm1(v); });
    EXPECT_EQ(r.reason, StopReason::converged) << restart;
    EXPECT_LT(rel_error(x, p.x_star), kAccuracy) << restart;
    // The reported objective is 1/2||Ax - b||^2 + lambda ||x||_1 and reaches the minimum.
    const double f_star = lasso_minimum(p);
    ASSERT_FALSE(objectives.empty());
    EXPECT_NEAR(objectives.back(), f_star, 1e-9 * f_star);
    EXPECT_GT(objectives.front(), f_star);
  }
}

TEST(Fista, GenericFormSolvesTheTvDual) {
  // FISTA (as Beck–Teboulle's FGP) on the dual of 1-D TV denoising,
  //   min_{|p| <= 1} 1/2 ||b - lambda D^T p||^2,  x = b - lambda D^T p,
  // a smooth term with L = lambda^2 ||D||^2 <= 4 lambda^2 and the box projection as the prox.
  const Tv1DProblem& t = tv1d();
  const ForwardDiff1D<double> d(t.b.size());
  Array<double> x(t.b.shape()), dtp(t.b.shape());
  auto grad = [&](const Array<double>& p, Array<double>& g) {
    d.apply_adjoint(p, dtp);
    lincomb(1.0, t.b, -t.lambda, dtp, x);  // x = b - lambda D^T p
    d.apply(x, g);
    scale(g, -t.lambda);
  };
  auto box = [](const Array<double>& v, double, Array<double>& out) {
    for (index_t i = 0; i < v.size(); ++i) out[i] = std::clamp(v[i], -1.0, 1.0);
  };
  Array<double> p(Shape{t.b.size() - 1});
  FistaOptions o;
  o.lipschitz = 4 * t.lambda * t.lambda;
  o.max_iterations = 50000;
  o.tol = 1e-13;
  o.restart = true;
  const SolveReport r = fista<double>(grad, box, p, o);
  EXPECT_EQ(r.reason, StopReason::converged);
  d.apply_adjoint(p, dtp);
  lincomb(1.0, t.b, -t.lambda, dtp, x);
  EXPECT_LT(rel_error(x, t.x_star), kAccuracy);

  FistaOptions no_l;
  EXPECT_THROW(fista<double>(grad, box, p, no_l), InvalidInput);
}

TEST(Fista, TooLargeAStepIsReportedAsDivergence) {
  const DenseOp<double> a(Mat<double>(2.0 * Mat<double>::Identity(8, 8)));
  const Array<double> b = random_array<double>(Shape{8}, 7);
  Array<double> x;
  FistaOptions o;
  o.lipschitz = 0.1;  // the true L is 4
  o.max_iterations = 5000;
  SolveReport r;
  EXPECT_NO_THROW(r = fista(a, b, l1_prox<double>(0.0), x, o));
  EXPECT_EQ(r.reason, StopReason::diverged);
  EXPECT_LT(r.iterations, 5000);
}

// ---------------------------------------------------------------------------------------------
// ADMM and plug-and-play ADMM

/// Tight tolerances for the splitting solvers with CG x-steps (ADMM, PnP-ADMM, split Bregman,
/// C-SALSA).
template <class Options>
Options tight_splitting(int max_iterations = 20000, double tol = 1e-10, double abs_tol = 1e-13) {
  Options o;
  o.max_iterations = max_iterations;
  o.tol = tol;
  o.abs_tol = abs_tol;
  o.cg_iterations = 100;
  o.cg_tol = 1e-13;
  return o;
}

AdmmOptions tight_admm() {
  return tight_splitting<AdmmOptions>();
}

template <Element T>
void admm_l1(bool identity, std::uint64_t seed) {
  expect_l1_minimiser<T>(identity, seed, kAccuracy, [](const L1Problem<T>& p, Array<T>& x) {
    AdmmOptions o = tight_admm();
    loosen_for_single<T>(o, 500);
    return admm(p.q, p.b, IdentityOp<T>(p.b.shape()), l1_prox<T>(p.lambda), x, o);
  });
}

TEST(Admm, L1WithIdentityOrUnitaryA) {
  admm_l1<double>(true, 11);
  admm_l1<double>(false, 12);
  admm_l1<cdouble>(false, 13);
  admm_l1<float>(true, 14);
  admm_l1<cfloat>(false, 15);
}

TEST(Admm, TvDenoising1D) {
  const Tv1DProblem& t = tv1d();
  const IdentityOp<double> id(t.b.shape());
  const ForwardDiff1D<double> d(t.b.size());
  for (double relaxation : {1.0, 1.6}) {
    Array<double> x;
    AdmmOptions o = tight_admm();
    o.relaxation = relaxation;
    const SolveReport r = admm(id, t.b, d, l1_prox<double>(t.lambda), x, o);
    EXPECT_EQ(r.reason, StopReason::converged) << relaxation;
    EXPECT_LT(rel_error(x, t.x_star), kAccuracy) << relaxation;
  }
}

TEST(Admm, IsotropicTv2DWithAGroupProx) {
  const Tv2DProblem& t = tv2d();
  const IdentityOp<double> id(t.b.shape());
  const Gradient2D<double> grad(t.ny, t.nx);
  const double lambda = t.lambda;
  auto group_prox = [lambda](const Array<double>& v, double tau, Array<double>& out) {
    // prox of tau lambda sum_j ||v_j||: v minus its projection onto the balls of radius tau lambda
    project_groups(v, tau * lambda, 2, out);
    lincomb(1.0, v, -1.0, out, out);
  };
  Array<double> x;
  const SolveReport r = admm(id, t.b, grad, ProxFunction<double>(group_prox), x, tight_admm());
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(rel_error(x, t.x_star), kAccuracy);
}

TEST(Admm, LassoWithAdaptiveRhoAndObjective) {
  const LassoProblem& p = lasso();
  const DenseOp<double> a(p.a);
  const IdentityOp<double> id(Shape{p.a.cols()});
  for (bool adapt : {false, true}) {
    Array<double> x;
    AdmmOptions o = tight_admm();
    o.adapt_rho = adapt;
    o.rho = adapt ? 50.0 : 0.5;  // a poor start that balancing has to correct
    double last_objective = std::numeric_limits<double>::quiet_NaN();
    const SolveReport r = admm(
        a, p.b, id, l1_prox<double>(p.lambda), x, o,
        [&](const IterationInfo& info) {
          last_objective = info.objective;
          return true;
        },
        [&](const Array<double>& v) { return p.lambda * norm1(v); });
    EXPECT_EQ(r.reason, StopReason::converged) << adapt;
    EXPECT_LT(rel_error(x, p.x_star), kAccuracy) << adapt;
    const double f_star = lasso_minimum(p);
    EXPECT_NEAR(last_objective, f_star, 1e-6 * f_star);
  }
}

TEST(Admm, ClosedFormXStepMonitorStopAndArgumentChecks) {
  const L1Problem<double> p = make_l1<double>(true, 16);
  const IdentityOp<double> id(p.b.shape());
  int solves = 0;
  // A = K = I: (A^H A + rho K^H K) x = rhs is x = rhs / (1 + rho).
  auto x_solve = [&](const Array<double>& rhs, double rho, Array<double>& x) {
    ++solves;
    lincomb(1.0 / (1 + rho), rhs, 0.0, rhs, x);
  };
  Array<double> x;
  const SolveReport r =
      admm(id, p.b, id, l1_prox<double>(p.lambda), x, tight_admm(), {}, {}, x_solve);
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_EQ(solves, r.iterations);
  EXPECT_LT(rel_error(x, p.x_star), 1e-8);

  Array<double> y;
  const SolveReport m = admm(id, p.b, id, l1_prox<double>(p.lambda), y, tight_admm(),
                             [](const IterationInfo& info) { return info.iteration < 4; });
  EXPECT_EQ(m.reason, StopReason::stopped_by_monitor);
  EXPECT_EQ(m.iterations, 4);

  AdmmOptions bad;
  bad.rho = 0;
  EXPECT_THROW(admm(id, p.b, id, l1_prox<double>(p.lambda), y, bad), InvalidInput);
  Array<double> wrong(Shape{3});
  EXPECT_THROW(admm(id, p.b, id, l1_prox<double>(p.lambda), wrong), ShapeMismatch);
}

TEST(PnpAdmm, AnExactProxAsDenoiserReproducesAdmm) {
  const LassoProblem& p = lasso();
  const DenseOp<double> a(p.a);
  const IdentityOp<double> id(Shape{p.a.cols()});
  // The denoiser D(v, sigma) = soft(v, sigma^2) is the exact prox of sigma^2 ||.||_1, so with
  // sigma = sqrt(lambda / rho) the z-step is soft(v, lambda / rho), ADMM's z-step for
  // g = lambda ||.||_1.
  std::vector<double> sigmas;
  auto denoiser = [&](const Array<double>& v, double sigma, Array<double>& out) {
    sigmas.push_back(sigma);
    soft_threshold(v, sigma * sigma, out);
  };
  PnpAdmmOptions po = tight_splitting<PnpAdmmOptions>();
  po.lambda = p.lambda;
  po.rho = 0.8;
  Array<double> x_pnp;
  const SolveReport rp = pnp_admm(a, p.b, denoiser, x_pnp, po);
  EXPECT_EQ(rp.reason, StopReason::converged);
  ASSERT_FALSE(sigmas.empty());
  EXPECT_DOUBLE_EQ(sigmas.front(), std::sqrt(p.lambda / 0.8));

  AdmmOptions ao = tight_admm();
  ao.rho = 0.8;
  Array<double> x_admm;
  const SolveReport ra = admm(a, p.b, id, l1_prox<double>(p.lambda), x_admm, ao);
  EXPECT_EQ(ra.reason, StopReason::converged);
  EXPECT_LT(rel_error(x_pnp, x_admm), 1e-8);
  EXPECT_EQ(rp.iterations, ra.iterations);
  EXPECT_LT(rel_error(x_pnp, p.x_star), kAccuracy);
}

TEST(PnpAdmm, RhoGrowthShrinksSigma) {
  const L1Problem<double> p = make_l1<double>(true, 17);
  std::vector<double> sigmas;
  auto denoiser = [&](const Array<double>& v, double sigma, Array<double>& out) {
    sigmas.push_back(sigma);
    soft_threshold(v, sigma * sigma, out);
  };
  PnpAdmmOptions po;
  po.lambda = 2.0;
  po.rho = 0.5;
  po.rho_growth = 1.2;
  po.max_iterations = 5;
  po.tol = 0;
  po.abs_tol = 0;
  Array<double> x;
  const SolveReport r = pnp_admm(p.q, p.b, denoiser, x, po);
  EXPECT_EQ(r.reason, StopReason::max_iterations);
  ASSERT_EQ(sigmas.size(), 5u);
  for (int k = 0; k < 5; ++k)
    EXPECT_NEAR(sigmas[std::size_t(k)], std::sqrt(2.0 / (0.5 * std::pow(1.2, k))), 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Split Bregman

SplitBregmanOptions tight_sb(double lambda) {
  SplitBregmanOptions o = tight_splitting<SplitBregmanOptions>();
  o.lambda = lambda;
  return o;
}

template <Element T>
void split_bregman_l1(bool identity, std::uint64_t seed) {
  expect_l1_minimiser<T>(identity, seed, kAccuracy, [](const L1Problem<T>& p, Array<T>& x) {
    SplitBregmanOptions o = tight_sb(p.lambda);
    loosen_for_single<T>(o, 500);
    return split_bregman(p.q, p.b, IdentityOp<T>(p.b.shape()), x, o);
  });
}

TEST(SplitBregman, L1WithIdentityOrUnitaryA) {
  split_bregman_l1<double>(true, 21);
  split_bregman_l1<double>(false, 22);
  split_bregman_l1<cdouble>(false, 23);
  split_bregman_l1<float>(false, 24);
}

TEST(SplitBregman, AnisotropicTv1D) {
  const Tv1DProblem& t = tv1d();
  const IdentityOp<double> id(t.b.shape());
  const ForwardDiff1D<double> d(t.b.size());
  Array<double> x;
  SplitBregmanOptions o = tight_sb(t.lambda);
  o.compute_objective = true;
  double last_objective = 0;
  const SolveReport r = split_bregman(id, t.b, d, x, o, [&](const IterationInfo& info) {
    last_objective = info.objective;
    return true;
  });
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(rel_error(x, t.x_star), kAccuracy);
  const double f_star =
      0.5 * (to_eigen(t.x_star) - to_eigen(t.b)).squaredNorm() + t.lambda * norm1(d(t.x_star));
  EXPECT_NEAR(last_objective, f_star, 1e-7 * f_star);
}

TEST(SplitBregman, IsotropicTv2D) {
  const Tv2DProblem& t = tv2d();
  const IdentityOp<double> id(t.b.shape());
  const Gradient2D<double> grad(t.ny, t.nx);
  Array<double> x;
  SplitBregmanOptions o = tight_sb(t.lambda);
  o.isotropic = true;
  const SolveReport r = split_bregman(id, t.b, grad, x, o);
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(rel_error(x, t.x_star), kAccuracy);

  // The anisotropic model is a different problem: its minimiser is measurably elsewhere.
  Array<double> x_aniso;
  o.isotropic = false;
  split_bregman(id, t.b, grad, x_aniso, o);
  EXPECT_GT(rel_error(x_aniso, t.x_star), 10 * kAccuracy);
}

TEST(SplitBregman, Lasso) {
  const LassoProblem& p = lasso();
  const DenseOp<double> a(p.a);
  const IdentityOp<double> id(Shape{p.a.cols()});
  Array<double> x;
  const SolveReport r = split_bregman(a, p.b, id, x, tight_sb(p.lambda));
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(rel_error(x, p.x_star), kAccuracy);
}

// ---------------------------------------------------------------------------------------------
// PDHG

PdhgOptions tight_pdhg() {
  PdhgOptions o;
  o.max_iterations = 100000;
  o.tol = 1e-10;
  o.abs_tol = 1e-13;
  return o;
}

template <Element T>
void pdhg_l1(bool identity, std::uint64_t seed) {
  // G = lambda ||.||_1, F(v) = 1/2 ||v - b||^2 with K = Q; prox of F* through Moreau.
  expect_l1_minimiser<T>(identity, seed, kAccuracy, [](const L1Problem<T>& p, Array<T>& x) {
    PdhgOptions o = tight_pdhg();
    loosen_for_single<T>(o, 2000);
    return pdhg(p.q, l1_prox<T>(p.lambda), conjugate_prox<T>(quadratic_prox<T>(p.b)), x, o);
  });
}

TEST(Pdhg, L1WithIdentityOrUnitaryKThroughMoreau) {
  pdhg_l1<double>(true, 31);
  pdhg_l1<double>(false, 32);
  pdhg_l1<cdouble>(false, 33);
  pdhg_l1<float>(true, 34);
}

TEST(Pdhg, MoreauIdentityGivesTheConjugateProx) {
  // F = lambda ||.||_1: F* is the indicator of the lambda-box, whose prox is the clip.
  const double lambda = 0.7;
  const Array<double> v = random_array<double>(Shape{50}, 35, 2.0);
  const ProxFunction<double> conj = conjugate_prox<double>(l1_prox<double>(lambda));
  for (double sigma : {0.3, 1.0, 4.0}) {
    Array<double> out(v.shape());
    conj(v, sigma, out);
    for (index_t i = 0; i < v.size(); ++i)
      EXPECT_NEAR(out[i], std::clamp(v[i], -lambda, lambda), 1e-14);
  }
}

TEST(Pdhg, TvDenoising1DWithOverRelaxation) {
  const Tv1DProblem& t = tv1d();
  const ForwardDiff1D<double> d(t.b.size());
  for (double relaxation : {1.0, 1.5}) {
    Array<double> x;
    PdhgOptions o = tight_pdhg();
    o.relaxation = relaxation;
    const SolveReport r =
        pdhg(d, quadratic_prox<double>(t.b), ball_projection<double>(t.lambda, 1), x, o);
    EXPECT_EQ(r.reason, StopReason::converged) << relaxation;
    EXPECT_LT(rel_error(x, t.x_star), kAccuracy) << relaxation;
  }
}

TEST(Pdhg, IsotropicTv2DAndDualWarmStart) {
  const Tv2DProblem& t = tv2d();
  const Gradient2D<double> grad(t.ny, t.nx);
  Array<double> x, y;
  const SolveReport r = pdhg(grad, quadratic_prox<double>(t.b),
                             ball_projection<double>(t.lambda, 2), x, tight_pdhg(), {}, {}, &y);
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(rel_error(x, t.x_star), kAccuracy);
  EXPECT_EQ(y.shape(), grad.range());
  // Restarting from the converged primal-dual pair converges at once.
  const SolveReport again = pdhg(grad, quadratic_prox<double>(t.b),
                                 ball_projection<double>(t.lambda, 2), x, tight_pdhg(), {}, {}, &y);
  EXPECT_EQ(again.reason, StopReason::converged);
  EXPECT_LE(again.iterations, 5);
}

TEST(Pdhg, LassoWithKEqualToA) {
  // G = lambda ||.||_1, F(v) = 1/2||v - b||^2, prox_{sigma F*}(w) = (w - sigma b) / (1 + sigma).
  const LassoProblem& p = lasso();
  const DenseOp<double> a(p.a);
  const Array<double>& b = p.b;
  auto prox_f_conj = [&b](const Array<double>& w, double sigma, Array<double>& out) {
    lincomb(1 / (1 + sigma), w, -sigma / (1 + sigma), b, out);
  };
  Array<double> x;
  const SolveReport r = pdhg(a, l1_prox<double>(p.lambda), prox_f_conj, x, tight_pdhg());
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(rel_error(x, p.x_star), kAccuracy);
}

// ---------------------------------------------------------------------------------------------
// Behaviour shared by the proximal solvers

TEST(ProximalSolvers, DefaultOptionsReachModerateAccuracy) {
  const Tv1DProblem& t = tv1d();
  const IdentityOp<double> id(t.b.shape());
  const ForwardDiff1D<double> d(t.b.size());
  Array<double> x_admm, x_sb, x_pdhg;
  const SolveReport ra = admm(id, t.b, d, l1_prox<double>(t.lambda), x_admm);
  EXPECT_EQ(ra.reason, StopReason::converged);
  EXPECT_LT(rel_error(x_admm, t.x_star), 1e-2);
  SplitBregmanOptions so;
  so.lambda = t.lambda;
  const SolveReport rs = split_bregman(id, t.b, d, x_sb, so);
  EXPECT_EQ(rs.reason, StopReason::converged);
  EXPECT_LT(rel_error(x_sb, t.x_star), 1e-2);
  const SolveReport rp =
      pdhg(d, quadratic_prox<double>(t.b), ball_projection<double>(t.lambda, 1), x_pdhg);
  EXPECT_EQ(rp.reason, StopReason::converged);
  EXPECT_LT(rel_error(x_pdhg, t.x_star), 1e-2);

  const LassoProblem& p = lasso();
  const DenseOp<double> a(p.a);
  Array<double> x_fista;
  const SolveReport rf = fista(a, p.b, l1_prox<double>(p.lambda), x_fista);
  EXPECT_EQ(rf.reason, StopReason::converged);
  EXPECT_LT(rel_error(x_fista, p.x_star), 1e-3);
}

TEST(ProximalSolvers, NonFiniteValuesEndTheRunAsDiverged) {
  // A prox that starts returning NaN after a few calls (a broken prior or a bad step).
  int calls = 0;
  auto poisoned = [&calls](const Array<double>& v, double, Array<double>& out) {
    copy(v, out);
    if (++calls > 3) out[0] = std::numeric_limits<double>::quiet_NaN();
  };
  const Tv1DProblem& t = tv1d();
  const IdentityOp<double> id(t.b.shape());
  const ForwardDiff1D<double> d(t.b.size());
  Array<double> x;
  calls = 0;
  EXPECT_EQ(admm(id, t.b, d, poisoned, x).reason, StopReason::diverged);
  calls = 0;
  x = Array<double>();
  EXPECT_EQ(fista(id, t.b, poisoned, x).reason, StopReason::diverged);
  calls = 0;
  x = Array<double>();
  EXPECT_EQ(pdhg(d, quadratic_prox<double>(t.b), poisoned, x).reason, StopReason::diverged);
  calls = 0;
  x = Array<double>();
  EXPECT_EQ(csalsa(id, t.b, 1.0, poisoned, x).reason, StopReason::diverged);
}

// ---------------------------------------------------------------------------------------------
// C-SALSA

/// min ||x||_1 s.t. ||y - x|| <= eps has the minimiser soft(y, t) with the threshold t at which
/// the constraint is active: ||y - soft(y, t)|| = sqrt(sum min(|y_i|, t)^2) = eps (bisection).
template <Element T>
Array<T> constrained_l1_identity_reference(const Array<T>& y, double eps) {
  auto dist = [&](double t) {
    double s = 0;
    for (index_t i = 0; i < y.size(); ++i) s += std::pow(std::min(double(std::abs(y[i])), t), 2);
    return std::sqrt(s);
  };
  double lo = 0, hi = max_abs(y);
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (dist(mid) < eps ? lo : hi) = mid;
  }
  return soft_threshold(y, 0.5 * (lo + hi));
}

CsalsaOptions tight_csalsa() {
  return tight_splitting<CsalsaOptions>(50000, 1e-11, 1e-14);
}

template <Element T>
void csalsa_identity(std::uint64_t seed, bool closed_form) {
  const index_t n = 30;
  const Array<T> y = random_array<T>(Shape{n}, seed, 1.0);
  const double eps = 0.5 * norm2(y);  // x = 0 is infeasible: the constraint is active
  const Array<T> x_star = constrained_l1_identity_reference(y, eps);
  const IdentityOp<T> id(y.shape());
  Array<T> x;
  SystemSolveFunction<T> x_solve;
  if (closed_form)  // A^H A + I = 2 I
    x_solve = [](const Array<T>& rhs, double, Array<T>& out) {
      lincomb(T(0.5), rhs, T(0), rhs, out);
    };
  const SolveReport r = csalsa(id, y, eps, l1_prox<T>(1.0), x, tight_csalsa(), {}, {}, x_solve);
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(rel_error(x, x_star), kAccuracy);
  Array<T> resid = y;
  axpy(T(-1), x, resid);
  EXPECT_NEAR(norm2(resid), eps, kAccuracy * eps);
}

TEST(Csalsa, ActiveConstraintWithIdentity) {
  csalsa_identity<double>(41, false);
  csalsa_identity<double>(42, true);
  csalsa_identity<cdouble>(43, false);
}

TEST(Csalsa, CompressedSensingMeetsTheKktConditions) {
  // min ||x||_1 s.t. ||y - A x|| <= eps with A 20 x 40: at the minimiser ||y - Ax|| = eps and,
  // for some multiplier m > 0, m A^T (y - A x) is in the subdifferential of ||.||_1 at x:
  // = sign(x_i) on the support, within [-1, 1] off it.
  const index_t rows = 20, cols = 40;
  const Mat<double> a = random_matrix<double>(rows, cols, 44, 1.0 / std::sqrt(double(rows)));
  Vec<double> x_true = Vec<double>::Zero(cols);
  x_true[3] = 2.0;
  x_true[19] = -1.5;
  x_true[30] = 1.0;
  const Array<double> noise = random_array<double>(Shape{rows}, 45, 0.05);
  const Array<double> y = to_array<double>(Vec<double>(a * x_true + to_eigen(noise)));
  const double eps = 0.1 * norm2(y);
  const DenseOp<double> op(a);
  Array<double> x;
  double last_objective = 0;
  const SolveReport r = csalsa(
      op, y, eps, l1_prox<double>(1.0), x, tight_csalsa(),
      [&](const IterationInfo& info) {
        last_objective = info.objective;
        return true;
      },
      [](const Array<double>& v) { return norm1(v); });
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_DOUBLE_EQ(last_objective, norm1(x));

  const Vec<double> xv = to_eigen(x);
  const Vec<double> resid = to_eigen(y) - a * xv;
  EXPECT_NEAR(resid.norm(), eps, kAccuracy * eps);
  const Vec<double> g = a.transpose() * resid;
  const double big = xv.cwiseAbs().maxCoeff();
  double multiplier = 0;
  int support = 0;
  for (index_t i = 0; i < cols; ++i)
    if (std::abs(xv[i]) > 1e-6 * big) {
      multiplier += 1 / std::abs(g[i]);
      ++support;
    }
  ASSERT_GT(support, 0);
  multiplier /= support;
  for (index_t i = 0; i < cols; ++i) {
    if (std::abs(xv[i]) > 1e-6 * big) {
      EXPECT_NEAR(multiplier * g[i], xv[i] > 0 ? 1.0 : -1.0, 1e-4) << i;
    } else {
      EXPECT_LE(std::abs(multiplier * g[i]), 1 + 1e-4) << i;
      EXPECT_LT(std::abs(xv[i]), 1e-5 * big) << i;
    }
  }
}

TEST(Csalsa, InactiveConstraintLeavesThePriorsMinimiser) {
  // With eps >= ||y||, x = 0 is feasible and minimises ||x||_1.
  const Array<double> y = random_array<double>(Shape{12}, 46);
  const IdentityOp<double> id(y.shape());
  Array<double> x = random_array<double>(Shape{12}, 47);
  const SolveReport r = csalsa(id, y, 1.01 * norm2(y), l1_prox<double>(1.0), x, tight_csalsa());
  EXPECT_EQ(r.reason, StopReason::converged);
  EXPECT_LT(max_abs(x), 1e-8);
}

}  // namespace
}  // namespace tweed::solvers
