#include "block_cache.hpp"

#include <c10/core/Allocator.h>
#include <c10/util/Exception.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

namespace tweed::learned::torch_impl {
namespace {

// Alignment of every block (c10's own CPU allocator uses 64: AVX-512 loads, cache lines). Each
// system block starts with a header of this size holding the byte size; the data follows it.
constexpr std::size_t kAlign = 64;

class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(std::size_t n) const override {
    if (n == 0) return {nullptr, nullptr, &release, c10::Device(c10::DeviceType::CPU)};
    const std::size_t bytes = (n + kAlign - 1) / kAlign * kAlign;
    void* base = self().take(bytes);
    if (base == nullptr) {
      base = std::aligned_alloc(kAlign, bytes + kAlign);
      if (base == nullptr) throw std::bad_alloc();
      std::memcpy(base, &bytes, sizeof bytes);
    }
    // Context == data (c10's raw_allocate relies on it); the header sits kAlign bytes before.
    void* data = static_cast<char*>(base) + kAlign;
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  void enter() {
    std::lock_guard lock(mutex_);
    ++depth_;
  }
  void leave() {
    std::multimap<std::size_t, void*> blocks;
    {
      std::lock_guard lock(mutex_);
      if (--depth_ > 0) return;
      blocks.swap(free_);
    }
    for (auto& [bytes, base] : blocks) std::free(base);
  }

  // Never destroyed: torch may free a tensor from a static destructor after ours would run.
  static CachingCpuAllocator& self() {
    static auto* allocator = new CachingCpuAllocator;
    return *allocator;
  }

 private:
  static void release(void* data) {
    if (data != nullptr) self().give(static_cast<char*>(data) - kAlign);
  }

  void* take(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    const auto it = free_.find(bytes);
    if (it == free_.end()) return nullptr;
    void* base = it->second;
    free_.erase(it);
    return base;
  }

  void give(void* base) {
    std::size_t bytes;
    std::memcpy(&bytes, base, sizeof bytes);
    {
      std::lock_guard lock(mutex_);
      if (depth_ > 0) {
        free_.emplace(bytes, base);
        return;
      }
    }
    std::free(base);
  }

  std::mutex mutex_;
  int depth_ = 0;
  std::multimap<std::size_t, void*> free_;  // cached blocks by byte size
};

void install_once() {
  static const bool installed = [] {
    // Priority 1 outranks c10's default CPU allocator (registered with 0).
    c10::SetAllocator(c10::DeviceType::CPU, &CachingCpuAllocator::self(), 1);
    return true;
  }();
  (void)installed;
}

}  // namespace

BlockCacheScope::BlockCacheScope() {
  install_once();
  CachingCpuAllocator::self().enter();
}

BlockCacheScope::~BlockCacheScope() {
  CachingCpuAllocator::self().leave();
}

}  // namespace tweed::learned::torch_impl
