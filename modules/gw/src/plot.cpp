// Greyscale raster figures (frames, ticks, a 3 x 5 font, dashed lines, image panels) and
// spectrograms through the shared rfft; see plot.hpp.
#include "tweed/gw/plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>

#include "tweed/core/error.hpp"
#include "tweed/core/fft.hpp"
#include "tweed/io/png.hpp"

namespace tweed::gw {
namespace {

// ---- the font: 5 rows of 3 bits, bit 2 = left column ----

struct Glyph {
  char c;
  std::array<unsigned char, 5> rows;
};
constexpr Glyph kFont[] = {
    {'0', {7, 5, 5, 5, 7}}, {'1', {2, 6, 2, 2, 7}}, {'2', {7, 1, 7, 4, 7}}, {'3', {7, 1, 7, 1, 7}},
    {'4', {5, 5, 7, 1, 1}}, {'5', {7, 4, 7, 1, 7}}, {'6', {7, 4, 7, 5, 7}}, {'7', {7, 1, 1, 2, 2}},
    {'8', {7, 5, 7, 5, 7}}, {'9', {7, 5, 7, 1, 7}}, {'A', {2, 5, 7, 5, 5}}, {'B', {6, 5, 6, 5, 6}},
    {'C', {3, 4, 4, 4, 3}}, {'D', {6, 5, 5, 5, 6}}, {'E', {7, 4, 6, 4, 7}}, {'F', {7, 4, 6, 4, 4}},
    {'G', {3, 4, 5, 5, 3}}, {'H', {5, 5, 7, 5, 5}}, {'I', {7, 2, 2, 2, 7}}, {'J', {1, 1, 1, 5, 2}},
    {'K', {5, 5, 6, 5, 5}}, {'L', {4, 4, 4, 4, 7}}, {'M', {5, 7, 7, 5, 5}}, {'N', {6, 5, 5, 5, 5}},
    {'O', {2, 5, 5, 5, 2}}, {'P', {6, 5, 6, 4, 4}}, {'Q', {2, 5, 5, 6, 3}}, {'R', {6, 5, 6, 5, 5}},
    {'S', {3, 4, 2, 1, 6}}, {'T', {7, 2, 2, 2, 2}}, {'U', {5, 5, 5, 5, 7}}, {'V', {5, 5, 5, 5, 2}},
    {'W', {5, 5, 7, 7, 5}}, {'X', {5, 5, 2, 5, 5}}, {'Y', {5, 5, 2, 2, 2}}, {'Z', {7, 1, 2, 4, 7}},
    {'.', {0, 0, 0, 0, 2}}, {',', {0, 0, 0, 2, 4}}, {'-', {0, 0, 7, 0, 0}}, {'+', {0, 2, 7, 2, 0}},
    {':', {0, 2, 0, 2, 0}}, {'/', {1, 1, 2, 4, 4}}, {'(', {1, 2, 2, 2, 1}}, {')', {4, 2, 2, 2, 4}},
    {'=', {0, 7, 0, 7, 0}}, {'%', {5, 1, 2, 4, 5}}, {'_', {0, 0, 0, 0, 7}}, {'>', {4, 2, 1, 2, 4}},
    {'<', {1, 2, 4, 2, 1}},
};

const Glyph* find_glyph(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (const Glyph& g : kFont)
    if (g.c == c) return &g;
  return nullptr;
}

index_t text_width(const std::string& s, int scale) {
  return s.empty() ? 0 : static_cast<index_t>(s.size()) * 4 * scale - scale;
}

// ---- pixels ----

struct Rect {
  index_t top = 0, left = 0, bottom = 0, right = 0;  // inclusive
  bool contains(index_t r, index_t c) const {
    return r >= top && r <= bottom && c >= left && c <= right;
  }
};

void put(Array<double>& img, index_t r, index_t c, double grey) {
  if (r >= 0 && c >= 0 && r < img.dim(0) && c < img.dim(1)) img(r, c) = grey;
}

void put_pen(Array<double>& img, const Rect& clip, double y, double x, const LineStyle& s) {
  const index_t r0 = static_cast<index_t>(std::lround(y)) - (s.width - 1) / 2;
  const index_t c0 = static_cast<index_t>(std::lround(x)) - (s.width - 1) / 2;
  for (index_t r = r0; r < r0 + s.width; ++r)
    for (index_t c = c0; c < c0 + s.width; ++c)
      if (clip.contains(r, c)) put(img, r, c, s.grey);
}

void hline(Array<double>& img, index_t r, index_t c0, index_t c1, double grey, int dot = 0) {
  for (index_t c = c0; c <= c1; ++c)
    if (dot == 0 || (c / dot) % 2 == 0) put(img, r, c, grey);
}
void vline(Array<double>& img, index_t c, index_t r0, index_t r1, double grey) {
  for (index_t r = r0; r <= r1; ++r) put(img, r, c, grey);
}

// Liang-Barsky clipping of the segment (x0,y0)-(x1,y1) to the box; false when it misses.
bool clip_segment(double& x0, double& y0, double& x1, double& y1, double xlo, double ylo,
                  double xhi, double yhi) {
  double t0 = 0, t1 = 1;
  const double dx = x1 - x0, dy = y1 - y0;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {x0 - xlo, xhi - x0, y0 - ylo, yhi - y0};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0)
      t0 = std::max(t0, t);
    else
      t1 = std::min(t1, t);
    if (t0 > t1) return false;
  }
  const double ax = x0 + t0 * dx, ay = y0 + t0 * dy;
  x1 = x0 + t1 * dx;
  y1 = y0 + t1 * dy;
  x0 = ax;
  y0 = ay;
  return true;
}

// Draws a polyline in pixel coordinates with the style's dash pattern, which continues along the
// whole curve (`travelled` is the pixel length drawn so far).
void draw_segment(Array<double>& img, const Rect& clip, double x0, double y0, double x1, double y1,
                  const LineStyle& s, double& travelled) {
  const double len = std::hypot(x1 - x0, y1 - y0);
  const double start = travelled, ox = x0, oy = y0;
  travelled += len;
  if (!clip_segment(x0, y0, x1, y1, double(clip.left) - 0.5, double(clip.top) - 0.5,
                    double(clip.right) + 0.5, double(clip.bottom) + 0.5))
    return;
  const int steps =
      std::max(1, static_cast<int>(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)) * 2)));
  int period = 0;
  for (int d : s.dash) period += d;
  for (int i = 0; i <= steps; ++i) {
    const double t = static_cast<double>(i) / steps;
    const double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
    if (period > 0) {
      // Position along the dash pattern: the pixel length from the start of the curve.
      const double along = start + std::hypot(x - ox, y - oy);
      double phase = std::fmod(along, static_cast<double>(period));
      bool on = true;
      for (int d : s.dash) {
        if (phase < d) break;
        phase -= d;
        on = !on;
      }
      if (!on) continue;
    }
    put_pen(img, clip, y, x, s);
  }
}

