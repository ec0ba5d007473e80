// Private: checks a MetaImage (.mha/.mhd) header and the size of its data before ITK reads it.
// ITK 5.2's MetaImage reader prints "data not read completely" and returns success with a
// partly filled buffer when the data are short, so the check cannot be left to it.
#pragma once

#include <string>

namespace tweed::io {

/// Throws IoError naming `path` for a malformed header (NDims, DimSize, ElementType), a missing
/// data file, or data shorter than DimSize x channels x element size. Compressed data and file
/// lists (ElementDataFile = LIST or a pattern) are not size-checked.
void check_metaimage_header(const std::string& path);

}  // namespace tweed::io
