#include "tweed/priors/l2_ball.hpp"

#include <cmath>
#include <limits>

#include "common.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::priors {

template <Element T>
L2BallProx<T>::L2BallProx(double epsilon) : epsilon_(epsilon) {
  detail::require_nonnegative(epsilon, "L2BallProx", "epsilon");
}

template <Element T>
L2BallProx<T>::L2BallProx(Array<T> center, double epsilon)
    : center_(std::move(center)), epsilon_(epsilon) {
  detail::require_nonnegative(epsilon, "L2BallProx", "epsilon");
  require_finite(center_, "L2BallProx center");
}

template <Element T>
double L2BallProx<T>::distance(const Array<T>& x) const {
  if (center_.empty()) return norm2(x);
  require_same_shape(center_.shape(), x.shape(), name() + " center");
  const T* px = x.data();
  const T* pc = center_.data();
  return std::sqrt(parallel_reduce<double>(
      x.size(), 0.0,
      [&](index_t lo, index_t hi) {
        double s = 0;
        for (index_t i = lo; i < hi; ++i) s += tweed::detail::abs2(px[i] - pc[i]);
        return s;
      },
      [](double a, double b) { return a + b; }));
}

template <Element T>
void L2BallProx<T>::prox(const Array<T>& x, double, Array<T>& out) const {
  const double d = distance(x);
  detail::prepare_out(x, out, name());
  const T* px = x.data();
  T* po = out.data();
  if (d <= epsilon_) {
    if (po != px) std::copy(px, px + x.size(), po);
    return;
  }
  // c + (x - c) * eps / d
  const auto scale = static_cast<real_t<T>>(epsilon_ / d);
  if (center_.empty()) {
    parallel_for(0, x.size(), [&](index_t i) { po[i] = px[i] * scale; });
  } else {
    const T* pc = center_.data();
    parallel_for(0, x.size(), [&](index_t i) { po[i] = pc[i] + (px[i] - pc[i]) * scale; });
  }
}

template <Element T>
double L2BallProx<T>::value(const Array<T>& x) const {
  const double slack = 1 + 100 * double(std::numeric_limits<real_t<T>>::epsilon());
  return distance(x) <= epsilon_ * slack ? 0.0 : std::numeric_limits<double>::infinity();
}

template class L2BallProx<float>;
template class L2BallProx<double>;
template class L2BallProx<cfloat>;
template class L2BallProx<cdouble>;

}  // namespace tweed::priors
