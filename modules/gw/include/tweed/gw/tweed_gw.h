/* Tweed gw plug-in API: total-variation denoising of a strain buffer from C, from ROOT macros
 * (coherent WaveBurst plug-ins), and from Python through ctypes.
 *
 * Plain C types only; every function is thread-safe (the error text is kept per thread).
 *
 * Example (C):
 *     tweed_gw_params p;
 *     tweed_gw_default_params(&p);          // rROF, automatic lambda, beta 1e-4
 *     p.band_low = 20; p.band_high = 1000;  // optional zero-phase band-pass first
 *     if (tweed_gw_denoise(x, y, n, 4096.0, &p) != TWEED_GW_OK)
 *         fprintf(stderr, "%s\n", tweed_gw_last_error());
 *
 * Example (Python, ctypes): lib = ctypes.CDLL("libtweed_gw_c.so"); define a Structure with the
 * fields below in order, call lib.tweed_gw_default_params(ctypes.byref(p)), then
 * lib.tweed_gw_denoise(x.ctypes.data_as(POINTER(c_double)), y.ctypes..., n, c_double(fs),
 * byref(p)).
 *
 * What is denoised: the buffer as given, normally whitened strain (cWB's ODATA_CONDITIONING
 * stage hands whitened data). With `whiten` set, the buffer is first whitened by a median Welch
 * PSD of the buffer itself (segments of min(4 s, length / 4), half overlapping), and the output
 * stays whitened. Then the optional band-pass, then the denoiser (see tweed/gw/denoise.hpp for
 * the model: u = argmin 1/2 ||u - f||^2 + lambda sum sqrt((u_{i+1} - u_i)^2 + beta)).
 */
#ifndef TWEED_GW_H
#define TWEED_GW_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tweed_gw_method {
  TWEED_GW_RROF = 0,           /* one rROF step (default) */
  TWEED_GW_TV = 1,             /* exact total variation (beta = 0) */
  TWEED_GW_ITERATIVE_RROF = 2, /* output fed back in, `iterations` times */
  TWEED_GW_BREGMAN_RROF = 3    /* Bregman iteration: the residual added back */
};

enum tweed_gw_status {
  TWEED_GW_OK = 0,
  TWEED_GW_INVALID_ARGUMENT = 1, /* a null pointer, a bad length, rate or parameter */
  TWEED_GW_FAILED = 2            /* anything else (out of memory, internal error) */
};

typedef struct tweed_gw_params {
  size_t struct_size;   /* sizeof(tweed_gw_params); set by tweed_gw_default_params */
  int method;           /* enum tweed_gw_method */
  double lambda;        /* TV weight (scikit-image's `weight`; 1 / lambda_ROF of the papers);
                           <= 0: automatic, 8 x the robust noise level (4096 Hz scale) */
  double beta;          /* rROF smoothing, >= 0 (ignored by TWEED_GW_TV) */
  int iterations;       /* passes of the iterative methods (the maximum with discrepancy_stop) */
  int discrepancy_stop; /* nonzero: stop the iterative methods by the discrepancy principle */
  double noise_sigma;   /* noise standard deviation per sample; <= 0: estimated (1.4826 MAD) */
  int whiten;           /* nonzero: whiten by the buffer's own median Welch PSD first */
  double band_low;      /* Hz; > 0: high-pass at band_low (zero-phase Butterworth, order 4) */
  double band_high;     /* Hz; > 0 and below Nyquist: low-pass at band_high */
} tweed_gw_params;

/* Fills *params with the defaults: TWEED_GW_RROF, automatic lambda, beta 1e-4, 1 pass, no
 * discrepancy stop, estimated noise, no whitening, no band-pass. */
void tweed_gw_default_params(tweed_gw_params* params);

/* Denoises input[0..length) sampled at sample_rate (Hz) into output[0..length); output may be
 * the same buffer as input. params may be NULL (the defaults). Returns a tweed_gw_status; on
 * failure output is left unchanged and tweed_gw_last_error() says why. */
int tweed_gw_denoise(const double* input, double* output, size_t length, double sample_rate,
                     const tweed_gw_params* params);

/* The message of the last failed call on this thread ("" when none). Valid until the next call
 * on this thread. */
const char* tweed_gw_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* TWEED_GW_H */
