#include "tweed/priors/box.hpp"

#include <algorithm>
#include <cmath>

#include "common.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::priors {

template <Element T>
BoxProx<T>::BoxProx(double lo, double hi) : lo_(lo), hi_(hi) {
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    throw InvalidInput(
        "BoxProx", "needs lo <= hi, got [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

template <Element T>
void BoxProx<T>::prox(const Array<T>& x, double, Array<T>& out) const {
  detail::prepare_out(x, out, name());
  // Bounds in T: an infinite double bound stays infinite, and clamping in T keeps out within
  // the bounds exactly as value() tests them.
  const T lo = static_cast<T>(lo_), hi = static_cast<T>(hi_);
  const T* px = x.data();
  T* po = out.data();
  parallel_for(0, x.size(), [&](index_t i) { po[i] = std::clamp(px[i], lo, hi); });
}

template <Element T>
double BoxProx<T>::value(const Array<T>& x) const {
  const T lo = static_cast<T>(lo_), hi = static_cast<T>(hi_);
  const T* px = x.data();
  const int inside = parallel_reduce<int>(
      x.size(), 1,
      [&](index_t a, index_t b) {
        for (index_t i = a; i < b; ++i)
          if (!(px[i] >= lo && px[i] <= hi)) return 0;
        return 1;
      },
      [](int a, int b) { return a & b; });
  return inside ? 0.0 : std::numeric_limits<double>::infinity();
}

template class BoxProx<float>;
template class BoxProx<double>;

}  // namespace tweed::priors
