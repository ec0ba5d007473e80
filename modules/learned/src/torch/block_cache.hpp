// A caching CPU allocator for torch, active while a trainer runs.
//
// Why: every training step allocates the same activations and gradients again (several MiB to
// hundreds of MiB). glibc serves blocks that large with fresh mmap'ed pages (or trims its heap
// after each free), so each step pays page faults and the kernel's zeroing of every page: about
// a fifth of a step at width 48 on 64x64 crops. Within one trainer call the sizes repeat exactly
// from step to step, so freed blocks are kept by size and handed out again.
//
// The allocator is installed once as torch's CPU allocator (torch lives only in this plugin, so
// nothing else is affected). Outside a BlockCacheScope it passes straight through to the system;
// when the outermost scope ends, every cached block is returned to the system.
#pragma once

namespace tweed::learned::torch_impl {

class BlockCacheScope {
 public:
  BlockCacheScope();
  ~BlockCacheScope();
  BlockCacheScope(const BlockCacheScope&) = delete;
  BlockCacheScope& operator=(const BlockCacheScope&) = delete;
};

}  // namespace tweed::learned::torch_impl
