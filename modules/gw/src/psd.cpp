// PSD models, PSD files and resampling between grids.
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "tweed/core/error.hpp"
#include "tweed/gw/psd.hpp"

namespace tweed::gw {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

void check_grid(index_t n, double sample_rate, const char* who) {
  if (n < 2) throw InvalidInput(who, "series length must be at least 2, got " + std::to_string(n));
  if (!(sample_rate > 0) || !std::isfinite(sample_rate))
    throw InvalidInput(who, "sample rate must be positive");
}
}  // namespace

double aligo_design_psd(double f) {
  if (!(f > 0)) return kInf;
  const double x = f / 215.0;
  const double x2 = x * x;
  return 1e-49 *
         (std::pow(x, -4.14) - 5.0 / x2 + 111.0 * (1.0 - x2 + 0.5 * x2 * x2) / (1.0 + 0.5 * x2));
}

Psd aligo_design_psd(index_t n, double sample_rate, double f_low) {
  check_grid(n, sample_rate, "aligo_design_psd");
  if (!(f_low >= 10.0))
    throw InvalidInput("aligo_design_psd", "f_low must be >= 10 Hz (the fit's range)");
  Psd p{n, sample_rate, Array<double>(Shape{n / 2 + 1})};
  for (index_t k = 0; k < p.bins(); ++k) {
    const double f = p.frequency(k);
    p.values[k] = f < f_low ? kInf : aligo_design_psd(f);
  }
  return p;
}

PsdTable read_psd_file(const std::string& path, PsdFileColumn column) {
  std::ifstream in(path);
  if (!in) throw IoError(path, "cannot open the PSD file");
  PsdTable t;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    for (char& c : line)
      if (c == ',' || c == '\t' || c == '\r') c = ' ';
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] == '#' || line[first] == '%') continue;
    std::istringstream s(line);
    double f = 0, v = 0;
    if (!(s >> f >> v))
      throw IoError(path, "line " + std::to_string(line_no) + ": expected two numbers 'f value'");
    if (!std::isfinite(f) || !std::isfinite(v) || f <= 0 || v <= 0)
      throw IoError(path, "line " + std::to_string(line_no) +
                              ": frequency and value must be positive and finite");
    if (!t.frequency.empty() && f <= t.frequency.back())
      throw IoError(path, "line " + std::to_string(line_no) + ": frequencies must increase");
    t.frequency.push_back(f);
    t.value.push_back(column == PsdFileColumn::kAsd ? v * v : v);
  }
  if (t.frequency.size() < 2) throw IoError(path, "a PSD file needs at least two points");
  return t;
}

Psd psd_on_grid(const PsdTable& table, index_t n, double sample_rate, double f_low) {
  check_grid(n, sample_rate, "psd_on_grid");
  if (table.frequency.size() < 2 || table.frequency.size() != table.value.size())
    throw InvalidInput("psd_on_grid", "the table needs at least two (f, S) points");
  Psd p{n, sample_rate, Array<double>(Shape{n / 2 + 1})};
  std::size_t j = 0;
  for (index_t k = 0; k < p.bins(); ++k) {
    const double f = p.frequency(k);
    if (f < f_low || f < table.frequency.front() || f > table.frequency.back()) {
      p.values[k] = kInf;
      continue;
    }
    while (j + 2 < table.frequency.size() && table.frequency[j + 1] < f) ++j;
    const double f0 = table.frequency[j], f1 = table.frequency[j + 1];
    const double t = (std::log(f) - std::log(f0)) / (std::log(f1) - std::log(f0));
    p.values[k] = std::exp((1 - t) * std::log(table.value[j]) + t * std::log(table.value[j + 1]));
  }
  return p;
}

Psd resample(const Psd& psd, index_t n) {
  check_grid(n, psd.sample_rate, "resample");
  if (psd.values.size() != psd.bins() || psd.n < 2)
    throw InvalidInput("resample", "the PSD's values do not match its grid");
  Psd p{n, psd.sample_rate, Array<double>(Shape{n / 2 + 1})};
  const double ratio = psd.df();
  for (index_t k = 0; k < p.bins(); ++k) {
    const double pos = p.frequency(k) / ratio;  // fractional bin of the source grid
    index_t i = static_cast<index_t>(std::floor(pos));
    if (i >= psd.bins() - 1) {
      p.values[k] = psd.values[psd.bins() - 1];
      continue;
    }
    const double t = pos - static_cast<double>(i);
    const double a = psd.values[i], b = psd.values[i + 1];
    p.values[k] = (std::isinf(a) || std::isinf(b)) ? (t == 0 ? a : kInf) : (1 - t) * a + t * b;
  }
  return p;
}

}  // namespace tweed::gw
