// BART's .cfl/.hdr pair: complex float32 data plus a text header of dimensions.
//
// Naming: an array is named by its base name: "kspace" means kspace.hdr + kspace.cfl. Every
// function also accepts either file's path ("kspace.cfl" or "kspace.hdr") and strips it.
//
// Header (.hdr), as BART writes it:
//     # Dimensions
//     1 256 256 1 8 1 1 1 1 1 1 1 1 1 1 1
// Other "# Section" lines may follow and are ignored. Dimensions are listed first-fastest
// (column-major, Fortran order): d0 varies fastest in the .cfl.
// Data (.cfl): prod(d) complex values, each two little-endian float32 (real, imaginary), no header.
//
// Axis order. Tweed arrays are row-major (last axis fastest). The bytes of a column-major array
// with dims d0..dn are exactly the bytes of a row-major array of shape [dn, ..., d0], so the
// boundary conversion only reverses the shape; no element moves:
//   read:  Tweed shape = reverse(d0..dk), where dk is the last BART dim > 1 (trailing BART
//          singleton dims dropped; at least d0 kept, so the rank is >= 1). Interior and leading
//          singletons stay: BART [1, 256, 256, 1, 8] -> Tweed [8, 1, 256, 256, 1].
//   write: BART dims = reverse(Tweed shape), padded with 1s to BART's 16 dims (a rank-0 array is
//          written as all ones). BART [x, y, z] and Tweed [z, y, x] name the same voxel (x, y, z).
// Limits: after dropping trailing singletons, at most 8 dims (Tweed's rank limit).
//
// Writing is atomic (AtomicOutput): both files are written to temporaries first, then the .cfl
// and then the .hdr are renamed into place; if the second rename fails the new .cfl is removed.
//
// Errors (IoError naming the file): missing .hdr or .cfl, a header without "# Dimensions", a
// dimension that is not a positive integer, and a .cfl whose size disagrees with the header
// ("holds N bytes, but the dims in X need M bytes").
#pragma once

#include <string>
#include <vector>

#include "tweed/core/array.hpp"

namespace tweed::io {

/// "a/kspace.cfl", "a/kspace.hdr", "a/kspace" -> "a/kspace".
std::string cfl_base_name(const std::string& path);

/// The dims listed in <base>.hdr, in BART (first-fastest) order, as written (not padded).
std::vector<index_t> read_cfl_dims(const std::string& name);

/// BART dims -> Tweed shape (reversed, trailing BART singletons dropped, rank >= 1).
Shape cfl_dims_to_shape(const std::vector<index_t>& bart_dims);
/// Tweed shape -> BART dims (reversed, padded with 1s to 16).
std::vector<index_t> shape_to_cfl_dims(const Shape& shape);

/// Reads the header and checks that the .cfl file holds exactly the bytes its dims need; returns
/// the Tweed (row-major) shape. Throws IoError naming the file that disagrees.
Shape check_cfl(const std::string& name);
Array<cfloat> read_cfl(const std::string& name);
void write_cfl(const std::string& name, const Array<cfloat>& data);

}  // namespace tweed::io
