#include <itkGDCMImageIO.h>
#include <itkGDCMSeriesFileNames.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageSeriesReader.h>
#include <itkMetaDataObject.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "dicom_check.hpp"
#include "itk_support.hpp"
#include "metaimage_header.hpp"
#include "nifti_header.hpp"
#include "tweed/io/format.hpp"
#include "tweed/io/itk_image.hpp"

namespace tweed::io {

namespace fs = std::filesystem;
using itk_support::short_reason;

namespace {

constexpr unsigned kMaxImageDim = 4;

std::string component_name(itk::IOComponentEnum c) {
  using C = itk::IOComponentEnum;
  switch (c) {
    case C::UCHAR:
      return "uint8";
    case C::CHAR:
      return "int8";
    case C::USHORT:
      return "uint16";
    case C::SHORT:
      return "int16";
    case C::UINT:
      return "uint32";
    case C::INT:
      return "int32";
    case C::ULONG:
    case C::ULONGLONG:
      return "uint64";
    case C::LONG:
    case C::LONGLONG:
      return "int64";
    case C::FLOAT:
      return "float32";
    case C::DOUBLE:
      return "float64";
    default:
      return "unknown";
  }
}

std::string number_text(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form: "-1024", "0.5"
  return std::string(buf, r.ptr);
}

std::string dicom_tag(const itk::MetaDataDictionary& dict, const std::string& key) {
  std::string v;
  itk::ExposeMetaData<std::string>(dict, key, v);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.pop_back();
  return v;
}

// Geometry and facts from an ImageIO that has read its header.
ImageHeader header_from_io(itk::ImageIOBase* io, Format f) {
  ImageHeader h;
  h.format = format_name(f);
  const unsigned d = io->GetNumberOfDimensions();
  for (unsigned i = d; i-- > 0;) h.shape.push_back(static_cast<index_t>(io->GetDimensions(i)));
  h.stored_type = component_name(io->GetComponentType());
  h.components = static_cast<int>(io->GetNumberOfComponents());
  h.meta.direction.assign(static_cast<std::size_t>(d) * d, 0.0);
  for (unsigned i = 0; i < d; ++i) {
    h.meta.spacing.push_back(io->GetSpacing(i));
    h.meta.origin.push_back(io->GetOrigin(i));
    const std::vector<double> axis = io->GetDirection(i);
    for (unsigned r = 0; r < d && r < axis.size(); ++r) h.meta.direction[r * d + i] = axis[r];
  }
  if (auto* g = dynamic_cast<itk::GDCMImageIO*>(io)) {
    const auto& dict = g->GetMetaDataDictionary();
    h.properties["modality"] = dicom_tag(dict, "0008|0060");
    h.properties["series_uid"] = dicom_tag(dict, "0020|000e");
    h.properties["rescale_slope"] = number_text(g->GetRescaleSlope());
    h.properties["rescale_intercept"] = number_text(g->GetRescaleIntercept());
  }
  return h;
}

void check_header(const ImageHeader& h, const std::string& path) {
  if (h.components != 1)
    throw IoError(path, "has " + std::to_string(h.components) +
                            " components per pixel; Tweed reads scalar images only");
  if (h.shape.empty() || h.shape.size() > kMaxImageDim)
    throw IoError(path, "has " + std::to_string(h.shape.size()) + " dimensions; Tweed reads 1 to " +
                            std::to_string(kMaxImageDim));
  for (index_t n : h.shape)
    if (n < 1) throw IoError(path, "has an empty dimension");
}

// The checks that must pass before ITK touches a file.
void prevalidate(const std::string& path, Format f, bool header_only) {
  if (f == Format::nifti) {
    const NiftiHeaderFacts n = check_nifti_header(path, !header_only);
    if (n.version == 2)
      throw Unsupported(path, "NIfTI-2 files cannot be read by this ITK (5.2); convert to NIfTI-1");
  } else if (f == Format::metaimage) {
    check_metaimage_header(path);
  } else if (f == Format::dicom) {
    check_dicom_file(path);
  }
}

Format image_format(const std::string& path) {
  const Format f = detect_format(path);
  switch (f) {
    case Format::nifti:
    case Format::metaimage:
    case Format::nrrd:
    case Format::dicom:
    case Format::dicom_series:
      return f;
    case Format::unknown:
      if (fs::is_directory(path)) throw IoError(path, "folder holds no DICOM files");
      throw IoError(path, "not a recognised image file");
    default:
      throw IoError(path,
                    std::string("is a ") + format_name(f) +
                        " file, not an image format ITK reads (NIfTI, MetaImage, NRRD, DICOM)");
  }
}

struct Series {
  std::vector<std::string> files;
  std::size_t series_count = 0;
  std::string uid;
};

Series dicom_series(const std::string& dir) {
  auto names = itk::GDCMSeriesFileNames::New();
  names->SetUseSeriesDetails(false);
  names->SetDirectory(dir);
  Series s;
  const auto& uids = names->GetSeriesUIDs();
  s.series_count = uids.size();
  for (const auto& uid : uids) {
    auto files = names->GetFileNames(uid);
    if (files.size() > s.files.size()) {
      s.files = files;
      s.uid = uid;
    }
  }
  if (s.files.empty()) throw IoError(dir, "folder holds no readable DICOM series");
  return s;
}

template <unsigned D>
Image read_pixels(itk::ImageIOBase* io, const std::vector<std::string>& files, bool series) {
  using ImageT = itk::Image<float, D>;
  typename ImageT::Pointer img;
  if (series) {
    auto reader = itk::ImageSeriesReader<ImageT>::New();
    reader->SetImageIO(io);
    reader->SetFileNames(files);
    reader->Update();
    img = reader->GetOutput();
  } else {
    auto reader = itk::ImageFileReader<ImageT>::New();
    reader->SetImageIO(io);
    reader->SetFileName(files.front());
    reader->Update();
    img = reader->GetOutput();
  }
  const auto size = img->GetLargestPossibleRegion().GetSize();
  std::vector<index_t> shape;
  for (unsigned i = D; i-- > 0;) shape.push_back(static_cast<index_t>(size[i]));
  Image out;
  out.data = Array<float>(Shape(shape));
  // ITK's buffer is x-fastest, which is the row-major order of [.., z, y, x]: copy as is.
  std::memcpy(out.data.data(), img->GetBufferPointer(), out.data.bytes());
  out.meta.direction.assign(D * D, 0.0);
  for (unsigned i = 0; i < D; ++i) {
    out.meta.spacing.push_back(img->GetSpacing()[i]);
    out.meta.origin.push_back(img->GetOrigin()[i]);
    for (unsigned j = 0; j < D; ++j) out.meta.direction[i * D + j] = img->GetDirection()[i][j];
  }
  return out;
}

}  // namespace

ImageHeader itk_read_image_header(const std::string& path) {
  const Format f = image_format(path);
  try {
    if (f == Format::dicom_series) {
      const Series s = dicom_series(path);
      auto io = itk_support::make_io(f);
      check_dicom_file(s.files.front());
      io->SetFileName(s.files.front());
      io->ReadImageInformation();
      ImageHeader h = header_from_io(io.GetPointer(), f);
      // One slice per file: the stack axis comes first in Tweed's order.
      if (h.shape.size() == 2)
        h.shape.insert(h.shape.begin(), static_cast<index_t>(s.files.size()));
      else if (!h.shape.empty())
        h.shape.front() = static_cast<index_t>(s.files.size());
      h.properties["files"] = std::to_string(s.files.size());
      h.properties["series_in_folder"] = std::to_string(s.series_count);
      return h;
    }
    prevalidate(path, f, true);
    auto io = itk_support::make_io(f);
    io->SetFileName(path);
    if (!io->CanReadFile(path.c_str()))
      throw IoError(path, std::string("ITK cannot read this file as ") + format_name(f));
    io->ReadImageInformation();
    return header_from_io(io.GetPointer(), f);
  } catch (const itk::ExceptionObject& e) {
    throw IoError(path, short_reason(e));
  }
}

Image itk_read_image(const std::string& path) {
  const Format f = image_format(path);
  try {
    std::vector<std::string> files;
    Series series;
    if (f == Format::dicom_series) {
      series = dicom_series(path);
      files = series.files;
      for (const auto& file : files) check_dicom_file(file);
    } else {
      prevalidate(path, f, false);
      files = {path};
    }
    auto io = itk_support::make_io(f);
    io->SetFileName(files.front());
    if (!io->CanReadFile(files.front().c_str()))
      throw IoError(path, std::string("ITK cannot read this file as ") + format_name(f));
    io->ReadImageInformation();
    ImageHeader h = header_from_io(io.GetPointer(), f);
    check_header(h, path);
    const bool stack = f == Format::dicom_series;
    // A series of 2-D slices becomes a 3-D volume.
    const unsigned dim = stack ? 3u : static_cast<unsigned>(h.shape.size());
    Image img;
    switch (dim) {
      case 1:
        img = read_pixels<1>(io.GetPointer(), files, stack);
        break;
      case 2:
        img = read_pixels<2>(io.GetPointer(), files, stack);
        break;
      case 3:
        img = read_pixels<3>(io.GetPointer(), files, stack);
        break;
      case 4:
        img = read_pixels<4>(io.GetPointer(), files, stack);
        break;
      default:
        throw IoError(path, "unsupported number of dimensions");
    }
    img.properties = h.properties;
    if (stack) {
      img.properties["files"] = std::to_string(files.size());
      img.properties["series_in_folder"] = std::to_string(series.series_count);
    }
    return img;
  } catch (const itk::ExceptionObject& e) {
    throw IoError(path, short_reason(e));
  }
}

}  // namespace tweed::io
