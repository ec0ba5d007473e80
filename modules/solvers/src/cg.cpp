#include "tweed/solvers/cg.hpp"

#include "detail.hpp"

namespace tweed::solvers {

namespace {
void check_cg_options(const CgOptions& o) {
  detail::require_iterations(o.max_iterations, "CgOptions.max_iterations");
  detail::require_non_negative(o.tol, "CgOptions.tol");
}
}  // namespace

template <Element T>
SolveReport cg(const linop::LinearOperator<T>& A, const Array<T>& b, Array<T>& x,
               const CgOptions& options, const Monitor& monitor,
               const LinearMap<T>& preconditioner) {
  check_cg_options(options);
  if (A.domain() != A.range())
    throw ShapeMismatch(A.name(), "cg needs a square operator, domain " + A.domain().str() +
                                      " vs range " + A.range().str());
  detail::require_shape(b, A.range(), "cg", "right-hand side b");
  detail::prepare_unknown(x, A.domain(), "cg");
  detail::CgKernel<T> kernel(A.domain());
  return kernel.run([&](const Array<T>& in, Array<T>& out) { A.apply(in, out); }, b, x, options,
                    monitor, preconditioner);
}

template <Element T>
SolveReport cg(const LinearMap<T>& A, const Array<T>& b, Array<T>& x, const CgOptions& options,
               const Monitor& monitor, const LinearMap<T>& preconditioner) {
  check_cg_options(options);
  if (!A) throw InvalidInput("cg", "the linear map is empty");
  detail::prepare_unknown(x, b.shape(), "cg");
  detail::CgKernel<T> kernel(b.shape());
  return kernel.run(A, b, x, options, monitor, preconditioner);
}

template <Element T>
SolveReport cg_normal(const linop::LinearOperator<T>& A, const Array<T>& b, double lambda,
                      Array<T>& x, const CgOptions& options, const Monitor& monitor,
                      const LinearMap<T>& preconditioner) {
  check_cg_options(options);
  detail::require_non_negative(lambda, "cg_normal lambda");
  detail::require_shape(b, A.range(), "cg_normal", "right-hand side b");
  detail::prepare_unknown(x, A.domain(), "cg_normal");
  Array<T> rhs(A.domain());
  A.apply_adjoint(b, rhs);
  const T lam = detail::scalar<T>(lambda);
  detail::CgKernel<T> kernel(A.domain());
  return kernel.run(
      [&](const Array<T>& in, Array<T>& out) {
        A.apply_normal(in, out);
        if (lambda != 0) axpy(lam, in, out);
      },
      rhs, x, options, monitor, preconditioner);
}

#define TWEED_INSTANTIATE_CG(T)                                                                 \
  template SolveReport cg<T>(const linop::LinearOperator<T>&, const Array<T>&, Array<T>&,       \
                             const CgOptions&, const Monitor&, const LinearMap<T>&);            \
  template SolveReport cg<T>(const LinearMap<T>&, const Array<T>&, Array<T>&, const CgOptions&, \
                             const Monitor&, const LinearMap<T>&);                              \
  template SolveReport cg_normal<T>(const linop::LinearOperator<T>&, const Array<T>&, double,   \
                                    Array<T>&, const CgOptions&, const Monitor&,                \
                                    const LinearMap<T>&);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_CG)

}  // namespace tweed::solvers
