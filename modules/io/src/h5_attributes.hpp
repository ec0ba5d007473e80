// Private: reading and writing the attributes of one HDF5 object (file root, group or dataset).
#pragma once

#include <hdf5.h>

#include <string>

#include "tweed/io/hdf5.hpp"

namespace tweed::io::h5 {

/// All attributes of `object` that map to AttributeValue; others are skipped. `subject` names the
/// file and object in errors.
Attributes read_attributes(hid_t object, const std::string& subject);

/// Creates or replaces one attribute.
void write_attribute(hid_t object, const std::string& name, const AttributeValue& value,
                     const std::string& subject);

}  // namespace tweed::io::h5
