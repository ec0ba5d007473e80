// The C plug-in API (tweed_gw.h) over the C++ library: conversions, validation, and exceptions
// turned into status codes.
#include "tweed/gw/tweed_gw.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "tweed/core/error.hpp"
#include "tweed/gw/conditioning.hpp"
#include "tweed/gw/denoise.hpp"
#include "tweed/gw/psd.hpp"

namespace {

thread_local std::string g_last_error;

int fail(int status, std::string message) {
  g_last_error = std::move(message);
  return status;
}

}  // namespace

extern "C" void tweed_gw_default_params(tweed_gw_params* params) {
  if (!params) return;
  std::memset(params, 0, sizeof *params);
  params->struct_size = sizeof *params;
  params->method = TWEED_GW_RROF;
  params->lambda = 0;
  params->beta = tweed::gw::kDefaultBeta;
  params->iterations = 1;
}

extern "C" int tweed_gw_denoise(const double* input, double* output, size_t length,
                                double sample_rate, const tweed_gw_params* params) {
  using namespace tweed;
  using namespace tweed::gw;
  g_last_error.clear();
  tweed_gw_params p;
  tweed_gw_default_params(&p);
  if (params) {
    if (params->struct_size != sizeof(tweed_gw_params))
      return fail(TWEED_GW_INVALID_ARGUMENT,
                  "tweed_gw_params: struct_size is " + std::to_string(params->struct_size) +
                      ", this library expects " + std::to_string(sizeof(tweed_gw_params)) +
                      " (call tweed_gw_default_params first)");
    p = *params;
  }
  if (!input || !output) return fail(TWEED_GW_INVALID_ARGUMENT, "input/output: null pointer");
  if (length < 2) return fail(TWEED_GW_INVALID_ARGUMENT, "length: needs at least 2 samples");
  if (!(sample_rate > 0) || !std::isfinite(sample_rate))
    return fail(TWEED_GW_INVALID_ARGUMENT, "sample_rate: must be positive");
  if (p.method < TWEED_GW_RROF || p.method > TWEED_GW_BREGMAN_RROF)
    return fail(TWEED_GW_INVALID_ARGUMENT, "method: unknown value " + std::to_string(p.method));
  try {
    const auto n = static_cast<index_t>(length);
    Array<double> x = Array<double>::from(Shape{n}, std::span<const double>(input, length));
    if (p.whiten) {
      WelchOptions w;
      w.average = WelchAverage::kMedian;
      w.segment_length = std::min<index_t>(static_cast<index_t>(std::lround(4 * sample_rate)),
                                           std::max<index_t>(8, n / 4));
      x = whiten(x, welch_psd(x, sample_rate, w));
    }
    const double nyquist = sample_rate / 2;
    const double lo = p.band_low > 0 ? p.band_low : 0.0;
    const double hi = (p.band_high > 0 && p.band_high < nyquist) ? p.band_high : nyquist;
    if (lo > 0 || hi < nyquist) x = bandpass(x, sample_rate, lo, hi, 4);

    DenoiseOptions o;
    o.method = p.method == TWEED_GW_TV               ? DenoiseMethod::kTv
               : p.method == TWEED_GW_ITERATIVE_RROF ? DenoiseMethod::kIterativeRrof
               : p.method == TWEED_GW_BREGMAN_RROF   ? DenoiseMethod::kBregmanRrof
                                                     : DenoiseMethod::kRrof;
    o.lambda = p.lambda;
    o.beta = p.beta;
    o.iterations = p.iterations;
    o.stop = p.discrepancy_stop ? IterationStop::kDiscrepancy : IterationStop::kFixed;
    o.noise_sigma = p.noise_sigma;
    o.sample_rate = sample_rate;
    const Array<double> u = denoise(x, o);
    std::copy(u.begin(), u.end(), output);
    return TWEED_GW_OK;
  } catch (const InvalidInput& e) {
    return fail(TWEED_GW_INVALID_ARGUMENT, e.what());
  } catch (const ShapeMismatch& e) {
    return fail(TWEED_GW_INVALID_ARGUMENT, e.what());
  } catch (const std::bad_alloc&) {
    return fail(TWEED_GW_FAILED, "out of memory");
  } catch (const std::exception& e) {
    return fail(TWEED_GW_FAILED, e.what());
  } catch (...) {
    return fail(TWEED_GW_FAILED, "unknown error");
  }
}

extern "C" const char* tweed_gw_last_error(void) {
  return g_last_error.c_str();
}
