// fastMRI multi-coil HDF5 volumes (facebookresearch/fastMRI, fastmri/data/README.md):
//   kspace               complex64 [slices, coils, H, W] (h5py compound {r, i})
//   reconstruction_rss   float32 [slices, 320, 320] (train/val only)
//   mask                 [W] (test files only)
//   ismrmrd_header       XML bytes (encoded and recon matrix)
//   attributes           acquisition, max, norm, patient_id
// Readout is along H (oversampled x2); the phase-encoding lines run along W.
// Single-coil files (kspace [slices, H, W]) are read as one coil. A mask stored as numpy bool
// (an HDF5 enum) or as numbers is read as float 0/1. The header is parsed by libismrmrd.
#pragma once

#include <string>

#include "tweed/core/array.hpp"

namespace tweed::io {

struct FastMriVolume {
  Array<cfloat> kspace;  ///< [S, C, H, W]
  Array<float> mask;     ///< [W] or empty
  Array<float> rss;      ///< [S, h, w] or empty
  std::string header_xml;
  index_t recon_h = 0, recon_w = 0;  ///< from the header's reconSpace (0 when absent)
  std::string acquisition;
};

/// True when the file is HDF5 with a root "kspace" dataset of rank 4 (or 3, single-coil) and an
/// "ismrmrd_header".
bool is_fastmri(const std::string& path);
/// Reads the whole volume. Errors name the file: IoError for a file that is not HDF5 or has no
/// "kspace" or an unparsable header; InvalidInput for a wrong rank, real k-space, NaN/Inf, a
/// negative mask; ShapeMismatch for a mask whose length is not W.
FastMriVolume read_fastmri(const std::string& path);

}  // namespace tweed::io
