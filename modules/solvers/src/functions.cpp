#include "tweed/solvers/functions.hpp"

#include <utility>

#include "detail.hpp"

namespace tweed::solvers {

template <Element T>
ProxFunction<T> conjugate_prox(ProxFunction<T> prox_f) {
  if (!prox_f) throw InvalidInput("conjugate_prox", "the prox of F must be given");
  return [prox_f = std::move(prox_f)](const Array<T>& v, double sigma, Array<T>& out) {
    detail::require_positive(sigma, "conjugate_prox sigma");
    // prox_{sigma F*}(v) = v - sigma prox_{F/sigma}(v / sigma)
    Array<T> scaled(v.shape());
    lincomb(detail::scalar<T>(1 / sigma), v, T{}, v, scaled);
    if (out.shape() != v.shape()) out = Array<T>(v.shape());
    prox_f(scaled, 1 / sigma, out);
    axpby(T(1), v, detail::scalar<T>(-sigma), out);
  };
}

#define TWEED_INSTANTIATE_FUNCTIONS(T) template ProxFunction<T> conjugate_prox<T>(ProxFunction<T>);
TWEED_SOLVERS_FOR_EACH_ELEMENT(TWEED_INSTANTIATE_FUNCTIONS)

}  // namespace tweed::solvers
