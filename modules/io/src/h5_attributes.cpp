#include "h5_attributes.hpp"

#include <charconv>
#include <cstring>
#include <vector>

#include "h5_util.hpp"
#include "tweed/core/error.hpp"

namespace tweed::io::h5 {

namespace {

std::optional<AttributeValue> read_string(hid_t attr, hid_t type, hid_t space) {
  if (H5Sget_simple_extent_npoints(space) != 1) return std::nullopt;  // string arrays: skipped
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_cset(mem.get(), H5Tget_cset(type));
  if (H5Tis_variable_str(type) > 0) {
    H5Tset_size(mem.get(), H5T_VARIABLE);
    char* p = nullptr;
    if (H5Aread(attr, mem.get(), &p) < 0) return std::nullopt;
    std::string s = p ? p : "";
    // The library allocated the string; it must free it.
    H5free_memory(p);
    return s;
  }
  const std::size_t size = H5Tget_size(type);
  H5Tset_size(mem.get(), size);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  std::vector<char> buf(size + 1, '\0');
  if (H5Aread(attr, mem.get(), buf.data()) < 0) return std::nullopt;
  std::string s(buf.data(), strnlen(buf.data(), size));
  while (!s.empty() && s.back() == ' ') s.pop_back();  // space-padded (Fortran-style) strings
  return s;
}

std::optional<AttributeValue> read_number(hid_t attr, H5T_class_t cls, hid_t space) {
  const H5S_class_t space_class = H5Sget_simple_extent_type(space);
  if (space_class == H5S_NULL) return std::vector<double>{};
  if (space_class == H5S_SCALAR) {
    if (cls == H5T_INTEGER) {
      std::int64_t v = 0;
      if (H5Aread(attr, H5T_NATIVE_INT64, &v) < 0) return std::nullopt;
      return v;
    }
    double v = 0;
    if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0) return std::nullopt;
    return v;
  }
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) return std::nullopt;
  std::vector<double> v(static_cast<std::size_t>(n));
  if (n > 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()) < 0) return std::nullopt;
  return v;
}

struct IterState {
  Attributes* out;
};

herr_t on_attribute(hid_t object, const char* name, const H5A_info_t*, void* data) {
  auto* st = static_cast<IterState*>(data);
  Handle attr(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (attr.get() < 0) return 0;
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  if (type.get() < 0 || space.get() < 0) return 0;
  const H5T_class_t cls = H5Tget_class(type.get());
  std::optional<AttributeValue> v;
  if (cls == H5T_STRING)
    v = read_string(attr.get(), type.get(), space.get());
  else if (cls == H5T_INTEGER || cls == H5T_FLOAT)
    v = read_number(attr.get(), cls, space.get());
  if (v) (*st->out)[name] = std::move(*v);
  return 0;
}

}  // namespace

Attributes read_attributes(hid_t object, const std::string& subject) {
  Attributes out;
  IterState st{&out};
  hsize_t idx = 0;
  // Skipped attributes (unsupported types, a failed read) clear their error so that it does not
  // leak into the reason of a later failure.
  if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &idx, on_attribute, &st) < 0)
    fail(subject, "cannot read attributes");
  H5Eclear2(H5E_DEFAULT);
  return out;
}

void write_attribute(hid_t object, const std::string& name, const AttributeValue& value,
                     const std::string& subject) {
  if (name.empty()) throw InvalidInput(subject, "attribute name is empty");
  const std::string what = "cannot write attribute '" + name + "'";
  if (H5Aexists(object, name.c_str()) > 0) check_ok(H5Adelete(object, name.c_str()), subject, what);

  Handle ftype, mtype, space;
  const void* data = nullptr;
  const char* text = nullptr;
  if (auto* s = std::get_if<std::string>(&value)) {
    // Variable-length UTF-8, as h5py writes a Python str: h5py reads it back as str, and the
    // text lives in the global heap, so long provenance records fit.
    ftype = Handle(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(ftype.get(), H5T_VARIABLE);
    H5Tset_cset(ftype.get(), H5T_CSET_UTF8);
    mtype = Handle(H5Tcopy(ftype.get()), H5Tclose);
    space = Handle(H5Screate(H5S_SCALAR), H5Sclose);
    text = s->c_str();
    data = &text;
  } else if (auto* d = std::get_if<double>(&value)) {
    ftype = Handle(H5Tcopy(H5T_IEEE_F64LE), H5Tclose);
    mtype = Handle(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose);
    space = Handle(H5Screate(H5S_SCALAR), H5Sclose);
    data = d;
  } else if (auto* i = std::get_if<std::int64_t>(&value)) {
    ftype = Handle(H5Tcopy(H5T_STD_I64LE), H5Tclose);
    mtype = Handle(H5Tcopy(H5T_NATIVE_INT64), H5Tclose);
    space = Handle(H5Screate(H5S_SCALAR), H5Sclose);
    data = i;
  } else {
    const auto& v = std::get<std::vector<double>>(value);
    ftype = Handle(H5Tcopy(H5T_IEEE_F64LE), H5Tclose);
    mtype = Handle(H5Tcopy(H5T_NATIVE_DOUBLE), H5Tclose);
    if (v.empty()) {
      space = Handle(H5Screate(H5S_NULL), H5Sclose);
    } else {
      const hsize_t n = v.size();
      space = Handle(H5Screate_simple(1, &n, nullptr), H5Sclose);
    }
    data = v.data();
  }
  Handle attr(
      check_id(H5Acreate2(object, name.c_str(), ftype.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
               subject, what),
      H5Aclose);
  if (data && H5Sget_simple_extent_type(space.get()) != H5S_NULL)
    check_ok(H5Awrite(attr.get(), mtype.get(), data), subject, what);
}

}  // namespace tweed::io::h5

namespace tweed::io {

namespace {
std::string number_text(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  return std::string(buf, r.ptr);
}
}  // namespace

std::string attribute_to_string(const AttributeValue& value) {
  if (auto* s = std::get_if<std::string>(&value)) return *s;
  if (auto* d = std::get_if<double>(&value)) return number_text(*d);
  if (auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  std::string out = "[";
  const auto& v = std::get<std::vector<double>>(value);
  for (std::size_t k = 0; k < v.size(); ++k) out += (k ? ", " : "") + number_text(v[k]);
  return out + "]";
}

}  // namespace tweed::io
