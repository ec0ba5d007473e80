// ISMRMRD / MRD raw data (HDF5): Cartesian acquisitions placed on the k-space grid.
//
// Layout (ismrmrd doc/mrd_files.md): /<dataset>/xml holds the XML header, /<dataset>/data the
// acquisitions (compound {head, traj, data}); image groups /<dataset>/<name>/{data,header,...}.
// The XML header is parsed by libismrmrd (Debian's libismrmrd 1.8, ISMRMRD::deserialize); the
// acquisitions and images are read with the HDF5 C API in libismrmrd's layout, read-only:
// ISMRMRD::Dataset opens files read-write and creates /<dataset> when it is missing, so it would
// fail on read-only inputs and modify files it is pointed at.
//
// What read_ismrmrd_cartesian does:
//   - checks the header: encoding trajectory must be "cartesian" and no acquisition may carry a
//     trajectory (Unsupported naming the file and the trajectory otherwise);
//   - noise acquisitions (flag ACQ_IS_NOISE_MEASUREMENT, bit 19) go to `noise` [C, N];
//   - every other acquisition of the chosen repetition (imaging, calibration, or both) is placed at
//     (slice, kspace_encode_step_2, kspace_encode_step_1) = (S, Z, Y) with its samples along X,
//     centred by center_sample on the encoded readout matrix;
//   - readout oversampling (encoded x > recon x) is removed by an inverse FFT along X, a centred
//     crop to the recon x and a forward FFT (centred, orthonormal): the image of the result is the
//     central recon-x part of the image of the acquired data, value for value, and white noise
//     keeps its variance per sample;
//   - phase encoding: Y = e1 + (encoded y / 2 - limits centre) when the header gives a centre
//     (asymmetric / partial Fourier encodings), likewise Z from e2; Z and Y keep the encoded size;
//   - samples: discard_pre/discard_post dropped, ACQ_IS_REVERSE lines reversed, lines acquired
//     more than once (averages) averaged; navigator, phase-correction, feedback, dummy-scan and
//     other auxiliary acquisitions, other encoding spaces and contrast/phase/set > 0 are skipped
//     and counted in `summary`;
//   - `sampled` [Z, Y, X] is 1 on the lines that were acquired (of slice 0).
// The samples' data may be stored as libismrmrd's vlen {real, imag} or as a vlen of interleaved
// float32 (other writers); both are read.
// Errors (IoError/InvalidInput naming the file): no /<dataset>/data, a header that does not parse,
// acquisitions with different channel counts, encode steps outside the encoded matrix, NaN/Inf.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tweed/core/array.hpp"

namespace tweed::io {

struct IsmrmrdCartesian {
  Array<cfloat> kspace;   ///< [S, C, Z, Y, X], oversampling removed
  Array<float> sampled;   ///< [Z, Y, X] 1 where an acquisition landed (slice 0)
  Array<cfloat> noise;    ///< [C, N] noise samples (empty when the file has none)
  index_t encoded_x = 0;  ///< readout length as acquired (with oversampling)
  index_t recon_x = 0, recon_y = 0, recon_z = 0;  ///< recon matrix from the header
  int repetitions = 1;                            ///< repetitions found in the file
  std::string header_xml;
  nlohmann::json summary;  ///< counts and header fields, for provenance and `tweed info`
};

/// True when the file is HDF5 and has /<dataset>/data (cheap check; no exception for non-HDF5).
bool is_ismrmrd(const std::string& path, const std::string& dataset = "dataset");

IsmrmrdCartesian read_ismrmrd_cartesian(const std::string& path,
                                        const std::string& dataset = "dataset", int repetition = 0);

/// Names (sorted) of the image groups under /<dataset>: ISMRMRD image groups (a group with a
/// "data" dataset) and NDArrays (a numeric or {real, imag} dataset of rank >= 2 other than xml,
/// data, waveforms). ismrmrd_generate_cartesian_shepp_logan writes three NDArrays: "coil_images"
/// [1, C, m, O*m] (the noiseless coil images on the oversampled field of view), "csm" [1, C, m, m]
/// (coil maps) and "phantom" [1, m, m] (the object), all complex, axes (y, x) as the k-space's.
std::vector<std::string> ismrmrd_image_groups(const std::string& path,
                                              const std::string& dataset = "dataset");
/// The images of one group as complex [N, Z, Y, X] (real data become complex). Image groups
/// (data [N, channels, z, y, x]) give N * channels images with their z; NDArrays carry no axis
/// names, so their last two axes are (y, x), Z = 1 and every leading axis is stacked into N
/// (the generator's "coil_images" read as [C, 1, m, O*m], "phantom" as [1, 1, m, m]).
/// IoError naming the file and listing the groups when `group` is not there.
Array<cfloat> read_ismrmrd_images(const std::string& path, const std::string& group,
                                  const std::string& dataset = "dataset");

}  // namespace tweed::io
