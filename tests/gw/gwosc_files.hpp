// Test helpers: GWOSC-layout strain files written with the HDF5 C API exactly as GWOSC's files
// are laid out (integer Xstart/Npoints, fixed-length byte strings in meta/, int32 DQmask), and
// GWOSC ASCII files, plain or gzip-compressed.
#pragma once

#include <hdf5.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace tweed::gw::test {

struct H5File {
  hid_t id;
  explicit H5File(const std::string& path)
      : id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) {}
  ~H5File() { H5Fclose(id); }
};

inline void put_doubles(hid_t loc, const char* name, const std::vector<double>& v) {
  const hsize_t n = v.size();
  hid_t s = H5Screate_simple(1, &n, nullptr);
  hid_t d = H5Dcreate2(loc, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(d);
  H5Sclose(s);
}
inline void put_ints(hid_t loc, const char* name, const std::vector<std::int32_t>& v) {
  const hsize_t n = v.size();
  hid_t s = H5Screate_simple(1, &n, nullptr);
  hid_t d = H5Dcreate2(loc, name, H5T_STD_I32LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(d);
  H5Sclose(s);
}
inline void put_attr_double(hid_t obj, const char* name, double v) {
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
  H5Aclose(a);
  H5Sclose(s);
}
inline void put_attr_int(hid_t obj, const char* name, long long v) {
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  H5Sclose(s);
}
inline void put_scalar_int(hid_t loc, const char* name, long long v) {
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t d = H5Dcreate2(loc, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v);
  H5Dclose(d);
  H5Sclose(s);
}
/// A fixed-length byte string, as h5py stores numpy.bytes_ values (GWOSC's meta strings).
inline void put_fixed_string(hid_t loc, const char* name, const std::string& v) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, v.size());
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t d = H5Dcreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(d);
  H5Sclose(s);
  H5Tclose(t);
}

struct GwoscSpec {
  std::vector<double> samples;
  double rate = 4096;
  long long gps = 1126259447;
  std::string detector = "H1";
  bool with_strain = true;
  bool with_xspacing = true;
  bool with_xstart = true;
  long long npoints_override = -1;  ///< >= 0: write this Npoints instead of the length
  std::vector<std::int32_t> dq;
};

/// Writes a file in GWOSC's HDF5 layout.
inline void write_gwosc_file(const std::string& path, const GwoscSpec& spec) {
  H5File f(path);
  hid_t meta = H5Gcreate2(f.id, "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  put_scalar_int(meta, "GPSstart", spec.gps);
  put_scalar_int(meta, "Duration",
                 static_cast<long long>(static_cast<double>(spec.samples.size()) / spec.rate));
  put_fixed_string(meta, "Detector", spec.detector);
  put_fixed_string(meta, "Observatory", spec.detector.substr(0, 1));
  put_fixed_string(meta, "Type", "StrainTimeSeries");
  put_fixed_string(meta, "Description", "Strain data time series from LIGO");
  H5Gclose(meta);
  hid_t strain = H5Gcreate2(f.id, "strain", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (spec.with_strain) {
    put_doubles(strain, "Strain", spec.samples);
    hid_t d = H5Dopen2(strain, "Strain", H5P_DEFAULT);
    if (spec.with_xstart) put_attr_int(d, "Xstart", spec.gps);
    if (spec.with_xspacing) put_attr_double(d, "Xspacing", 1.0 / spec.rate);
    put_attr_int(d, "Npoints",
                 spec.npoints_override >= 0 ? spec.npoints_override
                                            : static_cast<long long>(spec.samples.size()));
    H5Dclose(d);
  }
  H5Gclose(strain);
  if (!spec.dq.empty()) {
    hid_t q = H5Gcreate2(f.id, "quality", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t simple = H5Gcreate2(q, "simple", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    put_ints(simple, "DQmask", spec.dq);
    H5Gclose(simple);
    H5Gclose(q);
  }
}

/// The GWOSC ASCII header followed by `body` (already formatted sample lines).
inline std::string gwosc_ascii(double rate, long long gps, double duration, const std::string& body,
                               const std::string& detector = "L1") {
  char head[512];
  std::snprintf(head, sizeof head,
                "# Gravitational wave strain for GW150914_R1 for %s (see http://losc.ligo.org)\n"
                "# This file has %.0f samples per second\n"
                "# starting GPS %lld duration %.0f\n",
                detector.c_str(), rate, gps, duration);
  return head + body;
}

inline void write_gzip(const std::string& path, const std::string& content) {
  gzFile g = gzopen(path.c_str(), "wb");
  gzwrite(g, content.data(), static_cast<unsigned>(content.size()));
  gzclose(g);
}

}  // namespace tweed::gw::test
