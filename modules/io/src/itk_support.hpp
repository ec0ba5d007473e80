// Private: ITK set-up shared by the image reader and writer.
#pragma once

#include <itkImageIOBase.h>
#include <itkMacro.h>

#include <string>

#include "tweed/io/format.hpp"

namespace tweed::io::itk_support {

/// Registers the NIfTI, MetaImage, NRRD and GDCM IO factories with ITK, once per process, so that
/// itk::ImageIOFactory finds them (Tweed also picks the IO itself, see make_io).
void register_factories();

/// A new ImageIO object for a format (NIfTI, MetaImage, NRRD, DICOM/DICOM series).
itk::ImageIOBase::Pointer make_io(Format f);

/// The first line of an ITK exception's description, trimmed: ITK's full text spans several
/// lines with source locations that mean nothing to a user.
std::string short_reason(const itk::ExceptionObject& e);

}  // namespace tweed::io::itk_support
