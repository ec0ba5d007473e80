#include "tweed/dist/partition.hpp"

#include <string>

#include "tweed/core/error.hpp"

namespace tweed::dist {

Block balanced_block(index_t items, int parts, int part) {
  if (parts < 1)
    throw InvalidInput("balanced_block", "needs at least one part, got " + std::to_string(parts));
  if (part < 0 || part >= parts)
    throw InvalidInput("balanced_block", "part " + std::to_string(part) + " is outside [0, " +
                                             std::to_string(parts) + ")");
  if (items < 0)
    throw InvalidInput("balanced_block", "negative item count " + std::to_string(items));
  const index_t base = items / parts, extra = items % parts, p = part;
  const index_t begin = p * base + (p < extra ? p : extra);
  return {begin, begin + base + (p < extra ? 1 : 0)};
}

}  // namespace tweed::dist
