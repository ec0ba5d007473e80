// Which format a path holds, from its magic bytes first and its extension second.
//
// Signatures checked (offset: bytes):
//   HDF5       0 (or a user block at 512, 1024, ... bytes): \x89 H D F \r \n \x1a \n
//   PNG        0: \x89 P N G \r \n \x1a \n
//   DICOM      128: "DICM" (after the 128-byte preamble)
//   NIfTI-1    344: "n+1\0" (single file) or "ni1\0" (.hdr/.img pair); NIfTI-2 4: "n+2\0" /
//   "ni2\0";
//              also inside gzip (.nii.gz): the first bytes are decompressed and checked
//   NRRD       0: "NRRD000"
//   MetaImage  text header whose first keys include ObjectType / NDims / DimSize
//   BART       text header starting "# Dimensions" (.hdr), or a base name / .cfl with such a .hdr
// Folders: a folder with at least one DICOM file (signature at 128) is a DICOM series.
// Extensions decide only when no signature matched (e.g. a damaged file named .h5 is "hdf5", so
// that the HDF5 reader gives the precise error): .h5 .hdf5 .he5 .nii .nii.gz .mha .mhd .nrrd
// .nhdr .dcm .png .cfl .hdr.
#pragma once

#include <string>

namespace tweed::io {

enum class Format { unknown, hdf5, cfl, nifti, metaimage, nrrd, dicom, dicom_series, png };

/// "hdf5", "cfl", "nifti", "metaimage", "nrrd", "dicom", "dicom-series", "png", "unknown".
const char* format_name(Format f);

/// The format at `path` (a file, a folder, or a BART base name). Throws IoError when nothing
/// exists at `path` (nor a BART pair <path>.hdr/<path>.cfl); returns Format::unknown for an
/// existing file that matches nothing.
Format detect_format(const std::string& path);

/// The format the extension alone suggests (no file access).
Format format_from_extension(const std::string& path);

/// True when the file at `path` has the DICOM signature at byte 128.
bool has_dicom_signature(const std::string& path);

}  // namespace tweed::io
