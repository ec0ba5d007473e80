// Typed exceptions of Tweed. Every message names its subject (a file, an option or an argument)
// so that a user sees one line that says what is wrong and where: "<subject>: <problem>".
#pragma once

#include <stdexcept>
#include <string>

namespace tweed {

/// Base of every Tweed error. `subject()` is the file, option or argument at fault (may be empty).
class Error : public std::runtime_error {
 public:
  Error(std::string subject, const std::string& problem)
      : std::runtime_error(subject.empty() ? problem : subject + ": " + problem),
        subject_(std::move(subject)) {}
  const std::string& subject() const noexcept { return subject_; }

 private:
  std::string subject_;
};

/// A value the user gave is not acceptable (NaN, out of range, unknown option, bad config key).
class InvalidInput : public Error {
  using Error::Error;
};

/// Two arrays or an array and an operator disagree in shape.
class ShapeMismatch : public Error {
  using Error::Error;
};

/// A file could not be read or written, or its content is malformed or truncated.
class IoError : public Error {
  using Error::Error;
};

/// A feature that exists in the format or the model but that Tweed does not implement.
class Unsupported : public Error {
  using Error::Error;
};

}  // namespace tweed
