// Threaded element-wise operations and reductions over contiguous arrays (Array, a contiguous
// View's span, std::vector, std::span). Reductions accumulate in double (complex<double> for
// complex data) in fixed-size chunks, so the result does not depend on the thread count.
//
// Conventions: dot(x, y) = sum conj(x_i) * y_i (conjugate-linear in the first argument, as the
// inner product <x, y> of a complex Hilbert space); norm2 is the Euclidean norm.
#pragma once

#include <cmath>
#include <complex>
#include <limits>
#include <span>
#include <type_traits>

#include "tweed/core/array.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed {

/// Anything with contiguous data() and size(): Array, std::vector, std::span.
template <class C>
concept Contiguous = requires(C& c) {
  {c.data()};
  {c.size()};
};

template <class C>
using elem_of = std::remove_cv_t<std::remove_pointer_t<decltype(std::declval<C&>().data())>>;

/// The accumulation type for reductions: double or complex<double>.
template <class T>
using accum_t = std::conditional_t<is_complex_v<T>, cdouble, double>;

namespace detail {
template <class X, class Y>
void require_same_size(const X& x, const Y& y, const char* what) {
  if (static_cast<index_t>(x.size()) != static_cast<index_t>(y.size()))
    throw ShapeMismatch(
        what, "sizes differ: " + std::to_string(x.size()) + " vs " + std::to_string(y.size()));
}
template <class T>
double abs2(T v) {
  if constexpr (is_complex_v<T>)
    return double(v.real()) * double(v.real()) + double(v.imag()) * double(v.imag());
  else
    return double(v) * double(v);
}
}  // namespace detail

/// y[i] = value
template <Contiguous Y>
void fill(Y&& y, elem_of<Y> value) {
  auto* p = y.data();
  parallel_for(0, static_cast<index_t>(y.size()), [&](index_t i) { p[i] = value; });
}

/// y[i] = x[i]
template <Contiguous X, Contiguous Y>
void copy(const X& x, Y&& y) {
  detail::require_same_size(x, y, "copy");
  const auto* px = x.data();
  auto* py = y.data();
  parallel_for(0, static_cast<index_t>(y.size()), [&](index_t i) { py[i] = px[i]; });
}

/// y[i] *= a
template <Contiguous Y>
void scale(Y&& y, elem_of<Y> a) {
  auto* p = y.data();
  parallel_for(0, static_cast<index_t>(y.size()), [&](index_t i) { p[i] *= a; });
}

/// y[i] += a * x[i]
template <Contiguous X, Contiguous Y>
void axpy(elem_of<Y> a, const X& x, Y&& y) {
  detail::require_same_size(x, y, "axpy");
  const auto* px = x.data();
  auto* py = y.data();
  parallel_for(0, static_cast<index_t>(y.size()), [&](index_t i) { py[i] += a * px[i]; });
}

/// y[i] = a * x[i] + b * y[i]
template <Contiguous X, Contiguous Y>
void axpby(elem_of<Y> a, const X& x, elem_of<Y> b, Y&& y) {
  detail::require_same_size(x, y, "axpby");
  const auto* px = x.data();
  auto* py = y.data();
  parallel_for(0, static_cast<index_t>(y.size()),
               [&](index_t i) { py[i] = a * px[i] + b * py[i]; });
}

/// z[i] = a * x[i] + b * y[i] (a scaled sum into a third array)
template <Contiguous X, Contiguous Y, Contiguous Z>
void lincomb(elem_of<Z> a, const X& x, elem_of<Z> b, const Y& y, Z&& z) {
  detail::require_same_size(x, z, "lincomb");
  detail::require_same_size(y, z, "lincomb");
  const auto* px = x.data();
  const auto* py = y.data();
  auto* pz = z.data();
  parallel_for(0, static_cast<index_t>(z.size()),
               [&](index_t i) { pz[i] = a * px[i] + b * py[i]; });
}

/// y[i] *= x[i] (element-wise product)
template <Contiguous X, Contiguous Y>
void multiply(const X& x, Y&& y) {
  detail::require_same_size(x, y, "multiply");
  const auto* px = x.data();
  auto* py = y.data();
  parallel_for(0, static_cast<index_t>(y.size()), [&](index_t i) { py[i] *= px[i]; });
}

