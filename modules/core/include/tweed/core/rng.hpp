// Counter-based seeded random numbers (Philox-4x32-10, Salmon et al., SC'11).
//
// A number is a pure function of (seed, stream, element index, draw): there is no hidden state
// that threads advance, so filling an array gives the same values with any thread count and in
// any order. `stream` separates independent uses of one seed (noise vs. mask vs. flicks);
// `draw` numbers the successive variates one element needs (rejection samplers).
#pragma once

#include <array>
#include <cstdint>

#include "tweed/core/array.hpp"

namespace tweed {

class CounterRng {
 public:
  explicit CounterRng(std::uint64_t seed, std::uint32_t stream = 0)
      : seed_(seed), stream_(stream) {}

  std::uint64_t seed() const { return seed_; }
  std::uint32_t stream() const { return stream_; }

  /// The raw Philox block for (index, draw): four independent 32-bit words.
  std::array<std::uint32_t, 4> block(std::uint64_t index, std::uint32_t draw = 0) const;
  /// Uniform on the open interval (0, 1), 53 random bits.
  double uniform(std::uint64_t index, std::uint32_t draw = 0) const;
  /// Standard normal N(0, 1) (Box-Muller on one block).
  double normal(std::uint64_t index, std::uint32_t draw = 0) const;
  /// A pair of independent standard normals (both Box-Muller outputs of one block).
  std::array<double, 2> normal_pair(std::uint64_t index, std::uint32_t draw = 0) const;
  /// Poisson(lambda), lambda >= 0: multiplication method below 10, PTRS (Hoermann 1993) above.
  std::int64_t poisson(double lambda, std::uint64_t index) const;
  /// True with probability p.
  bool bernoulli(double p, std::uint64_t index, std::uint32_t draw = 0) const;
  /// Uniform integer in [0, n), n >= 1 (unbiased by rejection).
  std::uint64_t below(std::uint64_t n, std::uint64_t index) const;

 private:
  std::uint64_t seed_;
  std::uint32_t stream_;
};

/// x[i] = uniform on (lo, hi); complex: real and imaginary parts independent.
template <Element T>
void fill_uniform(Array<T>& x, const CounterRng& rng, double lo = 0.0, double hi = 1.0);
/// x[i] = mean + sigma * N(0,1). For complex T, circularly symmetric: each part has standard
/// deviation sigma / sqrt(2), so E|x - mean|^2 = sigma^2.
template <Element T>
void fill_normal(Array<T>& x, const CounterRng& rng, double mean = 0.0, double sigma = 1.0);
/// x[i] = Poisson(lambda[i]) for real T.
template <Element T>
void fill_poisson(Array<T>& x, const Array<T>& lambda, const CounterRng& rng);
/// x[i] = 1 with probability p, else 0.
template <Element T>
void fill_bernoulli(Array<T>& x, const CounterRng& rng, double p);

}  // namespace tweed
