// block_diagonal({A_1, ..., A_k}) = diag(A_1, ..., A_k), domain and range flat-concatenated.
#include "axes.hpp"
#include "operands.hpp"
#include "tweed/linop/combinators.hpp"

namespace tweed::linop {
namespace {

template <Element T>
Shape flat_total(const std::vector<OperatorPtr<T>>& ops, bool domain) {
  index_t n = 0;
  for (const auto& op : ops) n += domain ? op->domain().size() : op->range().size();
  return Shape{n};
}

template <Element T>
class BlockDiagonal : public LinearOperator<T> {
 public:
  explicit BlockDiagonal(std::vector<OperatorPtr<T>> ops)
      : LinearOperator<T>(flat_total(ops, true), flat_total(ops, false),
                          "block_diagonal(" + detail::joined_names(ops) + ")"),
        ops_(std::move(ops)) {}

 protected:
  void forward_impl(const Array<T>& x, Array<T>& y) const override {
    each_block(
        x, y, [](const LinearOperator<T>& op) { return op.domain(); },
        [](const LinearOperator<T>& op) { return op.range(); },
        [](const LinearOperator<T>& op, const Array<T>& in, Array<T>& out) { op.apply(in, out); });
  }
  void adjoint_impl(const Array<T>& y, Array<T>& x) const override {
    each_block(
        y, x, [](const LinearOperator<T>& op) { return op.range(); },
        [](const LinearOperator<T>& op) { return op.domain(); },
        [](const LinearOperator<T>& op, const Array<T>& in, Array<T>& out) {
          op.apply_adjoint(in, out);
        });
  }
  void normal_impl(const Array<T>& x, Array<T>& z) const override {
    auto dom = [](const LinearOperator<T>& op) { return op.domain(); };
    each_block(x, z, dom, dom, [](const LinearOperator<T>& op, const Array<T>& in, Array<T>& out) {
      op.apply_normal(in, out);
    });
  }

 private:
  // Cuts `in` into the operands' input segments, applies `f` to each, and writes the outputs to
  // their segments of `out`.
  template <class InShape, class OutShape, class F>
  void each_block(const Array<T>& in, Array<T>& out, InShape in_shape, OutShape out_shape,
                  F f) const {
    // In place, a block's output segment may overlap the input of a later block.
    if (&in == &out) return each_block(Array<T>(in), out, in_shape, out_shape, f);
    index_t in_off = 0;
    index_t out_off = 0;
    for (const auto& op : ops_) {
      Array<T> a(in_shape(*op));
      Array<T> b(out_shape(*op));
      detail::copy_segment_out(in, in_off, a);
      f(*op, a, b);
      detail::copy_segment_in(b, out_off, out);
      in_off += a.size();
      out_off += b.size();
    }
  }

  std::vector<OperatorPtr<T>> ops_;
};

}  // namespace

template <Element T>
OperatorPtr<T> block_diagonal(const std::vector<OperatorPtr<T>>& ops) {
  detail::require_operands(ops, "block_diagonal");
  return std::make_shared<const BlockDiagonal<T>>(ops);
}

#define TWEED_INSTANTIATE(T) \
  template OperatorPtr<T> block_diagonal<T>(const std::vector<OperatorPtr<T>>&);
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop
