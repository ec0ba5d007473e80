// What `tweed info FILE` prints: a structured description of any file Tweed reads, without
// reading the bulk data.
//
// JSON layout (keys present depending on the format):
//   {"path": "...", "format": "hdf5" | "cfl" | "nifti" | "metaimage" | "nrrd" | "dicom" |
//                             "dicom-series" | "png" | "unknown",
//    "attributes": {...},                       // HDF5 root attributes
//    "datasets": [{"name", "shape", "dtype", "chunk", "gzip", "attributes"}],   // HDF5
//    "images": [{"name", "shape", "dtype", "spacing", "origin", "direction", "axis_order": "xyz",
//                "properties": {...}}],         // ITK formats; shape is Tweed's [z, y, x],
//                                               // spacing/origin/direction ITK's x, y, z order
//    "bart_dims": [...], "shape": [...], "dtype": "complex64",                 // cfl
//    "width", "height", "bit_depth", "color_type"}                             // png
// Shapes are always Tweed's row-major order.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace tweed::io {

/// Throws IoError (naming the file) when the path is missing or the file is damaged.
nlohmann::json describe(const std::string& path);

/// Human-readable multi-line text of describe(path), ending in a newline; description_text
/// renders a description already made.
std::string describe_text(const std::string& path);
std::string description_text(const nlohmann::json& description);

}  // namespace tweed::io
