// The text form of describe(): one header line, then one block per dataset or image.
#include <sstream>

#include "tweed/io/describe.hpp"

namespace tweed::io {

namespace {

std::string shape_text(const nlohmann::json& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + shape[i].dump();
  return s + "]";
}

std::string value_text(const nlohmann::json& v) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    // Provenance records and other long texts: a summary keeps the listing readable.
    if (s.size() > 96) s = s.substr(0, 80) + "... (" + std::to_string(s.size()) + " characters)";
    for (char& c : s)
      if (c == '\n') c = ' ';
    return s;
  }
  if (v.is_array()) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i].dump();
    return s + "]";
  }
  return v.dump();
}

void attributes_text(std::ostringstream& o, const nlohmann::json& attrs,
                     const std::string& indent) {
  if (!attrs.is_object()) return;
  for (const auto& [k, v] : attrs.items()) o << indent << k << " = " << value_text(v) << "\n";
}

}  // namespace

std::string description_text(const nlohmann::json& d) {
  std::ostringstream o;
  o << d.value("path", std::string()) << ": " << d.value("format", std::string("unknown")) << "\n";
  const std::string fmt = d.value("format", std::string());
  if (fmt == "hdf5") {
    if (d.contains("attributes") && !d["attributes"].empty()) {
      o << "  root attributes:\n";
      attributes_text(o, d["attributes"], "    ");
    }
    for (const auto& ds : d["datasets"]) {
      o << "  " << ds["name"].get<std::string>() << "  " << ds["dtype"].get<std::string>() << " "
        << shape_text(ds["shape"]);
      if (ds.contains("chunk")) o << "  chunks " << shape_text(ds["chunk"]);
      if (ds.contains("gzip")) o << "  gzip " << ds["gzip"].dump();
      o << "\n";
      attributes_text(o, ds["attributes"], "    ");
    }
    if (d["datasets"].empty()) o << "  (no datasets)\n";
  } else if (fmt == "cfl") {
    o << "  " << d["base"].get<std::string>() << ".cfl  complex64 " << shape_text(d["shape"])
      << "  (BART dims " << shape_text(d["bart_dims"]) << ", first fastest)\n";
  } else if (fmt == "png") {
    o << "  " << d["width"].dump() << " x " << d["height"].dump() << "  " << d["bit_depth"].dump()
      << "-bit " << d["color_type"].get<std::string>() << "\n";
  } else if (d.contains("images")) {
    for (const auto& im : d["images"]) {
      o << "  " << im["name"].get<std::string>() << "  " << im["dtype"].get<std::string>() << " "
        << shape_text(im["shape"]) << " (row-major, last axis = x)\n";
      o << "    spacing (x, y, z) = " << value_text(im["spacing"]) << "\n";
      o << "    origin  (x, y, z) = " << value_text(im["origin"]) << "\n";
      o << "    direction = " << value_text(im["direction"]) << "\n";
      if (im.contains("properties"))
        for (const auto& [k, v] : im["properties"].items())
          o << "    " << k << " = " << value_text(v) << "\n";
    }
  }
  return o.str();
}

std::string describe_text(const std::string& path) {
  return description_text(describe(path));
}

}  // namespace tweed::io
