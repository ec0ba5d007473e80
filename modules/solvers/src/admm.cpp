#include "tweed/solvers/admm.hpp"

#include <cmath>

#include "admm_engine.hpp"

namespace tweed::solvers {

template <Element T>
SolveReport admm(const linop::LinearOperator<T>& A, const Array<T>& b,
                 const linop::LinearOperator<T>& K, const ProxFunction<T>& prox_g, Array<T>& x,
                 const AdmmOptions& options, const Monitor& monitor,
                 const ValueFunction<T>& g_value, const SystemSolveFunction<T>& x_solve) {
  if (!prox_g) throw InvalidInput("admm", "the prox of g must be given");
  detail::AdmmSettings s = detail::common_settings(options, options.rho);
  s.relaxation = options.relaxation;
  s.adapt_rho = options.adapt_rho;
  s.adapt_mu = options.adapt_mu;
  s.adapt_tau = options.adapt_tau;
  detail::check_admm_settings(s, "AdmmOptions");
  detail::AdmmProblem<T> problem{A, b, &K, nullptr, g_value, x_solve};
  problem.z_step = [&](const Array<T>& v, double rho, Array<T>& z) { prox_g(v, 1.0 / rho, z); };
  return detail::admm_engine(problem, x, s, monitor, "admm");
}

template <Element T>
SolveReport pnp_admm(const linop::LinearOperator<T>& A, const Array<T>& b,
                     const DenoiserFunction<T>& denoiser, Array<T>& x,
                     const PnpAdmmOptions& options, const Monitor& monitor,
                     const SystemSolveFunction<T>& x_solve) {
  if (!denoiser) throw InvalidInput("pnp_admm", "the denoiser must be given");
  detail::require_positive(options.lambda, "PnpAdmmOptions.lambda");
  detail::AdmmSettings s = detail::common_settings(options, options.rho);
  s.rho_growth = options.rho_growth;
  detail::check_admm_settings(s, "PnpAdmmOptions");
  detail::AdmmProblem<T> problem{A, b, nullptr, nullptr, {}, x_solve};
  const double lambda = options.lambda;
  // argmin_z lambda R(z) + rho/2 ||z - v||^2 is the MAP estimate of z from v = z + noise with
  // noise variance lambda / rho: the denoiser's sigma.
  problem.z_step = [&](const Array<T>& v, double rho, Array<T>& z) {
    denoiser(v, std::sqrt(lambda / rho), z);
  };
  return detail::admm_engine(problem, x, s, monitor, "pnp_admm");
}

#define TWEED_INSTANTIATE_ADMM(T)                                                                  \
  template SolveReport admm<T>(const linop::LinearOperator<T>&, const Array<T>&,                   \
                               const linop::LinearOperator<T>&, const ProxFunction<T>&, Array<T>&, \
                               const AdmmOptions&, const Monitor&, const ValueFunction<T>&,        \
                               const SystemSolveFunction<T>&);                                     \
  template SolveReport pnp_admm<T>(const linop::LinearOperator<T>&, const Array<T>&,               \
                                   const DenoiserFunction<T>&, Array<T>&, const PnpAdmmOptions&,   \
                                   const Monitor&, const SystemSolveFunction<T>&);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_ADMM)

}  // namespace tweed::solvers
