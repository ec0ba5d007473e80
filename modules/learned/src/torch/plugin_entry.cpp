// The C entry points of libtweed_learned_torch.so (torch_abi.hpp). Every exception stops here:
// unwinding through a C boundary (and through the caller's frames built without knowledge of
// torch's exception types) is undefined, so each is turned into a status and a one-line message.
#include <c10/util/Exception.h>

#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <type_traits>

#include "../torch_abi.hpp"
#include "session.hpp"
#include "trainers.hpp"
#include "tweed/core/error.hpp"

namespace {

using tweed::learned::torch_impl::BadArgument;

int32_t report(char* error, size_t size, int32_t status, std::string message) {
  // One line: c10 messages may hold newlines (context, source locations).
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  if (error != nullptr && size > 0) std::snprintf(error, size, "%s", message.c_str());
  return status;
}

// Runs `body`, mapping what it throws to a status.
template <class Body>
int32_t guarded(char* error, size_t size, Body&& body) noexcept {
  try {
    body();
    return kTweedLearnedOk;
  } catch (const BadArgument& e) {
    return report(error, size, kTweedLearnedInvalidInput, e.what());
  } catch (const tweed::InvalidInput& e) {
    return report(error, size, kTweedLearnedInvalidInput, e.what());
  } catch (const c10::Error& e) {
    return report(error, size, kTweedLearnedFailure, e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    return report(error, size, kTweedLearnedFailure, "out of memory");
  } catch (const std::exception& e) {
    return report(error, size, kTweedLearnedFailure, e.what());
  } catch (...) {
    return report(error, size, kTweedLearnedFailure, "unknown exception");
  }
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int32_t tweed_learned_torch_abi(void) {
  return TWEED_LEARNED_ABI;
}

__attribute__((visibility("default"))) int32_t tweed_learned_torch_train_pairs(
    const float* a, const float* b, int64_t n, const float* apply_to, int64_t q, int64_t h,
    int64_t w, float* out, const TweedLearnedOptions* options, char* error, size_t error_size) {
  return guarded(error, error_size, [&] {
    if (!a || !b || !apply_to || !out || !options) throw BadArgument("null buffer or options");
    tweed::learned::torch_impl::train_pairs_and_apply(a, b, n, apply_to, q, h, w, out, *options);
  });
}

__attribute__((visibility("default"))) int32_t tweed_learned_torch_zs_n2n(
    const float* noisy, int64_t h, int64_t w, float* out, const TweedLearnedOptions* options,
    char* error, size_t error_size) {
  return guarded(error, error_size, [&] {
    if (!noisy || !out || !options) throw BadArgument("null buffer or options");
    tweed::learned::torch_impl::zs_n2n(noisy, h, w, out, *options);
  });
}

}  // extern "C"

// The entry points must match the pointer types the library casts them to.
static_assert(std::is_same_v<decltype(&tweed_learned_torch_abi), TweedLearnedAbiFn>);
static_assert(std::is_same_v<decltype(&tweed_learned_torch_train_pairs), TweedLearnedTrainPairsFn>);
static_assert(std::is_same_v<decltype(&tweed_learned_torch_zs_n2n), TweedLearnedZsN2nFn>);
