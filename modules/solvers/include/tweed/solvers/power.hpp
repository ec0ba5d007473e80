// Power iteration for the largest eigenvalue of A^H A, i.e. ||A||_2^2, the Lipschitz constant of
// the gradient of 1/2 ||A x - b||^2 (FISTA's step) and L^2 in PDHG's step condition.
#pragma once

#include <cstdint>

#include "tweed/linop/linear_operator.hpp"
#include "tweed/solvers/functions.hpp"
#include "tweed/solvers/report.hpp"

namespace tweed::solvers {

struct PowerOptions {
  /// Iteration budget (one apply_normal each).
  int max_iterations = 100;
  /// Stop when the estimate changes by at most tol (relative) between iterations.
  double tol = 1e-6;
  /// Seed of the random start vector (Philox, so the estimate is reproducible).
  std::uint64_t seed = 0;
  bool keep_history = false;
};

struct PowerResult {
  /// The estimate of lambda_max(A^H A) = ||A||_2^2. It approaches from below (it is ||N v|| for a
  /// unit v), so callers that need an upper bound multiply by a small margin.
  double value = 0;
  SolveReport report;
};

/// Largest eigenvalue of A^H A from a seeded random start. The residual reported is the relative
/// change of the estimate. A start vector in the null space gives 0.
template <Element T>
PowerResult power_iteration(const linop::LinearOperator<T>& A, const PowerOptions& options = {},
                            const Monitor& monitor = {});

/// The same for a Hermitian positive semi-definite map N (e.g. a normal operator) given as a
/// callable on arrays of shape `domain`: the largest eigenvalue of N. T must be given:
/// power_iteration<float>(normal, shape).
template <Element T>
PowerResult power_iteration(const LinearMap<T>& normal, const Shape& domain,
                            const PowerOptions& options = {}, const Monitor& monitor = {});

}  // namespace tweed::solvers
