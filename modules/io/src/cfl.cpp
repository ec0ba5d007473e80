#include "tweed/io/cfl.hpp"

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "tweed/core/atomic_output.hpp"

namespace tweed::io {

namespace fs = std::filesystem;

// .cfl is little-endian float32; reading it straight into memory is only right on such hosts.
static_assert(std::endian::native == std::endian::little, "cfl.cpp assumes a little-endian host");

namespace {
constexpr int kBartDims = 16;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string dims_str(const std::vector<index_t>& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? " " : "") + std::to_string(d[i]);
  return s + "]";
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;
}  // namespace

std::string cfl_base_name(const std::string& path) {
  if (ends_with(path, ".cfl") || ends_with(path, ".hdr")) return path.substr(0, path.size() - 4);
  return path;
}

std::vector<index_t> read_cfl_dims(const std::string& name) {
  const std::string hdr = cfl_base_name(name) + ".hdr";
  std::ifstream in(hdr);
  if (!in)
    throw IoError(hdr,
                  fs::exists(hdr) ? "cannot open the BART header" : "no such file (BART header)");
  std::string line;
  bool found = false;
  while (std::getline(in, line)) {
    if (line.rfind("# Dimensions", 0) == 0) {
      found = true;
      break;
    }
  }
  if (!found) throw IoError(hdr, "malformed BART header: no '# Dimensions' line");
  // The dims are on the next non-empty line.
  while (std::getline(in, line) && line.find_first_not_of(" \t\r") == std::string::npos) {
  }
  std::istringstream tokens(line);
  std::vector<index_t> dims;
  std::string tok;
  while (tokens >> tok) {
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(tok, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != tok.size())
      throw IoError(hdr, "malformed BART header: dimension '" + tok + "' is not an integer");
    if (v < 1)
      throw IoError(hdr, "malformed BART header: dimension " + std::to_string(dims.size()) +
                             " is " + std::to_string(v) + " (must be >= 1)");
    dims.push_back(v);
  }
  if (dims.empty()) throw IoError(hdr, "malformed BART header: no dimensions after '# Dimensions'");
  return dims;
}

Shape cfl_dims_to_shape(const std::vector<index_t>& bart_dims) {
  std::size_t n = bart_dims.size();
  while (n > 1 && bart_dims[n - 1] == 1) --n;
  if (n > static_cast<std::size_t>(kMaxRank))
    throw Unsupported("cfl", "dims " + dims_str(bart_dims) + " have " + std::to_string(n) +
                                 " axes after dropping trailing singletons; Tweed's limit is " +
                                 std::to_string(kMaxRank));
  std::vector<index_t> shape(bart_dims.rbegin() + static_cast<std::ptrdiff_t>(bart_dims.size() - n),
                             bart_dims.rend());
  return Shape(shape);
}

std::vector<index_t> shape_to_cfl_dims(const Shape& shape) {
  std::vector<index_t> dims(kBartDims, 1);
  for (int a = 0; a < shape.rank(); ++a)
    dims[static_cast<std::size_t>(shape.rank() - 1 - a)] = shape[a];
  return dims;
}

Shape check_cfl(const std::string& name) {
  const std::string base = cfl_base_name(name);
  const std::string hdr = base + ".hdr";
  const std::string cfl = base + ".cfl";
  const std::vector<index_t> dims = read_cfl_dims(base);
  Shape shape;
  try {
    shape = cfl_dims_to_shape(dims);
  } catch (const Unsupported& e) {
    throw Unsupported(hdr, e.what());
  }
  // Guard the product against overflow before trusting it as a size.
  index_t count = 1;
  for (index_t d : dims) {
    if (count > (index_t(1) << 60) / d)
      throw IoError(hdr, "dims " + dims_str(dims) + " are too large");
    count *= d;
  }
  const auto need = static_cast<std::uintmax_t>(count) * sizeof(cfloat);
  std::error_code ec;
  if (!fs::exists(cfl, ec)) throw IoError(cfl, "no such file (BART data file for " + hdr + ")");
  const std::uintmax_t have = fs::file_size(cfl, ec);
  if (ec) throw IoError(cfl, "cannot read the file size: " + ec.message());
  if (have != need)
    throw IoError(cfl, "holds " + std::to_string(have) + " bytes, but the dims " + dims_str(dims) +
                           " in " + hdr + " need " + std::to_string(need) + " bytes");
  return shape;
}

Array<cfloat> read_cfl(const std::string& name) {
  const Shape shape = check_cfl(name);
  const std::string cfl = cfl_base_name(name) + ".cfl";
  const index_t count = shape.size();
  Array<cfloat> out(shape, uninitialized);  // fread fills every element
  File f(std::fopen(cfl.c_str(), "rb"));
  if (!f) throw IoError(cfl, std::string("cannot open: ") + std::strerror(errno));
  if (count > 0 && std::fread(out.data(), sizeof(cfloat), static_cast<std::size_t>(count),
                              f.get()) != static_cast<std::size_t>(count))
    throw IoError(cfl, "read failed (file changed while reading?)");
  return out;
}

void write_cfl(const std::string& name, const Array<cfloat>& data) {
  const std::string base = cfl_base_name(name);
  AtomicOutput cfl(base + ".cfl");
  AtomicOutput hdr(base + ".hdr");
  {
    File f(std::fopen(cfl.temp_path().c_str(), "wb"));
    if (!f)
      throw IoError(cfl.target(), std::string("cannot open for writing: ") + std::strerror(errno));
    const auto n = static_cast<std::size_t>(data.size());
    if (n > 0 && std::fwrite(data.data(), sizeof(cfloat), n, f.get()) != n)
      throw IoError(cfl.target(), std::string("write failed: ") + std::strerror(errno));
    if (std::fflush(f.get()) != 0)
      throw IoError(cfl.target(), std::string("write failed: ") + std::strerror(errno));
  }
  {
    std::string text = "# Dimensions\n";
    for (index_t d : shape_to_cfl_dims(data.shape())) text += std::to_string(d) + " ";
    text += "\n";
    File f(std::fopen(hdr.temp_path().c_str(), "w"));
    if (!f)
      throw IoError(hdr.target(), std::string("cannot open for writing: ") + std::strerror(errno));
    if (std::fwrite(text.data(), 1, text.size(), f.get()) != text.size() ||
        std::fflush(f.get()) != 0)
      throw IoError(hdr.target(), std::string("write failed: ") + std::strerror(errno));
  }
  cfl.commit();
  try {
    hdr.commit();
  } catch (...) {
    // A .cfl without its header would be read with whatever old header is there.
    std::error_code ec;
    fs::remove(cfl.target(), ec);
    throw;
  }
}

}  // namespace tweed::io
