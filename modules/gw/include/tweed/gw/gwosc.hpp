// Reading and writing strain in the formats of the Gravitational Wave Open Science Center
// (GWOSC, gwosc.org), and Tweed's output in the same layout.
//
// HDF5 (GWOSC "hdf5" product, 32 s event files and 4096 s bulk files, 4096 or 16384 Hz):
//   strain/Strain              float64 [N]; attributes Xstart (GPS of sample 0), Xspacing (s),
//                              Npoints, Xunits, Xlabel, Ylabel
//   meta/{GPSstart, Duration, Detector, Observatory, Type, UTCstart, Description, ...}
//                              scalar datasets (integers, floats or strings)
//   quality/simple/DQmask      integer [Duration] bitmask at 1 Hz (+ DQShortnames, ...)
// Reading requires strain/Strain and its Xspacing; Xstart falls back to meta/GPSstart; Npoints,
// when present, must equal the length (a mismatch means a damaged file). The sample rate is
// 1/Xspacing, rounded to the nearest integer when within 1e-9 of it (Xspacing = 2^-12 or 2^-14).
// Tweed additionally reads (and writes) injection/signal (float64 [N]), the clean injected
// signal of a simulation, and the root attribute "provenance" (JSON). Files written by Tweed
// carry the GWOSC layout above (h5py and GWOSC's own readers open them) plus root attributes
// tweed_format = "gw-strain" and whatever the caller adds.
//
// ASCII (GWOSC "txt" product, optionally gzip-compressed ".txt.gz"): three header lines
//   # Gravitational wave strain for <dataset> for <detector> (see http://...)
//   # This file has <rate> samples per second
//   # starting GPS <gps> duration <seconds>
// then one sample per line. The rate and the GPS start are required; when the duration is given
// the sample count must be rate x duration (fewer means a truncated file). Other '#' lines and
// blank lines are ignored; several whitespace-separated samples on one line are accepted.
//
// Errors: every problem of a file is a tweed::IoError whose message starts with the file path:
// a missing strain/Strain or Xspacing, a length that disagrees with Npoints or the header, a
// non-finite sample (named by index), a malformed ASCII token (named by line), a truncated gzip
// stream, an unknown extension.
#pragma once

#include <string>

#include "tweed/gw/strain.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::gw {

/// Reads a GWOSC (or Tweed) strain HDF5 file.
Strain read_gwosc_hdf5(const std::string& path);
/// Reads a GWOSC ASCII strain file, plain or gzip-compressed (detected from the content).
Strain read_gwosc_ascii(const std::string& path);
/// Dispatches on the extension: .hdf5/.h5/.hdf -> HDF5; .txt/.txt.gz/.gz -> ASCII.
Strain read_strain(const std::string& path);

struct StrainWriteOptions {
  /// Provenance record (JSON) stored as the root attribute "provenance"; empty = none.
  std::string provenance_json;
  /// Extra root attributes (method, lambda, seeds, ...).
  io::Attributes attributes;
  /// gzip level 0..9 for strain/Strain and injection/signal (GWOSC files use 9; 0 = none).
  int gzip = 0;
};

/// Writes `strain` atomically (temporary file, then rename) in the GWOSC HDF5 layout described
/// above, with injection/signal when strain.injection is set. Throws InvalidInput for an empty
/// series, a non-positive rate or an injection of another length; IoError if writing fails.
void write_strain(const std::string& path, const Strain& strain,
                  const StrainWriteOptions& options = {});

/// Throws IoError("<subject>: <what> has a non-finite sample (NaN|Inf) at index i") at the first
/// NaN or Inf.
void require_finite(const Array<double>& x, const std::string& subject, const std::string& what);

}  // namespace tweed::gw
