// AnyArray: an Array whose element type is known only at run time (what a file stored).
//
// Readers that keep the stored type (read_hdf5_any) return one; `to_array<T>` converts to the
// type a caller needs with the io layer's conversion rules:
//   real -> real     float32 <-> float64, rounding to nearest on narrowing
//   real -> complex  imaginary part 0
//   complex -> complex  precision changed per component
//   complex -> real  refused (IoError): dropping the imaginary part silently loses data; take
//                    magnitude() or the real part explicitly instead
#pragma once

#include <string>
#include <variant>

#include "tweed/core/array.hpp"
#include "tweed/core/ops.hpp"

namespace tweed::io {

using AnyArray = std::variant<Array<float>, Array<double>, Array<cfloat>, Array<cdouble>>;

DType element_type(const AnyArray& a);
const Shape& shape_of(const AnyArray& a);

/// True when a value of type `from` may be read as `to` under the rules above.
bool convertible(DType from, DType to);

/// Converts (or moves, when the type already matches) to Array<T>. `subject` names the source
/// in the error, e.g. "scan.h5: dataset 'kspace'".
template <Element T>
Array<T> to_array(AnyArray&& a, const std::string& subject) {
  if (auto* same = std::get_if<Array<T>>(&a)) return std::move(*same);
  if (!convertible(element_type(a), dtype_of<T>()))
    throw IoError(subject, "holds " + dtype_name(element_type(a)) +
                               " values; cannot read them as " + dtype_name(dtype_of<T>()) +
                               " (take the magnitude or real part explicitly)");
  return std::visit([](const auto& x) { return convert<T>(x); }, a);
}

/// Throws IoError naming `subject` when `a` holds NaN or Inf, with the count and the row-major
/// index of the first one, e.g. "scan.h5: dataset 'x' holds 3 NaN/Inf values (first at [0, 4])".
template <Element T>
void require_finite_data(const Array<T>& a, const std::string& subject);
void require_finite_data(const AnyArray& a, const std::string& subject);

}  // namespace tweed::io
