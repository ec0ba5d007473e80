// Element types and shapes. Tweed arrays hold float, double, complex<float> or complex<double>;
// shapes are row-major (C order, last axis fastest, as NumPy and HDF5) with rank at most 8.
#pragma once

#include <array>
#include <complex>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include "tweed/core/error.hpp"

namespace tweed {

using index_t = std::int64_t;
using cfloat = std::complex<float>;
using cdouble = std::complex<double>;

inline constexpr int kMaxRank = 8;

template <class T>
struct is_complex : std::false_type {};
template <class R>
struct is_complex<std::complex<R>> : std::true_type {};
template <class T>
inline constexpr bool is_complex_v = is_complex<T>::value;

/// The real type under T: float for float and complex<float>, double likewise.
template <class T>
struct real_of {
  using type = T;
};
template <class R>
struct real_of<std::complex<R>> {
  using type = R;
};
template <class T>
using real_t = typename real_of<T>::type;

/// The element types an Array may hold.
template <class T>
concept Element = std::is_same_v<T, float> || std::is_same_v<T, double> ||
    std::is_same_v<T, cfloat> || std::is_same_v<T, cdouble>;

enum class DType { f32, f64, c64, c128 };

template <Element T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, float>) return DType::f32;
  if constexpr (std::is_same_v<T, double>) return DType::f64;
  if constexpr (std::is_same_v<T, cfloat>) return DType::c64;
  return DType::c128;
}

/// NumPy's name for the type: float32, float64, complex64, complex128.
std::string dtype_name(DType t);
std::size_t dtype_size(DType t);
bool dtype_is_complex(DType t);

/// Extents of a row-major array, rank 0 (a scalar) to kMaxRank.
class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<index_t> dims);
  explicit Shape(const std::vector<index_t>& dims);

  int rank() const { return rank_; }
  index_t operator[](int axis) const { return dims_[static_cast<std::size_t>(axis)]; }
  index_t& operator[](int axis) { return dims_[static_cast<std::size_t>(axis)]; }
  /// Number of elements (1 for rank 0).
  index_t size() const;
  std::vector<index_t> to_vector() const { return {dims_.begin(), dims_.begin() + rank_}; }
  /// Row-major strides in elements.
  std::array<index_t, kMaxRank> strides() const;
  /// The shape without its first axis (the shape of one slice of a batch).
  Shape drop_front() const;
  /// This shape with `n` prepended as a new first axis.
  Shape prepend(index_t n) const;
  /// "[4, 256, 256]"
  std::string str() const;

  bool operator==(const Shape& other) const;
  bool operator!=(const Shape& other) const { return !(*this == other); }

 private:
  std::array<index_t, kMaxRank> dims_{};
  int rank_ = 0;
};

/// Axis numbers for an array of `rank` axes: negative numbers count from the end (as NumPy's),
/// an empty list means every axis. The given order is kept; an axis out of range or given twice
/// is an InvalidInput naming `subject`.
std::vector<int> normalize_axes(const std::vector<int>& axes, int rank, const std::string& subject);

/// Throws ShapeMismatch naming `what` unless a == b.
void require_same_shape(const Shape& a, const Shape& b, const std::string& what);

}  // namespace tweed
