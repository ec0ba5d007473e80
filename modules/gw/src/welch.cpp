// Welch PSD estimate (mean or median of modified periodograms), through the shared rfft.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/gw/psd.hpp"

namespace tweed::gw {
namespace {

// Bias of the sample median of m chi^2_2 variables relative to their mean (scipy's
// _median_bias): 1 + sum_{i=1}^{(m-1)/2} (1/(2i+1) - 1/(2i)); tends to ln 2.
double median_bias(std::size_t m) {
  double b = 1.0;
  for (std::size_t i = 1; i <= (m - 1) / 2; ++i)
    b += 1.0 / static_cast<double>(2 * i + 1) - 1.0 / static_cast<double>(2 * i);
  return b;
}

double median(std::vector<double>& v) {
  const std::size_t m = v.size();
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m / 2), v.end());
  const double hi = v[m / 2];
  if (m % 2) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m / 2));
  return 0.5 * (lo + hi);
}

}  // namespace

Psd welch_psd(const Array<double>& x, double sample_rate, const WelchOptions& options) {
  if (x.rank() != 1) throw InvalidInput("welch_psd", "the series must be 1-D");
  if (!(sample_rate > 0)) throw InvalidInput("welch_psd", "sample rate must be positive");
  if (!(options.overlap >= 0 && options.overlap < 1))
    throw InvalidInput("welch overlap", "must be in [0, 1)");
  index_t len = options.segment_length > 0 ? options.segment_length
                                           : static_cast<index_t>(std::lround(4 * sample_rate));
  len = std::min(len, x.size());
  if (len < 8) throw InvalidInput("welch_psd", "segment shorter than 8 samples");
  const index_t step = std::max<index_t>(
      1, len - static_cast<index_t>(std::floor(options.overlap * static_cast<double>(len))));
  const index_t segments = (x.size() - len) / step + 1;

  std::vector<double> w(static_cast<std::size_t>(len));
  double w2 = 0;
  for (index_t i = 0; i < len; ++i) {
    w[static_cast<std::size_t>(i)] =
        0.5 -
        0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(len));
    w2 += w[static_cast<std::size_t>(i)] * w[static_cast<std::size_t>(i)];
  }
  const index_t bins = len / 2 + 1;
  // Periodograms of all segments, one row each (a batch of rffts).
  Array<double> seg(Shape{segments, len});
  for (index_t s = 0; s < segments; ++s) {
    const double* src = x.data() + s * step;
    double mean = 0;
    if (options.detrend_mean) {
      for (index_t i = 0; i < len; ++i) mean += src[i];
      mean /= static_cast<double>(len);
    }
    for (index_t i = 0; i < len; ++i) seg(s, i) = (src[i] - mean) * w[static_cast<std::size_t>(i)];
  }
  const Array<cdouble> X = fft::rfft(seg, 1, fft::Norm::backward);
  Psd p{len, sample_rate, Array<double>(Shape{bins})};
  std::vector<double> column(static_cast<std::size_t>(segments));
  const double bias = options.average == WelchAverage::kMedian ? median_bias(column.size()) : 1.0;
  for (index_t k = 0; k < bins; ++k) {
    const double c = (k == 0 || (len % 2 == 0 && k == bins - 1)) ? 1.0 : 2.0;
    const double scale = c / (sample_rate * w2);
    for (index_t s = 0; s < segments; ++s)
      column[static_cast<std::size_t>(s)] = std::norm(X(s, k)) * scale;
    if (options.average == WelchAverage::kMean) {
      double sum = 0;
      for (double v : column) sum += v;
      p.values[k] = sum / static_cast<double>(segments);
    } else {
      p.values[k] = median(column) / bias;
    }
  }
  return p;
}

}  // namespace tweed::gw
