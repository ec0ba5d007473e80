#include <itkImage.h>
#include <itkImageFileWriter.h>

#include <algorithm>
#include <cctype>

#include "itk_support.hpp"
#include "tweed/core/atomic_output.hpp"
#include "tweed/io/itk_image.hpp"

namespace tweed::io {

namespace {

struct Target {
  Format format;
  std::string extension;  // kept on the temporary: ITK picks compression and layout from it
  bool compress;
};

Target target_of(const std::string& path) {
  std::string p = path;
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
  auto ends = [&](const std::string& s) {
    return p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".nii.gz")) return {Format::nifti, path.substr(path.size() - 7), true};
  if (ends(".nii")) return {Format::nifti, path.substr(path.size() - 4), false};
  if (ends(".mha")) return {Format::metaimage, path.substr(path.size() - 4), false};
  if (ends(".nrrd")) return {Format::nrrd, path.substr(path.size() - 5), false};
  if (ends(".mhd") || ends(".nhdr") || ends(".hdr"))
    throw InvalidInput(
        path, "detached-header formats cannot be written atomically; use .mha, .nrrd or .nii");
  throw InvalidInput(
      path, "cannot tell the image format from the extension; use .nii, .nii.gz, .mha or .nrrd");
}

void check_meta(const std::string& path, const ImageMeta& m, std::size_t d) {
  auto bad = [&](const char* what, std::size_t got, std::size_t want) {
    throw InvalidInput(path, std::string(what) + " has " + std::to_string(got) + " values; a " +
                                 std::to_string(d) + "-D image needs " + std::to_string(want));
  };
  if (!m.spacing.empty() && m.spacing.size() != d) bad("spacing", m.spacing.size(), d);
  if (!m.origin.empty() && m.origin.size() != d) bad("origin", m.origin.size(), d);
  if (!m.direction.empty() && m.direction.size() != d * d)
    bad("direction", m.direction.size(), d * d);
  for (double s : m.spacing)
    if (!(s > 0)) throw InvalidInput(path, "spacing must be positive");
}

template <unsigned D>
void write_pixels(itk::ImageIOBase* io, const std::string& file, const Array<float>& data,
                  const ImageMeta& meta, bool compress) {
  using ImageT = itk::Image<float, D>;
  auto img = ImageT::New();
  typename ImageT::SizeType size;
  for (unsigned i = 0; i < D; ++i)
    size[i] = static_cast<itk::SizeValueType>(data.dim(static_cast<int>(D - 1 - i)));
  img->SetRegions(typename ImageT::RegionType(size));
  typename ImageT::SpacingType spacing;
  typename ImageT::PointType origin;
  typename ImageT::DirectionType direction;
  direction.SetIdentity();
  for (unsigned i = 0; i < D; ++i) {
    spacing[i] = meta.spacing.empty() ? 1.0 : meta.spacing[i];
    origin[i] = meta.origin.empty() ? 0.0 : meta.origin[i];
    if (!meta.direction.empty())
      for (unsigned j = 0; j < D; ++j) direction[i][j] = meta.direction[i * D + j];
  }
  img->SetSpacing(spacing);
  img->SetOrigin(origin);
  img->SetDirection(direction);
  // Let ITK look at the Array's buffer (row-major [.., y, x] is ITK's x-fastest order); ITK does
  // not own it and does not write to it.
  img->GetPixelContainer()->SetImportPointer(const_cast<float*>(data.data()),
                                             static_cast<itk::SizeValueType>(data.size()), false);
  auto writer = itk::ImageFileWriter<ImageT>::New();
  writer->SetInput(img);
  writer->SetImageIO(io);
  writer->SetFileName(file);
  writer->SetUseCompression(compress);
  writer->Update();
}

}  // namespace

void itk_write_image(const std::string& path, const Array<float>& data, const ImageMeta& meta) {
  const Target t = target_of(path);
  const int rank = data.rank();
  if (rank < 1 || rank > 4)
    throw InvalidInput(path,
                       "images of rank 1 to 4 can be written; got rank " + std::to_string(rank));
  if (data.size() == 0) throw InvalidInput(path, "image is empty");
  check_meta(path, meta, static_cast<std::size_t>(rank));
  AtomicOutput out(path, t.extension);
  auto io = itk_support::make_io(t.format);
  try {
    switch (rank) {
      case 1:
        write_pixels<1>(io.GetPointer(), out.temp_path(), data, meta, t.compress);
        break;
      case 2:
        write_pixels<2>(io.GetPointer(), out.temp_path(), data, meta, t.compress);
        break;
      case 3:
        write_pixels<3>(io.GetPointer(), out.temp_path(), data, meta, t.compress);
        break;
      case 4:
        write_pixels<4>(io.GetPointer(), out.temp_path(), data, meta, t.compress);
        break;
    }
  } catch (const itk::ExceptionObject& e) {
    throw IoError(path, "cannot write: " + itk_support::short_reason(e));
  }
  out.commit();
}

}  // namespace tweed::io
