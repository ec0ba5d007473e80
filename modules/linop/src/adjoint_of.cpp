// adjoint_of(A) = A^H as an operator.
#include "axes.hpp"
#include "operands.hpp"
#include "tweed/linop/combinators.hpp"

namespace tweed::linop {
namespace {

template <Element T>
class Adjoint : public LinearOperator<T> {
 public:
  explicit Adjoint(OperatorPtr<T> a)
      : LinearOperator<T>(a->range(), a->domain(), "adjoint_of(" + a->name() + ")"),
        a_(std::move(a)) {}

  const OperatorPtr<T>& inner() const { return a_; }

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override { a_->apply_adjoint(x, y); }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override { a_->apply(y, x); }
  // (A^H)^H A^H = A A^H.
  void normal_impl(const Array<T>& x, Array<T>& z) const override {
    Array<T> t(a_->domain());
    a_->apply_adjoint(x, t);
    a_->apply(t, z);
  }

 private:
  OperatorPtr<T> a_;
};

}  // namespace

template <Element T>
OperatorPtr<T> adjoint_of(OperatorPtr<T> a) {
  detail::require_operands<T>({a}, "adjoint_of");
  // (A^H)^H is A: hand back the original rather than two layers of indirection.
  if (const auto* adj = dynamic_cast<const Adjoint<T>*>(a.get())) return adj->inner();
  return std::make_shared<const Adjoint<T>>(std::move(a));
}

#define TWEED_INSTANTIATE(T) template OperatorPtr<T> adjoint_of<T>(OperatorPtr<T>);
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop
