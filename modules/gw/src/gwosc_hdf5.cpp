// GWOSC HDF5 strain files: reading (numeric datasets through io::H5Reader, meta/* strings through
// the C API) and writing the same layout atomically.
#include <hdf5.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <sstream>

#include "tweed/core/atomic_output.hpp"
#include "tweed/core/error.hpp"
#include "tweed/gw/gwosc.hpp"
#include "tweed/io/h5_handle.hpp"

namespace tweed::gw {

namespace h5 = io::h5;
namespace {

// The shortest decimal text that reads back as v (meta/ values are stored as text in Strain).
std::string shortest(double v) {
  std::string text;
  for (int p = 1; p <= 17; ++p) {
    std::ostringstream t;
    t.precision(p);
    t << v;
    text = t.str();
    if (std::stod(text) == v) break;
  }
  return text;
}

double attribute_number(const io::Attributes& attrs, const std::string& name, bool& found) {
  found = false;
  auto it = attrs.find(name);
  if (it == attrs.end()) return 0;
  if (auto* d = std::get_if<double>(&it->second)) {
    found = true;
    return *d;
  }
  if (auto* i = std::get_if<std::int64_t>(&it->second)) {
    found = true;
    return static_cast<double>(*i);
  }
  if (auto* v = std::get_if<std::vector<double>>(&it->second); v && v->size() == 1) {
    found = true;
    return (*v)[0];
  }
  return 0;
}

// Reads one scalar (or one-element) dataset of meta/ as text; "" when it is of another kind.
std::string read_scalar_text(hid_t dset) {
  h5::Handle type(H5Dget_type(dset), H5Tclose);
  h5::Handle space(H5Dget_space(dset), H5Sclose);
  if (!type.valid() || !space.valid()) return {};
  const hssize_t npoints = H5Sget_simple_extent_npoints(space.get());
  if (npoints != 1) return {};
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls == H5T_STRING) {
    if (H5Tis_variable_str(type.get()) > 0) {
      h5::Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mem.get(), H5T_VARIABLE);
      H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
      char* p = nullptr;
      if (H5Dread(dset, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0) return {};
      std::string s = p ? p : "";
      H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, &p);
      return s;
    }
    const std::size_t size = H5Tget_size(type.get());
    std::string buf(size + 1, '\0');
    h5::Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), size + 1);
    H5Tset_strpad(mem.get(), H5T_STR_NULLTERM);
    if (H5Dread(dset, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) return {};
    return std::string(buf.c_str());
  }
  if (cls == H5T_INTEGER) {
    long long v = 0;
    if (H5Dread(dset, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) < 0) return {};
    return std::to_string(v);
  }
  if (cls == H5T_FLOAT) {
    double v = 0;
    if (H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) < 0) return {};
    return shortest(v);
  }
  return {};
}

std::map<std::string, std::string> read_meta(const std::string& path) {
  h5::quiet();
  std::map<std::string, std::string> meta;
  h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw IoError(path, "HDF5 cannot open the file");
  if (H5Lexists(file.get(), "meta", H5P_DEFAULT) <= 0) return meta;
  h5::Handle group(H5Gopen2(file.get(), "meta", H5P_DEFAULT), H5Gclose);
  if (!group.valid()) return meta;
  H5G_info_t info{};
  if (H5Gget_info(group.get(), &info) < 0) return meta;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr,
                                           0, H5P_DEFAULT);
    if (len <= 0) continue;
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    h5::Handle object(H5Oopen(group.get(), name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!object.valid() || H5Iget_type(object.get()) != H5I_DATASET) continue;
    h5::Handle dset(H5Dopen2(group.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dset.valid()) continue;
    std::string text = read_scalar_text(dset.get());
    if (!text.empty()) meta[name] = std::move(text);
  }
  return meta;
}

double sample_rate_from_spacing(double dx, const std::string& path) {
  if (!(dx > 0) || !std::isfinite(dx))
    throw IoError(path, "strain/Strain attribute Xspacing is " + shortest(dx) +
                            " (must be a positive sampling interval in seconds)");
  const double rate = 1.0 / dx;
  const double rounded = std::round(rate);
  return std::abs(rate - rounded) <= 1e-9 * rate ? rounded : rate;
}

}  // namespace

void require_finite(const Array<double>& x, const std::string& subject, const std::string& what) {
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      throw IoError(subject, what + " has a non-finite sample (" +
                                 (std::isnan(x[i]) ? std::string("NaN") : std::string("Inf")) +
                                 ") at index " + std::to_string(i));
}

Strain read_gwosc_hdf5(const std::string& path) {
  io::H5Reader reader(path);
  if (!reader.has_dataset("strain/Strain")) {
    const auto names = reader.dataset_names();
    std::string has;
    for (std::size_t i = 0; i < names.size() && i < 8; ++i) has += (i ? ", " : "") + names[i];
    throw IoError(path, "no dataset 'strain/Strain' (not a GWOSC strain file; has: " +
                            (has.empty() ? std::string("nothing") : has) + ")");
  }
  Strain s;
  s.samples = reader.read<double>("strain/Strain", 1);
  const io::Attributes attrs = reader.attributes("strain/Strain");
  bool found = false;
  const double dx = attribute_number(attrs, "Xspacing", found);
  if (!found)
    throw IoError(path, "strain/Strain has no attribute 'Xspacing' (the sampling interval)");
  s.sample_rate = sample_rate_from_spacing(dx, path);

  s.meta = read_meta(path);
  s.gps_start = attribute_number(attrs, "Xstart", found);
  if (!found) {
    auto it = s.meta.find("GPSstart");
    if (it == s.meta.end())
      throw IoError(path, "strain/Strain has no attribute 'Xstart' and there is no meta/GPSstart");
    try {
      s.gps_start = std::stod(it->second);
    } catch (const std::exception&) {
      throw IoError(path, "meta/GPSstart is not a number: '" + it->second + "'");
    }
  }
  const double npoints = attribute_number(attrs, "Npoints", found);
  if (found && npoints != static_cast<double>(s.samples.size()))
    throw IoError(path, "strain/Strain has " + std::to_string(s.samples.size()) +
                            " samples but its attribute Npoints says " + shortest(npoints));
  if (s.samples.size() == 0) throw IoError(path, "strain/Strain is empty");
  require_finite(s.samples, path, "strain/Strain");
  if (auto it = s.meta.find("Detector"); it != s.meta.end()) s.detector = it->second;

  if (reader.has_dataset("quality/simple/DQmask")) {
    const Array<double> dq = reader.read<double>("quality/simple/DQmask", 1);
    s.dq_mask.reserve(static_cast<std::size_t>(dq.size()));
    for (double v : dq) s.dq_mask.push_back(static_cast<std::int64_t>(v));
  }
  if (reader.has_dataset("injection/signal")) {
    Array<double> inj = reader.read<double>("injection/signal", 1);
    if (inj.size() != s.samples.size())
      throw IoError(path, "injection/signal has " + std::to_string(inj.size()) +
                              " samples, strain/Strain has " + std::to_string(s.samples.size()));
    require_finite(inj, path, "injection/signal");
    s.injection = std::move(inj);
  }
  return s;
}

namespace {

class Writer {
 public:
  Writer(std::string target, hid_t file) : target_(std::move(target)), file_(file) {}

  void check(herr_t status, const std::string& what) const {
    if (status < 0) throw IoError(target_, "HDF5 failed to write " + what);
  }
  hid_t require(hid_t id, const std::string& what) const {
    if (id < 0) throw IoError(target_, "HDF5 failed to create " + what);
    return id;
  }

