// Entry point of the plugin libtweed_io_itk.so.
#include "itk_backend.hpp"

extern "C" __attribute__((visibility("default"))) const tweed::io::ItkBackend*
tweed_io_itk_backend() {
  static const tweed::io::ItkBackend backend{
      tweed::io::itk_read_image, tweed::io::itk_read_image_header, tweed::io::itk_write_image};
  return &backend;
}
