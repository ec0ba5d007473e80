// One detector's strain time series as Tweed's gw module passes it around: the samples, their
// timing, the detector, GWOSC's data-quality mask, and (for simulations) the clean injection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tweed/core/array.hpp"

namespace tweed::gw {

struct Strain {
  /// Dimensionless strain h(t_0 + i / sample_rate), rank 1. Owned.
  Array<double> samples;
  /// Samples per second (Hz), > 0. GWOSC publishes 4096 and 16384 Hz.
  double sample_rate = 0;
  /// GPS time (s) of samples[0] (GWOSC's Xstart).
  double gps_start = 0;
  /// Interferometer name as GWOSC writes it ("H1", "L1", "V1"); may be empty.
  std::string detector;
  /// The clean signal that was added to the noise (simulations), same length as samples.
  std::optional<Array<double>> injection;
  /// GWOSC quality/simple/DQmask: one bitmask per second (bit 0 = DATA, 1 = CBC_CAT1, ...).
  /// Empty when the file has none.
  std::vector<std::int64_t> dq_mask;
  /// GWOSC meta/* datasets rendered as text (Description, Observatory, Type, UTCstart, ...), for
  /// display and to carry them through a read-modify-write; numbers as shortest round-trip text.
  std::map<std::string, std::string> meta;

  index_t size() const { return samples.size(); }
  /// Length in seconds.
  double duration() const {
    return sample_rate > 0 ? static_cast<double>(size()) / sample_rate : 0;
  }
};

}  // namespace tweed::gw