  void group(const std::string& name) {
    h5::Handle g(require(H5Gcreate2(file_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                         "group " + name),
                 H5Gclose);
  }

  void series(const std::string& name, const Array<double>& x, int gzip) {
    const hsize_t n = static_cast<hsize_t>(x.size());
    h5::Handle space(require(H5Screate_simple(1, &n, nullptr), name), H5Sclose);
    h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (gzip > 0) {
      const hsize_t chunk = std::min<hsize_t>(n, 131072);
      check(H5Pset_chunk(dcpl.get(), 1, &chunk), name + " chunks");
      check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(gzip)), name + " compression");
    }
    h5::Handle d(require(H5Dcreate2(file_, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                    dcpl.get(), H5P_DEFAULT),
                         "dataset " + name),
                 H5Dclose);
    check(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x.data()), name);
  }

  void int_series(const std::string& name, const std::vector<std::int64_t>& v) {
    const hsize_t n = v.size();
    h5::Handle space(require(H5Screate_simple(1, &n, nullptr), name), H5Sclose);
    std::vector<std::int32_t> data(v.begin(), v.end());  // GWOSC stores DQmask as int32
    h5::Handle d(require(H5Dcreate2(file_, name.c_str(), H5T_STD_I32LE, space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                         "dataset " + name),
                 H5Dclose);
    check(H5Dwrite(d.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), name);
  }

  // Scalar datasets of meta/: integers as int64, other numbers float64, the rest strings.
  void scalar_text(const std::string& name, const std::string& text, bool as_number) {
    h5::Handle space(require(H5Screate(H5S_SCALAR), name), H5Sclose);
    if (as_number) {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (end && *end == '\0' && !text.empty()) {
        if (v == std::floor(v) && std::abs(v) < 9e15) {
          const long long i = static_cast<long long>(v);
          h5::Handle d(require(H5Dcreate2(file_, name.c_str(), H5T_STD_I64LE, space.get(),
                                          H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                               name),
                       H5Dclose);
          check(H5Dwrite(d.get(), H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &i), name);
        } else {
          h5::Handle d(require(H5Dcreate2(file_, name.c_str(), H5T_IEEE_F64LE, space.get(),
                                          H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                               name),
                       H5Dclose);
          check(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v), name);
        }
        return;
      }
    }
    h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    h5::Handle d(require(H5Dcreate2(file_, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                         name),
                 H5Dclose);
    const char* p = text.c_str();
    check(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), name);
  }

  void attribute(const std::string& object, const std::string& name,
                 const io::AttributeValue& value) {
    h5::Handle obj(require(H5Oopen(file_, object.c_str(), H5P_DEFAULT), object), H5Oclose);
    if (H5Aexists(obj.get(), name.c_str()) > 0) H5Adelete(obj.get(), name.c_str());
    const std::string what = "attribute " + name + " of " + object;
    if (auto* s = std::get_if<std::string>(&value)) {
      h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(type.get(), H5T_VARIABLE);
      H5Tset_cset(type.get(), H5T_CSET_UTF8);
      h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
      h5::Handle a(require(H5Acreate2(obj.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                      H5P_DEFAULT),
                           what),
                   H5Aclose);
      const char* p = s->c_str();
      check(H5Awrite(a.get(), type.get(), &p), what);
    } else if (auto* d = std::get_if<double>(&value)) {
      h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
      h5::Handle a(require(H5Acreate2(obj.get(), name.c_str(), H5T_IEEE_F64LE, space.get(),
                                      H5P_DEFAULT, H5P_DEFAULT),
                           what),
                   H5Aclose);
      check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, d), what);
    } else if (auto* i = std::get_if<std::int64_t>(&value)) {
      h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
      h5::Handle a(require(H5Acreate2(obj.get(), name.c_str(), H5T_STD_I64LE, space.get(),
                                      H5P_DEFAULT, H5P_DEFAULT),
                           what),
                   H5Aclose);
      const long long v = *i;
      check(H5Awrite(a.get(), H5T_NATIVE_LLONG, &v), what);
    } else if (auto* v = std::get_if<std::vector<double>>(&value)) {
      const hsize_t n = v->size();
      h5::Handle space(n ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_NULL), H5Sclose);
      h5::Handle a(require(H5Acreate2(obj.get(), name.c_str(), H5T_IEEE_F64LE, space.get(),
                                      H5P_DEFAULT, H5P_DEFAULT),
                           what),
                   H5Aclose);
      if (n) check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, v->data()), what);
    }
  }

 private:
  std::string target_;
  hid_t file_;
};

}  // namespace