/// sum_i conj(x_i) y_i, accumulated in double precision.
template <Contiguous X, Contiguous Y>
accum_t<elem_of<X>> dot(const X& x, const Y& y) {
  detail::require_same_size(x, y, "dot");
  using A = accum_t<elem_of<X>>;
  const auto* px = x.data();
  const auto* py = y.data();
  return parallel_reduce<A>(
      static_cast<index_t>(x.size()), A{},
      [&](index_t lo, index_t hi) {
        A s{};
        for (index_t i = lo; i < hi; ++i) {
          if constexpr (is_complex_v<elem_of<X>>)
            s += std::conj(A(px[i])) * A(py[i]);
          else
            s += double(px[i]) * double(py[i]);
        }
        return s;
      },
      [](A a, A b) { return a + b; });
}

/// sum_i |x_i|^2
template <Contiguous X>
double norm2_squared(const X& x) {
  const auto* px = x.data();
  return parallel_reduce<double>(
      static_cast<index_t>(x.size()), 0.0,
      [&](index_t lo, index_t hi) {
        double s = 0;
        for (index_t i = lo; i < hi; ++i) s += detail::abs2(px[i]);
        return s;
      },
      [](double a, double b) { return a + b; });
}

/// Euclidean norm ||x||_2
template <Contiguous X>
double norm2(const X& x) {
  return std::sqrt(norm2_squared(x));
}

/// sum_i |x_i|
template <Contiguous X>
double norm1(const X& x) {
  const auto* px = x.data();
  return parallel_reduce<double>(
      static_cast<index_t>(x.size()), 0.0,
      [&](index_t lo, index_t hi) {
        double s = 0;
        for (index_t i = lo; i < hi; ++i) s += std::sqrt(detail::abs2(px[i]));
        return s;
      },
      [](double a, double b) { return a + b; });
}

/// max_i |x_i| (0 for an empty array)
template <Contiguous X>
double max_abs(const X& x) {
  const auto* px = x.data();
  return std::sqrt(parallel_reduce<double>(
      static_cast<index_t>(x.size()), 0.0,
      [&](index_t lo, index_t hi) {
        double m = 0;
        for (index_t i = lo; i < hi; ++i) m = std::max(m, detail::abs2(px[i]));
        return m;
      },
      [](double a, double b) { return std::max(a, b); }));
}

/// sum_i x_i, accumulated in double precision.
template <Contiguous X>
accum_t<elem_of<X>> sum(const X& x) {
  using A = accum_t<elem_of<X>>;
  const auto* px = x.data();
  return parallel_reduce<A>(
      static_cast<index_t>(x.size()), A{},
      [&](index_t lo, index_t hi) {
        A s{};
        for (index_t i = lo; i < hi; ++i) s += A(px[i]);
        return s;
      },
      [](A a, A b) { return a + b; });
}

/// True when every element is finite (no NaN, no Inf).
template <Contiguous X>
bool all_finite(const X& x) {
  const auto* px = x.data();
  return parallel_reduce<int>(
             static_cast<index_t>(x.size()), 1,
             [&](index_t lo, index_t hi) {
               for (index_t i = lo; i < hi; ++i) {
                 if constexpr (is_complex_v<elem_of<X>>) {
                   if (!std::isfinite(px[i].real()) || !std::isfinite(px[i].imag())) return 0;
                 } else if (!std::isfinite(px[i])) {
                   return 0;
                 }
               }
               return 1;
             },
             [](int a, int b) { return a & b; }) == 1;
}

/// Throws InvalidInput naming `subject` when x holds NaN or Inf.
template <Contiguous X>
void require_finite(const X& x, const std::string& subject) {
  if (!all_finite(x)) throw InvalidInput(subject, "contains NaN or Inf values");
}

/// |x_i| as a real array of the same shape.
template <Element T>
Array<real_t<T>> magnitude(const Array<T>& x) {
  Array<real_t<T>> out(x.shape());
  parallel_for(0, x.size(), [&](index_t i) { out[i] = std::abs(x[i]); });
  return out;
}

/// Element-type conversion (complex -> real keeps the real part; use magnitude() for |x|).
template <Element To, Element From>
Array<To> convert(const Array<From>& x) {
  Array<To> out(x.shape());
  parallel_for(0, x.size(), [&](index_t i) {
    if constexpr (is_complex_v<To>)
      out[i] = To(x[i]);
    else if constexpr (is_complex_v<From>)
      out[i] = static_cast<To>(x[i].real());
    else
      out[i] = static_cast<To>(x[i]);
  });
  return out;
}

}  // namespace tweed
