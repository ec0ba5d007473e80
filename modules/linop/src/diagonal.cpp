#include "tweed/linop/diagonal.hpp"

#include "axes.hpp"
#include "tweed/core/ops.hpp"

namespace tweed::linop {
namespace {

// True when `tail` equals the last tail.rank() axes of `shape`.
bool is_trailing(const Shape& tail, const Shape& shape) {
  if (tail.rank() > shape.rank()) return false;
  const int skip = shape.rank() - tail.rank();
  for (int a = 0; a < tail.rank(); ++a)
    if (tail[a] != shape[skip + a]) return false;
  return true;
}

template <Element T>
Array<T> to_element(const Array<real_t<T>>& w) {
  return convert<T>(w);
}

}  // namespace

template <Element T>
Diagonal<T>::Diagonal(Array<T> weights)
    : LinearOperator<T>(weights.shape(), weights.shape(), "diagonal"),
      weights_(std::move(weights)) {
  init();
}

template <Element T>
Diagonal<T>::Diagonal(Array<T> weights, const Shape& shape)
    : LinearOperator<T>(shape, shape, "diagonal"), weights_(std::move(weights)) {
  if (!is_trailing(weights_.shape(), shape))
    throw ShapeMismatch("diagonal", "weights of shape " + weights_.shape().str() +
                                        " are not the trailing axes of " + shape.str());
  init();
}

template <Element T>
void Diagonal<T>::init() {
  weights_abs2_ = Array<real_t<T>>(weights_.shape());
  parallel_for(0, weights_.size(), [&](index_t i) {
    weights_abs2_[i] = static_cast<real_t<T>>(std::norm(weights_[i]));
  });
}

template <Element T>
Diagonal<T>::Diagonal(const Array<real_t<T>>& weights) requires is_complex_v<T>
    : Diagonal(to_element<T>(weights)) {}

template <Element T>
Diagonal<T>::Diagonal(const Array<real_t<T>>& weights, const Shape& shape) requires is_complex_v<T>
    : Diagonal(to_element<T>(weights), shape) {}

namespace {

// out[i] = f(w[i mod m], in[i]) with the weights repeated over the leading axes.
template <class W, class T, class F>
void broadcast_apply(const Array<W>& w, const Array<T>& in, Array<T>& out, F f) {
  const index_t m = w.size();
  if (m == 0 || in.size() == 0) return;
  const index_t reps = in.size() / m;
  const W* pw = w.data();
  const T* pin = in.data();
  T* pout = out.data();
  // Parallel over repetitions when there are many, else over the weights themselves.
  if (reps > 1 && m < 4096) {
    parallel_for(
        0, reps,
        [&](index_t r) {
          for (index_t i = 0; i < m; ++i) pout[r * m + i] = f(pw[i], pin[r * m + i]);
        },
        std::max<index_t>(1, 4096 / m));
  } else {
    for (index_t r = 0; r < reps; ++r)
      parallel_for(0, m, [&](index_t i) { pout[r * m + i] = f(pw[i], pin[r * m + i]); });
  }
}

}  // namespace

template <Element T>
void Diagonal<T>::forward_impl(const Array<T>& x, Array<T>& y) const {
  broadcast_apply(weights_, x, y, [](T w, T v) { return w * v; });
}

template <Element T>
void Diagonal<T>::adjoint_impl(const Array<T>& y, Array<T>& x) const {
  broadcast_apply(weights_, y, x, [](T w, T v) {
    if constexpr (is_complex_v<T>)
      return std::conj(w) * v;
    else
      return w * v;
  });
}

template <Element T>
void Diagonal<T>::normal_impl(const Array<T>& x, Array<T>& z) const {
  broadcast_apply(weights_abs2_, x, z, [](real_t<T> w, T v) { return w * v; });
}

#define TWEED_INSTANTIATE(T) template class Diagonal<T>;
TWEED_LINOP_FOR_EACH_ELEMENT(TWEED_INSTANTIATE)
#undef TWEED_INSTANTIATE

}  // namespace tweed::linop
