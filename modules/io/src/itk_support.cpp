#include "itk_support.hpp"

#include <itkGDCMImageIO.h>
#include <itkGDCMImageIOFactory.h>
#include <itkMetaImageIO.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIO.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIO.h>
#include <itkNrrdImageIOFactory.h>

#include <mutex>
#include <vector>

namespace tweed::io::itk_support {

void register_factories() {
  static std::once_flag once;
  std::call_once(once, [] {
    itk::NiftiImageIOFactory::RegisterOneFactory();
    itk::MetaImageIOFactory::RegisterOneFactory();
    itk::NrrdImageIOFactory::RegisterOneFactory();
    itk::GDCMImageIOFactory::RegisterOneFactory();
  });
}

itk::ImageIOBase::Pointer make_io(Format f) {
  register_factories();
  switch (f) {
    case Format::nifti:
      return itk::NiftiImageIO::New().GetPointer();
    case Format::metaimage:
      return itk::MetaImageIO::New().GetPointer();
    case Format::nrrd:
      return itk::NrrdImageIO::New().GetPointer();
    case Format::dicom:
    case Format::dicom_series:
      return itk::GDCMImageIO::New().GetPointer();
    default:
      return nullptr;
  }
}

std::string short_reason(const itk::ExceptionObject& e) {
  // ITK's description looks like "ITK ERROR: NrrdImageIO(0x55..): Read: Error reading x.nrrd:\n"
  // followed by a library's trace ("[nrrd] ...: trouble", ..., the actual cause last). Keep the
  // first line without the object prefix, plus the last trace line when the first ends in ':'.
  std::vector<std::string> lines;
  std::string d = e.GetDescription() ? e.GetDescription() : "";
  std::size_t start = 0;
  while (start <= d.size()) {
    std::size_t end = d.find('\n', start);
    if (end == std::string::npos) end = d.size();
    std::string line = d.substr(start, end - start);
    const std::size_t b = line.find_first_not_of(" \t\r");
    if (b != std::string::npos) {
      line = line.substr(b);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
      lines.push_back(line);
    }
    start = end + 1;
  }
  if (lines.empty()) return "ITK error";
  std::string first = lines.front();
  if (first.rfind("ITK ERROR: ", 0) == 0) {
    first = first.substr(11);
    // Drop "ClassName(0x...): ".
    const std::size_t paren = first.find("): ");
    if (paren != std::string::npos && first.find('(') < paren) first = first.substr(paren + 3);
  }
  if (!first.empty() && first.back() == ':' && lines.size() > 1) {
    std::string last = lines.back();
    if (last.rfind('[', 0) == 0 && last.find("] ") != std::string::npos)
      last = last.substr(last.find("] ") + 2);
    first += " " + last;
  }
  while (!first.empty() && first.back() == '.') first.pop_back();
  return first;
}

}  // namespace tweed::io::itk_support
