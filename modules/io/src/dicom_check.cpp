#include "dicom_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>

#include "tweed/core/error.hpp"

namespace tweed::io {

namespace {

constexpr std::uint32_t kUndefined = 0xFFFFFFFFu;
constexpr int kMaxDepth = 32;

std::string tag_str(std::uint16_t g, std::uint16_t e) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "(%04X,%04X)", g, e);
  return buf;
}

// Explicit-VR elements whose length is 4 bytes after 2 reserved bytes.
bool long_vr(const char* vr) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                      "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* v : kLong)
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  return false;
}

bool plausible_vr(const char* vr) {
  return vr[0] >= 'A' && vr[0] <= 'Z' && vr[1] >= 'A' && vr[1] <= 'Z';
}

struct Syntax {
  bool explicit_vr = true;
  bool big_endian = false;
};

// Top-level facts needed for the pixel-size check.
struct Facts {
  std::optional<std::uint64_t> pixel_length;  // nullopt: not found; kUndefined: encapsulated
  bool pixel_found = false;
  std::uint32_t rows = 0, cols = 0, bits = 0, samples = 1;
  std::uint64_t frames = 1;
  std::string transfer_syntax;
};

class Walker {
 public:
  explicit Walker(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError(path, "cannot open");
    struct stat st {};
    ::fstat(fd_, &st);
    size_ = static_cast<std::uint64_t>(st.st_size);
  }
  ~Walker() { ::close(fd_); }

  void run() {
    std::uint64_t pos = 0;
    char pre[132];
    const bool preamble = size_ >= 132 && read_at(128, pre, 4) && std::memcmp(pre, "DICM", 4) == 0;
    if (preamble) {
      pos = 132;
    } else {
      // Files without the preamble are legal but rare; they start with the meta group (0002) or
      // the identifying group (0008). Anything else is not DICOM at all.
      const std::uint16_t g = u16(0, Syntax{});
      if (size_ < 8 || (g != 0x0002 && g != 0x0008))
        throw IoError(path_, "not a DICOM file (no 'DICM' at byte 128)");
    }
    Syntax meta{true, false};
    // File meta information: group 0002, always explicit VR little endian.
    while (pos + 8 <= size_ && u16(pos, meta) == 0x0002)
      pos = element(pos, size_, meta, 0, &facts_);
    Syntax data = syntax_of(facts_.transfer_syntax);
    if (facts_.transfer_syntax == "1.2.840.10008.1.2.1.99") return;  // deflated: cannot walk
    if (facts_.transfer_syntax.empty() && pos + 6 <= size_) {
      // No meta group: guess explicit or implicit from the first element, as readers do.
      char vr[2];
      read_at(pos + 4, vr, 2);
      data.explicit_vr = plausible_vr(vr);
    }
    while (pos < size_) pos = element(pos, size_, data, 0, &facts_);
    check_pixels();
  }

 private:
  bool read_at(std::uint64_t off, void* buf, std::size_t n) const {
    return off + n <= size_ &&
           ::pread(fd_, buf, n, static_cast<off_t>(off)) == static_cast<ssize_t>(n);
  }
  void need(std::uint64_t pos, std::uint64_t n, const std::string& what) const {
    if (pos + n > size_ || pos + n < pos)
      throw IoError(path_, "truncated DICOM file: " + what + " needs " + std::to_string(n) +
                               " bytes at offset " + std::to_string(pos) +
                               ", but the file ends at " + std::to_string(size_));
  }
  std::uint16_t u16(std::uint64_t off, const Syntax& s) const {
    unsigned char b[2] = {};
    read_at(off, b, 2);
    return s.big_endian ? static_cast<std::uint16_t>(b[0] << 8 | b[1])
                        : static_cast<std::uint16_t>(b[1] << 8 | b[0]);
  }
  std::uint32_t u32(std::uint64_t off, const Syntax& s) const {
    unsigned char b[4] = {};
    read_at(off, b, 4);
    if (s.big_endian)
      return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 |
             b[3];
    return std::uint32_t(b[3]) << 24 | std::uint32_t(b[2]) << 16 | std::uint32_t(b[1]) << 8 | b[0];
  }
  std::string text(std::uint64_t off, std::uint32_t len) const {
    std::string s(std::min<std::uint32_t>(len, 256), '\0');
    read_at(off, s.data(), s.size());
    while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
  }

  static Syntax syntax_of(const std::string& ts) {
    if (ts == "1.2.840.10008.1.2") return {false, false};
    if (ts == "1.2.840.10008.1.2.2") return {true, true};
    return {true, false};
  }

  // Parses one element at `pos` (within [.., end)); returns the position after it.
  std::uint64_t element(std::uint64_t pos, std::uint64_t end, const Syntax& s, int depth,
                        Facts* top) {
    need(pos, 8, "an element header");
    const std::uint16_t g = u16(pos, s), e = u16(pos + 2, s);
    const std::string tag = tag_str(g, e);
    std::uint32_t len;
    std::uint64_t header = 8;
    char vr[2] = {0, 0};
    if (g == 0xFFFE) {
      throw IoError(path_, "malformed DICOM file: unexpected item tag " + tag + " at offset " +
                               std::to_string(pos));
    }
    if (s.explicit_vr) {
      read_at(pos + 4, vr, 2);
      if (!plausible_vr(vr))
        throw IoError(path_, "malformed DICOM file: element " + tag + " at offset " +
                                 std::to_string(pos) + " has no valid VR");
      if (long_vr(vr)) {
        need(pos, 12, "element " + tag);
        len = u32(pos + 8, s);
        header = 12;
      } else {
        len = u16(pos + 6, s);
      }
    } else {
      len = u32(pos + 4, s);
    }
    pos += header;
    const bool pixel = g == 0x7FE0 && e == 0x0010;
    if (len == kUndefined) {
      if (pixel) {
        pos = fragments(pos, end, s);
        if (top) {
          top->pixel_found = true;
          top->pixel_length = kUndefined;
        }
        return pos;
      }
      // A sequence (SQ, UN, or implicit VR) of undefined length; UN content is implicit VR LE.
      const bool un = s.explicit_vr && vr[0] == 'U' && vr[1] == 'N';
      return sequence(pos, end, un ? Syntax{false, false} : s, depth + 1, kUndefined, tag);
    }
    if (pos + len > end) {
      throw IoError(path_, "truncated DICOM file: element " + tag + " at offset " +
                               std::to_string(pos - header) + " needs " + std::to_string(len) +
                               " bytes, but only " + std::to_string(end > pos ? end - pos : 0) +
                               " remain");
    }
    if (s.explicit_vr && vr[0] == 'S' && vr[1] == 'Q')
      sequence(pos, pos + len, s, depth + 1, len, tag);
    if (top) record(g, e, pos, len, s, top);
    return pos + len;
  }

