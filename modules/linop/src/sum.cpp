// sum(A, B, ...) = A + B + ...
#include "axes.hpp"
#include "operands.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/linop/combinators.hpp"

namespace tweed::linop {
namespace {

template <Element T>
class Sum : public LinearOperator<T> {
 public:
  explicit Sum(std::vector<OperatorPtr<T>> ops)
      : LinearOperator<T>(ops.front()->domain(), ops.front()->range(),
                          "sum(" + detail::joined_names(ops) + ")"),
        ops_(std::move(ops)) {}

 protected:
  // In place (&x == &y) the first term would overwrite the input the others still need.
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    if (&x == &y) return forward_impl(Array<T>(x), y);
    ops_[0]->apply(x, y);
    Array<T> t(this->range());
    for (std::size_t i = 1; i < ops_.size(); ++i) {
      ops_[i]->apply(x, t);
      tweed::axpy(T(1), t, y);
    }
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    if (&x == &y) return adjoint_impl(Array<T>(y), x);
    ops_[0]->apply_adjoint(y, x);
    Array<T> t(this->domain());
    for (std::size_t i = 1; i < ops_.size(); ++i) {
      ops_[i]->apply_adjoint(y, t);
      tweed::axpy(T(1), t, x);
    }
  }

 private:
  std::vector<OperatorPtr<T>> ops_;
};

}  // namespace

template <Element T>
OperatorPtr<T> sum(const std::vector<OperatorPtr<T>>& ops) {
  detail::require_operands(ops, "sum");
  if (ops.size() == 1) return ops.front();
  for (const auto& op : ops)
    if (op->domain() != ops[0]->domain() || op->range() != ops[0]->range())
      throw ShapeMismatch("sum", op->name() + " maps " + op->domain().str() + " -> " +
                                     op->range().str() + ", but " + ops[0]->name() + " maps " +
                                     ops[0]->domain().str() + " -> " + ops[0]->range().str());
  return std::make_shared<const Sum<T>>(ops);
}

template <Element T>
OperatorPtr<T> sum(OperatorPtr<T> a, OperatorPtr<T> b) {
  return sum(std::vector<OperatorPtr<T>>{std::move(a), std::move(b)});
}

#define TWEED_INSTANTIATE(T)                                      \
  template OperatorPtr<T> sum<T>(OperatorPtr<T>, OperatorPtr<T>); \
  template OperatorPtr<T> sum<T>(const std::vector<OperatorPtr<T>>&);
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop
