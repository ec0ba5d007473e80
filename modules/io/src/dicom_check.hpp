// Private: walks a DICOM file's elements before GDCM reads it. GDCM accepts a truncated file
// with a warning and returns partly garbage pixels, or aborts on an assertion, so Tweed checks
// the structure itself: every element's length must fit in the file, sequences must close, and
// the Pixel Data element (7FE0,0010) must be present and complete (and, for uncompressed
// transfer syntaxes, hold rows x columns x samples x frames x bits-allocated).
#pragma once

#include <string>

namespace tweed::io {

/// Throws IoError naming `path` when the file is not a complete DICOM file.
void check_dicom_file(const std::string& path);

}  // namespace tweed::io