void write_strain(const std::string& path, const Strain& strain,
                  const StrainWriteOptions& options) {
  if (strain.samples.rank() != 1 || strain.samples.size() == 0)
    throw InvalidInput(path, "strain to write must be a non-empty 1-D series");
  if (!(strain.sample_rate > 0) || !std::isfinite(strain.sample_rate))
    throw InvalidInput(path, "sample rate must be positive");
  if (strain.injection && strain.injection->size() != strain.samples.size())
    throw InvalidInput(path, "injection has " + std::to_string(strain.injection->size()) +
                                 " samples, strain has " + std::to_string(strain.samples.size()));
  if (options.gzip < 0 || options.gzip > 9)
    throw InvalidInput("gzip", "level must be 0..9, got " + std::to_string(options.gzip));

  h5::quiet();
  AtomicOutput out(path);
  {
    h5::Handle file(H5Fcreate(out.temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                    H5Fclose);
    if (!file.valid()) throw IoError(path, "HDF5 cannot create the file");
    Writer w(path, file.get());
    const double dt = 1.0 / strain.sample_rate;
    const double duration = strain.duration();

    w.group("strain");
    w.series("strain/Strain", strain.samples, options.gzip);
    w.attribute("strain/Strain", "Xstart", strain.gps_start);
    w.attribute("strain/Strain", "Xspacing", dt);
    w.attribute("strain/Strain", "Npoints", static_cast<std::int64_t>(strain.samples.size()));
    w.attribute("strain/Strain", "Xunits", std::string("second"));
    w.attribute("strain/Strain", "Xlabel", std::string("GPS time"));
    w.attribute("strain/Strain", "Ylabel", std::string("Strain"));

    // meta/: the caller's values first, then the ones the series itself defines.
    std::map<std::string, std::string> meta = strain.meta;
    meta["GPSstart"] = shortest(strain.gps_start);
    meta["Duration"] = shortest(duration);
    if (!strain.detector.empty()) {
      meta["Detector"] = strain.detector;
      if (!meta.count("Observatory")) meta["Observatory"] = strain.detector.substr(0, 1);
    }
    if (!meta.count("Type")) meta["Type"] = "StrainTimeSeries";
    w.group("meta");
    for (const auto& [key, value] : meta) {
      const bool numeric = key == "GPSstart" || key == "Duration";
      w.scalar_text("meta/" + key, value, numeric);
    }

    if (!strain.dq_mask.empty()) {
      w.group("quality");
      w.group("quality/simple");
      w.int_series("quality/simple/DQmask", strain.dq_mask);
      w.attribute("quality/simple/DQmask", "Xstart", strain.gps_start);
      w.attribute("quality/simple/DQmask", "Xspacing", 1.0);
      w.attribute("quality/simple/DQmask", "Npoints",
                  static_cast<std::int64_t>(strain.dq_mask.size()));
    }
    if (strain.injection) {
      w.group("injection");
      w.series("injection/signal", *strain.injection, options.gzip);
      w.attribute("injection/signal", "Xstart", strain.gps_start);
      w.attribute("injection/signal", "Xspacing", dt);
    }
    w.attribute("/", "tweed_format", std::string("gw-strain"));
    for (const auto& [key, value] : options.attributes) w.attribute("/", key, value);
    if (!options.provenance_json.empty()) w.attribute("/", "provenance", options.provenance_json);
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw IoError(path, "HDF5 flush failed");
  }
  out.commit();
}

}  // namespace tweed::gw
