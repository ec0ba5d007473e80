// Partitions of an axis over ranks: contiguous, balanced blocks in rank order.
#pragma once

#include "tweed/core/array.hpp"

namespace tweed::dist {

/// Items [begin, end) of one part.
struct Block {
  index_t begin = 0;
  index_t end = 0;
  index_t size() const { return end - begin; }
};

/// Part `part` of `items` split into `parts` contiguous blocks in order, balanced: the first
/// items % parts blocks hold items / parts + 1 items, the others items / parts (16 coils on 3
/// ranks: [0, 6), [6, 11), [11, 16)). InvalidInput when parts < 1, part is outside [0, parts) or
/// items < 0; blocks are empty when items < parts.
Block balanced_block(index_t items, int parts, int part);

}  // namespace tweed::dist
