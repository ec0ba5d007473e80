// The callables through which solvers see everything that is not a linear operator: proximal
// maps, denoisers, objective values, gradients, preconditioners and closed-form linear solves.
//
// Solvers sit below the priors layer, so they know no Prox/Denoiser classes; the priors layer
// adapts its objects to these std::function types (a lambda capturing the prior).
//
// Contracts shared by every callable here:
//  - `out` is never the same array as the input (solvers never pass aliased arguments), and it
//    already has the input's shape when the solver calls (implementations may assume so);
//  - a callable is only ever called from the solver's thread, one call at a time.
//
// Every alias is wrapped in std::type_identity_t so that it is a non-deduced context: a caller
// may pass a lambda where a ProxFunction<T> is expected and T is still deduced from the arrays
// (plain std::function parameters would make template argument deduction fail on lambdas).
#pragma once

#include <functional>
#include <type_traits>

#include "tweed/core/array.hpp"

namespace tweed::solvers {

/// out = prox_{tau g}(x) = argmin_z 1/2 ||z - x||_2^2 + tau * g(z). Weights of the prior (lambda)
/// live inside g; tau is the step the solver chooses.
template <Element T>
using ProxFunction =
    std::type_identity_t<std::function<void(const Array<T>& x, double tau, Array<T>& out)>>;

/// out = D(x, sigma): removes white Gaussian noise of standard deviation sigma (per real
/// component) from x. Plug-and-play solvers put it where a prox would go.
template <Element T>
using DenoiserFunction =
    std::type_identity_t<std::function<void(const Array<T>& x, double sigma, Array<T>& out)>>;

/// The value of a function at x (a regulariser g(x), or a whole objective; +Inf is allowed,
/// e.g. for an indicator function outside its set). Optional everywhere: only used to report
/// objectives to the Monitor.
template <Element T>
using ValueFunction = std::type_identity_t<std::function<double(const Array<T>& x)>>;

/// y = M x for a linear map given as a callable (an HPD matrix for CG, a preconditioner M^{-1},
/// a normal operator A^H A for power iteration).
template <Element T>
using LinearMap = std::type_identity_t<std::function<void(const Array<T>& x, Array<T>& y)>>;

/// grad = grad f(x) for a smooth f (FISTA's generic form).
template <Element T>
using GradientFunction = LinearMap<T>;

/// Solves (A^H A + rho K^H K) x = rhs in closed form where one is known (K = I and A^H A
/// diagonal in some basis, e.g. a Cartesian Fourier sampling mask or A^H A = I), replacing the
/// inner CG of the ADMM-type solvers. On entry x holds the previous x-step (a warm start for
/// iterative implementations); on return it holds the solution. Each solver documents which
/// system (A, K, rho) it passes.
template <Element T>
using SystemSolveFunction =
    std::type_identity_t<std::function<void(const Array<T>& rhs, double rho, Array<T>& x)>>;

/// The prox of the convex conjugate F* from the prox of F, by Moreau's identity
///   prox_{sigma F*}(v) = v - sigma * prox_{F/sigma}(v / sigma),
/// as PDHG needs it. prox_f is called with tau = 1/sigma. Allocates one work array per call
/// (so the returned callable is safe to copy and to use from several solvers). T must be given
/// explicitly: conjugate_prox<double>(prox).
template <Element T>
ProxFunction<T> conjugate_prox(ProxFunction<T> prox_f);

}  // namespace tweed::solvers
