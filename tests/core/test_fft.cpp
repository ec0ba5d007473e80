// FFT tests: against a naive O(N^2) DFT written here, hand-computed transforms, unitarity,
// centring against explicit shifts, real transforms, thread-count independence and plan caching.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

#include "tweed/core/fft.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"

namespace tweed {
namespace {

using fft::Direction;
using fft::Norm;

// Reference DFT along one axis of a row-major complex<double> array; the angle uses (k n mod N)
// so that the reference is accurate to double rounding.
void naive_dft_axis(std::vector<cdouble>& a, const Shape& shape, int axis, double sign,
                    double scale) {
  const index_t n = shape[axis];
  index_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= shape[d];
  for (int d = axis + 1; d < shape.rank(); ++d) inner *= shape[d];
  std::vector<cdouble> line(static_cast<std::size_t>(n)), twiddle(static_cast<std::size_t>(n));
  for (index_t j = 0; j < n; ++j) {
    const double ang = sign * 2.0 * std::numbers::pi * double(j) / double(n);
    twiddle[static_cast<std::size_t>(j)] = cdouble(std::cos(ang), std::sin(ang));
  }
  for (index_t o = 0; o < outer; ++o)
    for (index_t i = 0; i < inner; ++i) {
      cdouble* base = a.data() + o * n * inner + i;
      for (index_t k = 0; k < n; ++k) {
        cdouble s = 0;
        for (index_t m = 0; m < n; ++m)
          s += base[m * inner] * twiddle[static_cast<std::size_t>((k * m) % n)];
        line[static_cast<std::size_t>(k)] = s * scale;
      }
      for (index_t k = 0; k < n; ++k) base[k * inner] = line[static_cast<std::size_t>(k)];
    }
}

// Reference circular shift: element i moves to (i + shift) mod N along `axis`.
template <class T>
void roll_axis(std::vector<T>& a, const Shape& shape, int axis, index_t shift) {
  const index_t n = shape[axis];
  index_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= shape[d];
  for (int d = axis + 1; d < shape.rank(); ++d) inner *= shape[d];
  const std::vector<T> src = a;
  for (index_t o = 0; o < outer; ++o)
    for (index_t m = 0; m < n; ++m)
      for (index_t i = 0; i < inner; ++i)
        a[static_cast<std::size_t>((o * n + ((m + shift) % n + n) % n) * inner + i)] =
            src[static_cast<std::size_t>((o * n + m) * inner + i)];
}

std::vector<int> all_axes(const Shape& s, std::vector<int> axes) {
  if (axes.empty())
    for (int a = 0; a < s.rank(); ++a) axes.push_back(a);
  for (int& a : axes)
    if (a < 0) a += s.rank();
  return axes;
}

// NumPy's definition, spelled out: fftshift(fftn(ifftshift(x, axes), axes, norm), axes).
std::vector<cdouble> reference(std::vector<cdouble> a, const Shape& shape, std::vector<int> axes,
                               Direction dir, Norm norm, bool centred) {
  axes = all_axes(shape, axes);
  for (int ax : axes) {
    const double n = double(shape[ax]);
    if (centred) roll_axis(a, shape, ax, -(shape[ax] / 2));
    const double scale = norm == Norm::ortho         ? 1.0 / std::sqrt(n)
                         : dir == Direction::inverse ? 1.0 / n
                                                     : 1.0;
    naive_dft_axis(a, shape, ax, dir == Direction::forward ? -1.0 : 1.0, scale);
    if (centred) roll_axis(a, shape, ax, shape[ax] / 2);
  }
  return a;
}

template <class R>
Array<std::complex<R>> random_complex(const Shape& s, std::uint64_t seed) {
  Array<std::complex<R>> x(s);
  fill_uniform(x, CounterRng(seed), -1.0, 1.0);
  return x;
}

template <class R>
std::vector<cdouble> to_double(const Array<std::complex<R>>& x) {
  return std::vector<cdouble>(x.begin(), x.end());
}

// max |a - b| / max |b|
template <class R>
double rel_max_error(const Array<std::complex<R>>& a, const std::vector<cdouble>& b) {
  double err = 0, ref = 0;
  for (index_t i = 0; i < a.size(); ++i) {
    err = std::max(err, std::abs(cdouble(a[i]) - b[static_cast<std::size_t>(i)]));
    ref = std::max(ref, std::abs(b[static_cast<std::size_t>(i)]));
  }
  return err / ref;
}

template <class R>
double tol() {
  return std::is_same_v<R, float> ? 2e-6 : 1e-13;
}

template <class R>
class FftTyped : public ::testing::Test {};
using Reals = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FftTyped, Reals);

struct Case {
  Shape shape;
  std::vector<int> axes;
};

std::vector<Case> cases() {
  return {{Shape{7}, {}},
          {Shape{8}, {}},
          {Shape{1}, {}},
          {Shape{2}, {}},
          {Shape{5, 6}, {}},
          {Shape{6, 9}, {1}},
          {Shape{6, 9}, {0}},
          {Shape{4, 5, 6}, {0, 2}},
          {Shape{3, 7, 5}, {}},
          {Shape{4, 5, 6}, {-2}},
          {Shape{2, 3, 4, 5}, {1, 3}},
          {Shape{33, 20}, {}},
          {Shape{3, 40, 18}, {1}},
          {Shape{18, 3, 2}, {0}},
          // Several chunks per axis, with remainders and odd element offsets.
          {Shape{3, 130, 127}, {}}};
}

TYPED_TEST(FftTyped, MatchesNaiveDftOnOddAndEvenShapes) {
  using R = TypeParam;
  std::uint64_t seed = 1;
  for (const Case& c : cases())
    for (Direction dir : {Direction::forward, Direction::inverse})
      for (Norm norm : {Norm::ortho, Norm::backward})
        for (bool centred : {false, true}) {
          Array<std::complex<R>> x = random_complex<R>(c.shape, seed++);
          const std::vector<cdouble> want =
              reference(to_double(x), c.shape, c.axes, dir, norm, centred);
          fft::transform(x.data(), x.shape(), c.axes, dir, norm, centred);
          EXPECT_LT(rel_max_error(x, want), tol<R>())
              << "shape " << c.shape.str() << " dir " << int(dir) << " norm " << int(norm)
              << " centred " << centred;
        }
}

TEST(Fft, HandComputedValues) {
  // Backward-normalised DFT of [1, 2, 3, 4] is [10, -2+2i, -2, -2-2i].
  Array<cdouble> x = Array<cdouble>::from(Shape{4}, std::vector<cdouble>{1, 2, 3, 4});
  fft::transform(x.data(), x.shape(), {}, Direction::forward, Norm::backward);
  const std::vector<cdouble> want{{10, 0}, {-2, 2}, {-2, 0}, {-2, -2}};
  for (index_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(x[i].real(), want[static_cast<std::size_t>(i)].real(), 1e-14);
    EXPECT_NEAR(x[i].imag(), want[static_cast<std::size_t>(i)].imag(), 1e-14);
  }
  // A delta at the centre (index N/2) has a flat, real centred spectrum 1/sqrt(N), odd or even N;
  // a flat signal transforms back to a centred delta of height sqrt(N).
  for (index_t n : {5, 6, 7, 8}) {
    Array<cfloat> d(Shape{n});
    d[n / 2] = 1.0f;
    fft::fftc(d);
    for (index_t i = 0; i < n; ++i) {
      EXPECT_NEAR(d[i].real(), 1.0 / std::sqrt(double(n)), 1e-7) << n;
      EXPECT_NEAR(d[i].imag(), 0.0, 1e-7) << n;
    }
    Array<cdouble> flat(Shape{n}, cdouble(1.0));
    fft::ifftc(flat);
    for (index_t i = 0; i < n; ++i)
      EXPECT_NEAR(std::abs(flat[i] - cdouble(i == n / 2 ? std::sqrt(double(n)) : 0.0)), 0.0, 1e-14)
          << n;
  }
}

TYPED_TEST(FftTyped, UnitaryParsevalAndRoundTrip) {
  using R = TypeParam;
  const double round_tol = std::is_same_v<R, float> ? 1e-6 : 1e-12;
  for (const Shape& s : {Shape{16, 15, 12}, Shape{31, 64}, Shape{1000}}) {
    const Array<std::complex<R>> x0 = random_complex<R>(s, 7);
    Array<std::complex<R>> x = x0;
    const double e0 = norm2(x0);
    fft::fft(x);
    EXPECT_NEAR(norm2(x) / e0, 1.0, round_tol) << s.str();
    fft::ifft(x);
    Array<std::complex<R>> d = x;
    axpy(std::complex<R>(-1), x0, d);
    EXPECT_LT(norm2(d) / e0, round_tol) << s.str();

    x = x0;
    fft::fftc(x);
    EXPECT_NEAR(norm2(x) / e0, 1.0, round_tol) << s.str();
    fft::ifftc(x);
    d = x;
    axpy(std::complex<R>(-1), x0, d);
    EXPECT_LT(norm2(d) / e0, round_tol) << s.str();

    x = x0;  // backward: ifft(fft(x)) = x with the 1/N on the inverse
    fft::transform(x.data(), s, {}, Direction::forward, Norm::backward);
    fft::transform(x.data(), s, {}, Direction::inverse, Norm::backward);
    d = x;
    axpy(std::complex<R>(-1), x0, d);
    EXPECT_LT(norm2(d) / e0, round_tol) << s.str();
  }
}

TEST(FftShift, HandValuesForOddAndEvenLengths) {
  Array<double> odd = Array<double>::from(Shape{5}, std::vector<double>{0, 1, 2, 3, 4});
  fft::fftshift(odd);
  EXPECT_EQ(std::vector<double>(odd.begin(), odd.end()), (std::vector<double>{3, 4, 0, 1, 2}));
  fft::ifftshift(odd);
  EXPECT_EQ(std::vector<double>(odd.begin(), odd.end()), (std::vector<double>{0, 1, 2, 3, 4}));
  fft::ifftshift(odd);
  EXPECT_EQ(std::vector<double>(odd.begin(), odd.end()), (std::vector<double>{2, 3, 4, 0, 1}));

  Array<float> even = Array<float>::from(Shape{6}, std::vector<float>{0, 1, 2, 3, 4, 5});
  fft::fftshift(even);
  EXPECT_EQ(std::vector<float>(even.begin(), even.end()), (std::vector<float>{3, 4, 5, 0, 1, 2}));

  // 2-D, one axis only: rows move, columns stay.
  Array<cfloat> m(Shape{3, 2});
  for (index_t i = 0; i < 6; ++i) m[i] = cfloat(float(i), -float(i));
  fft::fftshift(m, {0});
  const std::vector<float> want{4, 5, 0, 1, 2, 3};
  for (index_t i = 0; i < 6; ++i)
    EXPECT_EQ(m[i], cfloat(want[static_cast<std::size_t>(i)], -want[static_cast<std::size_t>(i)]));
}

TEST(FftShift, MatchesReferenceRollOnEveryElementType) {
  const Shape s{5, 4, 7};
  Array<cdouble> x = random_complex<double>(s, 3);
  std::vector<cdouble> want(x.begin(), x.end());
  for (int a : {0, 2}) roll_axis(want, s, a, s[a] / 2);
  Array<cdouble> y = x;
  fft::fftshift(y, {0, 2});
  EXPECT_EQ(std::vector<cdouble>(y.begin(), y.end()), want);
  fft::ifftshift(y, {2, 0});
  EXPECT_EQ(std::vector<cdouble>(y.begin(), y.end()), std::vector<cdouble>(x.begin(), x.end()));

  Array<float> r(s);
  fill_uniform(r, CounterRng(4));
  std::vector<float> rw(r.begin(), r.end());
  for (int a : {0, 1, 2}) roll_axis(rw, s, a, -(s[a] / 2));
  fft::ifftshift(r);
  EXPECT_EQ(std::vector<float>(r.begin(), r.end()), rw);
}

TYPED_TEST(FftTyped, CentredEqualsExplicitShifts) {
  using R = TypeParam;
  for (const Case& c : {Case{Shape{5, 6, 7}, {}}, Case{Shape{5, 6, 7}, {0, 2}},
                        Case{Shape{4, 6}, {1}}, Case{Shape{9}, {}}, Case{Shape{10, 3}, {}}}) {
    const Array<std::complex<R>> x0 = random_complex<R>(c.shape, 11);
    Array<std::complex<R>> a = x0;
    fft::fftc(a, c.axes);
    Array<std::complex<R>> b = x0;
    fft::ifftshift(b, c.axes);
    fft::fft(b, c.axes);
    fft::fftshift(b, c.axes);
    EXPECT_LT(rel_max_error(a, to_double(b)), tol<R>()) << c.shape.str();

    a = x0;
    fft::ifftc(a, c.axes);
    b = x0;
    fft::ifftshift(b, c.axes);
    fft::ifft(b, c.axes);
    fft::fftshift(b, c.axes);
    EXPECT_LT(rel_max_error(a, to_double(b)), tol<R>()) << c.shape.str();
  }
}

TYPED_TEST(FftTyped, RealTransformsAgreeWithComplexAndRoundTrip) {
  using R = TypeParam;
  const double round_tol = std::is_same_v<R, float> ? 1e-6 : 1e-12;
  for (const Shape& s : {Shape{10}, Shape{9}, Shape{6, 10}, Shape{5, 7, 9}, Shape{4, 3, 8}}) {
    Array<R> x(s);
    fill_uniform(x, CounterRng(21), -1.0, 1.0);
    for (int n_axes = 1; n_axes <= s.rank(); ++n_axes)
      for (Norm norm : {Norm::ortho, Norm::backward}) {
        const Array<std::complex<R>> X = fft::rfft(x, n_axes, norm);
        const index_t last = s[s.rank() - 1];
        ASSERT_EQ(X.dim(s.rank() - 1), last / 2 + 1);

        // The complex FFT of the same data over the same axes, cropped to N/2 + 1 columns.
        Array<std::complex<R>> full = convert<std::complex<R>>(x);
        std::vector<int> axes;
        for (int a = s.rank() - n_axes; a < s.rank(); ++a) axes.push_back(a);
        fft::transform(full.data(), s, axes, Direction::forward, norm);
        std::vector<cdouble> cropped;
        for (index_t i = 0; i < full.size(); ++i)
          if (i % last <= last / 2) cropped.push_back(cdouble(full[i]));
        EXPECT_LT(rel_max_error(X, cropped), tol<R>()) << s.str() << " n_axes " << n_axes;

        const Array<R> y = fft::irfft(X, last, n_axes, norm);
        ASSERT_EQ(y.shape(), s);
        double err = 0;
        for (index_t i = 0; i < y.size(); ++i) err += std::pow(double(y[i]) - double(x[i]), 2);
        EXPECT_LT(std::sqrt(err) / norm2(x), round_tol) << s.str() << " n_axes " << n_axes;
      }
  }
  const Array<std::complex<R>> X = fft::rfft(Array<R>(Shape{4, 8}));
  EXPECT_THROW(fft::irfft(X, 10), ShapeMismatch);
  EXPECT_THROW(fft::rfft(Array<R>(Shape{4, 8}), 3), InvalidInput);
}

template <class T>
bool same_bits(const Array<T>& a, const Array<T>& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

// Restores the thread count when a test ends, whatever happened.
struct ThreadGuard {
  int saved = num_threads();
  ~ThreadGuard() { set_num_threads(saved); }
};

template <class R>
void run_all(Array<std::complex<R>>& x, Array<std::complex<R>>& x02, Array<std::complex<R>>& y,
             const Array<R>& real, Array<std::complex<R>>& rf) {
  fft::fft(x);
  fft::fftc(y);
  fft::ifftc(x02, {0, 2});
  rf = fft::rfft(real, 3);
}

TYPED_TEST(FftTyped, BitIdenticalForAnyThreadCount) {
  using R = TypeParam;
  ThreadGuard guard;
  const Shape s{64, 96, 80};
  const Array<std::complex<R>> x0 = random_complex<R>(s, 99);
  Array<R> real(s);
  fill_uniform(real, CounterRng(100));

  set_num_threads(1);
  Array<std::complex<R>> a1 = x0, b1 = x0, c1 = x0, r1;
  run_all(a1, b1, c1, real, r1);
  for (int t : {2, 3}) {
    set_num_threads(t);
    Array<std::complex<R>> a = x0, b = x0, c = x0, r;
    run_all(a, b, c, real, r);
    EXPECT_TRUE(same_bits(a, a1)) << t << " threads, fft";
    EXPECT_TRUE(same_bits(b, b1)) << t << " threads, ifftc axes {0, 2}";
    EXPECT_TRUE(same_bits(c, c1)) << t << " threads, fftc";
    EXPECT_TRUE(same_bits(r, r1)) << t << " threads, rfft";
  }
  // The transforms did something (a silent no-op would pass the comparisons above).
  EXPECT_FALSE(same_bits(a1, x0));
}

TEST(FftPlans, CacheIsReusedAndCanBeCleared) {
  fft::clear_plan_cache();
  EXPECT_EQ(fft::cached_plan_count(), 0u);
  Array<cfloat> x = random_complex<float>(Shape{24, 40}, 5);
  fft::fft(x);
  const std::size_t after_first = fft::cached_plan_count();
  EXPECT_GT(after_first, 0u);
  fft::ifft(x);  // the inverse direction needs its own plans
  const std::size_t after_inverse = fft::cached_plan_count();
  EXPECT_GT(after_inverse, after_first);
  for (int i = 0; i < 3; ++i) {
    Array<cfloat> y = random_complex<float>(Shape{24, 40}, 6 + std::uint64_t(i));
    fft::fft(y);
    fft::ifft(y);
  }
  EXPECT_EQ(fft::cached_plan_count(), after_inverse);
  Array<cdouble> z = random_complex<double>(Shape{24, 40}, 9);
  fft::fft(z);  // other precision, other plans
  EXPECT_GT(fft::cached_plan_count(), after_inverse);
  fft::clear_plan_cache();
  EXPECT_EQ(fft::cached_plan_count(), 0u);
  // Transforms still work (plans are rebuilt) after a clear.
  Array<cdouble> w = random_complex<double>(Shape{6, 5}, 10);
  const std::vector<cdouble> want =
      reference(to_double(w), w.shape(), {}, Direction::forward, Norm::ortho, false);
  fft::fft(w);
  EXPECT_LT(rel_max_error(w, want), 1e-13);
}

TEST(Fft, RejectsBadAxes) {
  Array<cfloat> x(Shape{4, 5, 6});
  EXPECT_THROW(fft::fft(x, {3}), InvalidInput);
  EXPECT_THROW(fft::fft(x, {-4}), InvalidInput);
  EXPECT_THROW(fft::fft(x, {1, 1}), InvalidInput);
  EXPECT_THROW(fft::fftshift(x, {0, -3}), InvalidInput);
  EXPECT_NO_THROW(fft::fft(x, {-1, 0}));
  Array<cfloat> empty(Shape{0, 4});
  EXPECT_NO_THROW(fft::fftc(empty));
}

}  // namespace
}  // namespace tweed
