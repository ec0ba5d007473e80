#include "tweed/io/any_array.hpp"

#include <cmath>

namespace tweed::io {

DType element_type(const AnyArray& a) {
  return std::visit(
      [](const auto& x) {
        return tweed::dtype_of<typename std::decay_t<decltype(x)>::value_type>();
      },
      a);
}

const Shape& shape_of(const AnyArray& a) {
  return std::visit([](const auto& x) -> const Shape& { return x.shape(); }, a);
}

bool convertible(DType from, DType to) {
  return !(dtype_is_complex(from) && !dtype_is_complex(to));
}

namespace {
template <class T>
bool finite(const T& v) {
  if constexpr (is_complex_v<T>)
    return std::isfinite(v.real()) && std::isfinite(v.imag());
  else
    return std::isfinite(v);
}
}  // namespace

template <Element T>
void require_finite_data(const Array<T>& a, const std::string& subject) {
  if (all_finite(a)) return;
  // Only the failing case pays for the count and the index of the first bad value.
  index_t count = 0;
  index_t first = -1;
  for (index_t i = 0; i < a.size(); ++i) {
    if (!finite(a[i])) {
      if (first < 0) first = i;
      ++count;
    }
  }
  std::string where = "[";
  const Shape& s = a.shape();
  std::vector<index_t> idx(static_cast<std::size_t>(s.rank()));
  index_t rest = first;
  for (int ax = s.rank() - 1; ax >= 0; --ax) {
    idx[static_cast<std::size_t>(ax)] = rest % s[ax];
    rest /= s[ax];
  }
  for (std::size_t k = 0; k < idx.size(); ++k) where += (k ? ", " : "") + std::to_string(idx[k]);
  where += "]";
  throw IoError(subject, "holds " + std::to_string(count) + " NaN/Inf value" +
                             (count == 1 ? "" : "s") + " (first at " + where + ")");
}

template void require_finite_data(const Array<float>&, const std::string&);
template void require_finite_data(const Array<double>&, const std::string&);
template void require_finite_data(const Array<cfloat>&, const std::string&);
template void require_finite_data(const Array<cdouble>&, const std::string&);

void require_finite_data(const AnyArray& a, const std::string& subject) {
  std::visit([&](const auto& x) { require_finite_data(x, subject); }, a);
}

}  // namespace tweed::io
