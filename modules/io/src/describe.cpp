#include "tweed/io/describe.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "tweed/io/cfl.hpp"
#include "tweed/io/format.hpp"
#include "tweed/io/hdf5.hpp"
#include "tweed/io/itk_image.hpp"

namespace tweed::io {

namespace {

nlohmann::json attributes_json(const Attributes& attrs) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : attrs) std::visit([&](const auto& x) { j[k] = x; }, v);
  return j;
}

void describe_hdf5(const std::string& path, nlohmann::json& j) {
  H5Reader r(path);
  j["attributes"] = attributes_json(r.attributes("/"));
  j["datasets"] = nlohmann::json::array();
  for (const H5DatasetInfo& d : r.list()) {
    nlohmann::json e = {{"name", d.name}, {"shape", d.shape}, {"dtype", d.dtype}};
    if (!d.chunk.empty()) e["chunk"] = d.chunk;
    if (d.gzip > 0) e["gzip"] = d.gzip;
    e["attributes"] = attributes_json(d.attributes);
    j["datasets"].push_back(std::move(e));
  }
}

void describe_image(const std::string& path, nlohmann::json& j) {
  const ImageHeader h = read_image_header(path);
  nlohmann::json e = {{"name", std::filesystem::path(path).filename().string()},
                      {"shape", h.shape},
                      {"dtype", h.stored_type},
                      {"components", h.components},
                      {"spacing", h.meta.spacing},
                      {"origin", h.meta.origin},
                      {"direction", h.meta.direction},
                      {"axis_order", "xyz"}};
  if (!h.properties.empty()) e["properties"] = h.properties;
  j["images"] = nlohmann::json::array({e});
}

void describe_cfl(const std::string& path, nlohmann::json& j) {
  const std::string base = cfl_base_name(path);
  const Shape shape = check_cfl(base);
  j["base"] = base;
  j["bart_dims"] = read_cfl_dims(base);
  j["shape"] = shape.to_vector();
  j["dtype"] = "complex64";
}

void describe_png(const std::string& path, nlohmann::json& j) {
  // IHDR is the first chunk: width and height big-endian at 16 and 20, depth 24, colour type 25.
  unsigned char b[26] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(b), sizeof b);
  if (in.gcount() < 26 || std::memcmp(b + 12, "IHDR", 4) != 0)
    throw IoError(path, "damaged PNG: no IHDR chunk at the start");
  auto be32 = [&](int o) {
    return std::uint32_t(b[o]) << 24 | std::uint32_t(b[o + 1]) << 16 |
           std::uint32_t(b[o + 2]) << 8 | b[o + 3];
  };
  static const char* const kColour[] = {"gray", "?", "rgb", "palette", "gray+alpha", "?", "rgba"};
  j["width"] = be32(16);
  j["height"] = be32(20);
  j["shape"] = {be32(20), be32(16)};
  j["bit_depth"] = b[24];
  j["color_type"] = b[25] <= 6 ? kColour[b[25]] : "?";
}

}  // namespace

nlohmann::json describe(const std::string& path) {
  const Format f = detect_format(path);
  nlohmann::json j = {{"path", path}, {"format", format_name(f)}};
  switch (f) {
    case Format::hdf5:
      describe_hdf5(path, j);
      break;
    case Format::cfl:
      describe_cfl(path, j);
      break;
    case Format::nifti:
    case Format::metaimage:
    case Format::nrrd:
    case Format::dicom:
    case Format::dicom_series:
      describe_image(path, j);
      break;
    case Format::png:
      describe_png(path, j);
      break;
    case Format::unknown:
      break;
  }
  return j;
}

}  // namespace tweed::io
