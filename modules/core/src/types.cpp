#include "tweed/core/types.hpp"

#include <algorithm>
#include <sstream>

namespace tweed {

std::string dtype_name(DType t) {
  switch (t) {
    case DType::f32:
      return "float32";
    case DType::f64:
      return "float64";
    case DType::c64:
      return "complex64";
    case DType::c128:
      return "complex128";
  }
  return "unknown";
}

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32:
      return 4;
    case DType::f64:
      return 8;
    case DType::c64:
      return 8;
    case DType::c128:
      return 16;
  }
  return 0;
}

bool dtype_is_complex(DType t) {
  return t == DType::c64 || t == DType::c128;
}

Shape::Shape(std::initializer_list<index_t> dims) : Shape(std::vector<index_t>(dims)) {}

Shape::Shape(const std::vector<index_t>& dims) {
  if (dims.size() > static_cast<std::size_t>(kMaxRank))
    throw InvalidInput("shape", "rank " + std::to_string(dims.size()) + " exceeds the maximum " +
                                    std::to_string(kMaxRank));
  for (index_t d : dims)
    if (d < 0) throw InvalidInput("shape", "negative extent " + std::to_string(d));
  rank_ = static_cast<int>(dims.size());
  for (int a = 0; a < rank_; ++a)
    dims_[static_cast<std::size_t>(a)] = dims[static_cast<std::size_t>(a)];
}

index_t Shape::size() const {
  index_t n = 1;
  for (int a = 0; a < rank_; ++a) n *= dims_[static_cast<std::size_t>(a)];
  return n;
}

std::array<index_t, kMaxRank> Shape::strides() const {
  std::array<index_t, kMaxRank> s{};
  index_t acc = 1;
  for (int a = rank_ - 1; a >= 0; --a) {
    s[static_cast<std::size_t>(a)] = acc;
    acc *= dims_[static_cast<std::size_t>(a)];
  }
  return s;
}

Shape Shape::drop_front() const {
  if (rank_ == 0) throw ShapeMismatch("shape", "cannot drop an axis of a scalar");
  std::vector<index_t> v = to_vector();
  v.erase(v.begin());
  return Shape(v);
}

Shape Shape::prepend(index_t n) const {
  std::vector<index_t> v = to_vector();
  v.insert(v.begin(), n);
  return Shape(v);
}

std::string Shape::str() const {
  std::ostringstream os;
  os << '[';
  for (int a = 0; a < rank_; ++a) os << (a ? ", " : "") << dims_[static_cast<std::size_t>(a)];
  os << ']';
  return os.str();
}

bool Shape::operator==(const Shape& other) const {
  if (rank_ != other.rank_) return false;
  for (int a = 0; a < rank_; ++a)
    if (dims_[static_cast<std::size_t>(a)] != other.dims_[static_cast<std::size_t>(a)])
      return false;
  return true;
}

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

void require_same_shape(const Shape& a, const Shape& b, const std::string& what) {
  if (a != b) throw ShapeMismatch(what, "shapes differ: " + a.str() + " vs " + b.str());
}

}  // namespace tweed
