// AtomicOutput: the one way every Tweed writer puts a file in place (ARCHITECTURE.md §4).
//
// A writer asks for a temporary path in the target's own folder, writes there, and calls
// commit(), which renames the temporary onto the target. rename(2) within one folder (one file
// system) is atomic, so a reader of the target sees either the old file or the complete new one,
// never a half-written file. If commit() is never reached (an exception, a failed write) the
// destructor removes the temporary, so a failure leaves nothing at the target path and no
// temporary behind.
//
// Temporary names are "<folder>/.<name>.tweedtmp-<pid>-<n><suffix>": hidden, unique per process
// and call, and recognisable (".tweedtmp-") for clean-up. `suffix` exists for libraries that pick
// the format from the extension (ITK reads ".nii.gz" to decide to compress).
//
// Limits: atomic against a failing or killed process, not against a power cut (there is no
// fsync); the target's folder must exist and be writable. Not copyable or movable: the object
// owns a file name for its lifetime.
#pragma once

#include <string>

namespace tweed {

class AtomicOutput {
 public:
  /// Creates an empty temporary file next to `target` (exclusive create, mode 0666 & ~umask).
  /// Throws IoError naming `target` if the folder is missing or not writable.
  explicit AtomicOutput(std::string target, const std::string& suffix = "");
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  /// Where the writer writes.
  const std::string& temp_path() const { return temp_; }
  /// Where the file ends up.
  const std::string& target() const { return target_; }
  bool committed() const { return committed_; }

  /// Renames the temporary onto the target (replacing an existing file). On failure the
  /// temporary is removed and IoError naming the target is thrown.
  void commit();
  /// Removes the temporary now (also done by the destructor when not committed).
  void discard() noexcept;

 private:
  std::string target_;
  std::string temp_;
  bool committed_ = false;
};

/// True when `filename` (no folder) looks like an AtomicOutput temporary.
bool is_atomic_temporary(const std::string& filename);

}  // namespace tweed
