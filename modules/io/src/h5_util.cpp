#include "h5_util.hpp"

#include <filesystem>

#include <cstring>

#include "tweed/core/error.hpp"

namespace tweed::io::h5 {

void quiet() {
  thread_local bool done = false;
  if (!done) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    done = true;
  }
}

namespace {
herr_t innermost(unsigned n, const H5E_error2_t* err, void* out) {
  // Walking upward, entry 0 is the innermost (where the failure started): the most specific
  // message, e.g. "truncated file: eof = 1024, ..." rather than "unable to open file".
  if (n == 0 && err->desc) *static_cast<std::string*>(out) = err->desc;
  return 0;
}
}  // namespace

std::string last_error() {
  std::string msg;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &msg);
  H5Eclear2(H5E_DEFAULT);
  return msg;
}

void fail(const std::string& file, const std::string& problem) {
  const std::string reason = last_error();
  throw IoError(file, reason.empty() ? problem : problem + " (" + reason + ")");
}

hid_t check_id(hid_t id, const std::string& file, const std::string& problem) {
  if (id < 0) fail(file, problem);
  return id;
}

void check_ok(herr_t status, const std::string& file, const std::string& problem) {
  if (status < 0) fail(file, problem);
}

std::string normalize(const std::string& name) {
  std::size_t b = 0;
  while (b < name.size() && name[b] == '/') ++b;
  std::size_t e = name.size();
  while (e > b && name[e - 1] == '/') --e;
  if (b == e) return "/";
  return name.substr(b, e - b);
}

namespace {
Handle complex_of(hid_t real, std::size_t size) {
  Handle t(H5Tcreate(H5T_COMPOUND, 2 * size), H5Tclose);
  // h5py recognises a two-member compound named r and i as complex.
  H5Tinsert(t.get(), "r", 0, real);
  H5Tinsert(t.get(), "i", size, real);
  return t;
}
}  // namespace

Handle memory_type(DType t) {
  switch (t) {
    case DType::f32:
      return Handle(H5Tcopy(H5T_NATIVE_FLOAT), H5Tclose);
    case DType::f64:
      return Handle(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose);
    case DType::c64:
      return complex_of(H5T_NATIVE_FLOAT, sizeof(float));
    case DType::c128:
      return complex_of(H5T_NATIVE_DOUBLE, sizeof(double));
  }
  return {};
}

Handle file_type(DType t) {
  switch (t) {
    case DType::f32:
      return Handle(H5Tcopy(H5T_IEEE_F32LE), H5Tclose);
    case DType::f64:
      return Handle(H5Tcopy(H5T_IEEE_F64LE), H5Tclose);
    case DType::c64:
      return complex_of(H5T_IEEE_F32LE, 4);
    case DType::c128:
      return complex_of(H5T_IEEE_F64LE, 8);
  }
  return {};
}

namespace {
std::string member_name(hid_t type, unsigned i) {
  char* n = H5Tget_member_name(type, i);
  std::string s = n ? n : "";
  H5free_memory(n);
  return s;
}
}  // namespace

StoredType classify(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      if (size <= 2) return {"float16", DType::f32};
      if (size == 4) return {"float32", DType::f32};
      if (size == 8) return {"float64", DType::f64};
      return {"float" + std::to_string(8 * size), DType::f64};
    case H5T_INTEGER: {
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      return {std::string(is_signed ? "int" : "uint") + std::to_string(8 * size),
              size <= 2 ? DType::f32 : DType::f64};
    }
    case H5T_COMPOUND: {
      if (H5Tget_nmembers(type) == 2 && member_name(type, 0) == "r" &&
          member_name(type, 1) == "i") {
        Handle r(H5Tget_member_type(type, 0), H5Tclose);
        Handle i(H5Tget_member_type(type, 1), H5Tclose);
        if (H5Tget_class(r.get()) == H5T_FLOAT && H5Tget_class(i.get()) == H5T_FLOAT &&
            H5Tget_size(r.get()) == H5Tget_size(i.get())) {
          const std::size_t part = H5Tget_size(r.get());
          if (part == 4) return {"complex64", DType::c64, true};
          if (part == 8) return {"complex128", DType::c128, true};
        }
      }
      return {"compound", std::nullopt};
    }
    case H5T_STRING:
      return {"string", std::nullopt};
    case H5T_ENUM:
      return {"enum", std::nullopt};
    case H5T_ARRAY:
      return {"array", std::nullopt};
    case H5T_VLEN:
      return {"vlen", std::nullopt};
    case H5T_OPAQUE:
      return {"opaque", std::nullopt};
    case H5T_REFERENCE:
      return {"reference", std::nullopt};
    case H5T_BITFIELD:
      return {"bitfield", std::nullopt};
    default:
      return {"unknown", std::nullopt};
  }
}

bool is_hdf5_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  quiet();
  if (H5Fis_hdf5(path.c_str()) > 0) return true;
  H5Eclear2(H5E_DEFAULT);
  return false;
}

}  // namespace tweed::io::h5
