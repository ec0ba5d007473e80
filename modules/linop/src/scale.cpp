// scale(alpha, A) = alpha A.
#include <sstream>

#include "axes.hpp"
#include "operands.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/linop/combinators.hpp"

namespace tweed::linop {
namespace {

template <Element T>
T conj_of(T v) {
  if constexpr (is_complex_v<T>)
    return std::conj(v);
  else
    return v;
}

template <Element T>
std::string scalar_str(T v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

template <Element T>
class Scaled : public LinearOperator<T> {
 public:
  Scaled(T alpha, OperatorPtr<T> a)
      : LinearOperator<T>(a->domain(), a->range(),
                          "scale(" + scalar_str(alpha) + ", " + a->name() + ")"),
        alpha_(alpha),
        a_(std::move(a)) {}

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    a_->apply(x, y);
    tweed::scale(y, alpha_);
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    a_->apply_adjoint(y, x);
    tweed::scale(x, conj_of(alpha_));
  }
  // |alpha|^2 A^H A: keeps A's cheap normal, with no pass through the range.
  void normal_impl(const Array<T>& x, Array<T>& z) const override {
    a_->apply_normal(x, z);
    tweed::scale(z, T(std::norm(alpha_)));
  }

 private:
  T alpha_;
  OperatorPtr<T> a_;
};

}  // namespace

template <Element T>
OperatorPtr<T> scale(std::type_identity_t<T> alpha, OperatorPtr<T> a) {
  detail::require_operands<T>({a}, "scale");
  return std::make_shared<const Scaled<T>>(alpha, std::move(a));
}

#define TWEED_INSTANTIATE(T) template OperatorPtr<T> scale<T>(T, OperatorPtr<T>);
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop
