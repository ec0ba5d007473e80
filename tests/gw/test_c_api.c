/* The gw plug-in API exercised from C (compiled as C11): a burst in white noise is denoised and
 * comes out finite and closer to the clean signal; bad arguments give a status and a message. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tweed/gw/tweed_gw.h"

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* Deterministic standard normals: xorshift64* and Box-Muller. */
static uint64_t state = 0x9E3779B97F4A7C15ull;
static double uniform01(void) {
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return ((double)((state * 2685821657736338717ull) >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) {
  const double pi = 3.14159265358979323846;
  return sqrt(-2.0 * log(uniform01())) * cos(2.0 * pi * uniform01());
}

static double distance2(const double* a, const double* b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}

int main(void) {
  const size_t n = 8192;
  const double fs = 4096.0, pi = 3.14159265358979323846;
  double* clean = malloc(n * sizeof *clean);
  double* noisy = malloc(n * sizeof *noisy);
  double* out = malloc(n * sizeof *out);
  for (size_t i = 0; i < n; ++i) {
    const double t = (double)i / fs - 1.0;
    clean[i] = 3.0 * sin(2 * pi * 50 * t) * exp(-t * t / (0.03 * 0.03));
    noisy[i] = clean[i] + normal();
  }

  tweed_gw_params p;
  tweed_gw_default_params(&p);
  CHECK(p.struct_size == sizeof p);
  CHECK(p.method == TWEED_GW_RROF);
  CHECK(tweed_gw_denoise(noisy, out, n, fs, &p) == TWEED_GW_OK);
  CHECK(strcmp(tweed_gw_last_error(), "") == 0);
  int finite = 1;
  for (size_t i = 0; i < n; ++i) finite = finite && isfinite(out[i]);
  CHECK(finite);
  const double before = distance2(noisy, clean, n), after = distance2(out, clean, n);
  printf("rROF (auto lambda): squared error %.1f -> %.1f\n", before, after);
  CHECK(after < 0.5 * before);

  /* Every method, NULL params (defaults), and in place. */
  for (int m = TWEED_GW_RROF; m <= TWEED_GW_BREGMAN_RROF; ++m) {
    p.method = m;
    p.iterations = 3;
    p.lambda = 2.0;
    CHECK(tweed_gw_denoise(noisy, out, n, fs, &p) == TWEED_GW_OK);
    CHECK(distance2(out, clean, n) < before);
  }
  double* inplace = malloc(n * sizeof *inplace);
  memcpy(inplace, noisy, n * sizeof *inplace);
  CHECK(tweed_gw_denoise(inplace, inplace, n, fs, NULL) == TWEED_GW_OK);
  tweed_gw_default_params(&p);
  CHECK(tweed_gw_denoise(noisy, out, n, fs, &p) == TWEED_GW_OK);
  CHECK(memcmp(inplace, out, n * sizeof *out) == 0);

  /* Band-pass and whitening paths run and stay finite. */
  p.whiten = 1;
  p.band_low = 20;
  p.band_high = 500;
  CHECK(tweed_gw_denoise(noisy, out, n, fs, &p) == TWEED_GW_OK);
  finite = 1;
  for (size_t i = 0; i < n; ++i) finite = finite && isfinite(out[i]);
  CHECK(finite);

  /* Errors: status and message, output untouched. */
  tweed_gw_default_params(&p);
  out[0] = 12345.0;
  CHECK(tweed_gw_denoise(NULL, out, n, fs, &p) == TWEED_GW_INVALID_ARGUMENT);
  CHECK(strstr(tweed_gw_last_error(), "null") != NULL);
  CHECK(tweed_gw_denoise(noisy, out, 1, fs, &p) == TWEED_GW_INVALID_ARGUMENT);
  CHECK(tweed_gw_denoise(noisy, out, n, -1.0, &p) == TWEED_GW_INVALID_ARGUMENT);
  CHECK(strstr(tweed_gw_last_error(), "sample_rate") != NULL);
  p.beta = -1;
  CHECK(tweed_gw_denoise(noisy, out, n, fs, &p) == TWEED_GW_INVALID_ARGUMENT);
  CHECK(strstr(tweed_gw_last_error(), "beta") != NULL);
  tweed_gw_default_params(&p);
  p.method = 7;
  CHECK(tweed_gw_denoise(noisy, out, n, fs, &p) == TWEED_GW_INVALID_ARGUMENT);
  tweed_gw_default_params(&p);
  p.struct_size = 8;
  CHECK(tweed_gw_denoise(noisy, out, n, fs, &p) == TWEED_GW_INVALID_ARGUMENT);
  CHECK(strstr(tweed_gw_last_error(), "struct_size") != NULL);
  noisy[100] = NAN;
  tweed_gw_default_params(&p);
  CHECK(tweed_gw_denoise(noisy, out, n, fs, &p) == TWEED_GW_INVALID_ARGUMENT);
  CHECK(strstr(tweed_gw_last_error(), "not finite") != NULL);
  CHECK(out[0] == 12345.0);

  free(clean);
  free(noisy);
  free(out);
  free(inplace);
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
