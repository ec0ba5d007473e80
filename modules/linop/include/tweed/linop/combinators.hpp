// Combinators: new operators built from existing ones, without copying their data.
//
// Every combinator takes its operands as OperatorPtr<T> (shared_ptr<const LinearOperator<T>>) and
// keeps them alive. The operands are called through their public apply / apply_adjoint /
// apply_normal, so their own shape checks and call statistics stay in force. Factories return
// OperatorPtr<T>; because template deduction does not look through the conversion from
// shared_ptr<const Derived>, pass OperatorPtr<T> values or name T explicitly: compose<cfloat>(F,
// M).
//
// Shapes of the stacked forms. stack and block_diagonal concatenate flat: a stacked range (and a
// block-diagonal domain or range) is the 1-D shape {sum of the operands' sizes}, operand i owning
// the i-th contiguous segment in order. This works for operands of any shapes; when the ranges are
// all equal and an extra leading axis is wanted, compose with reshape() (identity.hpp).
//
// Errors: mismatched shapes throw ShapeMismatch whose subject is the combinator ("compose",
// "sum", ...) and whose message names the operands; an empty list or a null operand throws
// InvalidInput.
#pragma once

#include <type_traits>
#include <vector>

#include "tweed/linop/linear_operator.hpp"

namespace tweed::linop {

/// A∘B: x -> A(B x). Requires B.range() == A.domain(). Adjoint B^H A^H; normal B^H (A^H A) B,
/// which uses A's own (possibly fused) normal.
template <Element T>
OperatorPtr<T> compose(OperatorPtr<T> a, OperatorPtr<T> b);
/// ops[0]∘ops[1]∘...∘ops[n-1] (the last one is applied first).
template <Element T>
OperatorPtr<T> compose(const std::vector<OperatorPtr<T>>& ops);

/// A + B. Requires equal domains and equal ranges.
template <Element T>
OperatorPtr<T> sum(OperatorPtr<T> a, OperatorPtr<T> b);
/// ops[0] + ops[1] + ... (at least one operand).
template <Element T>
OperatorPtr<T> sum(const std::vector<OperatorPtr<T>>& ops);

/// alpha A. Complex alpha is allowed for complex T; the adjoint is conj(alpha) A^H and the normal
/// |alpha|^2 A^H A (through A's normal).
template <Element T>
OperatorPtr<T> scale(std::type_identity_t<T> alpha, OperatorPtr<T> a);

/// Vertical stack [A_1; A_2; ...; A_k]: x -> concat(A_1 x, ..., A_k x). All operands share one
/// domain; the range is flat, {sum_i range_i.size()}. Adjoint sum_i A_i^H y_i; normal
/// sum_i A_i^H A_i x (each through its own normal).
template <Element T>
OperatorPtr<T> stack(const std::vector<OperatorPtr<T>>& ops);

/// Block diagonal diag(A_1, ..., A_k): concat(x_1, ..., x_k) -> concat(A_1 x_1, ..., A_k x_k).
/// Domain {sum_i domain_i.size()}, range {sum_i range_i.size()}; the normal is block-diagonal too.
template <Element T>
OperatorPtr<T> block_diagonal(const std::vector<OperatorPtr<T>>& ops);

/// A^H as an operator: domain A.range(), range A.domain(); forward A^H, adjoint A, normal A A^H.
/// adjoint_of(adjoint_of(A)) returns A itself.
template <Element T>
OperatorPtr<T> adjoint_of(OperatorPtr<T> a);

}  // namespace tweed::linop
