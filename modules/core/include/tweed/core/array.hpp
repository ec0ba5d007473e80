// Array<T>: owning, 64-byte aligned, contiguous, row-major n-d array of float, double,
// complex<float> or complex<double>. View<T>: non-owning strided window into one.
//
// Ownership lives in the type: an Array frees its buffer, a View never does and must not outlive
// the Array it looks into. Copying an Array copies the data; moving it moves the buffer.
#pragma once

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "tweed/core/types.hpp"

namespace tweed {

inline constexpr std::size_t kAlignment = 64;

template <class T>
class View;

/// Tag for an Array whose elements are left uninitialised, for buffers that are overwritten
/// entirely right away (file reads, FFT outputs): it saves a pass over the memory.
struct Uninitialized {};
inline constexpr Uninitialized uninitialized{};

template <Element T>
class Array {
 public:
  using value_type = T;

  Array() = default;
  /// Zero-initialised array of the given shape.
  explicit Array(const Shape& shape) : Array(shape, T{}) {}
  /// Array whose elements are indeterminate until written (see Uninitialized).
  Array(const Shape& shape, Uninitialized) : shape_(shape), data_(allocate(shape.size())) {}
  Array(const Shape& shape, T value) : shape_(shape), data_(allocate(shape.size())) {
    std::fill(data_.get(), data_.get() + shape.size(), value);
  }
  Array(const Array& other) : shape_(other.shape_), data_(allocate(other.size())) {
    if (other.size() > 0) std::memcpy(data_.get(), other.data(), bytes());
  }
  Array(Array&&) noexcept = default;
  Array& operator=(const Array& other) {
    if (this != &other) *this = Array(other);
    return *this;
  }
  Array& operator=(Array&&) noexcept = default;

  /// An array holding a copy of `values`, which must have shape.size() elements.
  static Array from(const Shape& shape, std::span<const T> values) {
    if (static_cast<index_t>(values.size()) != shape.size())
      throw ShapeMismatch("Array::from", "shape " + shape.str() + " needs " +
                                             std::to_string(shape.size()) + " values, got " +
                                             std::to_string(values.size()));
    Array a(shape);
    std::copy(values.begin(), values.end(), a.data());
    return a;
  }

  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  index_t size() const { return data_ ? shape_.size() : 0; }
  bool empty() const { return size() == 0; }
  std::size_t bytes() const { return static_cast<std::size_t>(size()) * sizeof(T); }
  /// Extent of one axis.
  index_t dim(int axis) const { return shape_[axis]; }

  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  std::span<T> span() { return {data(), static_cast<std::size_t>(size())}; }
  std::span<const T> span() const { return {data(), static_cast<std::size_t>(size())}; }

  T& operator[](index_t i) { return data_[static_cast<std::size_t>(i)]; }
  const T& operator[](index_t i) const { return data_[static_cast<std::size_t>(i)]; }

  /// Element at a full multi-index, row-major; no bounds check.
  template <class... I>
  T& operator()(I... idx) {
    return data_[static_cast<std::size_t>(offset(idx...))];
  }
  template <class... I>
  const T& operator()(I... idx) const {
    return data_[static_cast<std::size_t>(offset(idx...))];
  }

  /// Gives the array a new shape with the same number of elements; the data stay in place.
  void reshape(const Shape& shape) {
    if (shape.size() != shape_.size())
      throw ShapeMismatch("reshape", "cannot reshape " + shape_.str() + " to " + shape.str());
    shape_ = shape;
  }
  Array reshaped(const Shape& shape) && {
    reshape(shape);
    return std::move(*this);
  }

  View<T> view();
  View<const T> view() const;
  /// The i-th slice along the first axis (contiguous), e.g. one image of a batch.
  View<T> slice(index_t i);
  View<const T> slice(index_t i) const;

 private:
  struct AlignedFree {
    void operator()(T* p) const { std::free(p); }
  };
  static std::unique_ptr<T[], AlignedFree> allocate(index_t n) {
    if (n < 0) throw InvalidInput("Array", "negative size");
    std::size_t bytes = static_cast<std::size_t>(n) * sizeof(T);
    bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    if (bytes == 0) bytes = kAlignment;
    void* p = std::aligned_alloc(kAlignment, bytes);
    if (!p) throw std::bad_alloc();
    return std::unique_ptr<T[], AlignedFree>(static_cast<T*>(p));
  }
  template <class... I>
  index_t offset(I... idx) const {
    static_assert(sizeof...(I) <= kMaxRank);
    const index_t ids[] = {static_cast<index_t>(idx)...};
    index_t off = 0;
    for (int a = 0; a < static_cast<int>(sizeof...(I)); ++a) off = off * shape_[a] + ids[a];
    return off;
  }

