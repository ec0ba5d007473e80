// The two zero-shot trainers of the plugin. They throw (BadArgument, c10::Error, std::bad_alloc);
// plugin_entry.cpp turns every exception into a status code at the C boundary.
#pragma once

#include <cstdint>

#include "../torch_abi.hpp"

namespace tweed::learned::torch_impl {

/// Symmetric Noise2Noise on pairs (a_i, b_i), then out = apply_to - f(apply_to).
/// a, b: [n, h, w]; apply_to, out: [q, h, w]; all float32, row-major.
void train_pairs_and_apply(const float* a, const float* b, std::int64_t n, const float* apply_to,
                           std::int64_t q, std::int64_t h, std::int64_t w, float* out,
                           const TweedLearnedOptions& options);

/// ZS-N2N on one [h, w] image (h, w even); out = noisy - f(noisy).
void zs_n2n(const float* noisy, std::int64_t h, std::int64_t w, float* out,
            const TweedLearnedOptions& options);

}  // namespace tweed::learned::torch_impl
