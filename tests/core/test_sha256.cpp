#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tweed/core/error.hpp"
#include "tweed/core/sha256.hpp"

namespace tweed {
namespace {

std::string digest(const std::string& s) {
  Sha256 h;
  h.update(s);
  return h.hex_digest();
}

// FIPS 180-4 example vectors.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(digest(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FileMatchesBytesAndMissingFileNamesIt) {
  const auto path = std::filesystem::temp_directory_path() / "tweed_sha_test.txt";
  std::ofstream(path) << "abc";
  EXPECT_EQ(sha256_file(path.string()), digest("abc"));
  std::filesystem::remove(path);
  try {
    sha256_file(path.string());
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos);
  }
}

}  // namespace
}  // namespace tweed
