// Helpers shared by the priors' sources (not installed).
#pragma once

#include <cmath>
#include <string>

#include "tweed/core/array.hpp"
#include "tweed/core/error.hpp"

namespace tweed::priors::detail {

/// Makes `out` ready to receive a result of x's shape: allocates it when empty, checks it
/// otherwise. Aliasing (out is x) is allowed and left to the caller to handle.
template <Element T>
void prepare_out(const Array<T>& x, Array<T>& out, const std::string& who) {
  if (&out == &x) return;
  if (out.empty() && x.size() > 0) {
    out = Array<T>(x.shape());
    return;
  }
  if (out.shape() != x.shape())
    throw ShapeMismatch(who,
                        "output has shape " + out.shape().str() + ", input has " + x.shape().str());
}

/// Throws InvalidInput unless v is finite and >= 0.
inline void require_nonnegative(double v, const std::string& who, const char* what) {
  if (!(v >= 0) || !std::isfinite(v))
    throw InvalidInput(who,
                       std::string(what) + " must be finite and >= 0, got " + std::to_string(v));
}

}  // namespace tweed::priors::detail