std::string tick_label(double v, double step) {
  char buf[32];
  if (v == 0) return "0";
  const double a = std::abs(v);
  if (a >= 1e5 || step < 1e-4)
    std::snprintf(buf, sizeof buf, "%.2g", v);
  else {
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  return buf;
}

struct Limits {
  double x0, x1, y0, y1;
};

Limits panel_limits(const PlotPanel& p) {
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (const PlotSeries& s : p.series) {
    if (s.x.size() != s.y.size())
      throw InvalidInput("plot series '" + s.label + "'", "x and y differ in length");
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xlo = std::min(xlo, s.x[i]);
      xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  }
  if (!(xlo <= xhi)) xlo = 0, xhi = 1;
  if (!(ylo <= yhi)) ylo = 0, yhi = 1;
  if (xhi == xlo) xlo -= 0.5, xhi += 0.5;
  if (yhi == ylo) ylo -= 0.5, yhi += 0.5;
  const double pad = 0.05 * (yhi - ylo);
  Limits l{xlo, xhi, ylo - pad, yhi + pad};
  if (std::isfinite(p.x_min)) l.x0 = p.x_min;
  if (std::isfinite(p.x_max)) l.x1 = p.x_max;
  if (std::isfinite(p.y_min)) l.y0 = p.y_min;
  if (std::isfinite(p.y_max)) l.y1 = p.y_max;
  if (!(l.x1 > l.x0) || !(l.y1 > l.y0))
    throw InvalidInput("plot panel '" + p.title + "'", "axis limits must be increasing");
  return l;
}

constexpr int kScale = 2;  // font scale
constexpr index_t kCharH = 5 * kScale;
constexpr index_t kLegendH = 26;

void draw_legend(Array<double>& img, const PlotPanel& p) {
  index_t col = 70;
  const index_t mid = kLegendH / 2;
  for (const PlotSeries& s : p.series) {
    if (s.label.empty()) continue;
    double travelled = 0;
    const Rect all{0, 0, img.dim(0) - 1, img.dim(1) - 1};
    draw_segment(img, all, double(col), double(mid), double(col + 36), double(mid), s.style,
                 travelled);
    if (s.style.markers)
      for (index_t r = mid - 2; r <= mid + 2; ++r)
        for (index_t c = col + 16; c <= col + 20; ++c) put(img, r, c, s.style.grey);
    col += 42;
    col += draw_text(img, mid - kCharH / 2, col, s.label, 0, kScale) + 24;
  }
}

void draw_panel(Array<double>& img, const PlotPanel& p, const Rect& cell) {
  const index_t title_h = 18, left = 62, bottom = 34, right = 14;
  const Rect area{cell.top + title_h, cell.left + left, cell.bottom - bottom, cell.right - right};
  if (area.bottom - area.top < 20 || area.right - area.left < 40)
    throw InvalidInput("plot", "the figure is too small for its panels");
  const Limits l = panel_limits(p);
  const double w = static_cast<double>(area.right - area.left);
  const double h = static_cast<double>(area.bottom - area.top);
  auto px = [&](double x) { return double(area.left) + (x - l.x0) / (l.x1 - l.x0) * w; };
  auto py = [&](double y) { return double(area.bottom) - (y - l.y0) / (l.y1 - l.y0) * h; };

  if (p.image.rank() == 2 && p.image.size() > 0) {
    if (!std::isfinite(p.x_min) || !std::isfinite(p.x_max) || !std::isfinite(p.y_min) ||
        !std::isfinite(p.y_max))
      throw InvalidInput("plot panel '" + p.title + "'", "an image panel needs all four limits");
    const index_t rows = p.image.dim(0), cols = p.image.dim(1);
    for (index_t r = area.top; r <= area.bottom; ++r)
      for (index_t c = area.left; c <= area.right; ++c) {
        const index_t ir = std::min(rows - 1, (r - area.top) * rows / (area.bottom - area.top + 1));
        const index_t ic =
            std::min(cols - 1, (c - area.left) * cols / (area.right - area.left + 1));
        put(img, r, c, std::clamp(p.image(ir, ic), 0.0, 1.0));
      }
  } else if (l.y0 < 0 && l.y1 > 0) {
    hline(img, static_cast<index_t>(std::lround(py(0))), area.left, area.right, 0.65, 3);
  }

  for (const PlotSeries& s : p.series) {
    double travelled = 0;
    for (std::size_t i = 0; i + 1 < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || !std::isfinite(s.x[i + 1]) ||
          !std::isfinite(s.y[i + 1]))
        continue;
      draw_segment(img, area, px(s.x[i]), py(s.y[i]), px(s.x[i + 1]), py(s.y[i + 1]), s.style,
                   travelled);
    }
    if (s.x.size() == 1 && std::isfinite(s.y[0]))
      put_pen(img, area, py(s.y[0]), px(s.x[0]), s.style);
    if (s.style.markers)
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
        const index_t r = static_cast<index_t>(std::lround(py(s.y[i])));
        const index_t c = static_cast<index_t>(std::lround(px(s.x[i])));
        for (index_t a = r - 2; a <= r + 2; ++a)
          for (index_t b = c - 2; b <= c + 2; ++b)
            if (area.contains(a, b)) put(img, a, b, s.style.grey);
      }
  }

  // Frame, ticks and their numbers.
  hline(img, area.top, area.left, area.right, 0);
  hline(img, area.bottom, area.left, area.right, 0);
  vline(img, area.left, area.top, area.bottom, 0);
  vline(img, area.right, area.top, area.bottom, 0);
  const std::vector<double> xt = nice_ticks(l.x0, l.x1, std::max<int>(2, int(w / 90)));
  const std::vector<double> yt = nice_ticks(l.y0, l.y1, std::max<int>(2, int(h / 50)));
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1, ystep = yt.size() > 1 ? yt[1] - yt[0] : 1;
  for (double v : xt) {
    const index_t c = static_cast<index_t>(std::lround(px(v)));
    vline(img, c, area.bottom - 5, area.bottom, 0);
    vline(img, c, area.top, area.top + 3, 0);
    const std::string t = tick_label(v, xstep);
    draw_text(img, area.bottom + 5, c - text_width(t, kScale) / 2, t, 0, kScale);
  }
  for (double v : yt) {
    const index_t r = static_cast<index_t>(std::lround(py(v)));
    hline(img, r, area.left, area.left + 5, 0);
    hline(img, r, area.right - 3, area.right, 0);
    const std::string t = tick_label(v, ystep);
    draw_text(img, r - kCharH / 2, area.left - 6 - text_width(t, kScale), t, 0, kScale);
  }
  if (!p.title.empty())
    draw_text(img, cell.top + 3, (area.left + area.right) / 2 - text_width(p.title, kScale) / 2,
              p.title, 0, kScale);
  if (!p.y_label.empty()) draw_text(img, cell.top + 3, cell.left + 4, p.y_label, 0, kScale);
  if (!p.x_label.empty())
    draw_text(img, area.bottom + 7 + kCharH + 4, area.right - text_width(p.x_label, kScale),
              p.x_label, 0, kScale);
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  std::vector<double> t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi) || count < 1) return t;
  const double raw = (hi - lo) / count;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  // The candidate step whose interval count is closest to the request.
  double step = mag;
  for (double m : {2.0, 5.0, 10.0})
    if (std::abs((hi - lo) / (m * mag) - count) < std::abs((hi - lo) / step - count))
      step = m * mag;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k += 1)
    t.push_back(std::abs(k) < 1e-12 ? 0.0 : k * step);
  return t;
}

index_t draw_text(Array<double>& image, index_t row, index_t col, const std::string& text,
                  double grey, int scale) {
  index_t c0 = col;
  for (char ch : text) {
    if (const Glyph* g = find_glyph(ch))
      for (index_t r = 0; r < 5; ++r)
        for (index_t b = 0; b < 3; ++b)
          if (g->rows[static_cast<std::size_t>(r)] & (4 >> b))
            for (index_t a = 0; a < scale; ++a)
              for (index_t d = 0; d < scale; ++d)
                put(image, row + r * scale + a, c0 + b * scale + d, grey);
    c0 += 4 * scale;
  }
  return text_width(text, scale);
}

Array<double> render_figure(std::span<const PlotPanel> panels, const FigureOptions& o) {
  if (panels.empty()) throw InvalidInput("plot", "a figure needs at least one panel");
  const index_t n = static_cast<index_t>(panels.size());
  const index_t cols = o.columns > 0 ? std::min<index_t>(o.columns, n) : n;
  const index_t rows = (n + cols - 1) / cols;
  bool labelled = false;
  for (const PlotSeries& s : panels[0].series) labelled = labelled || !s.label.empty();
  const index_t legend_h = (o.legend && labelled) ? kLegendH : 0;
  if (o.width < 120 * cols || o.height - legend_h < 80 * rows)
    throw InvalidInput("plot", "a " + std::to_string(o.width) + " x " + std::to_string(o.height) +
                                   " figure is too small for " + std::to_string(n) + " panels");
  Array<double> img(Shape{o.height, o.width}, 1.0);
  if (legend_h > 0) draw_legend(img, panels[0]);
  const index_t cw = o.width / cols, ch = (o.height - legend_h) / rows;
  for (index_t i = 0; i < n; ++i) {
    const index_t r = i / cols, c = i % cols;
    const Rect cell{legend_h + r * ch, c * cw, legend_h + (r + 1) * ch - 1, (c + 1) * cw - 1};
    draw_panel(img, panels[static_cast<std::size_t>(i)], cell);
  }
  return img;
}

void write_figure_png(const std::string& path, std::span<const PlotPanel> panels,
                      const FigureOptions& options) {
  io::write_png(path, render_figure(panels, options), 0.0, 1.0);
}

Spectrogram spectrogram(const Array<double>& x, double fs, const SpectrogramOptions& o) {
  if (!(fs > 0)) throw InvalidInput("spectrogram", "the sample rate must be positive");
  if (!(o.overlap >= 0 && o.overlap < 1))
    throw InvalidInput("spectrogram overlap", "must be in [0, 1)");
  const index_t m = static_cast<index_t>(std::lround(o.segment * fs));
  if (m < 8) throw InvalidInput("spectrogram segment", "must span at least 8 samples");
  if (x.rank() != 1 || x.size() < m)
    throw InvalidInput("spectrogram", "the series is shorter than one segment");
  const index_t hop =
      std::max<index_t>(1, static_cast<index_t>(std::lround(double(m) * (1 - o.overlap))));
  const index_t frames = 1 + (x.size() - m) / hop;
  // Periodic Hann window (scipy's get_window('hann')).
  std::vector<double> w(static_cast<std::size_t>(m));
  double w2 = 0;
  for (index_t i = 0; i < m; ++i) {
    w[static_cast<std::size_t>(i)] =
        0.5 - 0.5 * std::cos(2 * std::numbers::pi * double(i) / double(m));
    w2 += w[static_cast<std::size_t>(i)] * w[static_cast<std::size_t>(i)];
  }
  Array<double> seg(Shape{frames, m}, uninitialized);
  for (index_t j = 0; j < frames; ++j)
    for (index_t i = 0; i < m; ++i) seg(j, i) = w[static_cast<std::size_t>(i)] * x[j * hop + i];
  const Array<cdouble> s = fft::rfft(seg, 1, fft::Norm::backward);
  const index_t bins = m / 2 + 1;
  Spectrogram out;
  out.power = Array<double>(Shape{bins, frames}, uninitialized);
  for (index_t k = 0; k < bins; ++k) {
    const double c = (k == 0 || 2 * k == m) ? 1.0 : 2.0;
    for (index_t j = 0; j < frames; ++j) out.power(k, j) = c * std::norm(s(j, k)) / (fs * w2);
  }
  out.dt = double(hop) / fs;
  out.t0 = 0.5 * double(m) / fs;
  out.df = fs / double(m);
  return out;
}

double spectrogram_peak_db(const Spectrogram& s, double f_max) {
  double peak = 0;
  for (index_t k = 0; k < s.power.dim(0) && double(k) * s.df <= f_max; ++k)
    for (index_t j = 0; j < s.power.dim(1); ++j) peak = std::max(peak, s.power(k, j));
  return 10 * std::log10(std::max(peak, 1e-300));
}

PlotPanel spectrogram_panel(const Spectrogram& s, double f_min, double f_max, double top_db,
                            double range_db, double time_offset) {
  if (!(f_max > f_min) || !(range_db > 0))
    throw InvalidInput("spectrogram", "needs f_min < f_max and a positive dB range");
  const index_t k0 = std::max<index_t>(0, static_cast<index_t>(std::ceil(f_min / s.df)));
  const index_t k1 = std::min<index_t>(s.power.dim(0) - 1, static_cast<index_t>(f_max / s.df));
  if (k1 < k0) throw InvalidInput("spectrogram", "no frequency bin between f_min and f_max");
  const index_t frames = s.power.dim(1), rows = k1 - k0 + 1;
  PlotPanel p;
  p.image = Array<double>(Shape{rows, frames}, uninitialized);
  for (index_t r = 0; r < rows; ++r)
    for (index_t j = 0; j < frames; ++j) {
      const double db = 10 * std::log10(std::max(s.power(k1 - r, j), 1e-300));
      p.image(r, j) = std::clamp((db - top_db) / range_db + 1, 0.0, 1.0);
    }
  p.x_min = time_offset + s.t0 - s.dt / 2;
  p.x_max = time_offset + s.t0 + (double(frames) - 0.5) * s.dt;
  p.y_min = (double(k0) - 0.5) * s.df;
  p.y_max = (double(k1) + 0.5) * s.df;
  p.x_label = "time (s)";
  p.y_label = "Hz";
  return p;
}

}  // namespace tweed::gw
