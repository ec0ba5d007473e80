// Private helpers shared by the combinators: operand validation and segment copies.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "tweed/linop/linear_operator.hpp"

namespace tweed::linop::detail {

/// Throws InvalidInput(subject, ...) for an empty list or a null operand.
template <Element T>
void require_operands(const std::vector<OperatorPtr<T>>& ops, const std::string& subject) {
  if (ops.empty()) throw InvalidInput(subject, "needs at least one operator");
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (!ops[i]) throw InvalidInput(subject, "operator " + std::to_string(i) + " is null");
}

/// "name1, name2, ..." for composite names and messages.
template <Element T>
std::string joined_names(const std::vector<OperatorPtr<T>>& ops) {
  std::string s;
  for (std::size_t i = 0; i < ops.size(); ++i) s += (i ? ", " : "") + ops[i]->name();
  return s;
}

/// Segment [offset, offset + out.size()) of `flat`, copied into `out`.
template <Element T>
void copy_segment_out(const Array<T>& flat, index_t offset, Array<T>& out) {
  std::copy(flat.data() + offset, flat.data() + offset + out.size(), out.data());
}
/// `in`, copied into segment [offset, offset + in.size()) of `flat`.
template <Element T>
void copy_segment_in(const Array<T>& in, index_t offset, Array<T>& flat) {
  std::copy(in.data(), in.data() + in.size(), flat.data() + offset);
}

}  // namespace tweed::linop::detail
