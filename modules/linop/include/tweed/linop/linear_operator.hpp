// LinearOperator<T>: the one interface through which every forward model in Tweed (FFT, SENSE,
// CT projector, MIMO Green's function, finite differences, wavelets, ...) is seen by the solvers.
//
// A : C^domain -> C^range (or R^ for real T). apply(x, y) computes y = A x, apply_adjoint(y, x)
// computes x = A^H y, and apply_normal(x, z) computes z = A^H A x. The public calls are
// non-virtual: they check shapes (ShapeMismatch naming the operator), count calls and time them,
// then call the protected *_impl functions that each operator implements. Outputs must be allocated
// with the right shape by the caller (or be empty, then they are allocated); they are overwritten.
//
// Operators are immutable after construction and may be applied from several threads at once.
// They are shared as std::shared_ptr<const LinearOperator<T>> (OperatorPtr<T>): combinators keep
// their operands alive.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "tweed/core/array.hpp"

namespace tweed::linop {

/// Calls and seconds spent in an operator (for provenance stage timings and profiling).
struct OperatorStats {
  long forward_calls = 0;
  long adjoint_calls = 0;
  long normal_calls = 0;
  double seconds = 0;
};

template <Element T>
class LinearOperator {
 public:
  using value_type = T;

  LinearOperator(Shape domain, Shape range, std::string name)
      : domain_(std::move(domain)), range_(std::move(range)), name_(std::move(name)) {}
  virtual ~LinearOperator() = default;
  LinearOperator(const LinearOperator&) = delete;
  LinearOperator& operator=(const LinearOperator&) = delete;

  const Shape& domain() const { return domain_; }
  const Shape& range() const { return range_; }
  const std::string& name() const { return name_; }

  /// y = A x
  void apply(const Array<T>& x, Array<T>& y) const {
    check(x, domain_, "input");
    prepare(y, range_, "output");
    const auto t0 = std::chrono::steady_clock::now();
    forward_impl(x, y);
    record(t0, forward_calls_);
  }
  /// x = A^H y
  void apply_adjoint(const Array<T>& y, Array<T>& x) const {
    check(y, range_, "adjoint input");
    prepare(x, domain_, "adjoint output");
    const auto t0 = std::chrono::steady_clock::now();
    adjoint_impl(y, x);
    record(t0, adjoint_calls_);
  }
  /// z = A^H A x
  void apply_normal(const Array<T>& x, Array<T>& z) const {
    check(x, domain_, "normal input");
    prepare(z, domain_, "normal output");
    const auto t0 = std::chrono::steady_clock::now();
    normal_impl(x, z);
    record(t0, normal_calls_);
  }

  /// Allocating conveniences.
  Array<T> operator()(const Array<T>& x) const {
    Array<T> y(range_);
    apply(x, y);
    return y;
  }
  Array<T> adjoint(const Array<T>& y) const {
    Array<T> x(domain_);
    apply_adjoint(y, x);
    return x;
  }
  Array<T> normal(const Array<T>& x) const {
    Array<T> z(domain_);
    apply_normal(x, z);
    return z;
  }

  OperatorStats stats() const {
    return {forward_calls_.load(), adjoint_calls_.load(), normal_calls_.load(),
            double(nanoseconds_.load()) * 1e-9};
  }

 protected:
  virtual void forward_impl(const Array<T>& x, Array<T>& y) const = 0;
  virtual void adjoint_impl(const Array<T>& y, Array<T>& x) const = 0;
  /// Default A^H (A x) through a temporary; override for fused or Toeplitz normal operators.
  virtual void normal_impl(const Array<T>& x, Array<T>& z) const {
    Array<T> tmp(range_);
    forward_impl(x, tmp);
    adjoint_impl(tmp, z);
  }

 private:
  void check(const Array<T>& a, const Shape& expected, const char* role) const {
    if (a.shape() != expected)
      throw ShapeMismatch(name_, std::string(role) + " has shape " + a.shape().str() +
                                     ", expected " + expected.str());
  }
  void prepare(Array<T>& a, const Shape& expected, const char* role) const {
    if (a.empty() && expected.size() > 0) a = Array<T>(expected);
    check(a, expected, role);
  }
  void record(std::chrono::steady_clock::time_point t0, std::atomic<long>& counter) const {
    counter.fetch_add(1, std::memory_order_relaxed);
    nanoseconds_.fetch_add(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count(),
        std::memory_order_relaxed);
  }

  Shape domain_;
  Shape range_;
  std::string name_;
  mutable std::atomic<long> forward_calls_{0};
  mutable std::atomic<long> adjoint_calls_{0};
  mutable std::atomic<long> normal_calls_{0};
  mutable std::atomic<long long> nanoseconds_{0};
};

template <Element T>
using OperatorPtr = std::shared_ptr<const LinearOperator<T>>;

}  // namespace tweed::linop
