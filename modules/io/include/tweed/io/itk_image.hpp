// Medical image formats through ITK: NIfTI-1 (.nii, .nii.gz), MetaImage (.mha, .mhd), NRRD
// (.nrrd, .nhdr), a single DICOM file, and a folder holding a DICOM series.
//
// Axis order. The pixel data come back as a row-major Array<float> whose LAST axis is ITK's x
// (the fastest on disk): shape [z, y, x] for 3-D, [y, x] for 2-D, [t, z, y, x] for 4-D. The bytes
// are ITK's buffer as is; no element moves.
//
// Geometry (ImageMeta) stays in ITK's order, x first - the REVERSE of the Array's axes:
//   spacing[0] is the x spacing, i.e. along the Array's last axis;
//   origin = physical position (mm, ITK/DICOM LPS frame) of the centre of voxel (0, 0, 0);
//   direction is D x D row-major: direction[r * D + c] = component r (x, y, z of LPS) of the unit
//   vector along image axis c (c = 0 is x). Empty vectors mean spacing 1, origin 0, identity.
//
// Pixel values: read as float whatever the stored type. DICOM: the Rescale Slope/Intercept
// (0028,1053/1052) are applied by ITK's GDCM reader, so CT comes back in Hounsfield units. NIfTI:
// scl_slope/scl_inter are applied by ITK when set. Multi-component (RGB, vector) images are
// refused.
//
// Validation before ITK sees a file (ITK's readers may print, abort or return garbage on bad
// input): NIfTI headers are checked (sizeof_hdr 348 or 540, magic, dim[0] in 1..7, dim[i] >= 1,
// data fits the file); DICOM files are walked element by element and must hold complete Pixel
// Data. Errors are tweed::IoError "<file>: <short reason>"; ITK exceptions are caught and turned
// into one line. NIfTI-2 (sizeof_hdr 540) is recognised but ITK 5.2 cannot read it: Unsupported.
//
// A single DICOM file reads as [1, y, x] (GDCM reports three dimensions; multi-frame files give
// [frames, y, x]).
//
// DICOM series: the folder's files are grouped by Series Instance UID (itk::GDCMSeriesFileNames);
// the series with the most files is read, slices sorted by Image Position (Patient) along the
// slice normal. Files in the folder that are not DICOM are ignored.
//
// Writing (atomic, AtomicOutput): .nii, .nii.gz, .mha, .nrrd. Detached-header forms (.mhd, .nhdr,
// .hdr/.img) are refused for writing, because their header names the data file, which would be
// the temporary's name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tweed/core/array.hpp"

namespace tweed::io {

/// Physical geometry in ITK's order (x first); see the header comment.
struct ImageMeta {
  std::vector<double> spacing;
  std::vector<double> origin;
  std::vector<double> direction;
};

/// What a header says, without the pixels.
struct ImageHeader {
  std::string format;          ///< "nifti", "metaimage", "nrrd", "dicom", "dicom-series"
  std::vector<index_t> shape;  ///< Tweed (row-major) order: [z, y, x]
  std::string stored_type;     ///< component type ITK reads: "int16", "float32", ... (DICOM:
                               ///< after the rescale, e.g. int32 or float32)
  int components = 1;          ///< values per pixel (1 for scalar images)
  ImageMeta meta;
  /// Format-specific facts, e.g. DICOM "modality", "rescale_slope", "rescale_intercept",
  /// "series_uid", "files".
  std::map<std::string, std::string> properties;
};

struct Image {
  Array<float> data;
  ImageMeta meta;
  std::map<std::string, std::string> properties;
};

/// Reads an image file or a DICOM series folder.
Image read_image(const std::string& path);
/// Reads only the header (fast; no pixel data). The same checks run, except that the length of
/// gzip-compressed NIfTI data is not measured (that would mean decompressing it).
ImageHeader read_image_header(const std::string& path);

/// Writes a 1-D to 4-D image; the format follows the extension (.nii, .nii.gz, .mha, .nrrd).
/// meta vectors must be empty or match the rank (D, D, D*D).
void write_image(const std::string& path, const Array<float>& data, const ImageMeta& meta = {});

}  // namespace tweed::io
