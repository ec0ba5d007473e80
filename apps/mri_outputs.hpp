// Output and comparison helpers of the `tweed mri` subcommands: the output format follows the
// file name, and --ref comparisons print one line that scripts parse.
#pragma once

#include <string>

#include "tweed/core/array.hpp"
#include "tweed/core/provenance.hpp"

namespace tweed::app {

/// How an output name is written: ".h5"/".hdf5" -> Tweed HDF5; ".nii", ".nii.gz", ".mha",
/// ".nrrd" -> magnitude image through ITK; ".png" -> magnitude preview; anything else (a base
/// name, ".cfl", ".hdr") -> BART .cfl/.hdr named by its base name, as BART does.
enum class MriOutputKind { hdf5, itk, png, bart };
MriOutputKind mri_output_kind(const std::string& path);

/// Writes a reconstructed image: `image` is [M, Z, Y, X] or a batch [S, M, Z, Y, X].
/// HDF5: dataset "image" (complex64) and "magnitude" (float32, root-sum-of-squares over the map
/// sets), with the provenance; ITK/PNG: the magnitude (PNG: the middle slice); BART: the complex
/// image with dims [x, y, z, 1, maps] (one slice only). Returns the files written.
std::vector<std::string> write_mri_image(const std::string& path, const Array<cfloat>& image,
                                         const Provenance& prov);

/// Magnitude of an image [M, Z, Y, X] or [S, M, Z, Y, X]: root-sum-of-squares over the map sets,
/// giving [Z, Y, X] or [S, Z, Y, X].
Array<float> combined_magnitude(const Array<cfloat>& image);

struct Comparison {
  double nrmse = 0, psnr = 0, ssim = 0, scale = 1;
};
/// Compares magnitudes after a least-squares scale fit (s = <ref, x> / <x, x>, as `bart nrmse -s`):
/// NRMSE = ||s x - ref|| / ||ref||, PSNR with the reference's maximum as peak, SSIM over the last
/// two axes (averaged over slices) with the reference's range. Leading singleton axes are ignored;
/// otherwise the shapes must agree (ShapeMismatch naming `ref_name`).
Comparison compare_magnitudes(const Array<float>& ref, const Array<float>& x,
                              const std::string& ref_name);
/// "NRMSE: 0.1234  PSNR: 31.20 dB  SSIM: 0.8765"
std::string comparison_line(const Comparison& c);

}  // namespace tweed::app
