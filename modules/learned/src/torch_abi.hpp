// The C interface between tweed_learned (static, no libtorch) and the plugin
// libtweed_learned_torch.so (all torch code). Only plain C types cross it: pointers to float32
// buffers, shapes as int64, an options struct of plain fields, a C callback and an error buffer.
// No C++ exception ever crosses it: the plugin catches everything at its entry points and reports
// a status code plus a one-line message, which the library turns into a typed tweed error.
//
// Versioning: the plugin exports tweed_learned_torch_abi(); the library refuses a plugin whose
// value differs from kTweedLearnedAbi (a stale .so beside a newer program).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

/// Bump on any change of the structs or signatures below.
#define TWEED_LEARNED_ABI 3

/// Status codes of the entry points; the library maps them to tweed error types.
enum TweedLearnedStatus : int32_t {
  kTweedLearnedOk = 0,
  kTweedLearnedInvalidInput = 1,  ///< -> tweed::InvalidInput
  kTweedLearnedFailure = 2,       ///< torch raised (memory, internal error) -> tweed::Error
};

/// Progress callback: called after every optimiser step with the number of steps done (1-based)
/// and that step's loss. Returns nonzero to go on, zero to stop training early.
typedef int32_t (*TweedLearnedStepFn)(void* context, int32_t step, double loss);

/// Options of both trainers (see tweed::learned::TrainOptions for their meaning).
struct TweedLearnedOptions {
  int32_t iterations;
  int32_t width;
  int32_t depth;
  int32_t batch;
  int32_t patch;    ///< side of the random crops trained on; 0: whole images
  int32_t augment;  ///< nonzero: random flips (and 90° turns of square crops) per pair
  int32_t threads;  ///< torch intra-op threads (tweed::num_threads() of the caller)
  double learning_rate;
  double alpha;    ///< pair denoiser: recorruption factor in (0, 1]; 0 means 1 (plain pairs)
  double holdout;  ///< pair denoiser: fraction of 8x8 blocks held out in [0, 1); 0: none
  double average;  ///< pair denoiser: decay of the weights' moving average in [0, 1); 0: none
  uint64_t seed;
  TweedLearnedStepFn on_step;  ///< may be null
  void* on_step_context;
};

/// int32 tweed_learned_torch_abi(void): returns TWEED_LEARNED_ABI of the plugin.
typedef int32_t (*TweedLearnedAbiFn)(void);

/// Pair denoiser: a, b are [n, h, w] float32, apply_to is [q, h, w], out is [q, h, w] (written).
/// On failure writes a NUL-terminated message of at most error_size bytes into `error`.
typedef int32_t (*TweedLearnedTrainPairsFn)(const float* a, const float* b, int64_t n,
                                            const float* apply_to, int64_t q, int64_t h, int64_t w,
                                            float* out, const TweedLearnedOptions* options,
                                            char* error, size_t error_size);

/// ZS-N2N: noisy and out are [h, w] float32 (h, w even).
typedef int32_t (*TweedLearnedZsN2nFn)(const float* noisy, int64_t h, int64_t w, float* out,
                                       const TweedLearnedOptions* options, char* error,
                                       size_t error_size);

}  // extern "C"

#define TWEED_LEARNED_PLUGIN "tweed_learned_torch"
#define TWEED_LEARNED_SYM_ABI "tweed_learned_torch_abi"
#define TWEED_LEARNED_SYM_TRAIN_PAIRS "tweed_learned_torch_train_pairs"
#define TWEED_LEARNED_SYM_ZS_N2N "tweed_learned_torch_zs_n2n"
