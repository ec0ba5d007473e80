// The SENSE operator: adjointness (dot test), its fused normal operator against adjoint∘forward,
// the forward model against per-coil centred FFTs, isometry with normalised maps, determinism
// over thread counts and concurrent calls, and shape errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <thread>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"
#include "tweed/core/rng.hpp"
#include "tweed/linop/testing.hpp"
#include "tweed/mri/sense.hpp"

namespace tweed::mri {
namespace {

Array<cfloat> random_maps(index_t m, index_t c, index_t nz, index_t ny, index_t nx,
                          std::uint64_t seed) {
  Array<cfloat> maps(Shape{m, c, nz, ny, nx});
  fill_normal(maps, CounterRng(seed, 7));
  return maps;
}

// Smooth maps with sum_{m,c} |S|^2 = 1 at every pixel (Gaussian coil profiles with a phase ramp).
Array<cfloat> normalised_maps(index_t c, index_t nz, index_t ny, index_t nx) {
  Array<cfloat> maps(Shape{1, c, nz, ny, nx});
  const index_t n = nz * ny * nx;
  for (index_t p = 0; p < n; ++p) {
    const double x = double(p % nx) / double(nx) - 0.5,
                 y = double((p / nx) % ny) / double(ny) - 0.5;
    double sum = 0;
    for (index_t k = 0; k < c; ++k) {
      const double a = 2 * M_PI * double(k) / double(c);
      const double dx = x - 0.6 * std::cos(a), dy = y - 0.6 * std::sin(a);
      const double g = std::exp(-(dx * dx + dy * dy) / 0.3);
      maps[k * n + p] = std::polar(float(g), float(3 * x * std::cos(a) + 2 * y));
      sum += g * g;
    }
    for (index_t k = 0; k < c; ++k) maps[k * n + p] /= float(std::sqrt(sum));
  }
  return maps;
}

Array<float> random_mask(const Shape& shape, std::uint64_t seed, double p = 0.4) {
  Array<float> m(shape);
  fill_bernoulli(m, CounterRng(seed, 3), p);
  return m;
}

Array<cfloat> random_image(const Shape& shape, std::uint64_t seed) {
  Array<cfloat> x(shape);
  fill_normal(x, CounterRng(seed, 11));
  return x;
}

bool bitwise_equal(const Array<cfloat>& a, const Array<cfloat>& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

enum class MaskCase { none, full3d, plane, lines, readout_only, weights };

struct DotCase {
  index_t nz, ny, nx, m, c;
  MaskCase mask;
};

Array<float> mask_for(const DotCase& k, std::uint64_t seed) {
  switch (k.mask) {
    case MaskCase::none:
      return {};
    case MaskCase::full3d:
      return random_mask(Shape{k.nz, k.ny, k.nx}, seed);
    case MaskCase::plane:
      return random_mask(Shape{k.ny, k.nx}, seed);
    case MaskCase::readout_only:
      return random_mask(Shape{k.nx}, seed);
    case MaskCase::lines: {
      // Every third phase-encoding line: P varies along Y only.
      Array<float> m(Shape{k.nz, k.ny, k.nx});
      for (index_t i = 0; i < m.size(); ++i) m[i] = ((i / k.nx) % k.ny) % 3 == 0 ? 1.f : 0.f;
      return m;
    }
    case MaskCase::weights: {
      Array<float> m(Shape{k.nz, k.ny, k.nx});
      fill_uniform(m, CounterRng(seed, 5), 0.0, 2.0);
      return m;
    }
  }
  return {};
}

class SenseDot : public ::testing::TestWithParam<DotCase> {};

TEST_P(SenseDot, AdjointAndNormalAreConsistent) {
  const DotCase k = GetParam();
  const auto a = sense(random_maps(k.m, k.c, k.nz, k.ny, k.nx, 1), mask_for(k, 2));
  EXPECT_EQ(a->domain(), (Shape{k.m, k.nz, k.ny, k.nx}));
  EXPECT_EQ(a->range(), (Shape{k.c, k.nz, k.ny, k.nx}));
  EXPECT_LT(linop::dot_test(*a, 5), linop::dot_test_tolerance<cfloat>());
  EXPECT_LT(linop::normal_test(*a, 6), linop::dot_test_tolerance<cfloat>());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SenseDot,
    ::testing::Values(
        DotCase{1, 16, 12, 1, 4, MaskCase::none}, DotCase{1, 16, 12, 1, 4, MaskCase::full3d},
        DotCase{1, 16, 12, 2, 3, MaskCase::plane}, DotCase{1, 16, 12, 2, 3, MaskCase::lines},
        DotCase{1, 15, 9, 1, 2, MaskCase::full3d},  // odd extents
        DotCase{1, 15, 9, 2, 5, MaskCase::readout_only},
        DotCase{1, 16, 12, 1, 3, MaskCase::weights}, DotCase{6, 8, 10, 1, 3, MaskCase::none},
        DotCase{6, 8, 10, 1, 3, MaskCase::full3d}, DotCase{5, 8, 7, 2, 2, MaskCase::plane},
        DotCase{6, 8, 10, 2, 4, MaskCase::lines}));

// A x against the model computed coil by coil with the core FFT: (A x)_c = P fftc(sum_m S x_m).
TEST(Sense, ForwardMatchesPerCoilCentredFft) {
  for (index_t nz : {index_t{1}, index_t{4}}) {
    const index_t m = 2, c = 3, ny = 10, nx = 8, n = nz * ny * nx;
    const Array<cfloat> maps = random_maps(m, c, nz, ny, nx, 21);
    const Array<float> mask = random_mask(Shape{nz, ny, nx}, 22);
    const auto a = sense(maps, mask);
    const Array<cfloat> x = random_image(a->domain(), 23);
    const Array<cfloat> y = (*a)(x);
    const std::vector<int> axes = nz > 1 ? std::vector<int>{0, 1, 2} : std::vector<int>{1, 2};
    double err = 0, ref = 0;
    for (index_t ci = 0; ci < c; ++ci) {
      Array<cfloat> coil(Shape{nz, ny, nx});
      for (index_t p = 0; p < n; ++p)
        for (index_t mi = 0; mi < m; ++mi) coil[p] += maps[(mi * c + ci) * n + p] * x[mi * n + p];
      fft::fftc(coil, axes);
      for (index_t p = 0; p < n; ++p) {
        const cfloat want = coil[p] * mask[p];
        err += std::norm(y[ci * n + p] - want);
        ref += std::norm(want);
      }
    }
    EXPECT_LT(std::sqrt(err / ref), 1e-5) << "nz = " << nz;
  }
}

TEST(Sense, NormalisedMapsAndFullSamplingGiveAnIsometry) {
  const auto a = sense(normalised_maps(6, 1, 24, 20), {});
  const Array<cfloat> x = random_image(a->domain(), 31);
  const Array<cfloat> y = (*a)(x);
  EXPECT_NEAR(norm2(y) / norm2(x), 1.0, 1e-5);
  const Array<cfloat> z = a->normal(x);
  Array<cfloat> diff(z);
  axpy(cfloat(-1), x, diff);
  EXPECT_LT(norm2(diff) / norm2(x), 1e-5);  // A^H A = I

  // Undersampled: A^H A is a contraction, and P F S x keeps part of the energy only.
  const auto au = sense(normalised_maps(6, 1, 24, 20), random_mask(Shape{1, 24, 20}, 32));
  const Array<cfloat> zu = au->normal(x);
  EXPECT_LE(norm2(zu), norm2(x) * (1 + 1e-6));
  EXPECT_LT(norm2((*au)(x)), norm2(x));
  EXPECT_GT(norm2((*au)(x)), 0.2 * norm2(x));
}

TEST(Sense, MaskIsBroadcastOverLeadingAxes) {
  const index_t nz = 3, ny = 6, nx = 5;
  const Array<float> plane = random_mask(Shape{ny, nx}, 41);
  const auto a = sense(random_maps(1, 2, nz, ny, nx, 42), plane);
  const Array<float>& full = a->mask();
  ASSERT_EQ(full.shape(), (Shape{nz, ny, nx}));
  for (index_t z = 0; z < nz; ++z)
    for (index_t i = 0; i < ny * nx; ++i) EXPECT_EQ(full[z * ny * nx + i], plane[i]);
  EXPECT_EQ(a->coils(), 2);
  EXPECT_EQ(a->map_sets(), 1);
  EXPECT_EQ(a->grid(), (Grid{nz, ny, nx}));
  // No mask: all ones.
  const auto b = sense(random_maps(1, 2, nz, ny, nx, 42), {});
  for (float v : b->mask().span()) EXPECT_EQ(v, 1.0f);
}

// Bit-identical results for 1 and 2 threads, for the coil-parallel path (C >= threads) and the
// FFT-parallel one (a single coil).
TEST(Sense, ResultsDoNotDependOnTheThreadCount) {
  const int saved = num_threads();
  for (index_t c : {index_t{1}, index_t{5}}) {
    for (index_t nz : {index_t{1}, index_t{4}}) {
      const auto a = sense(random_maps(2, c, nz, 32, 24, 51), random_mask(Shape{nz, 32, 24}, 52));
      const Array<cfloat> x = random_image(a->domain(), 53);
      const Array<cfloat> y0 = random_image(a->range(), 54);
      set_num_threads(1);
      const Array<cfloat> f1 = (*a)(x), h1 = a->adjoint(y0), n1 = a->normal(x);
      set_num_threads(2);
      const Array<cfloat> f2 = (*a)(x), h2 = a->adjoint(y0), n2 = a->normal(x);
      EXPECT_TRUE(bitwise_equal(f1, f2)) << "forward, coils " << c << ", nz " << nz;
      EXPECT_TRUE(bitwise_equal(h1, h2)) << "adjoint, coils " << c << ", nz " << nz;
      EXPECT_TRUE(bitwise_equal(n1, n2)) << "normal, coils " << c << ", nz " << nz;
    }
  }
  set_num_threads(saved);
}

// Several threads applying one operator at once share its buffer pool safely.
TEST(Sense, ConcurrentCallsAgreeWithSerialOnes) {
  const auto a = sense(random_maps(1, 4, 1, 32, 32, 61), random_mask(Shape{1, 32, 32}, 62));
  const Array<cfloat> x = random_image(a->domain(), 63);
  const Array<cfloat> want = a->normal(x);
  const Array<cfloat> want_adj = a->adjoint((*a)(x));
  std::vector<Array<cfloat>> got(4), got_adj(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 3; ++rep) {
        got[t] = a->normal(x);
        got_adj[t] = a->adjoint((*a)(x));
      }
    });
  for (auto& t : threads) t.join();
  for (std::size_t t = 0; t < 4; ++t) {
    EXPECT_TRUE(bitwise_equal(got[t], want));
    EXPECT_TRUE(bitwise_equal(got_adj[t], want_adj));
  }
}

TEST(Sense, ShapeErrorsNameTheOperator) {
  const Array<cfloat> maps = random_maps(1, 2, 1, 8, 6, 71);
  // A mask whose grid differs from the maps'.
  try {
    sense(maps, Array<float>(Shape{1, 8, 7}, 1.0f));
    FAIL() << "no exception";
  } catch (const ShapeMismatch& e) {
    EXPECT_EQ(e.subject(), "sense");
    EXPECT_NE(std::string(e.what()).find("[1, 8, 7]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sense(maps, Array<float>(Shape{7})), ShapeMismatch);
  EXPECT_THROW(sense(maps, Array<float>(Shape{2, 1, 8, 6})), ShapeMismatch);
  // Maps of the wrong rank.
  EXPECT_THROW(sense(Array<cfloat>(Shape{2, 1, 8, 6}), {}), ShapeMismatch);
  // Bad mask values and maps.
  Array<float> negative(Shape{1, 8, 6}, 1.0f);
  negative[3] = -1;
  EXPECT_THROW(sense(maps, negative), InvalidInput);
  Array<cfloat> nan_maps(maps);
  nan_maps[5] = cfloat(std::nanf(""), 0);
  EXPECT_THROW(sense(nan_maps, {}), InvalidInput);
  // Applying to arrays of the wrong shape.
  const auto a = sense(maps, {});
  Array<cfloat> y;
  EXPECT_THROW(a->apply(Array<cfloat>(Shape{1, 1, 8, 7}), y), ShapeMismatch);
  Array<cfloat> x;
  EXPECT_THROW(a->apply_adjoint(Array<cfloat>(Shape{3, 1, 8, 6}), x), ShapeMismatch);
}

}  // namespace
}  // namespace tweed::mri
