#include "tweed/core/rng.hpp"

#include <cmath>

#include "tweed/core/parallel.hpp"

namespace tweed {
namespace {

// Philox-4x32 round constants (Salmon et al. 2011).
constexpr std::uint32_t kMul0 = 0xD2511F53u;
constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;
constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;

inline void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t p = std::uint64_t(a) * std::uint64_t(b);
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> c,
                                           std::array<std::uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c[0], hi0, lo0);
    mulhilo(kMul1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    k[0] += kWeyl0;
    k[1] += kWeyl1;
  }
  return c;
}

// 53 random bits to a double in (0, 1): never 0 (log is safe), never 1.
inline double to_open_unit(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = ((std::uint64_t(hi) << 32) | lo) >> 11;
  return (double(bits) + 0.5) * 0x1.0p-53;
}

constexpr double kTwoPi = 6.283185307179586476925286766559;

}  // namespace

std::array<std::uint32_t, 4> CounterRng::block(std::uint64_t index, std::uint32_t draw) const {
  return philox4x32_10(
      {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), draw, stream_},
      {static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)});
}

double CounterRng::uniform(std::uint64_t index, std::uint32_t draw) const {
  const auto b = block(index, draw);
  return to_open_unit(b[0], b[1]);
}

std::array<double, 2> CounterRng::normal_pair(std::uint64_t index, std::uint32_t draw) const {
  const auto b = block(index, draw);
  const double u1 = to_open_unit(b[0], b[1]);
  const double u2 = to_open_unit(b[2], b[3]);
  const double r = std::sqrt(-2.0 * std::log(u1));
  return {r * std::cos(kTwoPi * u2), r * std::sin(kTwoPi * u2)};
}

double CounterRng::normal(std::uint64_t index, std::uint32_t draw) const {
  return normal_pair(index, draw)[0];
}

bool CounterRng::bernoulli(double p, std::uint64_t index, std::uint32_t draw) const {
  return uniform(index, draw) < p;
}

std::uint64_t CounterRng::below(std::uint64_t n, std::uint64_t index) const {
  if (n <= 1) return 0;
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (std::uint32_t draw = 0;; ++draw) {
    const auto b = block(index, draw);
    const std::uint64_t v = (std::uint64_t(b[0]) << 32) | b[1];
    if (v < limit) return v % n;
  }
}

std::int64_t CounterRng::poisson(double lambda, std::uint64_t index) const {
  if (!(lambda >= 0.0) || !std::isfinite(lambda))
    throw InvalidInput("poisson", "rate must be finite and non-negative");
  if (lambda == 0.0) return 0;
  std::uint32_t draw = 0;
  if (lambda < 10.0) {
    // Multiplication method: count uniforms until their product falls below exp(-lambda).
    const double limit = std::exp(-lambda);
    double prod = uniform(index, draw++);
    std::int64_t k = 0;
    while (prod > limit) {
      prod *= uniform(index, draw++);
      ++k;
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze (Hoermann, Insurance Math. Econom. 12, 1993).
  const double slam = std::sqrt(lambda);
  const double loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const auto blk = block(index, draw++);
    const double u = to_open_unit(blk[0], blk[1]) - 0.5;
    const double v = to_open_unit(blk[2], blk[3]);
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -lambda + k * loglam - std::lgamma(k + 1.0))
      return static_cast<std::int64_t>(k);
  }
}

template <Element T>
void fill_uniform(Array<T>& x, const CounterRng& rng, double lo, double hi) {
  T* p = x.data();
  parallel_for(0, x.size(), [&](index_t i) {
    const auto b = rng.block(static_cast<std::uint64_t>(i));
    const double u0 = lo + (hi - lo) * to_open_unit(b[0], b[1]);
    if constexpr (is_complex_v<T>) {
      const double u1 = lo + (hi - lo) * to_open_unit(b[2], b[3]);
      p[i] = T(static_cast<real_t<T>>(u0), static_cast<real_t<T>>(u1));
    } else {
      p[i] = static_cast<T>(u0);
    }
  });
}

template <Element T>
void fill_normal(Array<T>& x, const CounterRng& rng, double mean, double sigma) {
  T* p = x.data();
  parallel_for(0, x.size(), [&](index_t i) {
    const auto n = rng.normal_pair(static_cast<std::uint64_t>(i));
    if constexpr (is_complex_v<T>) {
      const double s = sigma / std::sqrt(2.0);
      p[i] = T(static_cast<real_t<T>>(mean + s * n[0]), static_cast<real_t<T>>(s * n[1]));
    } else {
      p[i] = static_cast<T>(mean + sigma * n[0]);
    }
  });
}

template <Element T>
void fill_poisson(Array<T>& x, const Array<T>& lambda, const CounterRng& rng) {
  static_assert(!is_complex_v<T>, "Poisson variates are real");
  require_same_shape(x.shape(), lambda.shape(), "fill_poisson");
  T* p = x.data();
  const T* l = lambda.data();
  parallel_for(
      0, x.size(),
      [&](index_t i) {
        p[i] = static_cast<T>(rng.poisson(double(l[i]), static_cast<std::uint64_t>(i)));
      },
      256);
}

template <Element T>
void fill_bernoulli(Array<T>& x, const CounterRng& rng, double p) {
  T* d = x.data();
  parallel_for(0, x.size(), [&](index_t i) {
    d[i] = rng.bernoulli(p, static_cast<std::uint64_t>(i)) ? T(1) : T(0);
  });
}

#define TWEED_INSTANTIATE(T)                                                   \
  template void fill_uniform<T>(Array<T>&, const CounterRng&, double, double); \
  template void fill_normal<T>(Array<T>&, const CounterRng&, double, double);  \
  template void fill_bernoulli<T>(Array<T>&, const CounterRng&, double);
TWEED_INSTANTIATE(float)
TWEED_INSTANTIATE(double)
TWEED_INSTANTIATE(cfloat)
TWEED_INSTANTIATE(cdouble)
#undef TWEED_INSTANTIATE
template void fill_poisson<float>(Array<float>&, const Array<float>&, const CounterRng&);
template void fill_poisson<double>(Array<double>&, const Array<double>&, const CounterRng&);

}  // namespace tweed
