// Array layouts of the MRI module, and their conversion from BART's.
//
// Tweed arrays are row-major (last axis fastest). The MRI module uses, everywhere:
//   k-space      [C, Z, Y, X]      complex64, C coils; Z = 1 for 2-D data
//   coil maps    [M, C, Z, Y, X]   complex64, M = 1 or 2 sets of maps (ESPIRiT's -m)
//   image        [M, Z, Y, X]      complex64, one image per set of maps
//   mask         [Z, Y, X]         float32 sampling pattern (0/1, or weights), shared by all coils
// X is the readout (frequency-encoding) axis; Y (and Z for 3-D) are phase-encoding axes.
// Coordinates: the k-space centre (DC) of an axis of extent n sits at index n/2 (centred FFT).
//
// BART stores [x, y, z, coil, maps, ...] column-major (first index fastest); its bytes are exactly
// the bytes of the row-major array [maps, coil, z, y, x], so conversion is a reshape.
#pragma once

#include <string>
#include <vector>

#include "tweed/core/array.hpp"

namespace tweed::mri {

/// Spatial extents {nz, ny, nx} of a Cartesian grid.
struct Grid {
  index_t nz = 1, ny = 1, nx = 1;
  Shape shape() const { return Shape{nz, ny, nx}; }
  index_t size() const { return nz * ny * nx; }
  bool operator==(const Grid&) const = default;
  std::string str() const;  ///< "1 x 256 x 256"
};

/// The grid of a k-space [C, Z, Y, X], maps [M, C, Z, Y, X] or image [M, Z, Y, X] array.
Grid kspace_grid(const Array<cfloat>& kspace);
Grid maps_grid(const Array<cfloat>& maps);

/// What a BART array holds, for the error messages and the reshape.
enum class BartRole { kspace, maps, image, mask };

/// Reshapes an array read from a BART .cfl (BART dims `bart_dims`, as read_cfl_dims returns them)
/// into the layout above for `role`. Dims past MAPS (TE, TIME, SLICE, ...) must be 1: otherwise
/// Unsupported names `name` and the offending BART dimension. k-space and masks must have MAPS = 1;
/// a mask must have COIL = 1 and is returned as [Z, Y, X] float32 (the real part; InvalidInput if
/// any imaginary part or a negative value is found).
Array<cfloat> from_bart(const Array<cfloat>& data, const std::vector<index_t>& bart_dims,
                        BartRole role, const std::string& name);
Array<float> mask_from_bart(const Array<cfloat>& data, const std::vector<index_t>& bart_dims,
                            const std::string& name);

}  // namespace tweed::mri
