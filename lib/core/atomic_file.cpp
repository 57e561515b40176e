#include "core/atomic_file.h"

#include "core/text_catalogue.h"

#include "core/output_target.h"
#include "core/temp_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vetkit {

AtomicFile::~AtomicFile() {
  abandon();
}

bool AtomicFile::open(const std::string& path, std::string* err) {
  path_ = path;
  buffer_.reserve(kBufferSize);
  if (path == "-") {
    is_stdout_ = true;
    fd_ = STDOUT_FILENO;
    return true;
  }
  OutputTarget target = resolveOutputTarget(path);
  if (target.in_place) {
    fd_ = openInPlace(target);
    if (fd_ < 0) {
      *err = path + ": " + tr("cannot open: {reason}", {{"reason", errnoText(errno)}});
      return false;
    }
    is_stdout_ = true;  // streamed, nothing to rename
    owns_fd_ = true;
    return true;
  }
  target_ = target.path;  // a symlink's regular file: the temporary goes beside it
  std::string tmpl = target_ + ".tmp.XXXXXX";
  fd_ = TempFiles::create(&tmpl, TempFiles::kFile, &temp_slot_);  // mkstemp: mode 0600
  if (fd_ < 0) {
    *err = path + ": " + tr("cannot create: {reason}", {{"reason", errnoText(errno)}});
    return false;
  }
  tmp_path_ = tmpl;
  return true;
}

void AtomicFile::openDescriptor(int fd) {
  path_ = fd == STDERR_FILENO ? tr("standard error")
                              : tr("descriptor {fd}", {{"fd", std::to_string(fd)}});
  buffer_.reserve(kBufferSize);
  is_stdout_ = true;
  fd_ = fd;
}

bool AtomicFile::flushBuffer() {
  size_t done = 0;
  while (done < buffer_.size() && !failed_) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      failed_ = true;
      errno_ = errno;
      broken_pipe_ = errno == EPIPE;
    } else {
      done += size_t(n);
    }
  }
  flushed_ += done;
  buffer_.clear();
  return !failed_;
}

void AtomicFile::write(std::string_view data) {
  if (failed_ || fd_ < 0) return;
  buffer_.append(data);
  wrote();
}

bool AtomicFile::commit(std::string* err) {
  if (fd_ < 0) {
    *err = path_ + ": " + tr("not open");
    return false;
  }
  flushBuffer();
  if (is_stdout_) {
    if (owns_fd_ && ::close(fd_) != 0 && !failed_) {
      failed_ = true;
      errno_ = errno;
    }
    owns_fd_ = false;
    fd_ = -1;
    if (failed_ && !broken_pipe_) {
      *err = (path_ == "-" ? tr("standard output") : path_) + ": " + errnoText(errno_);
      return false;
    }
    return true;
  }
  if (!failed_ && fsync(fd_) != 0) {
    failed_ = true;
    errno_ = errno;
  }
  if (::close(fd_) != 0 && !failed_) {
    failed_ = true;
    errno_ = errno;
  }
  fd_ = -1;
  if (!failed_ && std::rename(tmp_path_.c_str(), target_.c_str()) != 0) {
    failed_ = true;
    errno_ = errno;
  }
  if (failed_) {
    *err = path_ + ": " + tr("cannot write: {reason}", {{"reason", errnoText(errno_)}});
    unlink(tmp_path_.c_str());
    forgetTemp();
    return false;
  }
  forgetTemp();
  return true;
}

bool AtomicFile::rollback(size_t mark) {
  if (mark >= flushed_) {
    buffer_.resize(mark - flushed_);
    return true;
  }
  if (is_stdout_ || failed_) return false;
  buffer_.clear();
  if (ftruncate(fd_, off_t(mark)) != 0 || lseek(fd_, off_t(mark), SEEK_SET) < 0) {
    failed_ = true;
    errno_ = errno;
    return false;
  }
  flushed_ = mark;
  return true;
}

void AtomicFile::abandon() {
  if (fd_ >= 0 && (!is_stdout_ || owns_fd_)) ::close(fd_);
  owns_fd_ = false;
  fd_ = -1;
  if (!tmp_path_.empty()) unlink(tmp_path_.c_str());
  forgetTemp();
}

void AtomicFile::forgetTemp() {
  TempFiles::remove(temp_slot_);
  temp_slot_ = -1;
  tmp_path_.clear();
}

}  // namespace vetkit
