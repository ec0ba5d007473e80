// stack({A_1, ..., A_k}) = [A_1; ...; A_k], range flat-concatenated.
#include "axes.hpp"
#include "operands.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/linop/combinators.hpp"

namespace tweed::linop {
namespace {

template <Element T>
index_t total_range_size(const std::vector<OperatorPtr<T>>& ops) {
  index_t n = 0;
  for (const auto& op : ops) n += op->range().size();
  return n;
}

template <Element T>
class Stack : public LinearOperator<T> {
 public:
  explicit Stack(std::vector<OperatorPtr<T>> ops)
      : LinearOperator<T>(ops.front()->domain(), Shape{total_range_size(ops)},
                          "stack(" + detail::joined_names(ops) + ")"),
        ops_(std::move(ops)) {}

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    if (&x == &y) return forward_impl(Array<T>(x), y);  // in place: keep the input intact
    index_t offset = 0;
    for (const auto& op : ops_) {
      Array<T> part(op->range());
      op->apply(x, part);
      detail::copy_segment_in(part, offset, y);
      offset += part.size();
    }
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    if (&x == &y) return adjoint_impl(Array<T>(y), x);  // in place: keep the input intact
    index_t offset = 0;
    Array<T> t(this->domain());
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      Array<T> part(ops_[i]->range());
      detail::copy_segment_out(y, offset, part);
      offset += part.size();
      ops_[i]->apply_adjoint(part, i == 0 ? x : t);
      if (i > 0) tweed::axpy(T(1), t, x);
    }
  }
  // sum_i A_i^H A_i x through each operand's own normal.
  void normal_impl(const Array<T>& x, Array<T>& z) const override {
    if (&x == &z) return normal_impl(Array<T>(x), z);  // in place: keep the input intact
    Array<T> t(this->domain());
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      ops_[i]->apply_normal(x, i == 0 ? z : t);
      if (i > 0) tweed::axpy(T(1), t, z);
    }
  }

 private:
  std::vector<OperatorPtr<T>> ops_;
};

}  // namespace

template <Element T>
OperatorPtr<T> stack(const std::vector<OperatorPtr<T>>& ops) {
  detail::require_operands(ops, "stack");
  for (const auto& op : ops)
    if (op->domain() != ops[0]->domain())
      throw ShapeMismatch("stack", "domain " + op->domain().str() + " of " + op->name() +
                                       " differs from domain " + ops[0]->domain().str() + " of " +
                                       ops[0]->name());
  return std::make_shared<const Stack<T>>(ops);
}

#define TWEED_INSTANTIATE(T) template OperatorPtr<T> stack<T>(const std::vector<OperatorPtr<T>>&);
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop
