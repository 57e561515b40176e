// Output that appears whole or not at all: data is written to a temporary file beside the
// target and renamed over it only on commit(), so a crash or an error never leaves a
// half-written file, and SIGINT or SIGTERM removes the temporary too (see TempFiles).
// "-" means standard output, written directly; so is a target that exists and is not a
// regular file (a device, a FIFO, /dev/stdout), which must never be renamed over, and a
// symlink is followed to the file it names (see output_target.h).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "core/line_output.h"

namespace vetkit {

class AtomicFile : public LineOutput {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();

  /// Opens a temporary file next to `path` (mode 0600: these are personal data), stdout for
  /// "-", or `path` itself when it is a device, FIFO or socket.
  bool open(const std::string& path, std::string* err);
  /// Writes straight to an open descriptor (standard error), with nothing to rename.
  void openDescriptor(int fd);
  /// Buffered write; errors are sticky and reported by commit().
  void write(std::string_view data);
  void wrote() override {
    if (buffer_.size() >= kBufferSize) flushBuffer();
  }
  /// Flushes, syncs and renames the temporary file over the target.
  bool commit(std::string* err);
  /// The number of bytes written so far, to roll back to.
  size_t mark() const override { return flushed_ + buffer_.size(); }
  /// Forgets everything written after `mark`: the output of an input that failed half-way.
  /// False when that part already went down a pipe.
  bool rollback(size_t mark) override;
  /// Drops the temporary file (called by the destructor too).
  void abandon();
  /// True once a write failed with EPIPE: the reader went away, which is not an error.
  bool brokenPipe() const override { return broken_pipe_; }

 private:
  static constexpr size_t kBufferSize = 1 << 20;
  bool flushBuffer();
  /// Once the temporary is renamed or removed: no longer ours to clean up.
  void forgetTemp();

  std::string path_, target_, tmp_path_;  // as named; what is replaced; the temporary
  int temp_slot_ = -1;  // in TempFiles, so that SIGINT or SIGTERM removes tmp_path_
  int fd_ = -1;
  bool is_stdout_ = false;  // written directly: stdout, stderr or an in-place target
  bool owns_fd_ = false;    // an in-place target's descriptor, closed on commit
  bool failed_ = false;
  bool broken_pipe_ = false;
  int errno_ = 0;
  size_t flushed_ = 0;
};

}  // namespace vetkit
