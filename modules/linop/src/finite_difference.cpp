#include "tweed/linop/finite_difference.hpp"

#include <algorithm>

#include "axes.hpp"
#include "tweed/core/ops.hpp"

namespace tweed::linop {
namespace {

Shape gradient_shape(const Shape& shape, std::size_t n_axes) {
  if (n_axes == 0)
    throw InvalidInput("finite_difference", "a rank-0 domain has no axis to differentiate");
  if (shape.rank() >= kMaxRank)
    throw InvalidInput("finite_difference", "domain " + shape.str() + " has rank " +
                                                std::to_string(shape.rank()) + "; at most " +
                                                std::to_string(kMaxRank - 1) +
                                                " leaves room for the component axis");
  return shape.prepend(static_cast<index_t>(n_axes));
}

// Differences along one contiguous line of n samples (the last axis): the common case of images,
// written as plain loops so that they vectorise.
template <Element T>
void forward_line(const T* x, T* y, index_t n, bool periodic) {
  for (index_t i = 0; i + 1 < n; ++i) y[i] = x[i + 1] - x[i];
  y[n - 1] = periodic ? x[0] - x[n - 1] : T(0);
}
template <Element T>
void adjoint_line(const T* p, T* x, index_t n, bool periodic) {
  if (n == 1) return;  // both boundaries give zero
  x[0] += (periodic ? p[n - 1] : T(0)) - p[0];
  for (index_t i = 1; i + 1 < n; ++i) x[i] += p[i - 1] - p[i];
  x[n - 1] += p[n - 2] - (periodic ? p[n - 1] : T(0));
}

// Visits axis k of `axes` in turn, split as s = {outer, n, inner}. When the axis is the last one
// (inner == 1), calls line(k, offset, n) for each contiguous line of n samples; otherwise calls
// row(k, s, i, offset) for each row of `inner` elements at position i along the axis.
template <class Line, class Row>
void sweep_axes(const Shape& shape, const std::vector<int>& axes, const Line& line,
                const Row& row) {
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const auto s = detail::split_at(shape, axes[k]);
    if (s.inner == 1) {
      parallel_for(
          0, s.outer, [&](index_t o) { line(k, o * s.n, s.n); }, detail::grain_for(s.n));
      continue;
    }
    parallel_for(
        0, s.outer * s.n, [&](index_t r) { row(k, s, r % s.n, r * s.inner); },
        detail::grain_for(s.inner));
  }
}

}  // namespace

template <Element T>
FiniteDifference<T>::FiniteDifference(const Shape& shape, std::vector<int> axes, Boundary boundary)
    : LinearOperator<T>(
          shape,
          gradient_shape(shape,
                         detail::normalize_axes(axes, shape.rank(), "finite_difference").size()),
          boundary == Boundary::neumann ? "finite_difference(neumann)"
                                        : "finite_difference(periodic)"),
      axes_(detail::normalize_axes(axes, shape.rank(), "finite_difference")),
      boundary_(boundary) {}

template <Element T>
void FiniteDifference<T>::forward_impl(const Array<T>& x, Array<T>& y) const {
  const index_t total = x.size();
  const bool periodic = boundary_ == Boundary::periodic;
  const T* px = x.data();
  const auto out_of = [&](std::size_t k) { return y.data() + static_cast<index_t>(k) * total; };
  sweep_axes(
      x.shape(), axes_,
      [&](std::size_t k, index_t offset, index_t n) {
        forward_line(px + offset, out_of(k) + offset, n, periodic);
      },
      [&](std::size_t k, const detail::AxisSplit& s, index_t i, index_t base) {
        T* out = out_of(k) + base;
        const T* cur = px + base;
        if (i + 1 < s.n) {
          const T* next = cur + s.inner;
          for (index_t j = 0; j < s.inner; ++j) out[j] = next[j] - cur[j];
        } else if (periodic) {
          const T* first = cur - i * s.inner;  // i = 0 of the same line
          for (index_t j = 0; j < s.inner; ++j) out[j] = first[j] - cur[j];
        } else {
          for (index_t j = 0; j < s.inner; ++j) out[j] = T(0);
        }
      });
}

// x = sum_k D_k^H p_k with (D_k^H p)[i] = p[i - 1] - p[i] along axis k, where p[-1] is 0 (Neumann)
// or p[n - 1] (periodic), and p[n - 1] itself is 0 for Neumann (the forward never writes it).
template <Element T>
void FiniteDifference<T>::adjoint_impl(const Array<T>& y, Array<T>& x) const {
  const index_t total = x.size();
  const bool periodic = boundary_ == Boundary::periodic;
  tweed::fill(x, T(0));
  T* px = x.data();
  const auto in_of = [&](std::size_t k) { return y.data() + static_cast<index_t>(k) * total; };
  sweep_axes(
      x.shape(), axes_,
      [&](std::size_t k, index_t offset, index_t n) {
        adjoint_line(in_of(k) + offset, px + offset, n, periodic);
      },
      [&](std::size_t k, const detail::AxisSplit& s, index_t i, index_t base) {
        T* out = px + base;
        const T* cur = in_of(k) + base;
        const bool has_cur = periodic || i + 1 < s.n;
        const T* prev = nullptr;
        if (i > 0)
          prev = cur - s.inner;
        else if (periodic)
          prev = cur + (s.n - 1) * s.inner;
        if (prev && has_cur)
          for (index_t j = 0; j < s.inner; ++j) out[j] += prev[j] - cur[j];
        else if (prev)
          for (index_t j = 0; j < s.inner; ++j) out[j] += prev[j];
        else if (has_cur)
          for (index_t j = 0; j < s.inner; ++j) out[j] -= cur[j];
      });
}

#define TWEED_INSTANTIATE(T) template class FiniteDifference<T>;
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop
