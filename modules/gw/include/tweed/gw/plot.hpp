// Small raster plots for the gw module, written as 8-bit greyscale PNG through io::write_png
// (which writes greyscale only): line plots of strain (before / after denoising, with the
// injection), the study's match-gain curves, and spectrograms.
//
// Figures. A figure is a grid of panels (`columns` per row) under an optional legend band. Each
// panel has a frame, tick marks at "nice" values (1, 2 or 5 x 10^k) with their numbers, an
// optional title above and axis labels, a dotted line at y = 0 when 0 is inside the range, and
// either line series or a greyscale image filling the plot area. Series are told apart by grey
// level, dash pattern, width and optional square markers (no colour: see above). Text uses a
// built-in 3 x 5 pixel font drawn at twice its size: digits, upper-case letters (lower case is
// drawn as upper case), space and . , - + : / ( ) = % _ ; other characters are drawn as blanks.
// Pixel values: 0 = black, 1 = white.
//
// Spectrograms: Hann-windowed short-time periodograms through the shared rfft,
//   P[k, j] = 2 |sum_i w_i x_{j h + i} e^{-2 pi i k i / m}|^2 / (fs sum_i w_i^2)
// (one-sided power spectral density per frame; m = segment samples, h = hop), shown as
// 10 log10 P over a fixed dynamic range below the largest value of all panels of the figure, so
// that panels (e.g. before and after denoising) share one grey scale; white = most power,
// frequency increasing upwards.
#pragma once

#include <limits>
#include <span>
#include <string>
#include <vector>

#include "tweed/core/array.hpp"

namespace tweed::gw {

struct LineStyle {
  double grey = 0;        ///< 0 (black) .. 1 (white)
  std::vector<int> dash;  ///< on/off run lengths in pixels along the curve; empty = solid
  int width = 1;          ///< pen width in pixels (1..9)
  bool markers = false;   ///< a 5 x 5 square at every data point
};

struct PlotSeries {
  std::vector<double> x, y;  ///< same length; non-finite points break the line
  LineStyle style;
  std::string label;  ///< legend text (series with an empty label are left out of the legend)
};

struct PlotPanel {
  std::string title, x_label, y_label;
  std::vector<PlotSeries> series;
  /// Axis limits; NaN = from the data (y with 5 % padding).
  double x_min = std::numeric_limits<double>::quiet_NaN();
  double x_max = std::numeric_limits<double>::quiet_NaN();
  double y_min = std::numeric_limits<double>::quiet_NaN();
  double y_max = std::numeric_limits<double>::quiet_NaN();
  /// Optional picture [rows, cols] of values in [0, 1] stretched over the plot area (row 0 at
  /// the top, at y_max); x_min..x_max and y_min..y_max must then be set.
  Array<double> image;
};

struct FigureOptions {
  index_t width = 1200;  ///< pixels
  index_t height = 500;  ///< pixels
  int columns = 0;       ///< panels per row; 0 = all in one row
  bool legend = true;    ///< a legend band from the labelled series of the first panel
};

/// "Nice" tick positions covering [lo, hi] with about `count` intervals (step 1, 2 or 5 x 10^k).
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

/// The figure as a [height, width] image of values in [0, 1]. Throws InvalidInput for no panels,
/// a figure too small for its panels (each needs about 120 x 80 pixels), series with x and y of
/// different lengths, or an image panel without limits.
Array<double> render_figure(std::span<const PlotPanel> panels, const FigureOptions& options = {});

/// render_figure written as an 8-bit greyscale PNG (atomically, by io::write_png).
void write_figure_png(const std::string& path, std::span<const PlotPanel> panels,
                      const FigureOptions& options = {});

/// Draws `text` into an image of values in [0, 1] with its top-left corner at (row, col), in
/// `grey`, with the built-in font scaled by `scale` (glyphs are 3 x 5 cells of `scale` pixels,
/// advancing 4 cells). Pixels outside the image are skipped. Returns the width drawn (pixels).
index_t draw_text(Array<double>& image, index_t row, index_t col, const std::string& text,
                  double grey = 0, int scale = 2);

struct SpectrogramOptions {
  double segment = 0.125;      ///< s per frame (the GWOSC tutorial's NFFT = fs / 8)
  double overlap = 15.0 / 16;  ///< fraction shared by consecutive frames, in [0, 1)
};

struct Spectrogram {
  Array<double> power;  ///< [bins, frames]: PSD of each frame (1 / Hz for strain)
  double t0 = 0;        ///< centre of frame 0, seconds from the first sample
  double dt = 0;        ///< hop between frames (s)
  double df = 0;        ///< bin spacing (Hz); bin k is k df
};

/// Short-time power spectral densities as above. Throws InvalidInput for a series shorter than
/// one segment, a segment under 8 samples, or an overlap outside [0, 1).
Spectrogram spectrogram(const Array<double>& x, double sample_rate,
                        const SpectrogramOptions& options = {});

/// An image panel of `s` over frequencies [f_min, f_max] (Hz), grey = (10 log10 P - top_db) /
/// range_db + 1 clamped to [0, 1]; x in seconds from the first sample (shifted by time_offset).
PlotPanel spectrogram_panel(const Spectrogram& s, double f_min, double f_max, double top_db,
                            double range_db, double time_offset = 0);
/// 10 log10 of the largest power of `s` over bins up to f_max (for a shared top_db).
double spectrogram_peak_db(const Spectrogram& s, double f_max);

}  // namespace tweed::gw
