#include "axes.hpp"

#include <algorithm>

namespace tweed::linop::detail {

AxisSplit split_at(const Shape& shape, int axis) {
  AxisSplit s;
  for (int a = 0; a < axis; ++a) s.outer *= shape[a];
  s.n = shape[axis];
  for (int a = axis + 1; a < shape.rank(); ++a) s.inner *= shape[a];
  return s;
}

}  // namespace tweed::linop::detail
