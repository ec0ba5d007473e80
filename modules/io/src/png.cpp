#include "tweed/io/png.hpp"

#include <png.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tweed/core/atomic_output.hpp"

namespace tweed::io {

double percentile(std::span<double> values, double p) {
  auto end =
      std::partition(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
  const std::size_t n = static_cast<std::size_t>(end - values.begin());
  if (n == 0) return std::nan("");
  const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(n - 1);
  const auto k = static_cast<std::size_t>(std::floor(pos));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), end);
  const double a = values[k];
  if (k + 1 >= n) return a;
  // The next order statistic is the smallest value above position k.
  const double b = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(k) + 1, end);
  return a + (pos - static_cast<double>(k)) * (b - a);
}

namespace {

// libpng reports errors by longjmp. This function holds no C++ objects with destructors, so
// jumping out of it skips nothing; it returns false with the message in `err`.
struct PngJob {
  std::FILE* file;
  const unsigned char* pixels;
  std::uint32_t width, height;
  char err[256];
};

void on_error(png_structp png, png_const_charp msg) {
  auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
  std::snprintf(job->err, sizeof job->err, "%s", msg);
  png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}

bool write_rows(PngJob* job) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, job, on_error, on_warning);
  if (!png) {
    std::snprintf(job->err, sizeof job->err, "libpng could not start");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, job->file);
  png_set_IHDR(png, info, job->width, job->height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (std::uint32_t y = 0; y < job->height; ++y)
    png_write_row(png, job->pixels + static_cast<std::size_t>(y) * job->width);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

template <Element T>
void write_png(const std::string& path, View<const T> image, const PngWindow& window) {
  int r = image.rank();
  for (int a = 0; a + 2 < r; ++a)
    if (image.shape()[a] != 1)
      throw InvalidInput(path, "a PNG preview needs a 2-D slice; got shape " + image.shape().str());
  if (r < 2)
    throw InvalidInput(path, "a PNG preview needs a 2-D slice; got shape " + image.shape().str());
  const index_t h = image.shape()[r - 2], w = image.shape()[r - 1];
  if (h < 1 || w < 1 || h > 0x7fffffff || w > 0x7fffffff)
    throw InvalidInput(path, "cannot make a PNG of shape " + image.shape().str());

  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(h * w));
  image.for_each_index([&](const T& x) {
    if constexpr (is_complex_v<T>)
      v.push_back(static_cast<double>(std::abs(x)));
    else
      v.push_back(static_cast<double>(x));
  });

  double lo = 0, hi = 0;
  if (!window.lo || !window.hi) {
    std::vector<double> tmp(v);
    if (!window.lo) lo = percentile(tmp, window.lo_percentile);
    if (!window.hi) hi = percentile(tmp, window.hi_percentile);
  }
  if (window.lo) lo = *window.lo;
  if (window.hi) hi = *window.hi;

  std::vector<unsigned char> pixels(v.size(), 0);
  if (std::isfinite(lo) && std::isfinite(hi) && hi > lo) {
    const double scale = 255.0 / (hi - lo);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (std::isnan(v[i])) continue;
      pixels[i] =
          static_cast<unsigned char>(std::lround(std::clamp((v[i] - lo) * scale, 0.0, 255.0)));
    }
  }

  AtomicOutput out(path);
  std::FILE* f = std::fopen(out.temp_path().c_str(), "wb");
  if (!f) throw IoError(path, std::string("cannot open for writing: ") + std::strerror(errno));
  PngJob job{f, pixels.data(), static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h), {}};
  const bool ok = write_rows(&job);
  const bool closed = std::fclose(f) == 0;
  if (!ok) throw IoError(path, std::string("PNG encoding failed: ") + job.err);
  if (!closed) throw IoError(path, std::string("write failed: ") + std::strerror(errno));
  out.commit();
}

template void write_png(const std::string&, View<const float>, const PngWindow&);
template void write_png(const std::string&, View<const double>, const PngWindow&);
template void write_png(const std::string&, View<const cfloat>, const PngWindow&);
template void write_png(const std::string&, View<const cdouble>, const PngWindow&);

}  // namespace tweed::io
