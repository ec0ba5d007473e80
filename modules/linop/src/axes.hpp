// Private helpers of the linop sources: axis lists and the explicit-instantiation macro.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "tweed/core/types.hpp"

namespace tweed::linop::detail {

using tweed::normalize_axes;  // core/types.hpp: negative axes, range and repetition checks

/// Shape seen as {outer, n, inner} around one axis: the axis' extent n, the product of the extents
/// before it and the product after it (its stride).
struct AxisSplit {
  index_t outer = 1;
  index_t n = 1;
  index_t inner = 1;
};
AxisSplit split_at(const Shape& shape, int axis);

/// Items per parallel task when each item costs about `work` element operations: enough that
/// threading pays.
inline index_t grain_for(index_t work) {
  return std::max<index_t>(1, 4096 / std::max<index_t>(1, work));
}

}  // namespace tweed::linop::detail

/// Explicit instantiation for the four element types (each source instantiates its templates once).
#define TWEED_LINOP_FOR_EACH_ELEMENT(M) \
  M(float)                              \
  M(double)                             \
  M(tweed::cfloat)                      \
  M(tweed::cdouble)