  void record(std::uint16_t g, std::uint16_t e, std::uint64_t pos, std::uint32_t len,
              const Syntax& s, Facts* f) {
    if (g == 0x0002 && e == 0x0010) f->transfer_syntax = text(pos, len);
    if (g == 0x0028 && len == 2) {
      const std::uint16_t v = u16(pos, s);
      if (e == 0x0010) f->rows = v;
      if (e == 0x0011) f->cols = v;
      if (e == 0x0100) f->bits = v;
      if (e == 0x0002) f->samples = v;
    }
    if (g == 0x0028 && e == 0x0008) {
      const std::string n = text(pos, len);
      try {
        f->frames = std::max<long long>(1, std::stoll(n));
      } catch (const std::exception&) {
      }
    }
    if (g == 0x7FE0 && e == 0x0010) {
      f->pixel_found = true;
      f->pixel_length = len;
    }
  }

  // Items of a sequence starting at `pos`; `len` is the sequence length or kUndefined.
  std::uint64_t sequence(std::uint64_t pos, std::uint64_t end, const Syntax& s, int depth,
                         std::uint32_t len, const std::string& tag) {
    if (depth > kMaxDepth)
      throw IoError(path_, "malformed DICOM file: sequences nested too deeply");
    const std::uint64_t stop = len == kUndefined ? end : pos + len;
    while (pos < stop) {
      need(pos, 8, "an item of sequence " + tag);
      const std::uint16_t g = u16(pos, s), e = u16(pos + 2, s);
      const std::uint32_t ilen = u32(pos + 4, s);
      pos += 8;
      if (g == 0xFFFE && e == 0xE0DD) return pos;  // sequence delimiter
      if (g != 0xFFFE || e != 0xE000)
        throw IoError(path_, "malformed DICOM file: sequence " + tag + " holds " + tag_str(g, e) +
                                 " where an item was expected");
      if (ilen == kUndefined) {
        // Elements until the item delimiter (FFFE,E00D).
        while (true) {
          need(pos, 8, "an element in sequence " + tag);
          if (u16(pos, s) == 0xFFFE && u16(pos + 2, s) == 0xE00D) {
            pos += 8;
            break;
          }
          pos = element(pos, stop, s, depth, nullptr);
        }
      } else {
        need(pos, ilen, "an item of sequence " + tag);
        const std::uint64_t item_end = pos + ilen;
        while (pos < item_end) pos = element(pos, item_end, s, depth, nullptr);
      }
    }
    if (len == kUndefined)
      throw IoError(path_,
                    "truncated DICOM file: sequence " + tag + " has no end (delimiter missing)");
    return pos;
  }

  // Encapsulated (compressed) pixel data: items of defined length up to the delimiter.
  std::uint64_t fragments(std::uint64_t pos, std::uint64_t end, const Syntax& s) {
    while (true) {
      need(pos, 8, "a Pixel Data fragment");
      const std::uint16_t g = u16(pos, s), e = u16(pos + 2, s);
      const std::uint32_t flen = u32(pos + 4, s);
      pos += 8;
      if (g == 0xFFFE && e == 0xE0DD) return pos;
      if (g != 0xFFFE || e != 0xE000 || flen == kUndefined)
        throw IoError(path_, "malformed DICOM file: bad Pixel Data fragment " + tag_str(g, e));
      if (pos + flen > end)
        throw IoError(path_, "truncated DICOM file: a Pixel Data fragment needs " +
                                 std::to_string(flen) + " bytes, but only " +
                                 std::to_string(end - pos) + " remain");
      pos += flen;
    }
  }

  void check_pixels() const {
    if (!facts_.pixel_found)
      throw IoError(path_, "DICOM file has no Pixel Data element (7FE0,0010) (truncated?)");
    if (*facts_.pixel_length == kUndefined) return;  // compressed: the codec checks sizes
    const std::uint64_t expected =
        (std::uint64_t(facts_.rows) * facts_.cols * facts_.samples * facts_.frames * facts_.bits +
         7) /
        8;
    if (facts_.rows && facts_.cols && facts_.bits && *facts_.pixel_length < expected)
      throw IoError(path_, "truncated DICOM pixel data: " + std::to_string(*facts_.pixel_length) +
                               " bytes, but " + std::to_string(facts_.rows) + " rows x " +
                               std::to_string(facts_.cols) + " columns x " +
                               std::to_string(facts_.frames) + " frames need " +
                               std::to_string(expected));
  }

  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  Facts facts_;
};

}  // namespace

void check_dicom_file(const std::string& path) {
  Walker(path).run();
}

}  // namespace tweed::io
