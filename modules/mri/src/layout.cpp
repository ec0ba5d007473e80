// Grids of the MRI layouts and the reshape from BART's column-major dims.
#include "tweed/mri/layout.hpp"

#include <cmath>

#include "tweed/core/error.hpp"

namespace tweed::mri {

std::string Grid::str() const {
  return std::to_string(nz) + " x " + std::to_string(ny) + " x " + std::to_string(nx);
}

Grid kspace_grid(const Array<cfloat>& kspace) {
  const Shape& s = kspace.shape();
  if (s.rank() != 4)
    throw ShapeMismatch("k-space", "expected [coils, z, y, x], got shape " + s.str());
  return {s[1], s[2], s[3]};
}

Grid maps_grid(const Array<cfloat>& maps) {
  const Shape& s = maps.shape();
  if (s.rank() != 5)
    throw ShapeMismatch("coil maps", "expected [maps, coils, z, y, x], got shape " + s.str());
  return {s[2], s[3], s[4]};
}

namespace {

// BART dimension names (src/misc/mri.h), for messages.
const char* bart_dim_name(std::size_t d) {
  static const char* names[] = {"READ",  "PHS1",   "PHS2", "COIL",   "MAPS", "TE",
                                "COEFF", "COEFF2", "ITER", "CSHIFT", "TIME", "TIME2",
                                "LEVEL", "SLICE",  "AVG",  "BATCH"};
  return d < 16 ? names[d] : "extra";
}

const char* role_name(BartRole role) {
  switch (role) {
    case BartRole::kspace:
      return "k-space";
    case BartRole::maps:
      return "coil maps";
    case BartRole::image:
      return "image";
    case BartRole::mask:
      return "mask";
  }
  return "array";
}

// The first five BART dims (x, y, z, coil, maps), after checking that the rest are 1.
std::vector<index_t> leading_dims(const std::vector<index_t>& bart_dims, BartRole role,
                                  const std::string& name) {
  std::vector<index_t> d(5, 1);
  for (std::size_t i = 0; i < bart_dims.size(); ++i) {
    if (i < 5) {
      d[i] = bart_dims[i];
    } else if (bart_dims[i] != 1) {
      throw Unsupported(
          name, std::string("BART dimension ") + std::to_string(i) + " (" + bart_dim_name(i) +
                    ") is " + std::to_string(bart_dims[i]) + "; a " + role_name(role) +
                    " may only use x, y, z, coil" +
                    (role == BartRole::maps || role == BartRole::image ? ", maps" : ""));
    }
  }
  if ((role == BartRole::kspace || role == BartRole::mask) && d[4] != 1)
    throw ShapeMismatch(name, std::string("a ") + role_name(role) +
                                  " must have MAPS = 1, but it is " + std::to_string(d[4]));
  if (role == BartRole::mask && d[3] != 1)
    throw ShapeMismatch(name, "a mask must have COIL = 1, but it is " + std::to_string(d[3]));
  if (role == BartRole::image && d[3] != 1)
    throw ShapeMismatch(name, "an image must have COIL = 1, but it is " + std::to_string(d[3]));
  return d;
}

}  // namespace

Array<cfloat> from_bart(const Array<cfloat>& data, const std::vector<index_t>& bart_dims,
                        BartRole role, const std::string& name) {
  const std::vector<index_t> d = leading_dims(bart_dims, role, name);
  Shape shape;
  switch (role) {
    case BartRole::kspace:
      shape = Shape{d[3], d[2], d[1], d[0]};
      break;
    case BartRole::maps:
      shape = Shape{d[4], d[3], d[2], d[1], d[0]};
      break;
    case BartRole::image:
      shape = Shape{d[4], d[2], d[1], d[0]};
      break;
    case BartRole::mask:
      shape = Shape{d[2], d[1], d[0]};
      break;
  }
  if (shape.size() != data.size())
    throw ShapeMismatch(name, "holds " + std::to_string(data.size()) +
                                  " values, but its dims need " + std::to_string(shape.size()));
  Array<cfloat> out = data;
  out.reshape(shape);
  return out;
}

Array<float> mask_from_bart(const Array<cfloat>& data, const std::vector<index_t>& bart_dims,
                            const std::string& name) {
  const Array<cfloat> m = from_bart(data, bart_dims, BartRole::mask, name);
  Array<float> out(m.shape(), uninitialized);
  for (index_t i = 0; i < m.size(); ++i) {
    const cfloat v = m.data()[i];
    if (!std::isfinite(v.real()) || !std::isfinite(v.imag()))
      throw InvalidInput(name, "the mask holds a NaN or Inf at element " + std::to_string(i));
    if (v.imag() != 0.0f || v.real() < 0.0f)
      throw InvalidInput(name, "a mask must be real and non-negative; element " +
                                   std::to_string(i) + " is (" + std::to_string(v.real()) + ", " +
                                   std::to_string(v.imag()) + ")");
    out.data()[i] = v.real();
  }
  return out;
}

}  // namespace tweed::mri
