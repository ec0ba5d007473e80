// Image-quality metrics. Every reduction runs over fixed chunks (parallel_reduce) or fixed rows,
// combined in order, so a metric does not depend on the thread count.
#include "tweed/core/metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "tweed/core/ops.hpp"
#include "tweed/core/parallel.hpp"

namespace tweed::metrics {
namespace {

using Sums = std::pair<double, double>;

// {sum |x - ref|^2, sum |ref|^2}
template <Element T>
Sums error_and_energy(const Array<T>& ref, const Array<T>& x, const char* what) {
  require_same_shape(ref.shape(), x.shape(), what);
  const T* r = ref.data();
  const T* e = x.data();
  return parallel_reduce<Sums>(
      ref.size(), Sums{0.0, 0.0},
      [&](index_t lo, index_t hi) {
        Sums s{0.0, 0.0};
        for (index_t i = lo; i < hi; ++i) {
          s.first += detail::abs2(accum_t<T>(e[i]) - accum_t<T>(r[i]));
          s.second += detail::abs2(accum_t<T>(r[i]));
        }
        return s;
      },
      [](Sums a, Sums b) {
        return Sums{a.first + b.first, a.second + b.second};
      });
}

// max(ref) - min(ref), the default data range.
template <class R>
double value_range(const Array<R>& ref) {
  if (ref.size() == 0) return 0.0;
  const R* p = ref.data();
  const auto mm = parallel_reduce<Sums>(
      ref.size(),
      Sums{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()},
      [&](index_t lo, index_t hi) {
        Sums s{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
        for (index_t i = lo; i < hi; ++i) {
          s.first = std::min(s.first, double(p[i]));
          s.second = std::max(s.second, double(p[i]));
        }
        return s;
      },
      [](Sums a, Sums b) {
        return Sums{std::min(a.first, b.first), std::max(a.second, b.second)};
      });
  return mm.second - mm.first;
}

template <class R>
double resolve_range(const Array<R>& ref, double data_range, const char* what) {
  if (data_range > 0) return data_range;
  const double r = value_range(ref);
  if (!(r > 0))
    throw InvalidInput(what,
                       "the reference is constant, so max - min gives no data range; pass "
                       "data_range");
  return r;
}

// The SSIM window: scipy.ndimage's Gaussian with sigma 1.5 truncated at 3.5 sigma, i.e. radius
// int(3.5 * 1.5 + 0.5) = 5 and 11 taps, normalised to sum 1 (what scikit-image's
// structural_similarity uses with gaussian_weights=True).
constexpr int kSsimRadius = 5;
constexpr int kSsimTaps = 2 * kSsimRadius + 1;

std::array<double, kSsimTaps> ssim_window() {
  std::array<double, kSsimTaps> w{};
  const double sigma = 1.5;
  double sum = 0;
  for (int k = -kSsimRadius; k <= kSsimRadius; ++k) {
    w[static_cast<std::size_t>(k + kSsimRadius)] = std::exp(-0.5 * k * k / (sigma * sigma));
    sum += w[static_cast<std::size_t>(k + kSsimRadius)];
  }
  for (double& v : w) v /= sum;
  return w;
}

// Mean SSIM of one h x w image. scikit-image filters the whole image with mode 'reflect' and then
// averages the map cropped by pad = (11 - 1) / 2 = 5 on each side; the window of every pixel kept
// by that crop lies inside the image, so the boundary mode never reaches the mean and the filter
// is evaluated on the interior only.
template <class R>
double ssim_image(const R* ref, const R* x, index_t h, index_t w, double c1, double c2) {
  const auto win = ssim_window();
  const index_t rows = h - 2 * kSsimRadius;
  const index_t cols = w - 2 * kSsimRadius;
  std::vector<double> row_sums(static_cast<std::size_t>(rows), 0.0);
  const int nt = num_threads();
#pragma omp parallel num_threads(nt) if (nt > 1 && rows * w > 16384)
  {
    // Vertical pass of one output row: the five filtered quantities at every column.
    std::vector<double> v(static_cast<std::size_t>(5 * w));
#pragma omp for schedule(static)
    for (index_t r = 0; r < rows; ++r) {
      double* vx = v.data();
      double* vy = vx + w;
      double* vxx = vy + w;
      double* vyy = vxx + w;
      double* vxy = vyy + w;
      std::fill(v.begin(), v.end(), 0.0);
      for (int k = 0; k < kSsimTaps; ++k) {
        const double wk = win[static_cast<std::size_t>(k)];
        const R* pr = ref + (r + k) * w;
        const R* px = x + (r + k) * w;
        for (index_t c = 0; c < w; ++c) {
          const double a = pr[c], b = px[c];
          vx[c] += wk * a;
          vy[c] += wk * b;
          vxx[c] += wk * a * a;
          vyy[c] += wk * b * b;
          vxy[c] += wk * a * b;
        }
      }
      double sum = 0;
      for (index_t c = 0; c < cols; ++c) {
        double ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
        for (int k = 0; k < kSsimTaps; ++k) {
          const double wk = win[static_cast<std::size_t>(k)];
          ux += wk * vx[c + k];
          uy += wk * vy[c + k];
          uxx += wk * vxx[c + k];
          uyy += wk * vyy[c + k];
          uxy += wk * vxy[c + k];
        }
        // Population (co)variances, as Wang et al. 2004 and use_sample_covariance=False.
        const double sx = uxx - ux * ux;
        const double sy = uyy - uy * uy;
        const double sxy = uxy - ux * uy;
        sum += ((2 * ux * uy + c1) * (2 * sxy + c2)) / ((ux * ux + uy * uy + c1) * (sx + sy + c2));
      }
      row_sums[static_cast<std::size_t>(r)] = sum;
    }
  }
  double total = 0;
  for (double s : row_sums) total += s;
  return total / (static_cast<double>(rows) * static_cast<double>(cols));
}

}  // namespace

template <Element T>
double nrmse(const Array<T>& ref, const Array<T>& x) {
  const auto [err, energy] = error_and_energy(ref, x, "nrmse");
  if (energy == 0.0) return err == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(err / energy);
}

template <Element T>
double snr_db(const Array<T>& ref, const Array<T>& x) {
  const auto [err, energy] = error_and_energy(ref, x, "snr_db");
  if (err == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(energy / err);
}

template <class R>
double psnr(const Array<R>& ref, const Array<R>& x, double data_range) {
  const auto [err, energy] = error_and_energy(ref, x, "psnr");
  (void)energy;
  if (ref.size() == 0) throw InvalidInput("psnr", "empty arrays");
  const double range = resolve_range(ref, data_range, "psnr");
  const double mse = err / static_cast<double>(ref.size());
  if (mse == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(range * range / mse);
}

template <class R>
double ssim(const Array<R>& ref, const Array<R>& x, double data_range) {
  require_same_shape(ref.shape(), x.shape(), "ssim");
  const int rank = ref.rank();
  if (rank < 2) throw InvalidInput("ssim", "needs images of rank >= 2");
  const index_t h = ref.dim(rank - 2), w = ref.dim(rank - 1);
  if (h < kSsimTaps || w < kSsimTaps)
    throw InvalidInput("ssim", "images of " + std::to_string(h) + "x" + std::to_string(w) +
                                   " are smaller than the 11x11 window");
  const double range = resolve_range(ref, data_range, "ssim");
  const double c1 = (0.01 * range) * (0.01 * range);
  const double c2 = (0.03 * range) * (0.03 * range);
  const index_t images = ref.size() / (h * w);
  double total = 0;
  for (index_t i = 0; i < images; ++i)
    total += ssim_image(ref.data() + i * h * w, x.data() + i * h * w, h, w, c1, c2);
  return total / static_cast<double>(images);
}

template <class R>
double sam(const Array<R>& ref, const Array<R>& x) {
  require_same_shape(ref.shape(), x.shape(), "sam");
  if (ref.rank() < 1 || ref.size() == 0) throw InvalidInput("sam", "needs non-empty spectra");
  const index_t bands = ref.dim(ref.rank() - 1);
  const index_t pixels = ref.size() / bands;
  const R* pr = ref.data();
  const R* px = x.data();
  // {sum of angles, number of pixels counted}
  const Sums acc = parallel_reduce<Sums>(
      pixels, Sums{0.0, 0.0},
      [&](index_t lo, index_t hi) {
        Sums s{0.0, 0.0};
        for (index_t p = lo; p < hi; ++p) {
          double rx = 0, rr = 0, xx = 0;
          for (index_t b = 0; b < bands; ++b) {
            const double a = pr[p * bands + b], c = px[p * bands + b];
            rx += a * c;
            rr += a * a;
            xx += c * c;
          }
          if (rr == 0.0 || xx == 0.0) continue;
          // Rounding can push the cosine just past +-1 for (anti)parallel spectra.
          const double cosine = std::clamp(rx / (std::sqrt(rr) * std::sqrt(xx)), -1.0, 1.0);
          s.first += std::acos(cosine);
          s.second += 1.0;
        }
        return s;
      },
      [](Sums a, Sums b) {
        return Sums{a.first + b.first, a.second + b.second};
      });
  if (acc.second == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return acc.first / acc.second;
}

#define TWEED_INSTANTIATE_ANY(T)                              \
  template double nrmse<T>(const Array<T>&, const Array<T>&); \
  template double snr_db<T>(const Array<T>&, const Array<T>&);
TWEED_INSTANTIATE_ANY(float)
TWEED_INSTANTIATE_ANY(double)
TWEED_INSTANTIATE_ANY(cfloat)
TWEED_INSTANTIATE_ANY(cdouble)
#undef TWEED_INSTANTIATE_ANY

#define TWEED_INSTANTIATE_REAL(R)                                    \
  template double psnr<R>(const Array<R>&, const Array<R>&, double); \
  template double ssim<R>(const Array<R>&, const Array<R>&, double); \
  template double sam<R>(const Array<R>&, const Array<R>&);
TWEED_INSTANTIATE_REAL(float)
TWEED_INSTANTIATE_REAL(double)
#undef TWEED_INSTANTIATE_REAL

}  // namespace tweed::metrics