  Shape shape_;
  std::unique_ptr<T[], AlignedFree> data_;
};

/// Non-owning strided view. T may be const-qualified for a read-only view. Strides in elements.
template <class T>
class View {
 public:
  using value_type = std::remove_const_t<T>;

  View() = default;
  View(T* data, const Shape& shape) : data_(data), shape_(shape), strides_(shape.strides()) {}
  View(T* data, const Shape& shape, const std::array<index_t, kMaxRank>& strides)
      : data_(data), shape_(shape), strides_(strides) {}
  /// A writable view converts to a read-only one.
  template <class U>
  requires(std::is_const_v<T>&& std::is_same_v<const U, T>) View(const View<U>& other)
      : data_(other.data()), shape_(other.shape()), strides_(other.strides()) {}

  T* data() const { return data_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  index_t size() const { return shape_.size(); }
  const std::array<index_t, kMaxRank>& strides() const { return strides_; }
  index_t stride(int axis) const { return strides_[static_cast<std::size_t>(axis)]; }

  /// True when the elements are laid out row-major without gaps.
  bool contiguous() const { return strides_ == shape_.strides() || size() <= 1; }
  /// The elements as a span; throws unless contiguous.
  std::span<T> span() const {
    if (!contiguous()) throw Unsupported("View::span", "view is not contiguous");
    return {data_, static_cast<std::size_t>(size())};
  }

  template <class... I>
  T& operator()(I... idx) const {
    const index_t ids[] = {static_cast<index_t>(idx)...};
    index_t off = 0;
    for (int a = 0; a < static_cast<int>(sizeof...(I)); ++a) off += ids[a] * strides_[a];
    return data_[off];
  }

  /// Index `i` along `axis`, dropping that axis.
  View select(int axis, index_t i) const {
    std::vector<index_t> dims;
    std::array<index_t, kMaxRank> st{};
    int k = 0;
    for (int a = 0; a < rank(); ++a) {
      if (a == axis) continue;
      dims.push_back(shape_[a]);
      st[static_cast<std::size_t>(k++)] = strides_[static_cast<std::size_t>(a)];
    }
    return View(data_ + i * strides_[static_cast<std::size_t>(axis)], Shape(dims), st);
  }

  /// A contiguous owning copy.
  Array<value_type> copy() const {
    Array<value_type> out(shape_);
    index_t n = 0;
    for_each_index([&](T& v) { out[n++] = v; });
    return out;
  }
  /// Copies `src` (same shape) into this view.
  void assign(const View<const value_type>& src) const {
    require_same_shape(shape_, src.shape(), "View::assign");
    Array<value_type> tmp = src.copy();
    index_t n = 0;
    for_each_index([&](T& v) { v = tmp[n++]; });
  }

  /// Visits every element in row-major order.
  template <class F>
  void for_each_index(F&& f) const {
    if (size() == 0) return;
    if (contiguous()) {
      for (index_t i = 0; i < size(); ++i) f(data_[i]);
      return;
    }
    std::array<index_t, kMaxRank> idx{};
    const int r = rank();
    for (index_t n = 0; n < size(); ++n) {
      index_t off = 0;
      for (int a = 0; a < r; ++a)
        off += idx[static_cast<std::size_t>(a)] * strides_[static_cast<std::size_t>(a)];
      f(data_[off]);
      for (int a = r - 1; a >= 0; --a) {
        if (++idx[static_cast<std::size_t>(a)] < shape_[a]) break;
        idx[static_cast<std::size_t>(a)] = 0;
      }
    }
  }

 private:
  T* data_ = nullptr;
  Shape shape_;
  std::array<index_t, kMaxRank> strides_{};
};

template <Element T>
View<T> Array<T>::view() {
  return View<T>(data(), shape_);
}
template <Element T>
View<const T> Array<T>::view() const {
  return View<const T>(data(), shape_);
}
template <Element T>
View<T> Array<T>::slice(index_t i) {
  Shape s = shape_.drop_front();
  return View<T>(data() + i * s.size(), s);
}
template <Element T>
View<const T> Array<T>::slice(index_t i) const {
  Shape s = shape_.drop_front();
  return View<const T>(data() + i * s.size(), s);
}

}  // namespace tweed
