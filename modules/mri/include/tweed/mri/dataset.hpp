// Reading MRI inputs in every supported form into the layouts of layout.hpp, with the checks
// that make bad input one clear error naming the file.
//
// Input kinds (detected from the path and the file's content):
//   bart     "name" naming name.cfl + name.hdr (or either file): k-space [x, y, z, coil]; the
//            mask is where the k-space is not zero in every coil (BART's convention)
//   ismrmrd  ISMRMRD/MRD HDF5 with /<dataset>/data: Cartesian acquisitions placed on the grid,
//            readout oversampling removed, noise acquisitions used for pre-whitening (the
//            k-space is multiplied by L^-1, Psi = L L^H, so the noise is white with unit
//            variance per coil; metadata "noise"), calibration and imaging lines both used; one
//            repetition (default 0); mask = the acquired lines; reference = |"phantom"| when
//            that image group exists and has the image grid (the generator's does)
//   fastmri  fastMRI HDF5 (root dataset "kspace" [slices, coils, H, W] and "ismrmrd_header"):
//            every slice, as a batch, as [C, 1, H, W]: Y = H (the readout, oversampled x2) and
//            X = W (phase encoding), so the images keep fastMRI's orientation and the mask (if
//            stored) applies along X; crop = the header's recon matrix (320 x 320); reference
//            stays empty (reconstruction_rss is [slices, 320, 320]: see load_reference)
//   tweed    Tweed MRI HDF5 (as written by `tweed mri simulate`): "kspace" [C, Z, Y, X] with
//            attribute tweed_layout = "mri-kspace", optional "maps" [M, C, Z, Y, X], "mask"
//            [Z, Y, X] and "image" [M or 1, Z, Y, X] (truth; reference = its root-sum-of-squares
//            over M)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tweed/mri/layout.hpp"

namespace tweed::mri {

struct MriInput {
  std::string path;
  std::string kind;                   ///< "bart", "ismrmrd", "fastmri", "tweed"
  std::vector<Array<cfloat>> slices;  ///< k-space [C, Z, Y, X], one per slice (>= 1)
  Array<float>
      mask;  ///< [Z, Y, X] from the file (ISMRMRD lines present, fastMRI/tweed mask), or empty
  Array<cfloat> maps;  ///< [M, C, Z, Y, X] when the file holds maps (tweed), else empty
  Array<float>
      reference;  ///< magnitude truth [Z, Y, X] (tweed "image", ISMRMRD "phantom"), or empty
  /// Output crop {nz, ny, nx} centred in the image (fastMRI's 320 x 320), or all 0 = none.
  Grid crop{0, 0, 0};
  nlohmann::json metadata;  ///< what the reader learned (header fields, noise whitening, ...)
};

struct LoadOptions {
  std::string dataset = "dataset";  ///< ISMRMRD group
  int repetition = 0;               ///< ISMRMRD repetition to reconstruct
  bool prewhiten = true;            ///< ISMRMRD: whiten with the noise acquisitions if present
};

/// Reads an MRI input (IoError / InvalidInput / Unsupported naming the file on any problem:
/// missing, truncated, not an MRI file, non-Cartesian, NaN/Inf samples, ...).
MriInput load_mri_input(const std::string& path, const LoadOptions& options = {});

/// A sampling mask from any array file Tweed reads (BART base name, HDF5 with a "mask" dataset or
/// one numeric dataset, NIfTI, MetaImage, NRRD, DICOM; PNG is refused as Unsupported: tweed::io
/// writes PNG previews only): non-negative, finite, real (complex with zero imaginary parts, as
/// BART stores masks, is accepted). Its shape must broadcast to `grid` after
/// dropping leading singleton axes: [Z, Y, X], [Y, X], or a 1-D [Y] (phase-encoding lines,
/// `one_d_axis` says which grid axis a 1-D mask spans: 1 = Y, 2 = X). Otherwise InvalidInput
/// naming the file, its shape and the grid.
Array<float> load_mask(const std::string& path, const Grid& grid, int one_d_axis = 1);

/// Coil maps [M, C, Z, Y, X] from a BART base name or a Tweed HDF5 "maps" dataset (or an HDF5
/// file's only numeric dataset; [C, Z, Y, X] is read as M = 1); checks the grid and the coil
/// count against the k-space (ShapeMismatch naming the maps file and `kspace_name`, the k-space
/// file).
Array<cfloat> load_maps(const std::string& path, const Grid& grid, index_t coils,
                        const std::string& kspace_name = "k-space");

/// A reference image (magnitude) for --ref: an ISMRMRD file (its "phantom" image group, else its
/// first image group), a fastMRI file (reconstruction_rss), a Tweed MRI file ("image"), a BART
/// base name, or any single-array file. Returned as [Z, Y, X] or [S, Z, Y, X] magnitudes.
Array<float> load_reference(const std::string& path);

}  // namespace tweed::mri
