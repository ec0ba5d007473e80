// RAII ownership of HDF5 C-API identifiers, for the io layer and for domain modules that use the
// C API directly on layouts the generic H5Reader/H5Writer do not cover (e.g. GWOSC's string
// datasets in the gw module). Including this header includes hdf5.h: use it from .cpp files only.
#pragma once

#include <hdf5.h>

#include <utility>

namespace tweed::io::h5 {

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, -1);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

/// Turns off HDF5's automatic error printing for the calling thread (the thread-safe build has
/// one error stack per thread, so a single call at start-up would not cover worker threads).
void quiet();

}  // namespace tweed::io::h5
