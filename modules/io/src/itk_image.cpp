// io's ITK image functions: load the ITK plugin on first use and call through its table.
#include "itk_backend.hpp"
#include "tweed/core/plugin.hpp"

namespace tweed::io {
namespace {

const ItkBackend& backend() {
  using Entry = const ItkBackend* (*)();
  static const ItkBackend* table =
      reinterpret_cast<Entry>(plugin_symbol(kItkPlugin, kItkBackendSymbol))();
  return *table;
}

}  // namespace

Image read_image(const std::string& path) {
  return backend().read_image(path);
}

ImageHeader read_image_header(const std::string& path) {
  return backend().read_image_header(path);
}

void write_image(const std::string& path, const Array<float>& data, const ImageMeta& meta) {
  backend().write_image(path, data, meta);
}

}  // namespace tweed::io
