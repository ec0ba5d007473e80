#include "axes.hpp"

#include <algorithm>

namespace tweed::linop::detail {

std::vector<int> normalize_axes(const std::vector<int>& axes, int rank,
                                const std::string& subject) {
  std::vector<int> out;
  if (axes.empty()) {
    for (int a = 0; a < rank; ++a) out.push_back(a);
    return out;
  }
  for (int a : axes) {
    const int r = a < 0 ? a + rank : a;
    if (r < 0 || r >= rank)
      throw InvalidInput(subject, "axis " + std::to_string(a) + " is outside an array of rank " +
                                      std::to_string(rank));
    if (std::find(out.begin(), out.end(), r) != out.end())
      throw InvalidInput(subject, "axis " + std::to_string(a) + " is given twice");
    out.push_back(r);
  }
  return out;
}

AxisSplit split_at(const Shape& shape, int axis) {
  AxisSplit s;
  for (int a = 0; a < axis; ++a) s.outer *= shape[a];
  s.n = shape[axis];
  for (int a = axis + 1; a < shape.rank(); ++a) s.inner *= shape[a];
  return s;
}

}  // namespace tweed::linop::detail
