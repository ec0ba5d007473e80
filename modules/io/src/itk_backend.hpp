// The ITK image backend lives in the plugin libtweed_io_itk.so (see core/plugin.hpp): ITK and
// especially GDCM cost ~20 ms at process start, which every `tweed` command would otherwise pay.
// The plugin exports one C function returning this table; io's public functions call through it.
#pragma once

#include <string>

#include "tweed/io/itk_image.hpp"

namespace tweed::io {

struct ItkBackend {
  Image (*read_image)(const std::string& path);
  ImageHeader (*read_image_header)(const std::string& path);
  void (*write_image)(const std::string& path, const Array<float>& data, const ImageMeta& meta);
};

/// Implemented in the plugin (itk_image_read.cpp, itk_image_write.cpp).
Image itk_read_image(const std::string& path);
ImageHeader itk_read_image_header(const std::string& path);
void itk_write_image(const std::string& path, const Array<float>& data, const ImageMeta& meta);

inline constexpr const char* kItkPlugin = "tweed_io_itk";
inline constexpr const char* kItkBackendSymbol = "tweed_io_itk_backend";

}  // namespace tweed::io
