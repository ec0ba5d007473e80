// compose(A, B) = A∘B.
#include "axes.hpp"
#include "operands.hpp"
#include "tweed/linop/combinators.hpp"

namespace tweed::linop {
namespace {

template <Element T>
class Composition : public LinearOperator<T> {
 public:
  Composition(OperatorPtr<T> a, OperatorPtr<T> b)
      : LinearOperator<T>(b->domain(), a->range(), "compose(" + a->name() + ", " + b->name() + ")"),
        a_(std::move(a)),
        b_(std::move(b)) {}

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    Array<T> t(b_->range());
    b_->apply(x, t);
    a_->apply(t, y);
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    Array<T> t(a_->domain());
    a_->apply_adjoint(y, t);
    b_->apply_adjoint(t, x);
  }
  // B^H (A^H A) B x: A's own normal is often cheaper than A^H A (unitary FFT, masks, Toeplitz).
  void normal_impl(const Array<T>& x, Array<T>& z) const override {
    Array<T> t(b_->range());
    Array<T> u(b_->range());
    b_->apply(x, t);
    a_->apply_normal(t, u);
    b_->apply_adjoint(u, z);
  }

 private:
  OperatorPtr<T> a_;
  OperatorPtr<T> b_;
};

}  // namespace

template <Element T>
OperatorPtr<T> compose(OperatorPtr<T> a, OperatorPtr<T> b) {
  detail::require_operands<T>({a, b}, "compose");
  if (b->range() != a->domain())
    throw ShapeMismatch("compose", "range " + b->range().str() + " of " + b->name() +
                                       " differs from domain " + a->domain().str() + " of " +
                                       a->name());
  return std::make_shared<const Composition<T>>(std::move(a), std::move(b));
}

template <Element T>
OperatorPtr<T> compose(const std::vector<OperatorPtr<T>>& ops) {
  detail::require_operands(ops, "compose");
  OperatorPtr<T> c = ops.back();
  for (std::size_t i = ops.size() - 1; i-- > 0;) c = compose(ops[i], c);
  return c;
}

#define TWEED_INSTANTIATE(T)                                          \
  template OperatorPtr<T> compose<T>(OperatorPtr<T>, OperatorPtr<T>); \
  template OperatorPtr<T> compose<T>(const std::vector<OperatorPtr<T>>&);
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop
