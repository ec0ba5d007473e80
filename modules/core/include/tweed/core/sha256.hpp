// SHA-256 (FIPS 180-4) of byte strings and files, for the provenance record's input hashes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tweed {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  /// Lower-case hex digest; the object must not be updated afterwards.
  std::string hex_digest();

 private:
  void compress(const std::uint8_t* block);
  std::uint32_t h_[8];
  std::uint8_t buffer_[64];
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;
};

/// Hex SHA-256 of a file's bytes; throws IoError naming the file if it cannot be read.
/// A directory (a DICOM series) hashes its regular files' names and contents in sorted order.
std::string sha256_file(const std::string& path);

}  // namespace tweed
